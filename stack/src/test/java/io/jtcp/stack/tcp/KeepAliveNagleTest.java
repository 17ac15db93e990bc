package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Seg.ack;
import static io.jtcp.stack.harness.Seg.data;
import static io.jtcp.stack.harness.Seg.rst;

import io.jtcp.stack.harness.TcpScript;
import org.junit.jupiter.api.Test;

/** Keep-alive (RFC 9293 §3.8.4) and Nagle's algorithm (RFC 9293 §3.7.4). */
class KeepAliveNagleTest {
    private static final long S = 1_000_000_000L;

    /** A probe is SEG.SEQ = SND.NXT − 1 with no data; the peer's ACK resets the idle timer. */
    @Test
    void shouldProbeAnIdleConnectionAndStayOpenWhenThePeerAnswers() {
        TcpScript s = new TcpScript().establishedPassive();
        long start = s.now();
        s.app("keepAlive(10 s, 1 s, 3)", c -> c.keepAlive(10 * S, S, 3));
        s.expectNothingBefore(start + 10 * S);
        s.expectAt(start + 10 * S, ack().seq(0).ack(1));
        s.inject(ack().seq(1).ack(1));
        s.expectNothingBefore(start + 20 * S);
        s.expectAt(start + 20 * S, ack().seq(0).ack(1));
        s.assertState(TcpState.ESTABLISHED);
    }

    /** Unanswered probes (here 3, one a second) end the connection: RST, TIMED_OUT. */
    @Test
    void shouldTimeOutWhenKeepAliveProbesGoUnanswered() {
        TcpScript s = new TcpScript().establishedPassive();
        long start = s.now();
        s.app("keepAlive(10 s, 1 s, 3)", c -> c.keepAlive(10 * S, S, 3));
        s.expectAt(start + 10 * S, ack().seq(0).ack(1));
        s.expectAt(start + 11 * S, ack().seq(0).ack(1));
        s.expectAt(start + 12 * S, ack().seq(0).ack(1));
        s.expectAt(start + 13 * S, rst().seq(1));
        s.checkEquals(CloseReason.TIMED_OUT, s.closeReason(), "close reason");
    }

    /** Keep-alive is off unless asked for: an idle connection sends nothing, ever. */
    @Test
    void shouldStaySilentWhenKeepAliveIsOff() {
        TcpScript s = new TcpScript().establishedPassive();
        s.expectNothingBefore(s.now() + 3600 * S);
        s.assertState(TcpState.ESTABLISHED);
    }

    /** Nagle on: the partial segment waits for the ACK of what is in flight, then goes. */
    @Test
    void shouldHoldPartialSegmentWhileDataIsUnackedWhenNagleIsOn() {
        TcpScript s = new TcpScript().establishedPassive();
        s.app("nagle(true)", c -> c.nagle(true));
        s.write(2000);
        s.expect(data(1460).seq(1).ack(1));
        s.expectNothing();
        s.inject(ack().seq(1).ack(1461));
        s.expect(data(540).seq(1461).ack(1));
    }

    /** Nagle off (the default): the partial segment follows at once. */
    @Test
    void shouldSendPartialSegmentAtOnceWhenNagleIsOff() {
        TcpScript s = new TcpScript().establishedPassive();
        s.write(2000);
        s.expect(data(1460).seq(1).ack(1));
        s.expect(data(540).seq(1461).ack(1));
    }

    /** An application that only looked at writableBytes() == 0 is still told when space frees. */
    @Test
    void shouldSignalWritableWhenTheApplicationSawAFullBufferWithoutWriting() {
        TcpScript s = new TcpScript(c -> c.sendBufferBytes(4096)).establishedPassive();
        s.write(4096);
        s.expect(data(1460).seq(1).ack(1));
        s.expect(data(1460).seq(1461).ack(1));
        s.expect(data(1176).seq(2921).ack(1));
        s.app("writableBytes() == 0", c -> s.checkEquals(0, c.writableBytes(), "send buffer full"));
        s.inject(ack().seq(1).ack(1461));
        s.check(s.events().contains("writable"), "onWritable after space freed: " + s.events());
    }
}
