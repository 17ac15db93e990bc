package io.jtcp.stack.wire;

import static io.jtcp.stack.wire.WireTestSupport.naiveSum;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * {@link Checksum#sum} against the byte-at-a-time RFC 1071 reference over random ranges: lengths up
 * to 64 KiB (odd ones included), offsets and base-address alignments 0..7 in a byte[] and in direct
 * memory (the two take different loops), random initial partial sums, and data that is random,
 * all 0xFF (every word carries), all zeros, or random with long 0xFF runs.
 */
class ChecksumPropertyTest {
    private static final long SEED = 0x1071_2026L;
    private static final int MAX = 65_536;

    @Test
    void shouldMatchTheReferenceOverRandomRangesInHeapAndDirectMemory() {
        final Random random = new Random(SEED);
        final byte[] data = new byte[MAX + 16];
        final ByteBuffer direct = ByteBuffer.allocateDirect(MAX + 32);
        final long base = BufferUtil.address(direct);
        for (int trial = 0; trial < 3000; trial++) {
            fill(random, data, trial % 4);
            final int length = trial % 10 == 0 ? MAX - random.nextInt(8) : random.nextInt(trial % 3 == 0 ? 2048 : MAX);
            final int offset = random.nextInt(8);
            final int align = random.nextInt(8);
            final int initial = trial % 5 == 0 ? 0xFFFF : random.nextInt(0x10000);
            final UnsafeBuffer heap = new UnsafeBuffer(data);
            // Direct memory whose first byte sits `align` bytes past an 8-byte boundary (+ 8 so the
            // range starts inside the allocation).
            final long start = ((base + 15) & ~7L) + align;
            final UnsafeBuffer offHeap = new UnsafeBuffer(start, MAX + 8);
            offHeap.putBytes(0, data, 0, MAX + 8);
            final int expected = naiveSum(data, offset, length, initial);
            final String where = "seed=" + SEED + " trial=" + trial + " length=" + length + " offset=" + offset
                    + " align=" + align + " initial=" + initial;
            assertEquals(expected, Checksum.sum(heap, offset, length, initial), where + " (heap)");
            assertEquals(expected, Checksum.sum(offHeap, offset, length, initial), where + " (direct)");
        }
    }

    @Test
    void shouldFoldEveryCarryWhenEveryByteIsAllOnesAtEveryLengthNearWordBoundaries() {
        final byte[] ones = new byte[MAX + 16];
        Arrays.fill(ones, (byte) 0xFF);
        final ByteBuffer direct = ByteBuffer.allocateDirect(MAX + 16);
        final UnsafeBuffer offHeap = new UnsafeBuffer(direct);
        offHeap.putBytes(0, ones, 0, MAX + 16);
        for (int length : new int[] {1, 2, 3, 7, 8, 9, 15, 16, 17, 1459, 1460, 1461, 65_527, 65_535, 65_536}) {
            for (int offset = 0; offset < 8; offset++) {
                for (int initial : new int[] {0, 1, 0xFFFE, 0xFFFF}) {
                    final int expected = naiveSum(ones, offset, length, initial);
                    final String where = "length=" + length + " offset=" + offset + " initial=" + initial;
                    assertEquals(expected, Checksum.sum(new UnsafeBuffer(ones), offset, length, initial), where);
                    assertEquals(expected, Checksum.sum(offHeap, offset, length, initial), where + " (direct)");
                }
            }
        }
    }

    @Test
    void shouldMatchTheReferenceOverEveryShortRangeInHeapAndDirectMemory() {
        // Ranges up to Checksum.SHORT_RANGE (headers) take their own straight-line code: every
        // length across that boundary, every offset and alignment 0..7, heap and direct.
        final Random random = new Random(SEED + 1);
        final byte[] data = new byte[256];
        final ByteBuffer direct = ByteBuffer.allocateDirect(256 + 16);
        final long base = BufferUtil.address(direct);
        for (int trial = 0; trial < 40; trial++) {
            fill(random, data, trial % 4);
            final int align = trial % 8;
            final UnsafeBuffer offHeap = new UnsafeBuffer(((base + 7) & ~7L) + align, 256);
            offHeap.putBytes(0, data, 0, 256);
            final UnsafeBuffer heap = new UnsafeBuffer(data);
            for (int length = 0; length <= Checksum.SHORT_RANGE + 9; length++) {
                for (int offset = 0; offset < 8; offset++) {
                    final int initial = random.nextInt(0x10000);
                    final int expected = naiveSum(data, offset, length, initial);
                    final String where = "trial=" + trial + " length=" + length + " offset=" + offset + " align="
                            + align + " initial=" + initial;
                    assertEquals(expected, Checksum.sum(heap, offset, length, initial), where + " (heap)");
                    assertEquals(expected, Checksum.sum(offHeap, offset, length, initial), where + " (direct)");
                }
            }
        }
    }

    @Test
    void shouldRefuseARangeBeyondADirectBufferInsteadOfReadingPastIt() {
        // The off-heap loop reads with Unsafe: one bounds check covers the range, bounds checks on or off.
        final UnsafeBuffer offHeap = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
        org.junit.jupiter.api.Assertions.assertThrows(
                IndexOutOfBoundsException.class, () -> Checksum.sum(offHeap, 40, 40, 0)); // a short range
        final UnsafeBuffer heap = new UnsafeBuffer(new byte[64]);
        org.junit.jupiter.api.Assertions.assertThrows(
                IndexOutOfBoundsException.class, () -> Checksum.sum(heap, 40, 40, 0));
        org.junit.jupiter.api.Assertions.assertThrows(
                IndexOutOfBoundsException.class, () -> Checksum.sum(offHeap, 8, 64, 0));
        org.junit.jupiter.api.Assertions.assertThrows(
                IndexOutOfBoundsException.class, () -> Checksum.sum(offHeap, -8, 16, 0));
        assertEquals(naiveSum(new byte[64], 0, 64, 0), Checksum.sum(offHeap, 0, 64, 0));
    }

    private static void fill(Random random, byte[] data, int kind) {
        switch (kind) {
            case 0:
                random.nextBytes(data);
                break;
            case 1:
                Arrays.fill(data, (byte) 0xFF);
                break;
            case 2:
                Arrays.fill(data, (byte) 0);
                break;
            default:
                random.nextBytes(data);
                for (int run = 0; run < 8; run++) {
                    final int from = random.nextInt(data.length);
                    Arrays.fill(data, from, Math.min(data.length, from + random.nextInt(4096)), (byte) 0xFF);
                }
                break;
        }
    }
}
