package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Seg.ack;
import static io.jtcp.stack.harness.Seg.data;
import static io.jtcp.stack.harness.Seg.fin;
import static io.jtcp.stack.harness.Seg.syn;
import static io.jtcp.stack.harness.Seg.synAck;

import io.jtcp.stack.harness.Packet;
import io.jtcp.stack.harness.TcpScript;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Modular sequence arithmetic (RFC 9293 §3.4, RFC 1982) and extreme window scales (RFC 7323 §2.3). */
class WraparoundTest {

    /** RFC 9293 §3.4: "the sequence number space ... wraps"; in-order, out-of-order and FIN across 2^32. */
    @Test
    void shouldReceiveAcrossSequenceWrapWhenPeerIsnIsNearTop() {
        TcpScript s = new TcpScript().peerIsn(-20); // 2^32 − 20: stream byte 20 (relative sequence 20) is sequence 0
        s.establishedPassive();
        s.inject(data("0123456789").seq(1).ack(1));
        s.expect(ack().seq(1).ack(11));
        // Out of order across the wrap: [21, 31) first, then the gap [11, 21).
        s.inject(data("UVWXYZuvwx").seq(21).ack(1));
        s.expect(ack().seq(1).ack(11));
        s.inject(data("ABCDEFGHIJ").seq(11).ack(1));
        s.expect(ack().seq(1).ack(31));
        s.inject(fin().seq(31).ack(1));
        s.expect(ack().seq(1).ack(32).where("ack past zero", p -> p.ack == 12));
        s.checkEquals(
                "0123456789ABCDEFGHIJUVWXYZuvwx", new String(s.received(), StandardCharsets.US_ASCII), "received");
        s.assertState(TcpState.CLOSE_WAIT);
    }

    /** RFC 9293 §3.4 at the acceptability test: a segment just before the wrapped RCV.NXT is old, one after is new. */
    @Test
    void shouldJudgeAcceptabilityModularlyAcrossWrap() {
        TcpScript s = new TcpScript().peerIsn(-1); // RCV.NXT = 0 after the SYN
        s.establishedPassive();
        s.inject(data(5).seq(-4).ack(1)); // wholly before RCV.NXT (sequence 2^32 − 5 …)
        s.expect(ack().seq(1).ack(1));
        s.checkEquals(0, s.received().length, "old data dropped");
        s.inject(data(5).seq(1).ack(1));
        s.expect(ack().seq(1).ack(6));
    }

    /** RFC 7323 §2.3: the largest shift (14) with a full window field is ~1 GiB and must not overflow. */
    @Test
    void shouldHandleMaximumWindowScaleWithoutOverflow() {
        TcpScript s = new TcpScript();
        s.listen(8080);
        s.inject(syn().seq(0).mss(1460).wscale(14));
        s.expect(synAck().seq(0).ack(1));
        s.inject(ack().seq(1).ack(1).win(65535));
        s.checkEquals(65535 << 14, s.conn().sendWindowBytes(), "send window");
        s.write(3000);
        int sent = 0;
        for (Packet p : s.drain()) {
            sent += p.len();
        }
        s.checkEquals(3000, sent, "data flows into a 1 GiB window");
    }

    /** RFC 7323 §2.3: a shift above 14 is used as 14. */
    @Test
    void shouldClampWindowScaleAbove14() {
        TcpScript s = new TcpScript();
        s.listen(8080);
        s.inject(syn().seq(0).mss(1460).wscale(20));
        s.expect(synAck().seq(0).ack(1));
        s.inject(ack().seq(1).ack(1).win(2));
        s.checkEquals(2 << 14, s.conn().sendWindowBytes(), "shift clamped to 14");
    }
}
