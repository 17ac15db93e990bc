package io.jtcp.stack.cc;

/**
 * The randomised wait before the next bandwidth probe (draft-ietf-ccwg-bbr-01 §4.3.3.5,
 * BBRPickProbeWait): 0 or 1 extra rounds and 2 s plus a uniform 0–1 s of wall-clock time, drawn
 * from a seeded SplitMix64 so that runs are reproducible (and nothing allocates).
 */
final class BbrProbeWait {
    private long state;
    private long waitNs;
    private int rounds;

    void seed(long seed) {
        state = seed ^ 0x5DEE_CE66_DL;
    }

    void pick() {
        rounds = (int) (next() & 1);
        waitNs = Bbr.PROBE_WAIT_BASE_NS + Math.floorMod(next(), Bbr.PROBE_WAIT_RANDOM_NS + 1);
    }

    /** The wall-clock wait drawn by the last {@link #pick()}. */
    long waitNs() {
        return waitNs;
    }

    /** The rounds the last {@link #pick()} counts as already passed (0 or 1). */
    int rounds() {
        return rounds;
    }

    private long next() {
        long z = (state += 0x9E37_79B9_7F4A_7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return (z ^ (z >>> 31)) >>> 1;
    }
}
