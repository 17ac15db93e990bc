package io.jtcp.stack.cc;

/**
 * HyStart++ (RFC 9406): slow start that leaves early, on a rise of the per-round minimum RTT
 * rather than on loss, through a few rounds of slower Conservative Slow Start (CSS) that go back
 * to slow start if the RTT falls again (the rise was noise, not a queue).
 *
 * <p>Rounds (RFC 9406 §4.2 "windowEnd") are counted with the delivery-rate sample when the engine
 * fills it: a round ends at the first ACK for a segment sent after the round began, that is when
 * {@link AckSample#priorDelivered()} reaches the {@link AckSample#totalDelivered()} of the ACK
 * that began it. An engine that leaves both 0 gets the byte-counting approximation instead: a
 * round ends after ACKs for the cwnd at its start (one window is one round trip of ACKs).
 *
 * <p>Used for the initial slow start only; RFC 9406 §4.3 leaves slow start after an RTO to the
 * congestion controller. Allocation-free; one instance per connection.
 */
final class HyStartPlusPlus {
    // RFC 9406 §4.3, the recommended constants.
    static final long MIN_RTT_THRESH_NS = 4_000_000L;
    static final long MAX_RTT_THRESH_NS = 16_000_000L;
    static final int MIN_RTT_DIVISOR = 8;
    static final int N_RTT_SAMPLE = 8;
    static final int CSS_GROWTH_DIVISOR = 4;
    static final int CSS_ROUNDS = 5;
    /** Segments slow start may add per ACK when not paced (jtcp's CUBIC is not). */
    static final int L = 8;

    private static final long NONE = Long.MAX_VALUE; // "infinity" in RFC 9406's pseudocode

    enum State {
        SLOW_START,
        CSS,
        /** Left for congestion avoidance (CSS_ROUNDS done, or loss ended slow start). */
        DONE
    }

    private State state = State.SLOW_START;
    private long lastRoundMinRttNs = NONE;
    private long currentRoundMinRttNs = NONE;
    private int rttSampleCount;
    private long cssBaselineMinRttNs = NONE;
    private int cssRounds;
    private boolean roundStarted;
    private long roundEndDelivered; // delivered mode: a new round when priorDelivered reaches it
    private long roundBytesLeft; // byte-counting mode: ACKed bytes still to come in this round
    private long cssCarry; // growth not yet added in CSS (the division's remainder), bytes
    private int rounds;

    State state() {
        return state;
    }

    int rounds() {
        return rounds;
    }

    long cssBaselineMinRttNs() {
        return cssBaselineMinRttNs;
    }

    /** Loss or ECN ended slow start (RFC 9406 §4.2): the controller's reduction takes over. */
    void stop() {
        state = State.DONE;
    }

    /** Back to the state of a new connection (undo of a congestion event taken in slow start). */
    void restart() {
        state = State.SLOW_START;
        lastRoundMinRttNs = NONE;
        currentRoundMinRttNs = NONE;
        rttSampleCount = 0;
        cssBaselineMinRttNs = NONE;
        cssRounds = 0;
        roundStarted = false;
        cssCarry = 0;
    }

    /**
     * One ACK in slow start with {@code cwnd} bytes of window: tracks rounds and RTT and returns
     * the bytes by which the window grows (RFC 9406 §4.2). After the call, {@link #state()} is
     * {@link State#DONE} when slow start should end here (the caller sets ssthresh = cwnd).
     */
    long onAck(AckSample ack, long cwnd, int mss) {
        if (state == State.DONE) {
            return 0;
        }
        if (startsRound(ack, cwnd)) {
            lastRoundMinRttNs = currentRoundMinRttNs;
            currentRoundMinRttNs = NONE;
            rttSampleCount = 0;
            rounds++;
            if (state == State.CSS && ++cssRounds >= CSS_ROUNDS) {
                // RFC 9406 §4.2: CSS_ROUNDS rounds of CSS without a fall of the RTT: the rise was
                // real, enter congestion avoidance.
                state = State.DONE;
                return 0;
            }
        }
        // RFC 9406 §4.2 takes an RTT on every ACK; the RTO's Karn-timed sample comes once a round
        // trip and would never reach N_RTT_SAMPLE in a round. It is the fallback for engines that
        // fill only that one.
        long rtt = ack.latestRttNs() >= 0 ? ack.latestRttNs() : ack.rttNs();
        if (rtt >= 0) { // 0 is a sample (a simulated link without delay); -1 is none
            currentRoundMinRttNs = Math.min(currentRoundMinRttNs, rtt);
            rttSampleCount++;
        }
        long growth = Math.min(ack.ackedBytes(), (long) L * mss);
        if (state == State.SLOW_START) {
            if (rttSampleCount >= N_RTT_SAMPLE && currentRoundMinRttNs != NONE && lastRoundMinRttNs != NONE) {
                long thresh =
                        Math.max(MIN_RTT_THRESH_NS, Math.min(lastRoundMinRttNs / MIN_RTT_DIVISOR, MAX_RTT_THRESH_NS));
                if (currentRoundMinRttNs >= lastRoundMinRttNs + thresh) {
                    cssBaselineMinRttNs = currentRoundMinRttNs;
                    state = State.CSS;
                    cssRounds = 0;
                    cssCarry = 0;
                }
            }
            return growth; // this ACK still grows at the slow-start rate, as in RFC 9406's order
        }
        // CSS: a quarter of slow start's growth; the remainder is carried so that small ACKs
        // add up to the same growth as large ones.
        if (rttSampleCount >= N_RTT_SAMPLE && currentRoundMinRttNs < cssBaselineMinRttNs) {
            // RFC 9406 §4.2: the RTT fell below the baseline: the exit was spurious.
            cssBaselineMinRttNs = NONE;
            state = State.SLOW_START;
            return growth;
        }
        cssCarry += growth;
        long add = cssCarry / CSS_GROWTH_DIVISOR;
        cssCarry -= add * CSS_GROWTH_DIVISOR;
        return add;
    }

    private boolean startsRound(AckSample ack, long cwnd) {
        if (ack.totalDelivered() > 0) {
            if (!roundStarted || ack.priorDelivered() >= roundEndDelivered) {
                roundStarted = true;
                roundEndDelivered = ack.totalDelivered();
                return true;
            }
            return false;
        }
        // No delivery-rate sample from the engine: a window's worth of ACKs is one round.
        if (!roundStarted || roundBytesLeft <= 0) {
            roundStarted = true;
            roundBytesLeft = cwnd - ack.ackedBytes();
            return true;
        }
        roundBytesLeft -= ack.ackedBytes();
        return false;
    }
}
