package io.jtcp.stack.cc;

/**
 * BBR's max-bandwidth filter (draft-ietf-ccwg-bbr-01 §4.5.2.4-5): the maximum delivery rate over
 * the last two ProbeBW cycles, kept as one slot per cycle. Advancing forgets the older slot.
 */
final class BbrMaxBwFilter {
    private final long[] slots = new long[2];
    private long max;

    long max() {
        return max;
    }

    /** BBRUpdateMaxBw: an app-limited sample counts only if it raises the estimate. */
    void update(long rate, boolean appLimited) {
        if (rate <= 0 || (appLimited && rate < max)) {
            return;
        }
        if (rate > slots[0]) {
            slots[0] = rate;
        }
        max = Math.max(slots[0], slots[1]);
    }

    /** BBRAdvanceMaxBwFilter: a new ProbeBW cycle begins. */
    void advance() {
        slots[1] = slots[0];
        slots[0] = 0;
        max = slots[1];
    }
}
