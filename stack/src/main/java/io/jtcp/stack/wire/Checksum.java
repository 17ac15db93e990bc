package io.jtcp.stack.wire;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.UnsafeAccess;

/**
 * The Internet checksum: RFC 1071 one's-complement sum, the TCP/UDP pseudo-header sum, and the
 * RFC 1624 incremental update.
 *
 * <p>Partial sums are plain {@code int}s holding a folded 16-bit one's-complement sum (not yet
 * complemented), so they can be chained: {@code finish(sum(buf, off, len, pseudoHeaderSum(...)))}.
 *
 * <p>Speed: the bulk of the range is read as native-order 64-bit words, each split into two 32-bit
 * halves added into a {@code long}. RFC 1071 §2(B) shows the sum is byte-order independent up to a
 * final byte swap, so no per-word swap is needed.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc1071">RFC 1071</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc1624">RFC 1624</a>
 */
public final class Checksum {
    private static final boolean NATIVE_LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    /** Ranges up to this many bytes (any IPv4 or TCP header) take {@link #shortHeapSum}. */
    static final int SHORT_RANGE = 60;

    private Checksum() {}

    /**
     * One's-complement sum of {@code length} bytes at {@code offset}, added to {@code initial}.
     *
     * @return the folded 16-bit partial sum (not complemented)
     */
    public static int sum(DirectBuffer buffer, int offset, int length, int initial) {
        // Everything is summed in native order and folded once: RFC 1071 §2(B) lets the byte swap
        // into network order happen once at the end, so the network-order initial value is
        // swapped into native order first (a byte swap of each 16-bit half of it).
        long acc = (NATIVE_LITTLE_ENDIAN ? Integer.reverseBytes(initial) : initial) & 0xFFFF_FFFFL;
        if (length <= SHORT_RANGE) {
            // Headers (IPv4 in and out, a bare ACK's TCP header): too short for the vector loop
            // below to pay for its set-up, summed in straight-line code instead.
            buffer.boundsCheck(offset, length);
            final byte[] array = buffer.byteArray();
            final long address = buffer.addressOffset() + offset;
            acc += array != null ? shortHeapSum(array, address, length) : shortOffHeapSum(address, length);
            final int folded = fold(acc);
            return NATIVE_LITTLE_ENDIAN ? ((folded & 0xFF) << 8) | (folded >>> 8) : folded;
        }
        final int words = length & ~7;
        // Off-heap memory (what the device reads into) is read with Unsafe directly, after one
        // bounds check for the whole range. Through UnsafeBuffer.getLong the loop shares that
        // method's profile, which sees byte[]-backed and off-heap buffers alike all over the stack;
        // with a base that may or may not be null C2 (JDK 17) does not vectorise it, and the
        // checksum of a received segment in direct memory cost twice what it costs alone
        // (bench/README.md). A byte[] is summed through UnsafeBuffer as before: measured, reading
        // it with Unsafe as well was no faster in the receive path and slower alone.
        final byte[] array = buffer.byteArray();
        if (array == null) {
            buffer.boundsCheck(offset, length);
            acc += offHeapWordSum(buffer.addressOffset() + offset, words);
        } else {
            acc += wordSum(buffer, offset, offset + words);
        }
        if (words < length) {
            acc += nativeTailSum(buffer, offset + words, length - words);
        }
        final int folded = fold(acc);
        return NATIVE_LITTLE_ENDIAN ? ((folded & 0xFF) << 8) | (folded >>> 8) : folded;
    }

    /**
     * The native-order 32-bit words of a range of at most {@link #SHORT_RANGE} bytes of {@code
     * array} at Unsafe offset {@code address} added up in two independent accumulators, the last
     * {@code length % 4} bytes as {@link #nativeTailSum} does. Heap and off-heap memory take
     * separate methods: an Unsafe read whose base may or may not be null is one C2 orders
     * conservatively, and it measured slower than either.
     */
    private static long shortHeapSum(byte[] array, long address, int length) {
        long a0 = 0;
        long a1 = 0;
        final long end = address + length;
        long p = address;
        for (; p <= end - 8; p += 8) {
            a0 += UnsafeAccess.UNSAFE.getInt(array, p) & 0xFFFF_FFFFL;
            a1 += UnsafeAccess.UNSAFE.getInt(array, p + 4) & 0xFFFF_FFFFL;
        }
        if (p <= end - 4) {
            a0 += UnsafeAccess.UNSAFE.getInt(array, p) & 0xFFFF_FFFFL;
            p += 4;
        }
        if (p <= end - 2) {
            a1 += UnsafeAccess.UNSAFE.getShort(array, p) & 0xFFFF;
            p += 2;
        }
        if (p < end) {
            a0 += padded(UnsafeAccess.UNSAFE.getByte(array, p));
        }
        return a0 + a1;
    }

    /** {@link #shortHeapSum} over off-heap memory at {@code address}. */
    private static long shortOffHeapSum(long address, int length) {
        long a0 = 0;
        long a1 = 0;
        final long end = address + length;
        long p = address;
        for (; p <= end - 8; p += 8) {
            a0 += UnsafeAccess.UNSAFE.getInt(p) & 0xFFFF_FFFFL;
            a1 += UnsafeAccess.UNSAFE.getInt(p + 4) & 0xFFFF_FFFFL;
        }
        if (p <= end - 4) {
            a0 += UnsafeAccess.UNSAFE.getInt(p) & 0xFFFF_FFFFL;
            p += 4;
        }
        if (p <= end - 2) {
            a1 += UnsafeAccess.UNSAFE.getShort(p) & 0xFFFF;
            p += 2;
        }
        if (p < end) {
            a0 += padded(UnsafeAccess.UNSAFE.getByte(p));
        }
        return a0 + a1;
    }

    /** An odd final byte as a native-order 16-bit word padded with a zero byte on the right (RFC 1071 §1). */
    private static int padded(byte last) {
        final int b = last & 0xFF;
        return NATIVE_LITTLE_ENDIAN ? b : b << 8;
    }

    /** The 32-bit halves of the native-order 64-bit words at [from, to) of {@code buffer} added up. */
    private static long wordSum(DirectBuffer buffer, int from, int to) {
        long acc = 0;
        for (int i = from; i < to; i += 8) {
            final long w = buffer.getLong(i, ByteOrder.nativeOrder());
            acc += (w >>> 32) + (w & 0xFFFF_FFFFL);
        }
        return acc;
    }

    /** The same sum over off-heap memory at [start, start + bytes). */
    private static long offHeapWordSum(long start, int bytes) {
        long acc = 0;
        for (int i = 0; i < bytes; i += 8) {
            final long w = UnsafeAccess.UNSAFE.getLong(start + i);
            acc += (w >>> 32) + (w & 0xFFFF_FFFFL);
        }
        return acc;
    }

    /** Native-order sum of the last {@code length < 8} bytes of a range, the odd byte zero-padded. */
    private static long nativeTailSum(DirectBuffer buffer, int offset, int length) {
        long acc = 0;
        int i = offset;
        final int end = offset + length;
        if (end - i >= 4) {
            acc += buffer.getInt(i, ByteOrder.nativeOrder()) & 0xFFFF_FFFFL;
            i += 4;
        }
        if (end - i >= 2) {
            acc += buffer.getShort(i, ByteOrder.nativeOrder()) & 0xFFFF;
            i += 2;
        }
        if (i < end) {
            // An odd final byte is padded with a zero byte on the right (RFC 1071 §1): in a
            // little-endian word that byte is the low one.
            final int b = buffer.getByte(i) & 0xFF;
            acc += NATIVE_LITTLE_ENDIAN ? b : b << 8;
        }
        return acc;
    }

    /** Sum of the TCP/UDP pseudo-header (RFC 9293 §3.1): source, destination, zero, protocol, length. */
    public static int pseudoHeaderSum(int srcAddr, int dstAddr, int protocol, int length) {
        long acc = (srcAddr >>> 16) + (srcAddr & 0xFFFF) + (dstAddr >>> 16) + (dstAddr & 0xFFFF);
        acc += protocol & 0xFF;
        acc += length & 0xFFFF;
        return fold(acc);
    }

    /** The value to put in a checksum field: the complement of the folded sum. */
    public static int finish(int sum) {
        return ~fold(sum & 0xFFFF_FFFFL) & 0xFFFF;
    }

    /** Checksum of a whole range, ready for the header field. */
    public static int compute(DirectBuffer buffer, int offset, int length) {
        return finish(sum(buffer, offset, length, 0));
    }

    /**
     * True when a range that contains its own checksum field sums to all ones (a valid packet).
     */
    public static boolean verify(DirectBuffer buffer, int offset, int length, int initial) {
        return sum(buffer, offset, length, initial) == 0xFFFF;
    }

    /**
     * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), the checksum after one 16-bit word changed from
     * {@code oldWord} to {@code newWord}, without re-summing the packet.
     */
    public static int update(int oldChecksum, int oldWord, int newWord) {
        long acc = (~oldChecksum & 0xFFFF) + (~oldWord & 0xFFFF) + (newWord & 0xFFFF);
        return ~fold(acc) & 0xFFFF;
    }

    /**
     * RFC 1624 for a changed 32-bit field (an address or a sequence number): eqn. 3 with both of its
     * 16-bit words in one sum, folded once.
     */
    public static int update32(int oldChecksum, int oldValue, int newValue) {
        final long acc = (~oldChecksum & 0xFFFF)
                + (~oldValue >>> 16)
                + (~oldValue & 0xFFFF)
                + (newValue >>> 16)
                + (newValue & 0xFFFF);
        return ~fold(acc) & 0xFFFF;
    }

    /**
     * Folds a 64-bit sum to 16 bits with end-around carries: adding a word to itself rotated by
     * half its width leaves the one's-complement sum of the halves, carry included, in the upper
     * half (the fold Linux's csum_fold uses).
     */
    static int fold(long acc) {
        final int s32 = (int) ((acc + Long.rotateRight(acc, 32)) >>> 32);
        return (s32 + Integer.rotateRight(s32, 16)) >>> 16;
    }
}
