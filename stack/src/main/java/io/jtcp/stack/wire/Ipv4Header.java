package io.jtcp.stack.wire;

import io.jtcp.stack.DropReason;
import java.nio.ByteOrder;
import org.agrona.MutableDirectBuffer;

/**
 * Flyweight over an IPv4 header (RFC 791 §3.1).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |   DSCP    |ECN|          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |Flags|      Fragment Offset    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options (IHL > 5)                          |
 * </pre>
 *
 * <p>Contract: {@link #validate()} reads nothing outside {@code [offset, offset + length)}; once it
 * returns {@link DropReason#NONE} no getter throws. Setters write without validating.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc791#section-3.1">RFC 791 §3.1</a>
 */
public final class Ipv4Header {
    public static final int VERSION_IHL_OFFSET = 0;
    public static final int TOS_OFFSET = 1;
    public static final int TOTAL_LENGTH_OFFSET = 2;
    public static final int IDENTIFICATION_OFFSET = 4;
    public static final int FLAGS_FRAGMENT_OFFSET = 6;
    public static final int TTL_OFFSET = 8;
    public static final int PROTOCOL_OFFSET = 9;
    public static final int CHECKSUM_OFFSET = 10;
    public static final int SRC_ADDR_OFFSET = 12;
    public static final int DST_ADDR_OFFSET = 16;
    public static final int MIN_HEADER_LENGTH = 20;
    public static final int MAX_TOTAL_LENGTH = 65535;

    public static final int PROTOCOL_ICMP = 1;
    public static final int PROTOCOL_TCP = 6;
    public static final int PROTOCOL_UDP = 17;

    public static final int FLAG_DF = 0x4000;
    public static final int FLAG_MF = 0x2000;
    private static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    private MutableDirectBuffer buffer;
    private int offset;
    private int length;

    /** Wraps {@code length} bytes at {@code offset}: the whole packet as read from the device. */
    public Ipv4Header wrap(MutableDirectBuffer buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    public MutableDirectBuffer buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    /** Bytes wrapped (may exceed {@link #totalLength()}: trailing bytes are ignored). */
    public int bufferLength() {
        return length;
    }

    /**
     * Checks the header in RFC 791 order, each failure with its own reason. A valid fragment (MF or
     * an offset) is reported as {@link DropReason#IP_FRAGMENT}, last: the header is sound, and the
     * caller hands it to reassembly (or drops it when reassembly is off).
     */
    public DropReason validate() {
        if (length < MIN_HEADER_LENGTH) {
            return DropReason.IP_TRUNCATED;
        }
        if (version() != 4) {
            return DropReason.IP_BAD_VERSION;
        }
        final int ihl = ihl();
        if (ihl < 5) {
            return DropReason.IP_BAD_IHL;
        }
        final int headerLength = ihl * 4;
        if (headerLength > length) {
            return DropReason.IP_HEADER_TRUNCATED;
        }
        final int total = totalLength();
        if (total < headerLength || total > length) {
            return DropReason.IP_BAD_TOTAL_LENGTH;
        }
        if (!Checksum.verify(buffer, offset, headerLength, 0)) {
            return DropReason.IP_BAD_CHECKSUM;
        }
        if (moreFragments() || fragmentOffset() != 0) {
            return DropReason.IP_FRAGMENT;
        }
        return DropReason.NONE;
    }

    public int version() {
        return (buffer.getByte(offset + VERSION_IHL_OFFSET) & 0xF0) >>> 4;
    }

    /** Header length in 32-bit words. */
    public int ihl() {
        return buffer.getByte(offset + VERSION_IHL_OFFSET) & 0x0F;
    }

    public int headerLength() {
        return ihl() * 4;
    }

    public int tos() {
        return buffer.getByte(offset + TOS_OFFSET) & 0xFF;
    }

    public int dscp() {
        return tos() >>> 2;
    }

    public int ecn() {
        return tos() & 0x03;
    }

    public int totalLength() {
        return buffer.getShort(offset + TOTAL_LENGTH_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int identification() {
        return buffer.getShort(offset + IDENTIFICATION_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    private int flagsAndFragment() {
        return buffer.getShort(offset + FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /** The reserved (evil) bit, flags bit 0. */
    public boolean reservedFlag() {
        return (flagsAndFragment() & 0x8000) != 0;
    }

    public boolean dontFragment() {
        return (flagsAndFragment() & FLAG_DF) != 0;
    }

    public boolean moreFragments() {
        return (flagsAndFragment() & FLAG_MF) != 0;
    }

    /** Fragment offset in units of 8 bytes. */
    public int fragmentOffset() {
        return flagsAndFragment() & FRAGMENT_OFFSET_MASK;
    }

    public int ttl() {
        return buffer.getByte(offset + TTL_OFFSET) & 0xFF;
    }

    public int protocol() {
        return buffer.getByte(offset + PROTOCOL_OFFSET) & 0xFF;
    }

    public int headerChecksum() {
        return buffer.getShort(offset + CHECKSUM_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int srcAddr() {
        return buffer.getInt(offset + SRC_ADDR_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    public int dstAddr() {
        return buffer.getInt(offset + DST_ADDR_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    /** Offset of the payload (the TCP/ICMP header) in the buffer. */
    public int payloadOffset() {
        return offset + headerLength();
    }

    public int payloadLength() {
        return totalLength() - headerLength();
    }

    // ---- setters (fluent) ----

    public Ipv4Header versionAndIhl(int version, int ihl) {
        buffer.putByte(offset + VERSION_IHL_OFFSET, (byte) ((version << 4) | (ihl & 0x0F)));
        return this;
    }

    public Ipv4Header tos(int tos) {
        buffer.putByte(offset + TOS_OFFSET, (byte) tos);
        return this;
    }

    public Ipv4Header totalLength(int totalLength) {
        buffer.putShort(offset + TOTAL_LENGTH_OFFSET, (short) totalLength, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public Ipv4Header identification(int id) {
        buffer.putShort(offset + IDENTIFICATION_OFFSET, (short) id, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /** Flags (FLAG_DF, FLAG_MF) OR-ed with the fragment offset in 8-byte units. */
    public Ipv4Header flagsAndFragment(int flagsAndOffset) {
        buffer.putShort(offset + FLAGS_FRAGMENT_OFFSET, (short) flagsAndOffset, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public Ipv4Header ttl(int ttl) {
        buffer.putByte(offset + TTL_OFFSET, (byte) ttl);
        return this;
    }

    public Ipv4Header protocol(int protocol) {
        buffer.putByte(offset + PROTOCOL_OFFSET, (byte) protocol);
        return this;
    }

    public Ipv4Header headerChecksum(int checksum) {
        buffer.putShort(offset + CHECKSUM_OFFSET, (short) checksum, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public Ipv4Header srcAddr(int addr) {
        buffer.putInt(offset + SRC_ADDR_OFFSET, addr, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public Ipv4Header dstAddr(int addr) {
        buffer.putInt(offset + DST_ADDR_OFFSET, addr, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /** Zeroes the checksum field, sums the header (IHL words) and stores the result. */
    public Ipv4Header computeChecksum() {
        headerChecksum(0);
        headerChecksum(Checksum.compute(buffer, offset, headerLength()));
        return this;
    }

    /**
     * Writes a 20-byte header without options: DF set, the given TTL, checksum computed.
     *
     * @return the header length (20)
     */
    public int writeHeader(int totalLength, int identification, int ttl, int protocol, int src, int dst) {
        final int total = totalLength & 0xFFFF;
        final int id = identification & 0xFFFF;
        final int ttlProtocol = ((ttl & 0xFF) << 8) | (protocol & 0xFF);
        // RFC 791 header checksum summed from the field values, not read back from the buffer.
        final long sum = 0x4500L
                + total
                + id
                + FLAG_DF
                + ttlProtocol
                + (src >>> 16)
                + (src & 0xFFFF)
                + (dst >>> 16)
                + (dst & 0xFFFF);
        final int checksum = ~Checksum.fold(sum) & 0xFFFF;
        buffer.putInt(offset, 0x4500_0000 | total, ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + 4, (id << 16) | FLAG_DF, ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + 8, (ttlProtocol << 16) | checksum, ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + SRC_ADDR_OFFSET, src, ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + DST_ADDR_OFFSET, dst, ByteOrder.BIG_ENDIAN);
        return MIN_HEADER_LENGTH;
    }

    /** Dotted-quad form of an address, for printing (allocates; not for the hot path). */
    public static String addressToString(int addr) {
        return ((addr >>> 24) & 0xFF) + "." + ((addr >>> 16) & 0xFF) + "." + ((addr >>> 8) & 0xFF) + "."
                + (addr & 0xFF);
    }

    /**
     * Parses a dotted quad.
     *
     * @throws IllegalArgumentException with a message naming the text when it is not an IPv4 address
     */
    public static int parseAddress(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
        }
        int addr = 0;
        for (String p : parts) {
            // ASCII digits only: Character.isDigit (and Integer.parseInt) also take other scripts' digits.
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
            }
            addr = (addr << 8) | v;
        }
        return addr;
    }
}
