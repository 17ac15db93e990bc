package io.jtcp.stack.tcp;

import io.jtcp.stack.StackCounters;
import java.util.ArrayDeque;

/**
 * The stack's memory budget and the storage behind every connection's rings: power-of-two byte
 * arrays, handed out on demand, taken back when a ring drains and kept in a bounded pool for the
 * next connection (so the steady state allocates nothing).
 *
 * <p>Every ring byte the stack holds is counted here, in use or pooled, plus a fixed estimate
 * of what each connection costs besides its rings ({@link #CONNECTION_BYTES}). Three levels, as
 * Linux's {@code tcp_mem} (min, pressure, max):
 *
 * <ul>
 *   <li>below {@link #PRESSURE_PERCENT} of the budget, buffers grow with the windows in use;
 *   <li>at or above it (<em>pressure</em>), new connections are refused, no buffer grows, the
 *       windows advertised shrink to four segments (their right edges stay), and drained
 *       buffers shrink to what their windows promised;
 *   <li>at the budget, no new storage is handed out: in-window data that finds no storage is
 *       dropped (counted; the peer resends it) and writes take nothing.
 * </ul>
 *
 * <p>An {@link OutOfMemoryError} anywhere in the stack's work lowers the ceiling to what is held
 * at that moment and empties the pool: the heap has told us the budget was too large.
 */
final class BufferPool {
    /** Heap a connection costs besides ring storage: TCB, receiver, table and heap slots (measured ≈ 1.3 KB). */
    static final long CONNECTION_BYTES = 2048;

    static final int PRESSURE_PERCENT = 75;

    private static final int MIN_SHIFT = 10; // 1 KiB, the smallest buffer StackConfig allows
    private static final int MAX_SHIFT = 30;

    private final StackCounters counters;
    private final long budget;
    private final long poolLimit;

    @SuppressWarnings({"unchecked", "rawtypes"})
    private final ArrayDeque<byte[]>[] free = new ArrayDeque[MAX_SHIFT + 1];
    // Per size, the array given back last, outside its deque: a connection whose ring drains and
    // refills every batch takes back the same array without touching the deque (same LIFO order).
    private final byte[][] last = new byte[MAX_SHIFT + 1][];

    private long ceiling; // the budget, or lower after an OutOfMemoryError
    private long pressureBytes; // PRESSURE_PERCENT of the ceiling: asked per segment, so not divided each time
    private long ringBytes; // storage allocated: in use + pooled
    private long pooledBytes;
    private long connections;

    BufferPool(long budgetBytes, StackCounters counters) {
        this.counters = counters;
        this.budget = budgetBytes;
        this.ceiling = budgetBytes;
        this.pressureBytes = pressureBytes(budgetBytes);
        // Enough to recycle the rings of a busy moment without a fresh allocation, small enough
        // that an idle stack does not sit on its budget.
        this.poolLimit = Math.max(1L << 20, Math.min(budgetBytes / 16, 64L << 20));
        for (int i = MIN_SHIFT; i <= MAX_SHIFT; i++) {
            free[i] = new ArrayDeque<>();
        }
    }

    long budgetBytes() {
        return budget;
    }

    /** Everything counted against the budget: ring storage and the per-connection estimate. */
    long usedBytes() {
        return ringBytes + connections * CONNECTION_BYTES;
    }

    /** Storage that could be handed out now before the budget is spent. */
    long roomBytes() {
        return Math.max(ceiling - usedBytes(), 0) + pooledBytes;
    }

    /** Pressure: refuse new connections, grow nothing, shrink drained buffers and new windows. */
    boolean underPressure() {
        return usedBytes() >= pressureBytes;
    }

    /** Whether one more connection fits (it must leave the stack below pressure). */
    boolean admitConnection() {
        return usedBytes() + CONNECTION_BYTES < pressureBytes;
    }

    void connectionOpened() {
        connections++;
        counters.memConnections = connections;
    }

    void connectionClosed() {
        connections--;
        counters.memConnections = connections;
    }

    /** Whether a buffer may grow by {@code extraBytes} now. */
    boolean allowGrowth(int extraBytes) {
        if (usedBytes() + extraBytes >= pressureBytes) {
            counters.memGrowthsRefused++;
            return false;
        }
        return true;
    }

    void onGrowth() {
        counters.memBufferGrowths++;
    }

    /** Storage of exactly {@code size} bytes (a power of two), or null when the budget is spent. */
    byte[] take(int size) {
        final int shift = Integer.numberOfTrailingZeros(size);
        byte[] pooled = last[shift];
        if (pooled != null) {
            last[shift] = null;
        } else {
            pooled = free[shift].pollFirst();
        }
        if (pooled != null) {
            pooledBytes -= size;
            counters.memRingBytesPooled = pooledBytes;
            return pooled;
        }
        if (usedBytes() + size > ceiling) {
            evictPool();
            if (usedBytes() + size > ceiling) {
                counters.memAllocationFailures++;
                return null;
            }
        }
        final byte[] array;
        try {
            array = new byte[size];
        } catch (OutOfMemoryError e) {
            onOutOfMemory();
            counters.memAllocationFailures++;
            return null;
        }
        counters.tcpRingsAllocated++;
        ringBytes += size;
        counters.memRingBytes = ringBytes;
        if (ringBytes > counters.memRingBytesPeak) {
            counters.memRingBytesPeak = ringBytes;
        }
        return array;
    }

    /** Storage back from a drained ring: pooled while the pool has room, else left to the GC. */
    void give(byte[] array) {
        final int size = array.length;
        if (pooledBytes + size <= poolLimit && usedBytes() <= ceiling) {
            final int shift = Integer.numberOfTrailingZeros(size);
            if (last[shift] != null) {
                free[shift].addFirst(last[shift]);
            }
            last[shift] = array;
            pooledBytes += size;
        } else {
            ringBytes -= size;
        }
        counters.memRingBytes = ringBytes;
        counters.memRingBytesPooled = pooledBytes;
    }

    /**
     * The heap ran out before the budget did: hold no spare storage, and lower the ceiling to what
     * is held now (but not below a quarter of the budget, so that an error thrown by a handler for
     * its own reasons does not starve every connection).
     */
    void onOutOfMemory() {
        evictPool();
        ceiling = Math.min(ceiling, Math.max(usedBytes(), budget / 4));
        pressureBytes = pressureBytes(ceiling);
    }

    private static long pressureBytes(long ceiling) {
        return ceiling / 100 * PRESSURE_PERCENT;
    }

    private void evictPool() {
        for (int i = MIN_SHIFT; i <= MAX_SHIFT; i++) {
            free[i].clear();
            last[i] = null;
        }
        ringBytes -= pooledBytes;
        pooledBytes = 0;
        counters.memRingBytes = ringBytes;
        counters.memRingBytesPooled = 0;
    }
}
