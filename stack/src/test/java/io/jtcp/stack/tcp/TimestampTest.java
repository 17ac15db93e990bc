package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Seg.ack;
import static io.jtcp.stack.harness.Seg.data;
import static io.jtcp.stack.harness.Seg.rst;
import static io.jtcp.stack.harness.Seg.syn;
import static io.jtcp.stack.harness.Seg.synAck;
import static io.jtcp.stack.harness.TcpScript.MS;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.harness.Packet;
import io.jtcp.stack.harness.TcpScript;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TCP timestamps: RFC 7323 §3 (negotiation, echo), §4.3 (TS.Recent), §5 (PAWS), RFC 6691 (MSS). */
class TimestampTest {

    /** A passive open where the peer offers timestamps (TSval 1000 on the SYN, 1001 on the ACK). */
    private static TcpScript establishedWithTimestamps() {
        TcpScript s = new TcpScript();
        s.listen(8080);
        s.inject(syn().seq(0).mss(1460).ts(1000, 0));
        Packet sa = s.expect(
                synAck().seq(0).ack(1).where("TSecr echoes the SYN's TSval", p -> p.hasTimestamps && p.tsEcr == 1000));
        s.advance(10 * MS);
        s.inject(ack().seq(1).ack(1).ts(1001, sa.tsVal));
        s.assertState(TcpState.ESTABLISHED);
        return s;
    }

    /** RFC 7323 §3.2: timestamps are used only when both SYNs carry them. */
    @Test
    void shouldNotSendTimestampsWhenPeerSynHadNone() {
        TcpScript s = new TcpScript().establishedPassive();
        s.inject(data(10).seq(1).ack(1));
        Packet a = s.expect(ack().seq(1).ack(11));
        s.check(!a.hasTimestamps, "no timestamps option");
    }

    /** RFC 7323 §3.2 and §4.3: every segment carries TSval, and TSecr = TS.Recent (the peer's latest in-order TSval). */
    @Test
    void shouldEchoLatestPeerTimestampOnEverySegment() {
        TcpScript s = establishedWithTimestamps();
        s.advance(10 * MS);
        s.inject(data(10).seq(1).ack(1).ts(2000, 0));
        Packet a = s.expect(ack().seq(1).ack(11));
        s.check(a.hasTimestamps, "timestamps on an ACK");
        s.checkEquals(2000, a.tsEcr, "TSecr");
        s.write(100);
        Packet d = s.expect(data(100).seq(1).ack(11));
        s.check(d.hasTimestamps && d.tsEcr == 2000, "timestamps on data, TSecr 2000: " + d);
    }

    /** RFC 7323 §5.3 R1 (PAWS): a segment whose TSval is older than TS.Recent is dropped with an ACK. */
    @Test
    void shouldDropSegmentWithOldTimestampAndAck() {
        TcpScript s = establishedWithTimestamps();
        s.inject(data(10).seq(1).ack(1).ts(500, 0));
        s.expect(ack().seq(1).ack(1));
        s.checkEquals(0, s.received().length, "nothing delivered");
        s.checkEquals(1L, s.drops(DropReason.TCP_PAWS), "PAWS drops");
    }

    /** RFC 7323 §5.3 (after R1): a RST is acceptable whatever its timestamp; RFC 5961 still wants SEQ = RCV.NXT. */
    @Test
    void shouldAcceptResetWithOldTimestampWhenSequenceIsExact() {
        TcpScript s = establishedWithTimestamps();
        s.inject(rst().seq(1).ts(5, 0));
        s.assertState(TcpState.CLOSED);
        s.checkEquals(CloseReason.RESET_BY_PEER, s.closeReason(), "close reason");
    }

    /** RFC 6691 §2 / RFC 7323: the MSS counts payload only, so 12 option bytes come out of each segment. */
    @Test
    void shouldShrinkPayloadByTimestampOptionWhenSegmenting() {
        TcpScript s = establishedWithTimestamps();
        s.write(3000);
        List<Packet> out = s.drain();
        int[] sizes = out.stream().mapToInt(Packet::len).toArray();
        s.checkEquals("[1448, 1448, 104]", java.util.Arrays.toString(sizes), "segment sizes");
        for (Packet p : out) {
            s.check(p.bytes.length - 20 - 20 - p.len() <= 40, "header within limits");
        }
    }
}
