package io.jtcp.stack.tcp;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A power-of-two byte ring addressed by monotonic {@code long} logical indices: bytes live between
 * {@link #readIndex()} and {@link #writeIndex()}; logical index {@code i} is stored at {@code i &
 * mask}. Monotonic indices make sequence-space bookkeeping free of wrap-around: the send and
 * receive paths map a sequence number to an index with one subtraction.
 *
 * <p>Bytes may also be placed ahead of the write index ({@link #copyIn}) without committing them:
 * the receiver parks out-of-order data there until the hole before it fills.
 */
final class ByteRing {
    private final UnsafeBuffer buffer;
    private final int capacity;
    private final int mask;
    private long readIndex;
    private long writeIndex;

    ByteRing(int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        this.buffer = new UnsafeBuffer(new byte[capacity]);
        this.capacity = capacity;
        this.mask = capacity - 1;
    }

    int capacity() {
        return capacity;
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
        return capacity - size();
    }

    /** Appends up to {@code length} bytes; returns how many fitted. */
    int append(DirectBuffer src, int offset, int length) {
        final int n = Math.min(length, free());
        copyIn(writeIndex, src, offset, n);
        writeIndex += n;
        return n;
    }

    /** Appends up to {@code length} bytes from an array; returns how many fitted. */
    int append(byte[] src, int offset, int length) {
        final int n = Math.min(length, free());
        final int pos = (int) (writeIndex & mask);
        final int first = Math.min(n, capacity - pos);
        buffer.putBytes(pos, src, offset, first);
        if (n > first) {
            buffer.putBytes(0, src, offset + first, n - first);
        }
        writeIndex += n;
        return n;
    }

    /** Writes {@code length} bytes at logical {@code index}, which must lie within the capacity ahead of the read index. */
    void copyIn(long index, DirectBuffer src, int offset, int length) {
        final int pos = (int) (index & mask);
        final int first = Math.min(length, capacity - pos);
        buffer.putBytes(pos, src, offset, first);
        if (length > first) {
            buffer.putBytes(0, src, offset + first, length - first);
        }
    }

    /** Copies {@code length} bytes from logical {@code index} without consuming them. */
    void copyOut(long index, MutableDirectBuffer dst, int offset, int length) {
        final int pos = (int) (index & mask);
        final int first = Math.min(length, capacity - pos);
        dst.putBytes(offset, buffer, pos, first);
        if (length > first) {
            dst.putBytes(offset + first, buffer, 0, length - first);
        }
    }

    void copyOut(long index, byte[] dst, int offset, int length) {
        final int pos = (int) (index & mask);
        final int first = Math.min(length, capacity - pos);
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
        return (int) (readIndex & mask);
    }

    /** Committed bytes from the read index up to the end of the buffer or the write index. */
    int contiguousReadable() {
        return Math.min(size(), capacity - readPosition());
    }

    /** Marks {@code n} bytes placed by {@link #copyIn} at the write index as committed. */
    void commit(int n) {
        writeIndex += n;
    }

    void consume(int n) {
        readIndex += n;
    }
}
