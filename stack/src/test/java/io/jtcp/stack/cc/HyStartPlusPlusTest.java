package io.jtcp.stack.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** HyStart++ (RFC 9406) inside CUBIC's initial slow start, driven by synthetic ACK rounds. */
class HyStartPlusPlusTest {
    private static final int MSS = 1460;
    private static final long BASE_RTT = 50_000_000L; // 50 ms: RttThresh = clamp(50/8, 4, 16) = 6.25 ms

    private static AckStream stream(boolean fillDelivered) {
        AckStream s = new AckStream(new Cubic(), MSS);
        s.rttNs = BASE_RTT;
        s.fillDelivered = fillDelivered;
        return s;
    }

    private static HyStartPlusPlus.State state(AckStream s) {
        return ((Cubic) s.cc).hystart().state();
    }

    /**
     * A queue builds: the round's minimum RTT rises by more than RttThresh: CSS, then after
     * CSS_ROUNDS rounds congestion avoidance with ssthresh = cwnd and no loss. Rounds are counted
     * with the delivery-rate sample, and by ACKed bytes when the engine does not fill it.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void shouldLeaveSlowStartWhenTheRttRises(boolean fillDelivered) {
        AckStream s = stream(fillDelivered);
        s.rounds(4);
        assertEquals(160 * MSS, s.cc.cwnd());
        assertEquals("slow-start", s.cc.phase());
        s.rttNs = BASE_RTT + 7_000_000L; // +7 ms > 6.25 ms
        s.round();
        assertEquals(HyStartPlusPlus.State.CSS, state(s));
        assertEquals("hystart-css", s.cc.phase());
        long cssStart = s.cc.cwnd();
        assertTrue(cssStart < 320 * MSS, "left slow start within the round: " + cssStart / MSS);
        s.round();
        double growth = (double) s.cc.cwnd() / cssStart;
        assertEquals(1.25, growth, 0.01, "CSS grows by a quarter of slow start's rate");
        for (int i = 0; i < 3; i++) {
            s.round();
            assertEquals("hystart-css", s.cc.phase(), "round " + i);
        }
        s.round(); // the fifth CSS round begins: congestion avoidance
        assertEquals(HyStartPlusPlus.State.DONE, state(s));
        assertEquals("congestion-avoidance", s.cc.phase());
        assertEquals(s.cc.ssthresh(), ((Cubic) s.cc).wMax(), "no loss: W_max = cwnd at the start of CA");
        assertEquals(0.0, ((Cubic) s.cc).kSeconds());
        long ca = s.cc.cwnd();
        s.rounds(3);
        assertTrue(s.cc.cwnd() > ca && s.cc.cwnd() < ca * 1.1, ca + " -> " + s.cc.cwnd());
    }

    /**
     * Jitter spikes and a noise floor below RttThresh leave slow start alone; at 10 ms RttThresh is
     * MIN_RTT_THRESH (4 ms), not 10/8 ms.
     */
    @ParameterizedTest
    @ValueSource(longs = {50_000_000L, 10_000_000L})
    void shouldStayInSlowStartOnNoise(long baseRtt) {
        AckStream s = stream(true);
        s.rttNs = baseRtt;
        SplittableRandom rnd = new SplittableRandom(7);
        // Each sample: the base plus up to 3 ms of noise, and every third sample a spike of up to 40 ms.
        s.rttSample = () -> baseRtt + rnd.nextLong(3_000_000L) + (rnd.nextInt(3) == 0 ? rnd.nextLong(40_000_000L) : 0);
        s.rounds(10);
        assertEquals(HyStartPlusPlus.State.SLOW_START, state(s));
        assertEquals("slow-start", s.cc.phase());
        assertEquals(10 * MSS << 10, s.cc.cwnd(), "doubled every round");
        assertEquals(10, ((Cubic) s.cc).hystart().rounds());
    }

    /** At 200 ms RttThresh is MAX_RTT_THRESH (16 ms), not 200/8 = 25 ms: a 20 ms rise is a queue. */
    @Test
    void shouldCapTheThresholdAtLongRtts() {
        AckStream s = stream(true);
        s.rttNs = 200_000_000L;
        s.rounds(4);
        s.rttNs = 220_000_000L;
        s.round();
        assertEquals(HyStartPlusPlus.State.CSS, state(s));
    }

    /** RFC 9406 §4.2: in CSS, an RTT back below the baseline means the exit was spurious. */
    @Test
    void shouldResumeSlowStartWhenTheRttFallsBack() {
        AckStream s = stream(true);
        s.rounds(4);
        s.rttNs = BASE_RTT + 10_000_000L;
        s.round();
        assertEquals("hystart-css", s.cc.phase());
        s.rttNs = BASE_RTT;
        s.round();
        assertEquals(HyStartPlusPlus.State.SLOW_START, state(s));
        assertEquals("slow-start", s.cc.phase());
        long w = s.cc.cwnd();
        s.round();
        assertEquals(2 * w, s.cc.cwnd(), "slow start again");
    }

    /** Fewer than N_RTT_SAMPLE samples in a round decide nothing. */
    @Test
    void shouldWaitForEnoughSamples() {
        AckStream s = stream(true);
        s.rounds(4);
        s.rttNs = BASE_RTT + 10_000_000L;
        s.rttSample = () -> s.acks % 40 == 0 ? s.rttNs : -1; // 4 samples per 160-segment round
        s.round();
        assertEquals(HyStartPlusPlus.State.SLOW_START, state(s));
    }

    @Test
    void shouldEndOnLossWithTheUsualReduction() {
        AckStream s = stream(true);
        s.rounds(4);
        s.rttNs = BASE_RTT + 10_000_000L;
        s.round();
        assertEquals("hystart-css", s.cc.phase());
        long w = s.cc.cwnd();
        s.lossEpisode();
        assertEquals(HyStartPlusPlus.State.DONE, state(s));
        assertEquals((long) (w * 0.7), s.cc.cwnd());
        assertEquals("congestion-avoidance", s.cc.phase());
    }

    /** RFC 9406 §4.2: unpaced, slow start adds at most L = 8 segments per ACK. */
    @Test
    void shouldLimitGrowthPerAckToEightSegments() {
        AckStream s = stream(true);
        long w = s.cc.cwnd();
        s.ack(10L * MSS, 0);
        assertEquals(w + 8L * MSS, s.cc.cwnd());
    }
}
