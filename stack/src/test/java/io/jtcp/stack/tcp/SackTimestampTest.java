package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Seg.ack;
import static io.jtcp.stack.harness.Seg.data;
import static io.jtcp.stack.harness.Seg.syn;
import static io.jtcp.stack.harness.Seg.synAck;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.harness.Packet;
import io.jtcp.stack.harness.PacketBuilder;
import io.jtcp.stack.harness.TcpScript;
import io.jtcp.stack.wire.TcpHeader;
import io.jtcp.stack.wire.TcpOptions;
import java.nio.ByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Negotiated options: timestamps (RFC 7323) and SACK (RFC 2018), and the immediate ACK for
 * out-of-order data (RFC 5681 §4.2) that SACK and fast retransmit depend on.
 */
class SackTimestampTest {
    private static final int MSS = 1460;

    /** SACK blocks of an emitted segment, relative to {@code base}: {left0, right0, left1, ...}. */
    private static int[] sackBlocks(Packet p, int base) {
        UnsafeBuffer b = new UnsafeBuffer(p.bytes);
        TcpHeader t = new TcpHeader().wrap(b, 20, p.bytes.length - 20);
        TcpOptions o = new TcpOptions();
        o.parse(t);
        int[] edges = new int[2 * o.sackBlockCount()];
        for (int i = 0; i < o.sackBlockCount(); i++) {
            edges[2 * i] = o.sackLeft(i) - base;
            edges[2 * i + 1] = o.sackRight(i) - base;
        }
        return edges;
    }

    /** Raw option bytes NOP NOP SACK with absolute edges. */
    private static byte[] sackOption(int... edges) {
        ByteBuffer bb = ByteBuffer.allocate(4 + 4 * edges.length);
        bb.put((byte) 1).put((byte) 1).put((byte) 5).put((byte) (2 + 4 * edges.length));
        for (int e : edges) {
            bb.putInt(e);
        }
        return bb.array();
    }

    /** Passive open where the peer's SYN offers timestamps (TSval 1000) and SACK, like Linux's. */
    private static Packet openWithOptions(TcpScript s, boolean timestamps, boolean sack) {
        s.listen(8080);
        var synSeg = syn().seq(0).mss(MSS);
        if (timestamps) {
            synSeg.ts(1000, 0);
        }
        if (sack) {
            synSeg.sackOk();
        }
        s.inject(synSeg);
        Packet synAckPacket = s.expect(synAck().seq(0).ack(1));
        s.advance(1_000_000);
        var third = ack().seq(1).ack(1);
        if (timestamps) {
            third.ts(1001, synAckPacket.tsVal);
        }
        s.inject(third);
        s.expectNothing();
        s.assertState(TcpState.ESTABLISHED);
        return synAckPacket;
    }

    /** RFC 7323 §3.2: the SYN-ACK answers a timestamp offer, echoing the SYN's TSval. */
    @Test
    void shouldEchoTimestampOnSynAckWhenPeerOffersTimestamps() {
        TcpScript s = new TcpScript();
        Packet p = openWithOptions(s, true, true);
        s.check(p.hasTimestamps, "SYN-ACK carries timestamps");
        s.checkEquals(1000, p.tsEcr, "SYN-ACK TSecr echoes the SYN's TSval");
        s.check(p.sackPermitted, "SYN-ACK permits SACK");
    }

    /** RFC 7323 §4.3: every segment echoes TS.Recent, the TSval of the segment it acknowledges. */
    @Test
    void shouldEchoTsRecentWhenAckingData() {
        TcpScript s = new TcpScript();
        Packet synAckPacket = openWithOptions(s, true, false);
        s.advance(5_000_000);
        s.inject(data(10).seq(1).ack(1).ts(1002, synAckPacket.tsVal));
        Packet a = s.expect(ack().seq(1).ack(11));
        s.check(a.hasTimestamps, "ACK carries timestamps");
        s.checkEquals(1002, a.tsEcr, "TSecr = TS.Recent");
        s.check(
                a.tsVal - synAckPacket.tsVal >= 5,
                "TSval ticks in milliseconds (" + (a.tsVal - synAckPacket.tsVal) + ")");
    }

    /** RFC 7323 §5.3 R1 (PAWS): a TSval older than TS.Recent marks an old duplicate: ACK, drop. */
    @Test
    void shouldDropByPawsWhenTimestampIsOlderThanTsRecent() {
        TcpScript s = new TcpScript();
        Packet synAckPacket = openWithOptions(s, true, false);
        s.inject(data(10).seq(1).ack(1).ts(1002, synAckPacket.tsVal));
        s.expect(ack().seq(1).ack(11));
        s.inject(data(10).seq(11).ack(1).ts(900, synAckPacket.tsVal));
        s.expect(ack().seq(1).ack(11));
        s.checkEquals(1L, s.drops(DropReason.TCP_PAWS), "PAWS drops");
        s.checkEquals(10, s.received().length, "the old duplicate's data was not delivered");
    }

    /** RFC 7323 §3.2: no timestamps on any segment unless both SYNs carried the option. */
    @Test
    void shouldNotSendTimestampsWhenPeerDidNotOfferThem() {
        TcpScript s = new TcpScript();
        Packet p = openWithOptions(s, false, false);
        s.check(!p.hasTimestamps, "SYN-ACK without timestamps");
        s.inject(data(10).seq(1).ack(1));
        Packet a = s.expect(ack().seq(1).ack(11));
        s.check(!a.hasTimestamps, "ACK without timestamps");
        s.checkEquals(0, a.sackBlocks, "no SACK without SACK-permitted");
    }

    /**
     * RFC 5681 §4.2 and RFC 2018 §4: out-of-order data is ACKed at once with a SACK block for it;
     * the segment that fills the gap is ACKed at once and the block disappears.
     */
    @Test
    void shouldAckOutOfOrderDataAtOnceWithSackBlock() {
        TcpScript s = new TcpScript();
        openWithOptions(s, false, true);
        int peerBase = s.peerIsnValue();
        s.inject(data(100).seq(101).ack(1));
        Packet dup = s.expect(ack().seq(1).ack(1));
        int[] blocks = sackBlocks(dup, peerBase);
        s.checkEquals(2, blocks.length, "one SACK block");
        s.checkEquals(101, blocks[0], "left edge");
        s.checkEquals(201, blocks[1], "right edge");
        s.inject(data(50).seq(251).ack(1));
        Packet dup2 = s.expect(ack().seq(1).ack(1));
        int[] blocks2 = sackBlocks(dup2, peerBase);
        s.checkEquals(4, blocks2.length, "two SACK blocks");
        s.checkEquals(251, blocks2[0], "the most recent block comes first (RFC 2018 §4)");
        s.inject(data(100).seq(1).ack(1));
        Packet filled = s.expect(ack().seq(1).ack(201));
        s.checkEquals(2, sackBlocks(filled, peerBase).length, "one block left after the first gap filled");
        s.checkEquals(200, s.received().length, "in-order bytes delivered");
    }

    /**
     * RFC 5681 §4.2: each out-of-order segment is ACKed when it arrives, not once per batch at
     * flush, so the sender sees one duplicate ACK per segment (what fast retransmit counts).
     */
    @Test
    void shouldAckEachOutOfOrderSegmentWithinTheBatch() {
        TcpScript s = new TcpScript();
        openWithOptions(s, false, true);
        UnsafeBuffer buf = new UnsafeBuffer(new byte[2048]);
        byte[] payload = new byte[100];
        for (int i = 0; i < 2; i++) {
            int len = PacketBuilder.tcp(
                    buf,
                    PacketBuilder.PEER_ADDR,
                    PacketBuilder.ENGINE_ADDR,
                    TcpScript.PEER_PORT,
                    TcpScript.LISTEN_PORT,
                    s.peerIsnValue() + 101 + 100 * i,
                    s.localIsn() + 1,
                    TcpHeader.ACK,
                    65_535,
                    new byte[0],
                    payload,
                    0,
                    payload.length);
            s.stack().onPacket(s.now(), buf, 0, len); // no flush: one batch
        }
        s.checkEquals(2, s.pending(), "duplicate ACKs sent before the batch's flush");
    }

    /**
     * RFC 6675 §5 (simplified): with two holes, recovery starts once IsLost holds (more than two
     * segments SACKed above SND.UNA) and the next duplicate ACK resends the second hole, without
     * waiting a round trip for a partial ACK (NewReno would).
     */
    @Test
    void shouldRetransmitNextSackHoleWhenPipeAllowsNotPerDuplicateAck() {
        TcpScript s = new TcpScript();
        openWithOptions(s, false, true);
        int base = s.localIsn();
        s.write(6 * MSS);
        for (int i = 0; i < 6; i++) {
            s.expect(data(MSS).seq(1 + i * MSS).ack(1));
        }
        // Segments 1 and 3 (of 0..5) are lost; the peer SACKs 2 and 4..5.
        int seg2 = base + 1 + 2 * MSS;
        int seg3 = base + 1 + 3 * MSS;
        int seg4 = base + 1 + 4 * MSS;
        int end = base + 1 + 6 * MSS;
        s.inject(ack().seq(1).ack(1 + MSS));
        s.expectNothing();
        s.inject(ack().seq(1).ack(1 + MSS).rawOptions(sackOption(seg2, seg3)));
        s.expectNothing(); // one segment SACKed above the hole: could still be reordering
        // RFC 6675 IsLost: more than DupThresh-1 segments SACKed above SND.UNA: recover at once.
        s.inject(ack().seq(1).ack(1 + MSS).rawOptions(sackOption(seg4, end, seg2, seg3)));
        s.expect(data(MSS).seq(1 + MSS).ack(1)); // the first hole
        // RFC 6675 §5: cwnd = ssthresh = 3 segments and pipe = 6 − 3 SACKed = 3 (the second hole
        // is not IsLost: only two segments are SACKed above it), so a duplicate sends nothing.
        // (RFC 5681's inflation used to resend a hole per duplicate ACK beyond the window.)
        s.inject(ack().seq(1).ack(1 + MSS).rawOptions(sackOption(seg4, end, seg2, seg3)));
        s.expectNothing();
        // The first hole's resend arrived: the partial ACK resends the next hole (RFC 6582 §3.2).
        s.inject(ack().seq(1).ack(1 + 3 * MSS).rawOptions(sackOption(seg4, end)));
        s.expect(data(MSS).seq(1 + 3 * MSS).ack(1));
        s.inject(ack().seq(1).ack(1 + 3 * MSS).rawOptions(sackOption(seg4, end)));
        s.expectNothing(); // no hole left, no new data
        s.inject(ack().seq(1).ack(1 + 6 * MSS));
        s.expectNothing();
        s.checkEquals(2L, s.conn().retransmits(), "only the two holes were resent");
    }

    /**
     * RFC 6675 §5 / RFC 6582 §3.2 step 5: a partial ACK in SACK recovery resends the next hole not
     * yet resent, and nothing when every hole below the SACKed data went out already. The bug
     * (issue #10): with no hole left above HighRxt, the partial ACK fell back to resending SND.UNA,
     * which the same recovery had resent as a hole, so the segment went out twice in one cycle.
     */
    @Test
    void shouldNotResendSndUnaOnPartialAckWhenRecoveryResentItAsHole() {
        TcpScript s = new TcpScript();
        openWithOptions(s, false, true);
        int base = s.localIsn();
        s.write(6 * MSS);
        for (int i = 0; i < 6; i++) {
            s.expect(data(MSS).seq(1 + i * MSS).ack(1));
        }
        // Segments 1 and 2 (of 0..5) are lost; the peer SACKs 3..5.
        int seg3 = base + 1 + 3 * MSS;
        int end = base + 1 + 6 * MSS;
        s.inject(ack().seq(1).ack(1 + MSS));
        s.expectNothing();
        // IsLost (three segments SACKed above SND.UNA): recovery resends segment 1, and the same
        // duplicate ACK the next hole, segment 2.
        s.inject(ack().seq(1).ack(1 + MSS).rawOptions(sackOption(seg3, end)));
        s.expect(data(MSS).seq(1 + MSS).ack(1));
        s.expect(data(MSS).seq(1 + 2 * MSS).ack(1));
        // Segment 1's resend arrived: a partial ACK. Segment 2 was resent already: nothing goes.
        s.inject(ack().seq(1).ack(1 + 2 * MSS).rawOptions(sackOption(seg3, end)));
        s.expectNothing();
        s.inject(ack().seq(1).ack(1 + 6 * MSS));
        s.expectNothing();
        s.checkEquals(2L, s.conn().retransmits(), "each hole resent once");
    }

    /**
     * RFC 8985 §7: when the last segments of a flight are lost no duplicate ACK comes; a probe at
     * about 2·SRTT (not the 200 ms RTO) resends the last segment, and its SACK shows the hole,
     * which is then recovered at once (§7.4).
     */
    @Test
    void shouldProbeTheTailAndRecoverBeforeTheRtoWhenTheLastSegmentsAreLost() {
        TcpScript s = new TcpScript();
        openWithOptions(s, false, true); // SRTT 1 ms from the handshake
        int base = s.localIsn();
        s.write(3 * MSS);
        for (int i = 0; i < 3; i++) {
            s.expect(data(MSS).seq(1 + i * MSS).ack(1));
        }
        long sent = s.now();
        s.advance(1_000_000);
        s.inject(ack().seq(1).ack(1 + MSS)); // the first arrived; the last two were lost
        s.expectNothing();
        s.advanceToNextDeadline();
        s.expect(data(MSS).seq(1 + 2 * MSS).ack(1)); // the probe: the last segment again
        long probeAfterNs = s.now() - sent;
        s.check(probeAfterNs < 20_000_000L, "probe after " + probeAfterNs + " ns, long before the 200 ms RTO");
        s.inject(ack().seq(1).ack(1 + MSS).rawOptions(sackOption(base + 1 + 2 * MSS, base + 1 + 3 * MSS)));
        s.expect(data(MSS).seq(1 + MSS).ack(1)); // the hole the probe revealed
        s.inject(ack().seq(1).ack(1 + 3 * MSS));
        s.expectNothing();
        s.checkEquals(2L, s.conn().retransmits(), "probe and hole only; no timeout");
    }
}
