package io.jtcp.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.StackCounters;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** Ring storage taken lazily, given back when empty, and grown with its bytes (committed and parked) in place. */
class ByteRingTest {
    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    @Test
    void shouldKeepCommittedAndParkedBytesWhenGrowingAcrossTheWrap() {
        StackCounters counters = new StackCounters();
        BufferPool pool = new BufferPool(64L << 20, counters);
        ByteRing ring = new ByteRing(pool, 1024);
        assertFalse(ring.attached(), "no storage before the first byte");
        // Move the indices so the data wraps: write 700, consume 600.
        assertEquals(700, ring.append(bytes(700, 1), 0, 700));
        ring.consume(600);
        byte[] committed = bytes(800, 2);
        assertEquals(800, ring.append(committed, 0, 800)); // wraps at 1024
        byte[] parked = bytes(50, 3);
        long parkAt = ring.writeIndex() + 20; // out of order, ahead of the write index
        ring.copyIn(parkAt, new UnsafeBuffer(parked), 0, 50);
        assertTrue(ring.resize(4096));
        assertEquals(4096, ring.capacity());
        byte[] out = new byte[800];
        ring.copyOut(ring.readIndex() + 100, out, 0, 800);
        assertArrayEquals(committed, out, "committed bytes survive the move");
        byte[] outParked = new byte[50];
        ring.copyOut(parkAt, outParked, 0, 50);
        assertArrayEquals(parked, outParked, "parked bytes survive the move");
        ring.consume(ring.size());
        ring.detach();
        assertFalse(ring.attached());
        assertEquals(4096 + 1024, counters.memRingBytes, "both arrays pooled, still counted");
        assertEquals(4096 + 1024, counters.memRingBytesPooled);
    }

    /**
     * A ring that drains and gives its storage back starts again at the start of the array it gets
     * next (the same one: the pool hands out the last given back first), so a connection whose
     * application keeps up touches the same warm bytes instead of walking the whole ring.
     */
    @Test
    void shouldStoreFromTheStartOfTheSameArrayAfterDrainingAtAnyIndex() {
        BufferPool pool = new BufferPool(64L << 20, new StackCounters());
        ByteRing ring = new ByteRing(pool, 1024);
        assertEquals(700, ring.append(bytes(700, 1), 0, 700));
        UnsafeBuffer first = new UnsafeBuffer(ring.buffer().byteArray());
        assertEquals(0, ring.readPosition(), "a new ring starts at 0");
        ring.consume(700);
        ring.detach();
        byte[] next = bytes(600, 4); // would wrap at 1024 from position 700
        assertEquals(600, ring.append(next, 0, 600));
        assertEquals(700, ring.readIndex(), "logical indices go on");
        assertEquals(0, ring.readPosition(), "but the bytes start at position 0");
        assertTrue(ring.buffer().byteArray() == first.byteArray(), "in the same array");
        assertEquals(600, ring.contiguousReadable(), "in one piece: no wrap");
        byte[] out = new byte[600];
        ring.copyOut(700, out, 0, 600);
        assertArrayEquals(next, out);
        // Parked bytes ahead of the write index use the same mapping.
        byte[] parked = bytes(100, 5);
        ring.copyIn(ring.writeIndex() + 400, new UnsafeBuffer(parked), 0, 100); // positions 1000..1099: wraps
        byte[] outParked = new byte[100];
        ring.copyOut(ring.writeIndex() + 400, outParked, 0, 100);
        assertArrayEquals(parked, outParked, "parked across the wrap");
    }

    @Test
    void shouldTakeNothingWhenTheBudgetIsSpent() {
        StackCounters counters = new StackCounters();
        BufferPool pool = new BufferPool(1L << 20, counters);
        ByteRing big = new ByteRing(pool, 1 << 19);
        ByteRing other = new ByteRing(pool, 1 << 19);
        ByteRing third = new ByteRing(pool, 1 << 10);
        assertEquals(10, big.append(bytes(10, 0), 0, 10));
        assertEquals(10, other.append(bytes(10, 0), 0, 10));
        assertEquals(0, third.append(bytes(10, 0), 0, 10), "the budget is spent");
        assertEquals(1L, counters.memAllocationFailures);
        big.consume(10);
        big.detach(); // pooled: still counted, but taken back first when another size is needed
        assertEquals(10, third.append(bytes(10, 0), 0, 10), "the pool gave up its spare array");
    }

    /** A ring reused for another connection starts as a new one: empty, at index 0, its starting capacity. */
    @Test
    void shouldStartEmptyAtIndexZeroWithTheGivenCapacityWhenReset() {
        BufferPool pool = new BufferPool(64L << 20, new StackCounters());
        ByteRing ring = new ByteRing(pool, 1024);
        assertEquals(700, ring.append(bytes(700, 1), 0, 700));
        assertTrue(ring.resize(4096));
        ring.consume(700);
        ring.detach();
        ring.reset(2048);
        assertEquals(2048, ring.capacity());
        assertEquals(0, ring.readIndex());
        assertEquals(0, ring.writeIndex());
        assertEquals(0, ring.size());
        assertFalse(ring.attached());
        byte[] data = bytes(2048, 9);
        assertEquals(2048, ring.append(data, 0, 2048), "the whole new capacity is usable");
        byte[] out = new byte[2048];
        ring.copyOut(0, out, 0, 2048);
        assertArrayEquals(data, out);
    }

    @Test
    void shouldRefuseToResetARingThatStillHoldsStorage() {
        ByteRing ring = new ByteRing(new BufferPool(64L << 20, new StackCounters()), 1024);
        ring.append(bytes(10, 1), 0, 10);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> ring.reset(1024));
    }
}
