package io.jtcp.stack.tcp;

import io.jtcp.stack.wire.Seq;
import io.jtcp.stack.wire.TcpOptions;

/**
 * The sender's SACK scoreboard (RFC 6675 §3): the peer's SACK blocks (RFC 2018) above SND.UNA, kept
 * as ranges of send-ring indices (so they survive sequence-number wrap) with a bounded number of
 * ranges: 32 at first, doubling up to 4096 while the flight is large enough to need them (a full
 * board just forgets, which costs a retransmission, never correctness).
 */
final class SackScoreboard {
    private static final int INITIAL_RANGES = 32;
    /**
     * A slow-start overshoot that loses every other segment of a 100 Mbit/s · 100 ms window leaves
     * over a thousand holes; a board that forgets the blocks above its 32nd range sees neither the
     * SACKed bytes nor the losses above it, and RFC 6675's pipe stays at the whole flight.
     */
    private static final int MAX_RANGES = 4096;
    /**
     * The board doubles only while the flight has at least this many bytes per range: a real
     * loss pattern needs a segment lost and one SACKed per range, so a peer's fabricated one-byte
     * blocks cannot make it grow beyond about 1.6 % of the bytes in flight (16 bytes a range).
     */
    private static final int FLIGHT_BYTES_PER_RANGE = 1024;

    private final Reassembler ranges = new Reassembler(INITIAL_RANGES);

    /**
     * Adds the blocks that lie within data in flight, [sndUna, min(sndMax, dataEnd)), as ring
     * indices ({@code readIndex} holds sequence number {@code bufSeq}). Returns true when the segment
     * carried any valid block.
     */
    boolean record(TcpOptions opts, int sndUna, int sndMax, int dataEnd, long readIndex, int bufSeq) {
        final int blocks = opts.sackBlockCount();
        final int capacity = ranges.capacity();
        if (ranges.rangeCount() + blocks > capacity
                && capacity < MAX_RANGES
                && Seq.diff(sndMax, sndUna) / FLIGHT_BYTES_PER_RANGE >= 2L * capacity) {
            ranges.growTo(2 * capacity);
        }
        boolean any = false;
        for (int b = 0; b < blocks; b++) {
            int left = opts.sackLeft(b);
            int right = opts.sackRight(b);
            if (!Seq.lt(left, right) || !Seq.gt(right, sndUna) || Seq.gt(right, sndMax)) {
                continue; // stale, D-SACK below sndUna, or invalid: ignored
            }
            left = Seq.max(left, sndUna);
            right = Seq.min(right, dataEnd);
            if (Seq.lt(left, right)) {
                ranges.add(readIndex + Seq.diff(left, bufSeq), readIndex + Seq.diff(right, bufSeq));
                sackedTotal = -1;
                any = true;
            }
        }
        return any;
    }

    /** Bytes SACKed above SND.UNA (the board's total), cached until the board changes. */
    long sackedBytes() {
        if (sackedTotal < 0) {
            long total = 0;
            for (int i = 0; i < ranges.rangeCount(); i++) {
                total += ranges.end(i) - ranges.start(i);
            }
            sackedTotal = total;
        }
        return sackedTotal;
    }

    private long sackedTotal; // -1: recompute (a block was added or discarded)

    /**
     * RFC 6675 §4 NextSeg, simplified: the ring index of the first un-SACKed byte at or above
     * {@code from} that lies below the highest SACKed byte, or -1; {@link #holeEnd} is where that
     * hole ends.
     */
    long nextHole(long from) {
        for (int i = 0; i < ranges.rangeCount(); i++) {
            if (from < ranges.start(i)) {
                holeEnd = ranges.start(i);
                return from;
            }
            from = Math.max(from, ranges.end(i));
        }
        return -1;
    }

    /**
     * RFC 6675 §4 IsLost for every byte of a hole below the ranges from the {@code rangesAbove}-th
     * last on, which hold {@code bytesAbove}: DupThresh discontiguous SACKed ranges above it, or
     * more than (DupThresh − 1)·SMSS bytes.
     */
    private static boolean isLost(long bytesAbove, int rangesAbove, int mss) {
        return rangesAbove >= LossRecovery.DUPACK_THRESHOLD
                || bytesAbove > (long) (LossRecovery.DUPACK_THRESHOLD - 1) * mss;
    }

    /**
     * RFC 6675 §4 SetPipe's second term: the bytes of holes at or above ring index {@code from}
     * (below the highest SACKed byte) that IsLost deems lost. O(ranges), no allocation.
     */
    long lostBytes(long from, int mss) {
        long above = sackedBytes();
        long lost = 0;
        long prev = from;
        final int n = ranges.rangeCount();
        for (int i = 0; i < n && isLost(above, n - i, mss); i++) {
            final long start = ranges.start(i);
            final long end = ranges.end(i);
            if (start > prev) {
                lost += start - prev;
            }
            above -= end - start;
            prev = Math.max(prev, end);
        }
        return lost;
    }

    /**
     * RFC 6675 §4 NextSeg rule 1: the ring index of the first un-SACKed byte at or above {@code
     * from} that IsLost deems lost, or -1; {@link #holeEnd} is where that hole ends.
     */
    long nextLostHole(long from, int mss) {
        long above = sackedBytes();
        final int n = ranges.rangeCount();
        for (int i = 0; i < n && isLost(above, n - i, mss); i++) {
            final long start = ranges.start(i);
            if (from < start) {
                holeEnd = start;
                return from;
            }
            above -= ranges.end(i) - start;
            from = Math.max(from, ranges.end(i));
        }
        return -1;
    }

    /**
     * The go-back after a timeout skips what the peer holds (RFC 6675 §5.1: "utilize all SACK
     * information"): the end of the SACKed range holding ring index {@code index}, or {@code
     * index} itself when it is not SACKed; {@link #nextSackedStart} is then where the next SACKed
     * range starts (the resend stops short of it).
     */
    long skipSacked(long index) {
        nextSackedStart = Long.MAX_VALUE;
        for (int i = 0; i < ranges.rangeCount(); i++) {
            final long start = ranges.start(i);
            if (index < start) {
                nextSackedStart = start;
                return index;
            }
            if (index < ranges.end(i)) {
                index = ranges.end(i);
            }
        }
        return index;
    }

    private long nextSackedStart;

    /** Start of the first SACKed range above the index {@link #skipSacked} last returned. */
    long nextSackedStart() {
        return nextSackedStart;
    }

    /** SACKed bytes below ring index {@code index}: with the go-back they are not in flight. */
    long sackedBelow(long index) {
        long total = 0;
        for (int i = 0; i < ranges.rangeCount() && ranges.start(i) < index; i++) {
            total += Math.min(ranges.end(i), index) - ranges.start(i);
        }
        return total;
    }

    /** Whether ring index {@code index} (SND.UNA's) is SACKed: a peer that has reneged. */
    boolean startsAt(long index) {
        return !ranges.isEmpty() && ranges.start(0) <= index;
    }

    private long holeEnd;

    /** End (exclusive ring index) of the hole {@link #nextHole} last found. */
    long holeEnd() {
        return holeEnd;
    }

    /** SND.UNA moved to ring index {@code index}: blocks below it are acknowledged. */
    void discardBelow(long index) {
        ranges.discardBelow(index);
        sackedTotal = -1;
    }

    /** Ranges held now (tests: the board's growth stays bounded by the flight). */
    int rangeCount() {
        return ranges.rangeCount();
    }

    boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** RFC 2018 §8: after a timeout the receiver may have reneged; resend SACKed data too. */
    void clear() {
        ranges.clear();
        sackedTotal = 0;
    }
}
