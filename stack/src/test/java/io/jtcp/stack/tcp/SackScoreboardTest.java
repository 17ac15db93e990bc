package io.jtcp.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.wire.TcpOptions;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** RFC 6675 §4's IsLost, SetPipe's lost-hole term and NextSeg rule 1 over the scoreboard. */
class SackScoreboardTest {
    private static final int MSS = 1000;
    private static final int BUF_SEQ = 5000; // sequence number of ring index 0

    private static TcpOptions sack(int... edges) {
        UnsafeBuffer b = new UnsafeBuffer(new byte[40]);
        int n = TcpOptions.writeSackOption(b, 0, edges, edges.length / 2);
        TcpOptions o = new TcpOptions();
        o.parse(b, 0, n);
        assertEquals(edges.length / 2, o.sackBlockCount(), "blocks parsed");
        return o;
    }

    /** Segment {@code i} of MSS bytes as sequence numbers. */
    private static int seg(int i) {
        return BUF_SEQ + i * MSS;
    }

    private static void record(SackScoreboard board, int sndMax, int... edges) {
        board.record(sack(edges), BUF_SEQ, sndMax, sndMax, 0, BUF_SEQ);
    }

    @Test
    void shouldDeemEveryHoleLostWithMoreThanTwoSegmentsSackedAboveIt() {
        SackScoreboard board = new SackScoreboard();
        // Ten segments out; 0, 2, 4 and 6 missing; 1, 3, 5 and 7..9 SACKed.
        record(board, seg(10), seg(1), seg(2), seg(3), seg(4), seg(5), seg(6), seg(7), seg(10));
        assertEquals(6L * MSS, board.sackedBytes());
        assertEquals(4L * MSS, board.lostBytes(0, MSS), "all four holes: 3+ segments SACKed above each");
        assertEquals(3L * MSS, board.lostBytes(MSS, MSS), "above HighRxt = segment 1: three holes");
        assertEquals(2L * MSS, board.nextLostHole(MSS, MSS), "NextSeg rule 1 from HighRxt");
        assertEquals(3L * MSS, board.holeEnd());
    }

    @Test
    void shouldNotDeemAHoleLostWithOnlyTwoSegmentsSackedAboveIt() {
        SackScoreboard board = new SackScoreboard();
        // 0 and 2 missing; 1 and 3..4 SACKed: above hole 2 only 2·SMSS in one range.
        record(board, seg(5), seg(1), seg(2), seg(3), seg(5));
        assertEquals(1L * MSS, board.lostBytes(0, MSS), "hole 0 only");
        assertEquals(0L, board.lostBytes(MSS, MSS), "hole 2 is not lost yet");
        assertEquals(-1L, board.nextLostHole(MSS, MSS));
    }

    @Test
    void shouldDeemAHoleLostWithThreeDiscontiguousRangesAboveIt() {
        SackScoreboard board = new SackScoreboard();
        // Half-segment blocks: 1.5·SMSS SACKed above hole 0, but in three ranges (DupThresh).
        int h = MSS / 2;
        record(board, seg(4), seg(1), seg(1) + h, seg(2), seg(2) + h, seg(3), seg(3) + h);
        assertEquals(1L * MSS, board.lostBytes(0, MSS));
    }

    @Test
    void shouldGrowBeyondThirtyTwoRangesOnlyWhenTheFlightIsLargeEnoughToNeedThem() {
        SackScoreboard small = new SackScoreboard();
        SackScoreboard large = new SackScoreboard();
        int smallMax = seg(60); // 60 KB in flight: too little to need more than 32 ranges
        int largeMax = seg(4000); // 4 MB in flight
        for (int i = 1; i < 60; i++) {
            record(small, smallMax, seg(i), seg(i) + 1); // a peer's fabricated one-byte blocks
        }
        for (int i = 1; i < 2 * 100; i += 2) {
            record(large, largeMax, seg(i), seg(i + 1));
        }
        assertTrue(small.rangeCount() <= 32, "a small flight keeps 32 ranges: " + small.rangeCount());
        assertEquals(100, large.rangeCount(), "a large flight's board grew for every block");
        assertEquals(100L * MSS, large.sackedBytes());
        // The top two holes have fewer than three segments SACKed above them: not lost yet.
        assertEquals(98L * MSS, large.lostBytes(0, MSS), "every hole below the top two is lost");
    }
}
