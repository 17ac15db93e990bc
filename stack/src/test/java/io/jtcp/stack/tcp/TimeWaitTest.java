package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Seg.ack;
import static io.jtcp.stack.harness.Seg.data;
import static io.jtcp.stack.harness.Seg.fin;
import static io.jtcp.stack.harness.Seg.rst;
import static io.jtcp.stack.harness.Seg.rstAck;
import static io.jtcp.stack.harness.Seg.syn;
import static io.jtcp.stack.harness.Seg.synAck;
import static io.jtcp.stack.harness.TcpScript.SEC;
import static io.jtcp.stack.tcp.TcpState.CLOSED;
import static io.jtcp.stack.tcp.TcpState.TIME_WAIT;

import io.jtcp.stack.harness.Packet;
import io.jtcp.stack.harness.TcpScript;
import io.jtcp.stack.wire.Seq;
import org.junit.jupiter.api.Test;

/** TIME-WAIT: RFC 9293 §3.6 and §3.10.7.4, RFC 1337 (TIME-WAIT assassination), RFC 6191. */
class TimeWaitTest {

    /** RFC 9293 §3.10.8 TIME-WAIT TIMEOUT after 2·MSL (§3.4.2): not a nanosecond earlier. */
    @Test
    void shouldExpireExactlyAtTwiceMslWhenLeftAlone() {
        TcpScript s = new TcpScript(c -> c.mslNs(5 * SEC)).timeWait();
        long entered = s.now();
        s.expectNothingBefore(entered + 10 * SEC);
        s.assertState(TIME_WAIT);
        s.checkEquals(1, s.stack().connectionCount(), "TIME-WAIT keeps the connection in the table");
        s.at(entered + 10 * SEC);
        s.expectNothing();
        s.assertState(CLOSED);
        s.checkEquals(0, s.stack().connectionCount(), "connections");
        s.checkEquals(Long.MAX_VALUE, s.nextDeadline(), "no timer left");
    }

    /** RFC 9293 §3.10.7.4 fifth/eighth steps, TIME-WAIT: a retransmitted FIN is ACKed, 2·MSL restarts. */
    @Test
    void shouldReAckRetransmittedFinAndRestartTimerInTimeWait() {
        TcpScript s = new TcpScript().timeWait();
        long entered = s.now();
        long msl2 = 2 * s.config().mslNs();
        s.at(entered + 10 * SEC);
        s.inject(fin().seq(1).ack(2));
        s.expect(ack().seq(2).ack(2));
        long restarted = s.now();
        s.expectNothingBefore(restarted + msl2);
        s.assertState(TIME_WAIT);
        s.at(restarted + msl2);
        s.assertState(CLOSED);
    }

    /** RFC 1337 §3 (TIME-WAIT assassination, fix TW1): a RST in TIME-WAIT does not end it early. */
    @Test
    void shouldIgnoreResetInTimeWait() {
        TcpScript s = new TcpScript().timeWait();
        long entered = s.now();
        s.advance(SEC);
        s.inject(rst().seq(2));
        s.inject(rstAck().seq(2).ack(2));
        s.expectNothing();
        s.assertState(TIME_WAIT);
        s.expectNothingBefore(entered + 2 * s.config().mslNs());
        s.assertState(TIME_WAIT);
        s.at(entered + 2 * s.config().mslNs());
        s.assertState(CLOSED);
    }

    /**
     * RFC 9293 §3.10.7.4 (TIME-WAIT note) and RFC 6191 / RFC 1122 §4.2.2.13: a new SYN whose
     * sequence number is above the old RCV.NXT may reopen the connection; the new ISN must be above
     * the old incarnation's SND.NXT.
     */
    @Test
    void shouldReopenWhenNewSynHasHigherSequenceInTimeWait() {
        TcpScript s = new TcpScript().timeWait();
        int oldIsn = s.localIsn();
        s.advance(SEC);
        s.inject(syn().seq(100_000).mss(1460));
        Packet synAck = s.expect(synAck().ack(100_001));
        s.check(Seq.gt(synAck.seq, oldIsn + 2), "new ISN above the old SND.NXT");
        s.localIsn(synAck.seq);
        s.inject(ack().seq(100_001).ack(1));
        s.expectNothing();
        s.assertState(TcpState.ESTABLISHED);
        s.checkEquals(2, s.acceptCalls(), "accepted twice: old and new incarnation");
    }

    /** RFC 9293 §3.10.7.4 first step, TIME-WAIT: an old SYN is answered with an ACK, not a SYN-ACK. */
    @Test
    void shouldAckOldSynInTimeWait() {
        TcpScript s = new TcpScript().timeWait();
        s.inject(syn().seq(1));
        s.expect(ack().seq(2).ack(2));
        s.assertState(TIME_WAIT);
    }

    /** RFC 9293 §3.10.7.4: TIME-WAIT accepts no data; an ACK for an unacceptable segment, no delivery. */
    @Test
    void shouldNotDeliverDataInTimeWait() {
        TcpScript s = new TcpScript().timeWait();
        s.inject(data(10).seq(2).ack(2));
        s.checkEquals(0, s.received().length, "nothing delivered");
        s.check(s.state() == TIME_WAIT || s.state() == CLOSED, "TIME-WAIT or reset: " + s.state());
    }
}
