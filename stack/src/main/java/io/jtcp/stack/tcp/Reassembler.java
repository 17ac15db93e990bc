package io.jtcp.stack.tcp;

/**
 * Out-of-order segment bookkeeping for the receiver: a sorted, disjoint set of at most {@code
 * maxRanges} byte ranges, in the receive ring's logical index space, that were received beyond
 * the next expected byte. The bytes themselves sit in the ring; this only remembers where.
 *
 * <p>Memory is bounded twice: by the receive window (the ring) and by the number of ranges (a
 * hostile peer sending one-byte islands cannot grow anything).
 *
 * <p>The arrays are allocated at the first range: most connections never see reordering, and an
 * idle connection should cost as little heap as possible.
 */
final class Reassembler {
    private int maxRanges;
    private long[] starts;
    private long[] ends;
    private int count;

    Reassembler(int maxRanges) {
        this.maxRanges = maxRanges;
    }

    /** How many ranges it holds at most now. */
    int capacity() {
        return maxRanges;
    }

    /**
     * Raises the bound to {@code newMax} ranges (never lowers it); arrays already allocated are
     * copied, so the caller grows rarely (doubling), never per segment.
     */
    void growTo(int newMax) {
        if (newMax <= maxRanges) {
            return;
        }
        maxRanges = newMax;
        if (starts != null) {
            starts = java.util.Arrays.copyOf(starts, newMax);
            ends = java.util.Arrays.copyOf(ends, newMax);
        }
    }

    int rangeCount() {
        return count;
    }

    boolean isEmpty() {
        return count == 0;
    }

    void clear() {
        count = 0;
    }

    /**
     * Records {@code [start, end)}, merging with neighbours it overlaps or touches.
     *
     * @return false when it would need a new range and all are in use (the caller drops the segment)
     */
    boolean add(long start, long end) {
        if (starts == null) {
            starts = new long[maxRanges];
            ends = new long[maxRanges];
        }
        int i = 0;
        while (i < count && ends[i] < start) {
            i++;
        }
        // ranges [i, j) overlap or touch [start, end)
        int j = i;
        long s = start;
        long e = end;
        while (j < count && starts[j] <= end) {
            s = Math.min(s, starts[j]);
            e = Math.max(e, ends[j]);
            j++;
        }
        final int merged = j - i;
        if (merged == 0) {
            if (count == starts.length) {
                return false;
            }
            System.arraycopy(starts, i, starts, i + 1, count - i);
            System.arraycopy(ends, i, ends, i + 1, count - i);
            count++;
        } else if (merged > 1) {
            System.arraycopy(starts, j, starts, i + 1, count - j);
            System.arraycopy(ends, j, ends, i + 1, count - j);
            count -= merged - 1;
        }
        starts[i] = s;
        ends[i] = e;
        return true;
    }

    /**
     * The in-order edge moved to {@code edge}: removes ranges now contiguous with it and returns the
     * new edge (the end of the data that became in-order).
     */
    long advance(long edge) {
        long e = edge;
        int removed = 0;
        while (removed < count && starts[removed] <= e) {
            e = Math.max(e, ends[removed]);
            removed++;
        }
        if (removed > 0) {
            System.arraycopy(starts, removed, starts, 0, count - removed);
            System.arraycopy(ends, removed, ends, 0, count - removed);
            count -= removed;
        }
        return e;
    }

    /** Forgets everything below {@code index} (it was acknowledged cumulatively). */
    void discardBelow(long index) {
        int removed = 0;
        while (removed < count && ends[removed] <= index) {
            removed++;
        }
        if (removed > 0) {
            System.arraycopy(starts, removed, starts, 0, count - removed);
            System.arraycopy(ends, removed, ends, 0, count - removed);
            count -= removed;
        }
        if (count > 0 && starts[0] < index) {
            starts[0] = index;
        }
    }

    /** The first range sharing a byte with {@code [start, end)}, or -1 when none does. */
    int firstOverlapping(long start, long end) {
        for (int i = 0; i < count && starts[i] < end; i++) {
            if (ends[i] > start) {
                return i;
            }
        }
        return -1;
    }

    long start(int i) {
        return starts[i];
    }

    long end(int i) {
        return ends[i];
    }
}
