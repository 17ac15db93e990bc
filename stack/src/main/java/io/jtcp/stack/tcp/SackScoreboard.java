package io.jtcp.stack.tcp;

import io.jtcp.stack.wire.Seq;
import io.jtcp.stack.wire.TcpOptions;

/**
 * The sender's SACK scoreboard (RFC 6675 §3): the peer's SACK blocks (RFC 2018) above SND.UNA, kept
 * as ranges of send-ring indices (so they survive sequence-number wrap) with a bounded number of
 * ranges (a full board just forgets, which costs a retransmission, never correctness).
 */
final class SackScoreboard {
    private static final int MAX_RANGES = 32;

    private final Reassembler ranges = new Reassembler(MAX_RANGES);

    /**
     * Adds the blocks that lie within data in flight, [sndUna, min(sndMax, dataEnd)), as ring
     * indices ({@code readIndex} holds sequence number {@code bufSeq}). Returns true when the segment
     * carried any valid block.
     */
    boolean record(TcpOptions opts, int sndUna, int sndMax, int dataEnd, long readIndex, int bufSeq) {
        final int blocks = opts.sackBlockCount();
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
                any = true;
            }
        }
        return any;
    }

    /** Bytes SACKed above SND.UNA (the board's total). */
    long sackedBytes() {
        long total = 0;
        for (int i = 0; i < ranges.rangeCount(); i++) {
            total += ranges.end(i) - ranges.start(i);
        }
        return total;
    }

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

    private long holeEnd;

    /** End (exclusive ring index) of the hole {@link #nextHole} last found. */
    long holeEnd() {
        return holeEnd;
    }

    /** SND.UNA moved to ring index {@code index}: blocks below it are acknowledged. */
    void discardBelow(long index) {
        ranges.discardBelow(index);
    }

    boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** RFC 2018 §8: after a timeout the receiver may have reneged; resend SACKed data too. */
    void clear() {
        ranges.clear();
    }
}
