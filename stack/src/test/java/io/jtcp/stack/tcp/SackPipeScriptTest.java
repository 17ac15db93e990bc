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
 * RFC 6675 §5 step (C) with scripted segments: in recovery with SACK, one ACK lets out every lost
 * hole and then new data while cwnd − pipe allows, in the same flush, not one hole per ACK.
 */
class SackPipeScriptTest {
    private static final int MSS = 1460;

    private static byte[] sackOption(int... edges) {
        ByteBuffer bb = ByteBuffer.allocate(4 + 4 * edges.length);
        bb.put((byte) 1).put((byte) 1).put((byte) 5).put((byte) (2 + 4 * edges.length));
        for (int e : edges) {
            bb.putInt(e);
        }
        return bb.array();
    }

    private static void open(TcpScript s) {
        s.listen(8080);
        s.inject(syn().seq(0).mss(MSS).sackOk());
        s.expect(synAck().seq(0).ack(1));
        s.advance(1_000_000);
        s.inject(ack().seq(1).ack(1));
        s.expectNothing();
    }

    /**
     * Ten segments out (the initial window), 0, 2, 4 and 6 lost, the rest SACKed: pipe is the one
     * resent segment, cwnd = ssthresh = 5 segments, so the ACK that starts recovery resends all
     * four holes and one new segment at once.
     */
    @Test
    void shouldResendEveryLostHoleAndNewDataUpToCwndMinusPipeInOneFlush() {
        runBurst(new TcpScript(c -> c.initialSendBufferBytes(1 << 16)));
    }

    /** The same with CUBIC, which never inflates its window in recovery (RFC 9438 §4.6). */
    @Test
    void shouldResendEveryLostHoleUpToCwndMinusPipeWithCubic() {
        TcpScript s = new TcpScript(
                c -> c.congestionControl(CongestionControls.byName("cubic")).initialSendBufferBytes(1 << 16));
        runBurst(s);
    }

    private static void runBurst(TcpScript s) {
        open(s);
        int base = s.localIsn();
        s.write(20 * MSS);
        for (int i = 0; i < 10; i++) {
            s.expect(data(MSS).seq(1 + i * MSS).ack(1));
        }
        s.expectNothing();
        int[] edges = {
            base + 1 + MSS, base + 1 + 2 * MSS,
            base + 1 + 3 * MSS, base + 1 + 4 * MSS,
            base + 1 + 5 * MSS, base + 1 + 6 * MSS,
            base + 1 + 7 * MSS, base + 1 + 10 * MSS
        };
        s.inject(ack().seq(1).ack(1).rawOptions(sackOption(edges)));
        long cwnd = s.conn().congestionWindowBytes();
        // pipe after the fast retransmit of segment 0: 10 sent − 6 SACKed − 3 lost holes = 1.
        long room = cwnd / MSS - 1;
        s.expect(data(MSS).seq(1).ack(1)); // RFC 6675 §5 step 4.2: the first segment
        int[] holes = {2, 4, 6};
        for (int i = 0; i < holes.length && i < room; i++) {
            s.expect(data(MSS).seq(1 + holes[i] * MSS).ack(1));
        }
        for (int i = 0; i < room - holes.length; i++) {
            s.expect(data(MSS).seq(1 + (10 + i) * MSS).ack(1)); // then new data (NextSeg rule 2)
        }
        s.expectNothing();
        s.check(room >= holes.length, "cwnd " + cwnd + " leaves room for every hole");
        s.checkEquals(4L, s.conn().retransmits(), "each hole resent once, in the flush of one ACK");
    }
}
