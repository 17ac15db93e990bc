package io.jtcp.viz.tcp;

import java.util.ArrayDeque;

/**
 * What the capture shows of one side's sending sequence space, in unwrapped 64-bit numbers relative
 * to the side's ISN (or to its first sequence number when the SYN was not captured).
 */
final class Side {
    /** Out-of-order holes remembered, beyond which a late segment is called a retransmission. */
    private static final int MAX_HOLES = 64;

    long base = -1;
    boolean synSeen;
    /** Highest sequence number sent so far plus one (the next new byte). */
    long sndMax;
    /** The unwrapped sequence number of this side's FIN, or -1. */
    long finSeq = -1;
    /** RFC 7323 §2.2 shift for this side's window field, once both SYNs carried the option. */
    int windowShift;

    int offeredShift = -1;
    long lastAck = -1;
    int lastWindowRaw = -1;
    long lastWindow = -1;
    int dupAcks;
    /** Ranges [from, to) skipped by a jump ahead and not seen since. */
    final ArrayDeque<long[]> holes = new ArrayDeque<>();

    /** The 32-bit value {@code raw} as the 64-bit relative number nearest to {@code near}. */
    long unwrap(long raw, long near) {
        long rel32 = (raw - base) & 0xffffffffL;
        long delta = (int) (rel32 - (near & 0xffffffffL));
        return near + delta;
    }

    void addHole(long from, long to) {
        if (holes.size() == MAX_HOLES) {
            holes.removeFirst();
        }
        holes.addLast(new long[] {from, to});
    }

    /** Removes [from, to) from the holes; whether any of it was a hole (so the data is new). */
    boolean fill(long from, long to) {
        boolean filled = false;
        int n = holes.size();
        for (int i = 0; i < n; i++) {
            long[] h = holes.removeFirst();
            if (to <= h[0] || from >= h[1]) {
                holes.addLast(h);
                continue;
            }
            filled = true;
            if (h[0] < from) {
                holes.addLast(new long[] {h[0], from});
            }
            if (to < h[1]) {
                holes.addLast(new long[] {to, h[1]});
            }
        }
        return filled;
    }
}
