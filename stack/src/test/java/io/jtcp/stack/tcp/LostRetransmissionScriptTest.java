package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Seg.ack;
import static io.jtcp.stack.harness.Seg.data;
import static io.jtcp.stack.harness.Seg.syn;
import static io.jtcp.stack.harness.Seg.synAck;

import io.jtcp.stack.cc.CongestionControls;
import io.jtcp.stack.harness.TcpScript;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Retransmissions lost in SACK recovery (RFC 6675 §5 counts a resent hole in pipe until it is
 * acknowledged, and never resends below HighRxt). Over TUN, CUBIC's slow-start overshoot into a
 * 1-BDP queue lost a pass of retransmissions with the send buffer full: no new data could leave,
 * no ACK came, and the only repair was the recovery probe's one segment per 2·SRTT, for seconds.
 * When every retransmission of the pass is older than an RTT plus RFC 8985's reordering window
 * (RACK's rule, §6.2) and none was acknowledged, they were all lost: a new pass resends them all.
 */
class LostRetransmissionScriptTest {
    private static final int MSS = 1460;
    private static final long MS = 1_000_000L;

    /** NOP NOP + a SACK option with the given block edges (left, right pairs), raw. */
    static byte[] sackOption(int... edges) {
        ByteBuffer bb = ByteBuffer.allocate(4 + 4 * edges.length);
        bb.put((byte) 1).put((byte) 1).put((byte) 5).put((byte) (2 + 4 * edges.length));
        for (int e : edges) {
            bb.putInt(e);
        }
        return bb.array();
    }

    @Test
    void shouldResendEveryLostHoleAgainWhenThePassOfRetransmissionsIsOverdue() {
        // The application writes exactly the flight: nothing new can leave in recovery.
        TcpScript s = new TcpScript(c -> c.congestionControl(CongestionControls.byName("cubic"))
                .initialSendBufferBytes(1 << 14)
                .sendBufferBytes(1 << 14));
        s.listen(8080);
        s.inject(syn().seq(0).mss(MSS).sackOk());
        s.expect(synAck().seq(0).ack(1));
        s.advance(10 * MS); // SRTT 10 ms
        s.inject(ack().seq(1).ack(1));
        s.expectNothing();
        int base = s.localIsn();
        s.write(10 * MSS);
        for (int i = 0; i < 10; i++) {
            s.expect(data(MSS).seq(1 + i * MSS).ack(1));
        }
        s.expectNothing();
        s.advance(10 * MS);
        // Segments 0, 2, 4 and 6 lost; 1, 3, 5 and 7–9 SACKed.
        s.inject(ack().seq(1)
                .ack(1)
                .rawOptions(sackOption(
                        base + 1 + MSS, base + 1 + 2 * MSS,
                        base + 1 + 3 * MSS, base + 1 + 4 * MSS,
                        base + 1 + 5 * MSS, base + 1 + 6 * MSS,
                        base + 1 + 7 * MSS, base + 1 + 10 * MSS)));
        int[] holes = {0, 2, 4, 6};
        for (int h : holes) {
            s.expect(data(MSS).seq(1 + h * MSS).ack(1));
        }
        s.expectNothing();
        // All four resends are lost too. The recovery probe (2·SRTT) finds every one of them older
        // than RTT + reordering window (12.5 ms) and unacknowledged: all four go again.
        s.advance(21 * MS);
        for (int h : holes) {
            s.expect(data(MSS).seq(1 + h * MSS).ack(1));
        }
        s.expectNothing();
        s.checkEquals(8L, s.conn().retransmits(), "each hole resent twice, the second pass at once");
    }
}
