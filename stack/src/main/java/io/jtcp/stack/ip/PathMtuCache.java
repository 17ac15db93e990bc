package io.jtcp.stack.ip;

/**
 * Path MTUs learned from "fragmentation needed" messages (RFC 1191 §6.3), per destination, for the
 * connections opened later. Bounded: a fixed set-associative table ({@value #CAPACITY} entries in
 * sets of {@value #WAYS}); a new destination takes an empty or aged-out way of its set, else the
 * one that would age out first. Allocation-free after construction.
 */
public final class PathMtuCache {
    public static final int CAPACITY = 1024;
    public static final int WAYS = 4;
    private static final int SETS = CAPACITY / WAYS;

    /** RFC 1191 §7 table 7-1: the MTU plateaus an old router's message (next-hop MTU 0) falls to. */
    private static final int[] PLATEAUS = {65_535, 32_000, 17_914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68};

    private final int[] addr = new int[CAPACITY];
    private final int[] mtu = new int[CAPACITY]; // 0: empty
    private final long[] expiresNs = new long[CAPACITY];

    /** The path MTU learned for {@code dst}, or 0 when there is none or it aged out. */
    public int get(int dst, long nowNs) {
        final int base = set(dst);
        for (int i = base; i < base + WAYS; i++) {
            if (mtu[i] != 0 && addr[i] == dst) {
                if (expiresNs[i] - nowNs <= 0) {
                    mtu[i] = 0; // RFC 1191 §6.3: after the age limit, try the first-hop MTU again
                    return 0;
                }
                return mtu[i];
            }
        }
        return 0;
    }

    /**
     * Records a lower path MTU for {@code dst}; a value not below a live entry's changes nothing
     * (RFC 1191 §6.3: an estimate is only raised by aging out). The age starts at each reduction.
     */
    public void reduce(int dst, int newMtu, long nowNs, long ageNs) {
        final int base = set(dst);
        int victim = base;
        for (int i = base; i < base + WAYS; i++) {
            if (mtu[i] != 0 && addr[i] == dst) {
                if (expiresNs[i] - nowNs > 0 && newMtu >= mtu[i]) {
                    return;
                }
                victim = i;
                break;
            }
            if (mtu[i] == 0 || expiresNs[i] - nowNs <= 0) {
                victim = i;
            } else if (mtu[victim] != 0 && expiresNs[victim] - nowNs > 0 && expiresNs[i] - expiresNs[victim] < 0) {
                victim = i;
            }
        }
        addr[victim] = dst;
        mtu[victim] = newMtu;
        expiresNs[victim] = nowNs + ageNs;
    }

    /** Live entries (scans the table: for status output and tests, not the hot path). */
    public int size(long nowNs) {
        int n = 0;
        for (int i = 0; i < CAPACITY; i++) {
            if (mtu[i] != 0 && expiresNs[i] - nowNs > 0) {
                n++;
            }
        }
        return n;
    }

    /**
     * RFC 1191 §5: an old-style message (next-hop MTU 0) says only that {@code datagramLength} was
     * too big; the estimate is the largest plateau below it.
     */
    public static int plateauBelow(int datagramLength) {
        for (int p : PLATEAUS) {
            if (p < datagramLength) {
                return p;
            }
        }
        return 68;
    }

    private static int set(int dst) {
        final int h = dst * 0x9E37_79B9;
        return ((h ^ (h >>> 16)) & (SETS - 1)) * WAYS;
    }
}
