package io.jtcp.stack.cc;

/**
 * BBR's ACK-aggregation estimate (draft-ietf-ccwg-bbr-01 §4.5.6, {@code extra_acked}): how far
 * the ACKed data ran ahead of what the bandwidth model expected, as a windowed max over 10 round
 * trips (two slots of five, as Linux keeps it). As Linux's v3, the slots turn every round while
 * Startup has not filled the pipe (the rate doubles each round there, so the ACKs always run ahead
 * of the last round's estimate), and the allowance is at most 100 ms at the estimated bandwidth.
 */
final class BbrAckAggregation {
    private final long[] slots = new long[2];
    private int slot;
    private long slotRound;
    private long intervalStartNs;
    private long intervalDelivered;
    private long extraAcked;

    /** A new measurement interval starts now (connection start, restart after idle). */
    void restart(long nowNs) {
        intervalStartNs = nowNs;
    }

    /** BBRUpdateACKAggregation. */
    void update(
            long nowNs, long newlyAcked, long bw, long cwnd, boolean roundStart, long roundCount, boolean fullPipe) {
        if (roundStart && roundCount - slotRound >= (fullPipe ? Bbr.EXTRA_ACKED_WINDOW_ROUNDS : 1)) {
            slotRound = roundCount;
            slot ^= 1;
            slots[slot] = 0;
        }
        long expected = Bbr.bytesAt(bw, nowNs - intervalStartNs);
        if (intervalDelivered <= expected) {
            // The ACK rate fell back to the model's: start a new interval here.
            intervalDelivered = 0;
            intervalStartNs = nowNs;
            expected = 0;
        }
        intervalDelivered += newlyAcked;
        long extra = Math.min(intervalDelivered - expected, cwnd);
        if (extra > slots[slot]) {
            slots[slot] = extra;
        }
        extraAcked = Math.max(slots[0], slots[1]);
    }

    /** The cwnd allowance: the windowed max, at most 100 ms at {@code bw} (Linux v3). */
    long extraAcked(long bw) {
        return Math.min(extraAcked, Bbr.bytesAt(bw, Bbr.EXTRA_ACKED_MAX_NS));
    }
}
