package io.jtcp.stack.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** RFC 9293 §3.4: sequence numbers compare modulo 2^32. */
class SeqTest {
    private static final int NEAR_TOP = 0xFFFF_FFF0;
    private static final int PAST_WRAP = 0x10;

    @Test
    void shouldOrderAcrossTheWrapWhenComparing() {
        assertTrue(Seq.lt(NEAR_TOP, PAST_WRAP));
        assertTrue(Seq.le(NEAR_TOP, PAST_WRAP));
        assertFalse(Seq.gt(NEAR_TOP, PAST_WRAP));
        assertFalse(Seq.ge(NEAR_TOP, PAST_WRAP));
        assertTrue(Seq.gt(PAST_WRAP, NEAR_TOP));
        assertTrue(Seq.ge(PAST_WRAP, NEAR_TOP));
        assertTrue(Seq.lt(-1, 0));
        assertTrue(Seq.lt(Integer.MAX_VALUE, Integer.MIN_VALUE));
    }

    @Test
    void shouldBeReflexiveOnlyForLeAndGeWhenEqual() {
        for (int x : new int[] {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, NEAR_TOP}) {
            assertTrue(Seq.le(x, x));
            assertTrue(Seq.ge(x, x));
            assertFalse(Seq.lt(x, x));
            assertFalse(Seq.gt(x, x));
        }
    }

    @Test
    void shouldAgreeWithUnsignedDistanceWhenNumbersAreLessThanHalfTheSpaceApart() {
        long seed = 9293L;
        Random random = new Random(seed);
        for (int i = 0; i < 100_000; i++) {
            int a = random.nextInt();
            long distance = 1 + (random.nextLong() & 0x7FFF_FFFEL); // 1 .. 2^31 - 1
            int b = (int) (Integer.toUnsignedLong(a) + distance); // b is ahead of a, maybe wrapped
            String where = "seed=" + seed + " a=" + Integer.toUnsignedString(a) + " b=" + Integer.toUnsignedString(b);
            assertTrue(Seq.lt(a, b), where);
            assertTrue(Seq.le(a, b), where);
            assertTrue(Seq.gt(b, a), where);
            assertTrue(Seq.ge(b, a), where);
            assertFalse(Seq.lt(b, a), where);
            assertEquals(distance, Seq.diff(b, a), where);
            assertEquals(-distance, Seq.diff(a, b), where);
            assertEquals(b, Seq.add(a, (int) distance), where);
            assertEquals(b, Seq.max(a, b), where);
            assertEquals(b, Seq.max(b, a), where);
            assertEquals(a, Seq.min(a, b), where);
            assertEquals(a, Seq.min(b, a), where);
        }
    }

    @Test
    void shouldWrapWhenAdding() {
        assertEquals(PAST_WRAP, Seq.add(NEAR_TOP, 0x20));
        assertEquals(0x20, Seq.diff(PAST_WRAP, NEAR_TOP));
        assertEquals(-0x20, Seq.diff(NEAR_TOP, PAST_WRAP));
        assertEquals(NEAR_TOP, Seq.add(PAST_WRAP, -0x20));
        assertEquals(0xFFFF_FFF0L, Seq.unsigned(NEAR_TOP));
        assertEquals(PAST_WRAP, Seq.max(NEAR_TOP, PAST_WRAP));
        assertEquals(NEAR_TOP, Seq.min(NEAR_TOP, PAST_WRAP));
    }

    @Test
    void shouldIncludeLowerAndExcludeUpperWhenCheckingWindow() {
        int lower = 1000;
        int upper = 2000;
        assertFalse(Seq.inWindow(999, lower, upper));
        assertTrue(Seq.inWindow(1000, lower, upper));
        assertTrue(Seq.inWindow(1999, lower, upper));
        assertFalse(Seq.inWindow(2000, lower, upper));
    }

    @Test
    void shouldCheckWindowAcrossTheWrapWhenEdgesStraddleZero() {
        int lower = NEAR_TOP; // window of 0x20 bytes: 0xFFFFFFF0 .. 0x0000000F
        int upper = Seq.add(lower, 0x20);
        assertFalse(Seq.inWindow(NEAR_TOP - 1, lower, upper));
        assertTrue(Seq.inWindow(NEAR_TOP, lower, upper));
        assertTrue(Seq.inWindow(-1, lower, upper));
        assertTrue(Seq.inWindow(0, lower, upper));
        assertTrue(Seq.inWindow(0xF, lower, upper));
        assertFalse(Seq.inWindow(PAST_WRAP, lower, upper));
    }

    @Test
    void shouldBeEmptyWhenWindowHasZeroSize() {
        // RFC 9293 §3.10.7.4: with RCV.WND = 0 no sequence number is acceptable.
        for (int x : new int[] {NEAR_TOP - 1, NEAR_TOP, NEAR_TOP + 1}) {
            assertFalse(Seq.inWindow(x, NEAR_TOP, NEAR_TOP));
        }
    }

    @Test
    void shouldMatchUnsignedRangeWhenWindowIsRandom() {
        long seed = 32L;
        Random random = new Random(seed);
        for (int i = 0; i < 100_000; i++) {
            int lower = random.nextInt();
            long size = random.nextInt(1 << 30);
            int upper = (int) (lower + size);
            long offset = (random.nextLong() & 0x7FFF_FFFFL) - (1L << 30); // -2^30 .. 2^31
            int x = (int) (lower + offset);
            boolean expected = offset >= 0 && offset < size;
            assertEquals(expected, Seq.inWindow(x, lower, upper), "seed=" + seed + " i=" + i);
        }
    }
}
