package io.jtcp.stack.wire;

import io.jtcp.stack.DropReason;
import java.nio.ByteOrder;
import org.agrona.MutableDirectBuffer;

/**
 * Flyweight over an ICMP message (RFC 792): echo request/reply, and the errors (destination
 * unreachable, time exceeded, parameter problem) that quote a datagram.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Identifier (echo) / unused  | Sequence (echo) / next-hop MTU|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Data (echo) / original IP header + 64 bits (unreachable)  |
 * </pre>
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc792">RFC 792</a>
 */
public final class IcmpHeader {
    public static final int TYPE_OFFSET = 0;
    public static final int CODE_OFFSET = 1;
    public static final int CHECKSUM_OFFSET = 2;
    public static final int IDENTIFIER_OFFSET = 4;
    public static final int SEQUENCE_OFFSET = 6;
    public static final int HEADER_LENGTH = 8;

    public static final int TYPE_ECHO_REPLY = 0;
    public static final int TYPE_DEST_UNREACHABLE = 3;
    public static final int TYPE_SOURCE_QUENCH = 4;
    public static final int TYPE_ECHO_REQUEST = 8;
    public static final int TYPE_TIME_EXCEEDED = 11;
    public static final int TYPE_PARAMETER_PROBLEM = 12;

    public static final int CODE_NET_UNREACHABLE = 0;
    public static final int CODE_HOST_UNREACHABLE = 1;
    public static final int CODE_PROTOCOL_UNREACHABLE = 2;
    public static final int CODE_PORT_UNREACHABLE = 3;
    public static final int CODE_FRAGMENTATION_NEEDED = 4;
    public static final int CODE_SOURCE_ROUTE_FAILED = 5;
    public static final int CODE_NET_PROHIBITED = 9;
    public static final int CODE_HOST_PROHIBITED = 10;
    public static final int CODE_ADMIN_PROHIBITED = 13; // RFC 1812 §5.2.7.1
    public static final int CODE_PRECEDENCE_VIOLATION = 14;
    public static final int CODE_PRECEDENCE_CUTOFF = 15;
    /** Time exceeded: fragment reassembly time exceeded (RFC 792). */
    public static final int CODE_REASSEMBLY_TIME_EXCEEDED = 1;

    private MutableDirectBuffer buffer;
    private int offset;
    private int length;

    public IcmpHeader wrap(MutableDirectBuffer buffer, int offset, int length) {
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

    public int length() {
        return length;
    }

    /** Length and checksum over the whole message. */
    public DropReason validate() {
        if (length < HEADER_LENGTH) {
            return DropReason.ICMP_TRUNCATED;
        }
        if (!Checksum.verify(buffer, offset, length, 0)) {
            return DropReason.ICMP_BAD_CHECKSUM;
        }
        return DropReason.NONE;
    }

    public int type() {
        return buffer.getByte(offset + TYPE_OFFSET) & 0xFF;
    }

    public int code() {
        return buffer.getByte(offset + CODE_OFFSET) & 0xFF;
    }

    public int checksum() {
        return buffer.getShort(offset + CHECKSUM_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int identifier() {
        return buffer.getShort(offset + IDENTIFIER_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int sequence() {
        return buffer.getShort(offset + SEQUENCE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /** Next-hop MTU of a "fragmentation needed" message (RFC 1191 §4). */
    public int nextHopMtu() {
        return sequence();
    }

    public int dataOffset() {
        return offset + HEADER_LENGTH;
    }

    public int dataLength() {
        return length - HEADER_LENGTH;
    }

    public IcmpHeader type(int type) {
        buffer.putByte(offset + TYPE_OFFSET, (byte) type);
        return this;
    }

    public IcmpHeader code(int code) {
        buffer.putByte(offset + CODE_OFFSET, (byte) code);
        return this;
    }

    public IcmpHeader checksum(int checksum) {
        buffer.putShort(offset + CHECKSUM_OFFSET, (short) checksum, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public IcmpHeader identifier(int id) {
        buffer.putShort(offset + IDENTIFIER_OFFSET, (short) id, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public IcmpHeader sequence(int seq) {
        buffer.putShort(offset + SEQUENCE_OFFSET, (short) seq, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /** The 4 bytes after the checksum as one word ("unused" in destination unreachable). */
    public IcmpHeader restOfHeader(int value) {
        buffer.putInt(offset + IDENTIFIER_OFFSET, value, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public IcmpHeader computeChecksum() {
        checksum(0);
        checksum(Checksum.compute(buffer, offset, length));
        return this;
    }
}
