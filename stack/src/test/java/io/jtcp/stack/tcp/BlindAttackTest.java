package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Seg.ack;
import static io.jtcp.stack.harness.Seg.data;
import static io.jtcp.stack.harness.Seg.rst;
import static io.jtcp.stack.harness.Seg.syn;
import static io.jtcp.stack.harness.TcpScript.MS;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.harness.Packet;
import io.jtcp.stack.harness.Seg;
import io.jtcp.stack.harness.TcpScript;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * An off-path attacker who knows the 4-tuple but not the sequence numbers (RFC 5961 §1, RFC 7323
 * §5): spoofed segments must not poison TS.Recent, and what they make us send is bounded.
 */
class BlindAttackTest {

    /** Far outside any window we advertise, below RCV.NXT (where "SEG.SEQ ≤ Last.ACK.sent" holds). */
    private static final int FAR_BELOW = -2_000_000;

    /** A TSval far ahead of the peer's clock (1001 at the handshake), as a random guess often is. */
    private static final int HUGE_TSVAL = 1001 + 0x4000_0000;

    /** A passive open where the peer offers timestamps (TSval 1000 on the SYN, 1001 on the ACK). */
    private static TcpScript establishedWithTimestamps() {
        return new TcpScript().establishedPassiveWithTimestamps();
    }

    /**
     * RFC 7323 §5.3: R3 (record TS.Recent) applies only to a segment that passed R2 (the
     * acceptability test), and only after the RST and SYN checks; a spoofed segment that fails any
     * of them must leave TS.Recent alone, or every later real segment fails PAWS (R1).
     */
    @Test
    void shouldKeepTsRecentWhenSpoofedSegmentsCarryHugeTimestamps() {
        java.util.List<IntFunction<Seg>> spoofs = java.util.List.of(
                i -> rst().seq(FAR_BELOW - i).ts(HUGE_TSVAL + i, 0), // out of window
                i -> ack().seq(FAR_BELOW - i).ack(1).ts(HUGE_TSVAL + i, 0), // out of window
                i -> rst().seq(100 + i).ts(HUGE_TSVAL + i, 0), // in window, not exact: challenged
                i -> syn().seq(50 + i).ts(HUGE_TSVAL + i, 0), // SYN in a synchronized state
                i -> ack().seq(1).ack(1_000_000 + i).ts(HUGE_TSVAL + i, 0)); // ACK of data never sent
        for (int kind = 0; kind < spoofs.size(); kind++) {
            TcpScript s = establishedWithTimestamps();
            for (int i = 0; i < 4; i++) {
                s.inject(spoofs.get(kind).apply(i));
                s.advance(MS);
            }
            s.drain(); // whatever ACKs the spoofs earned
            s.inject(data("real").seq(1).ack(1).ts(1002, 0));
            Packet a = s.expect(ack().seq(1).ack(5));
            s.checkEquals(1002, a.tsEcr, "TSecr echoes the real segment (spoof kind " + kind + ")");
            s.checkEquals("real", new String(s.received(), java.nio.charset.StandardCharsets.US_ASCII), "received");
            s.checkEquals(0L, s.drops(DropReason.TCP_PAWS), "no PAWS drop of the real segment");
            s.assertState(TcpState.ESTABLISHED);
        }
    }

    /** The measurement as a test: random out-of-window RSTs and ACKs with random TSvals. */
    @Test
    void shouldSurviveRandomSpoofedSegmentsWithRandomTimestamps() {
        TcpScript s = establishedWithTimestamps();
        Random random = new Random(9);
        int rcvNxt = s.peerIsnValue() + 1;
        for (int i = 0; i < 64; i++) {
            int seq = random.nextInt();
            if (seq - rcvNxt >= 0 && seq - rcvNxt < (1 << 21)) {
                continue; // in the window: a different attack (RFC 5961), not this one
            }
            Seg spoof = random.nextBoolean() ? rst() : ack().absAck(random.nextInt());
            s.inject(spoof.absSeq(seq).ts(random.nextInt(), 0));
        }
        s.drain();
        s.inject(data("alive").seq(1).ack(1).ts(1002, 0));
        s.expect(ack().seq(1).ack(6));
        s.checkEquals(5, s.received().length, "delivered");
        s.assertState(TcpState.ESTABLISHED);
    }

    /** RFC 7323 §5.3 R3 still works: an acceptable segment with a newer TSval updates TS.Recent. */
    @Test
    void shouldUpdateTsRecentFromAcceptableSegment() {
        TcpScript s = establishedWithTimestamps();
        s.inject(data(10).seq(1).ack(1).ts(5000, 0));
        s.check(s.expect(ack().seq(1).ack(11)).tsEcr == 5000, "TSecr 5000");
        s.inject(data(10).seq(11).ack(1).ts(4000, 0)); // older: PAWS
        s.check(s.expect(ack().seq(1).ack(11)).tsEcr == 5000, "TSecr still 5000");
        s.checkEquals(1L, s.drops(DropReason.TCP_PAWS), "PAWS drop");
    }

    /**
     * RFC 5961 §7 and Linux's tcp_invalid_ratelimit: challenge ACKs on one connection are spaced
     * (500 ms by default), so an off-path attacker cannot count them through a global budget.
     */
    @Test
    void shouldLimitChallengeAcksPerConnection() {
        TcpScript s = new TcpScript().establishedPassive();
        for (int i = 0; i < 10; i++) {
            s.inject(rst().seq(100 + i));
            s.advance(10 * MS);
        }
        s.checkEquals(1, s.drain().size(), "challenge ACKs within 100 ms");
        s.assertState(TcpState.ESTABLISHED);
        s.advance(500 * MS);
        s.inject(syn().seq(70));
        s.expect(ack().seq(1).ack(1));
    }

    /**
     * RFC 9293 §3.10.7.4 says to ACK an unacceptable segment; RFC 5961 and Linux bound how often: a
     * burst of spoofed out-of-window SYNs must not turn into as many ACKs to the real peer.
     */
    @Test
    void shouldLimitOutOfWindowAcksPerConnection() {
        TcpScript s = new TcpScript().establishedPassive();
        Random random = new Random(7);
        int rcvNxt = s.peerIsnValue() + 1;
        int injected = 0;
        for (int i = 0; i < 200; i++) {
            int seq = random.nextInt();
            if (seq - rcvNxt >= -(1 << 21) && seq - rcvNxt < (1 << 21)) {
                continue;
            }
            s.inject(syn().absSeq(seq));
            injected++;
            s.advance(MS);
        }
        int acks = s.drain().size();
        s.check(injected > 150, "enough SYNs");
        s.check(acks <= 1, "ACKs for " + injected + " spoofed SYNs within 200 ms: " + acks);
        // The connection still works, and ACKs again once the interval has passed.
        s.advance(500 * MS);
        s.inject(data("ok").seq(1).ack(1));
        s.expect(ack().seq(1).ack(3));
    }

    /** A PAWS-failing segment is answered like any unacceptable one, and just as rarely. */
    @Test
    void shouldLimitPawsAcksPerConnection() {
        TcpScript s = establishedWithTimestamps();
        for (int i = 0; i < 20; i++) {
            s.inject(ack().seq(1).ack(1).ts(5, 0));
            s.advance(MS);
        }
        s.checkEquals(1, s.drain().size(), "ACKs for 20 PAWS failures");
        s.checkEquals(20L, s.drops(DropReason.TCP_PAWS), "PAWS drops");
    }

    /**
     * Linux's rule (tcp_oow_rate_limited): data without SYN is not part of an ACK loop, and an old
     * duplicate usually means our ACK was lost, so its duplicate ACK is not held back.
     */
    @Test
    void shouldAckEveryRetransmittedOldDataSegment() {
        TcpScript s = new TcpScript().establishedPassive();
        s.inject(data(10).seq(1).ack(1));
        s.expect(ack().seq(1).ack(11));
        for (int i = 0; i < 3; i++) {
            s.inject(data(10).seq(1).ack(1));
            s.expect(ack().seq(1).ack(11));
        }
    }

    /** The same for a retransmitted FIN (Linux counts it as data: SEQ != END_SEQ). */
    @Test
    void shouldAckEveryRetransmittedFin() {
        TcpScript s = new TcpScript().closeWait();
        for (int i = 0; i < 3; i++) {
            s.inject(io.jtcp.stack.harness.Seg.fin().seq(1).ack(1));
            s.expect(ack().seq(1).ack(2));
        }
        s.checkEquals(0L, s.drops(DropReason.TCP_OOW_ACK_RATE_LIMITED), "none held back");
    }

    /** Bare out-of-window ACKs are spaced by the interval, and each suppressed one is counted. */
    @Test
    void shouldCountSuppressedOutOfWindowAcks() {
        TcpScript s = new TcpScript().establishedPassive();
        for (int i = 0; i < 5; i++) {
            s.inject(ack().seq(FAR_BELOW).ack(1));
        }
        s.checkEquals(1, s.drain().size(), "one ACK");
        s.checkEquals(4L, s.drops(DropReason.TCP_OOW_ACK_RATE_LIMITED), "suppressed");
        s.checkEquals(1L, s.counters().tcpOutOfWindowAcksSent, "sent");
    }

    /** invalidAckIntervalNs(0) switches the per-connection limit off. */
    @Test
    void shouldAnswerEveryOutOfWindowSegmentWhenIntervalIsOff() {
        TcpScript s = new TcpScript(c -> c.invalidAckIntervalNs(0)).establishedPassive();
        for (int i = 0; i < 5; i++) {
            s.inject(ack().seq(FAR_BELOW).ack(1));
        }
        s.checkEquals(5, s.drain().size(), "every one answered");
    }
}
