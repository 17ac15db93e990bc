package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Seg.ack;
import static io.jtcp.stack.harness.Seg.data;
import static io.jtcp.stack.harness.Seg.syn;
import static io.jtcp.stack.harness.Seg.synAck;

import io.jtcp.stack.cc.CongestionControls;
import io.jtcp.stack.harness.Packet;
import io.jtcp.stack.harness.TcpScript;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * D-SACK (RFC 2883) both ways. As receiver, a segment that arrives again is reported as the first
 * SACK block of the next ACK (§4), which Linux senders use to undo. As sender, a D-SACK for every
 * retransmission of an episode shows the episode was spurious: the controller's undo runs once
 * and the window saved at the congestion event comes back (RFC 3522 / RFC 4015 response; CUBIC
 * RFC 9438 §4.9).
 */
class DsackUndoTest {
    private static final int MSS = 1460;

    private static byte[] sackOption(int... edges) {
        ByteBuffer bb = ByteBuffer.allocate(4 + 4 * edges.length);
        bb.put((byte) 1).put((byte) 1).put((byte) 5).put((byte) (2 + 4 * edges.length));
        for (int e : edges) {
            bb.putInt(e);
        }
        return bb.array();
    }

    @Test
    void shouldReportARepeatedSegmentAsTheFirstSackBlock() {
        TcpScript s = new TcpScript();
        s.listen(8080);
        s.inject(syn().seq(0).mss(MSS).sackOk());
        s.expect(synAck().seq(0).ack(1));
        s.inject(ack().seq(1).ack(1));
        s.inject(data(100).seq(1).ack(1));
        s.expect(ack().seq(1).ack(101));
        s.inject(data(100).seq(1).ack(1)); // the peer resent it: a duplicate
        Packet p = s.expect(ack().seq(1).ack(101));
        s.checkEquals(1, p.sackBlocks, "one D-SACK block");
        int isn = TcpScript.DEFAULT_PEER_ISN;
        s.checkEquals(isn + 1, p.sackEdges[0], "D-SACK left edge");
        s.checkEquals(isn + 101, p.sackEdges[1], "D-SACK right edge");
        s.inject(data(100).seq(101).ack(1));
        Packet next = s.expect(ack().seq(1).ack(201));
        s.checkEquals(0, next.sackBlocks, "reported once");
    }

    /**
     * RFC 2883 §4.1.2: a segment above RCV.NXT that is already held arrives again. The D-SACK block
     * names it and the next block is the range holding it; then the ranges in ascending order
     * (RFC 2018 §4), and the D-SACK only once. A partial overlap reports just the repeated bytes.
     */
    @Test
    void shouldReportAnOutOfOrderDuplicateFollowedByTheRangeHoldingIt() {
        TcpScript s = new TcpScript();
        s.listen(8080);
        s.inject(syn().seq(0).mss(MSS).sackOk());
        s.expect(synAck().seq(0).ack(1));
        s.inject(ack().seq(1).ack(1));
        int isn = TcpScript.DEFAULT_PEER_ISN;
        s.inject(data(100).seq(201).ack(1)); // [201, 301): a hole at [1, 201)
        s.expect(ack().seq(1).ack(1));
        s.inject(data(100).seq(501).ack(1)); // [501, 601)
        s.expect(ack().seq(1).ack(1));
        s.inject(data(100).seq(201).ack(1)); // [201, 301) again
        Packet p = s.expect(ack().seq(1).ack(1));
        s.checkEquals(3, p.sackBlocks, "D-SACK, the range holding it, the other range: " + p);
        s.checkEquals(isn + 201, p.sackEdges[0], "D-SACK left edge");
        s.checkEquals(isn + 301, p.sackEdges[1], "D-SACK right edge");
        s.checkEquals(isn + 201, p.sackEdges[2], "then the block holding it");
        s.checkEquals(isn + 301, p.sackEdges[3], "edge");
        s.checkEquals(isn + 501, p.sackEdges[4], "then the rest");
        s.checkEquals(isn + 601, p.sackEdges[5], "edge");
        s.inject(data(150).seq(451).ack(1)); // [451, 601): only [501, 601) is repeated
        Packet q = s.expect(ack().seq(1).ack(1));
        s.checkEquals(isn + 501, q.sackEdges[0], "D-SACK of the repeated part only");
        s.checkEquals(isn + 601, q.sackEdges[1], "edge");
        s.checkEquals(isn + 451, q.sackEdges[2], "then the grown range holding it");
        s.checkEquals(isn + 601, q.sackEdges[3], "edge");
        s.inject(data(50).seq(351).ack(1)); // new text: a plain SACK
        Packet r = s.expect(ack().seq(1).ack(1));
        s.checkEquals(isn + 351, r.sackEdges[0], "no D-SACK for new text");
        s.checkEquals(isn + 401, r.sackEdges[1], "edge");
        s.checkEquals(3, r.sackBlocks, "the three ranges");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"newreno", "cubic"})
    void shouldUndoTheWindowReductionWhenDsacksCoverEveryRetransmission(String cc) {
        TcpScript s = new TcpScript(
                c -> c.congestionControl(CongestionControls.byName(cc)).initialSendBufferBytes(1 << 16));
        s.listen(8080);
        s.inject(syn().seq(0).mss(MSS).sackOk());
        s.expect(synAck().seq(0).ack(1));
        s.advance(10 * TcpScript.MS);
        s.inject(ack().seq(1).ack(1));
        int base = s.localIsn();
        s.write(10 * MSS);
        for (int i = 0; i < 10; i++) {
            s.expect(data(MSS).seq(1 + i * MSS).ack(1));
        }
        long cwndBefore = s.conn().congestionWindowBytes();
        s.advance(10 * TcpScript.MS);
        // Segment 0 only delayed: 1..3 SACKed starts a recovery that resends it.
        s.inject(ack().seq(1).ack(1).rawOptions(sackOption(base + 1 + MSS, base + 1 + 4 * MSS)));
        s.expect(data(MSS).seq(1).ack(1));
        s.drain();
        s.check(s.conn().congestionWindowBytes() < cwndBefore, "the recovery reduced the window");
        s.checkEquals(0L, s.stack().counters().tcpSpuriousRecoveries, "nothing undone yet");
        // The original arrives, then the resend: the ACK of everything carries the D-SACK.
        s.advance(10 * TcpScript.MS);
        s.inject(ack().seq(1).ack(1 + 10 * MSS).rawOptions(sackOption(base + 1, base + 1 + MSS)));
        s.checkEquals(1L, s.stack().counters().tcpSpuriousRecoveries, "one undo");
        s.check(
                s.conn().congestionWindowBytes() >= cwndBefore,
                "the window came back: " + s.conn().congestionWindowBytes() + " vs " + cwndBefore);
        s.inject(ack().seq(1).ack(1 + 10 * MSS).rawOptions(sackOption(base + 1, base + 1 + MSS)));
        s.checkEquals(1L, s.stack().counters().tcpSpuriousRecoveries, "once per episode");
    }
}
