package io.jtcp.stack.tcp;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A power-of-two byte ring addressed by monotonic {@code long} logical indices: bytes live between
 * {@link #readIndex()} and {@link #writeIndex()}; logical index {@code i} is stored at {@code (i -
 * origin) & mask}. Monotonic indices make sequence-space bookkeeping free of wrap-around: the send and
 * receive paths map a sequence number to an index with one subtraction.
 *
 * <p>Bytes may also be placed ahead of the write index ({@link #copyIn}) without committing them:
 * the receiver parks out-of-order data there until the hole before it fills.
 *
 * <p>The storage is separate from the ring: an idle connection holds none. It is taken from the
 * {@link BufferPool} when the first byte has to be stored ({@link #attach}) and given back when
 * the ring is empty ({@link #detach}); the indices survive both. Detaching also moves the origin to
 * the write index, so the next byte stored lands at the start of the storage: a connection whose
 * application keeps up (the ring drains after every batch) reuses the same few kilobytes, warm in
 * the cache, instead of walking the whole ring's cold lines (the pool hands the last array given
 * back out first). {@link #capacity()} is how much
 * the ring may hold, and may grow ({@link #resize}) while bytes are stored: they are copied.
 */
final class ByteRing {
    private static final byte[] NO_STORAGE = new byte[0];

    private final BufferPool pool;
    private final UnsafeBuffer buffer = new UnsafeBuffer(NO_STORAGE);
    private byte[] storage; // null while detached
    private int capacity;
    private int mask;
    private long readIndex;
    private long writeIndex;
    private long origin; // the logical index stored at position 0

    ByteRing(BufferPool pool, int capacity) {
        requirePowerOfTwo(capacity);
        this.pool = pool;
        this.capacity = capacity;
    }

    /**
     * As new, for another connection: empty, indices at 0, {@code capacity} bytes. Only a ring that
     * holds no storage (detached) is reused.
     */
    void reset(int capacity) {
        requirePowerOfTwo(capacity);
        if (storage != null) {
            throw new IllegalStateException("a ring is reused only once its storage is given back");
        }
        this.capacity = capacity;
        mask = 0;
        readIndex = 0;
        writeIndex = 0;
        origin = 0;
    }

    private static void requirePowerOfTwo(int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
    }

    /** Bytes the ring may hold (committed plus parked ahead of the write index). */
    int capacity() {
        return capacity;
    }

    /** Bytes of storage held now: 0 while detached. */
    int storageBytes() {
        return storage == null ? 0 : storage.length;
    }

    boolean attached() {
        return storage != null;
    }

    /** Takes storage for {@link #capacity()} bytes unless it has some; false when the budget is spent. */
    boolean attach() {
        if (storage != null) {
            return true;
        }
        final byte[] s = pool.take(capacity);
        if (s == null) {
            return false;
        }
        storage = s;
        mask = s.length - 1;
        buffer.wrap(s);
        return true;
    }

    /** Gives the storage back; only when nothing is stored (the caller knows about parked bytes). */
    void detach() {
        if (storage == null) {
            return;
        }
        final byte[] s = storage;
        storage = null;
        buffer.wrap(NO_STORAGE);
        origin = writeIndex;
        pool.give(s);
    }

    /**
     * Changes the capacity. Growing while attached moves the stored bytes (committed and parked:
     * the whole span the old storage covered) to new storage, false when none can be had. Shrinking
     * keeps the storage; the caller never shrinks below what it stored or promised.
     */
    boolean resize(int newCapacity) {
        requirePowerOfTwo(newCapacity);
        if (storage == null || newCapacity <= storage.length) {
            capacity = newCapacity;
            return true;
        }
        final byte[] s = pool.take(newCapacity);
        if (s == null) {
            return false;
        }
        final byte[] old = storage;
        final int oldLength = old.length;
        final int newMask = s.length - 1;
        // Logical [readIndex, readIndex + oldLength) keeps its indices; only positions change.
        int done = 0;
        while (done < oldLength) {
            final long index = readIndex + done;
            final int from = (int) ((index - origin) & mask);
            final int to = (int) ((index - origin) & newMask);
            final int run = Math.min(Math.min(oldLength - from, s.length - to), oldLength - done);
            System.arraycopy(old, from, s, to, run);
            done += run;
        }
        storage = s;
        mask = newMask;
        capacity = newCapacity;
        buffer.wrap(s);
        pool.give(old);
        return true;
    }

    long readIndex() {
        return readIndex;
    }

    long writeIndex() {
        return writeIndex;
    }

    /** Committed bytes not yet consumed. */
    int size() {
        return (int) (writeIndex - readIndex);
    }

    int free() {
        return Math.max(capacity - size(), 0);
    }

    /** Appends up to {@code length} bytes; returns how many fitted (0 when no storage could be had). */
    int append(DirectBuffer src, int offset, int length) {
        final int n = Math.min(length, free());
        if (n <= 0 || !attach()) {
            return 0;
        }
        copyIn(writeIndex, src, offset, n);
        writeIndex += n;
        return n;
    }

    /** Appends up to {@code length} bytes from an array; returns how many fitted. */
    int append(byte[] src, int offset, int length) {
        final int n = Math.min(length, free());
        if (n <= 0 || !attach()) {
            return 0;
        }
        final int len = storage.length;
        final int pos = (int) ((writeIndex - origin) & mask);
        final int first = Math.min(n, len - pos);
        buffer.putBytes(pos, src, offset, first);
        if (n > first) {
            buffer.putBytes(0, src, offset + first, n - first);
        }
        writeIndex += n;
        return n;
    }

    /**
     * Writes {@code length} bytes at logical {@code index}, which must lie within the capacity
     * ahead of the read index; the ring must be {@link #attach attached}.
     */
    void copyIn(long index, DirectBuffer src, int offset, int length) {
        final int len = storage.length;
        final int pos = (int) ((index - origin) & mask);
        final int first = Math.min(length, len - pos);
        buffer.putBytes(pos, src, offset, first);
        if (length > first) {
            buffer.putBytes(0, src, offset + first, length - first);
        }
    }

    /** Copies {@code length} bytes from logical {@code index} without consuming them. */
    void copyOut(long index, MutableDirectBuffer dst, int offset, int length) {
        final int len = storage.length;
        final int pos = (int) ((index - origin) & mask);
        final int first = Math.min(length, len - pos);
        dst.putBytes(offset, buffer, pos, first);
        if (length > first) {
            dst.putBytes(offset + first, buffer, 0, length - first);
        }
    }

    void copyOut(long index, byte[] dst, int offset, int length) {
        final int len = storage.length;
        final int pos = (int) ((index - origin) & mask);
        final int first = Math.min(length, len - pos);
        buffer.getBytes(pos, dst, offset, first);
        if (length > first) {
            buffer.getBytes(0, dst, offset + first, length - first);
        }
    }

    /** The backing buffer, for readers handed bytes in place ({@link TcpReader}). */
    DirectBuffer buffer() {
        return buffer;
    }

    /** Position in {@link #buffer()} of the byte at the read index. */
    int readPosition() {
        return (int) ((readIndex - origin) & mask);
    }

    /** Committed bytes from the read index up to the end of the storage or the write index. */
    int contiguousReadable() {
        return Math.min(size(), storage.length - readPosition());
    }

    /** Marks {@code n} bytes placed by {@link #copyIn} at the write index as committed. */
    void commit(int n) {
        writeIndex += n;
    }

    void consume(int n) {
        readIndex += n;
    }
}
