package io.jtcp.stack.wire;

import io.jtcp.stack.DropReason;
import java.nio.ByteOrder;
import org.agrona.MutableDirectBuffer;

/**
 * Flyweight over a TCP header (RFC 9293 §3.1).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence Number                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Acknowledgment Number                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data |       |C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 * |       |       |R|E|G|K|H|T|N|N|                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Checksum            |         Urgent Pointer        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           [Options]                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Wraps a whole segment (header and payload, i.e. the IPv4 payload). Contract: {@link
 * #validateLength()} reads only inside the wrapped range; once it passes no getter throws.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9293#section-3.1">RFC 9293 §3.1</a>
 */
public final class TcpHeader {
    public static final int SRC_PORT_OFFSET = 0;
    public static final int DST_PORT_OFFSET = 2;
    public static final int SEQ_OFFSET = 4;
    public static final int ACK_OFFSET = 8;
    public static final int DATA_OFFSET_OFFSET = 12;
    public static final int FLAGS_OFFSET = 13;
    public static final int WINDOW_OFFSET = 14;
    public static final int CHECKSUM_OFFSET = 16;
    public static final int URGENT_POINTER_OFFSET = 18;
    public static final int OPTIONS_OFFSET = 20;
    public static final int MIN_HEADER_LENGTH = 20;
    public static final int MAX_HEADER_LENGTH = 60;

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    private MutableDirectBuffer buffer;
    private int offset;
    private int length;
    /**
     * The 16-bit words {@link #writeFixed} wrote (checksum field zero) added up, unfolded; valid
     * while {@link #fixedSumValid}: until the next wrap or setter of a field it covers.
     */
    private long fixedSum;

    private boolean fixedSumValid;

    /**
     * Bytes right after the fixed header (options) whose words {@link #coverWrittenOptions} added to
     * {@link #fixedSum}; part of the same validity.
     */
    private int coveredOptionBytes;

    /** Wraps a whole segment of {@code length} bytes (header and payload). */
    public TcpHeader wrap(MutableDirectBuffer buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        fixedSumValid = false;
        return this;
    }

    public MutableDirectBuffer buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    /** Length of the whole segment (header and payload). */
    public int segmentLength() {
        return length;
    }

    /** Structural checks only: minimum length and a data offset inside the segment. */
    public DropReason validateLength() {
        if (length < MIN_HEADER_LENGTH) {
            return DropReason.TCP_TRUNCATED;
        }
        final int dataOffset = dataOffset();
        if (dataOffset < 5 || dataOffset * 4 > length) {
            return DropReason.TCP_BAD_DATA_OFFSET;
        }
        return DropReason.NONE;
    }

    /** Structural checks and the checksum over the pseudo-header (RFC 9293 §3.1). */
    public DropReason validate(int srcAddr, int dstAddr) {
        final DropReason structural = validateLength();
        if (structural != DropReason.NONE) {
            return structural;
        }
        final int pseudo = Checksum.pseudoHeaderSum(srcAddr, dstAddr, Ipv4Header.PROTOCOL_TCP, length);
        if (!Checksum.verify(buffer, offset, length, pseudo)) {
            return DropReason.TCP_BAD_CHECKSUM;
        }
        return DropReason.NONE;
    }

    public int srcPort() {
        return buffer.getShort(offset + SRC_PORT_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int dstPort() {
        return buffer.getShort(offset + DST_PORT_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int seq() {
        return buffer.getInt(offset + SEQ_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    public int ackNum() {
        return buffer.getInt(offset + ACK_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    /** Header length in 32-bit words. */
    public int dataOffset() {
        return (buffer.getByte(offset + DATA_OFFSET_OFFSET) & 0xF0) >>> 4;
    }

    public int headerLength() {
        return dataOffset() * 4;
    }

    /** The eight flag bits (CWR ECE URG ACK PSH RST SYN FIN). */
    public int flags() {
        return buffer.getByte(offset + FLAGS_OFFSET) & 0xFF;
    }

    public boolean fin() {
        return (flags() & FIN) != 0;
    }

    public boolean syn() {
        return (flags() & SYN) != 0;
    }

    public boolean rst() {
        return (flags() & RST) != 0;
    }

    public boolean psh() {
        return (flags() & PSH) != 0;
    }

    public boolean ack() {
        return (flags() & ACK) != 0;
    }

    public boolean urg() {
        return (flags() & URG) != 0;
    }

    public boolean ece() {
        return (flags() & ECE) != 0;
    }

    public boolean cwr() {
        return (flags() & CWR) != 0;
    }

    public int window() {
        return buffer.getShort(offset + WINDOW_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int checksum() {
        return buffer.getShort(offset + CHECKSUM_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int urgentPointer() {
        return buffer.getShort(offset + URGENT_POINTER_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int optionsOffset() {
        return offset + OPTIONS_OFFSET;
    }

    public int optionsLength() {
        return headerLength() - MIN_HEADER_LENGTH;
    }

    public int payloadOffset() {
        return offset + headerLength();
    }

    public int payloadLength() {
        return length - headerLength();
    }

    // ---- setters (fluent) ----

    public TcpHeader srcPort(int port) {
        buffer.putShort(offset + SRC_PORT_OFFSET, (short) port, ByteOrder.BIG_ENDIAN);
        fixedSumValid = false;
        return this;
    }

    public TcpHeader dstPort(int port) {
        buffer.putShort(offset + DST_PORT_OFFSET, (short) port, ByteOrder.BIG_ENDIAN);
        fixedSumValid = false;
        return this;
    }

    public TcpHeader seq(int seq) {
        buffer.putInt(offset + SEQ_OFFSET, seq, ByteOrder.BIG_ENDIAN);
        fixedSumValid = false;
        return this;
    }

    public TcpHeader ackNum(int ack) {
        buffer.putInt(offset + ACK_OFFSET, ack, ByteOrder.BIG_ENDIAN);
        fixedSumValid = false;
        return this;
    }

    /** Data offset in 32-bit words; the reserved bits are written as zero. */
    public TcpHeader dataOffset(int words) {
        buffer.putByte(offset + DATA_OFFSET_OFFSET, (byte) (words << 4));
        fixedSumValid = false;
        return this;
    }

    public TcpHeader flags(int flags) {
        buffer.putByte(offset + FLAGS_OFFSET, (byte) flags);
        fixedSumValid = false;
        return this;
    }

    public TcpHeader window(int window) {
        buffer.putShort(offset + WINDOW_OFFSET, (short) window, ByteOrder.BIG_ENDIAN);
        fixedSumValid = false;
        return this;
    }

    public TcpHeader checksum(int checksum) {
        buffer.putShort(offset + CHECKSUM_OFFSET, (short) checksum, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public TcpHeader urgentPointer(int pointer) {
        buffer.putShort(offset + URGENT_POINTER_OFFSET, (short) pointer, ByteOrder.BIG_ENDIAN);
        fixedSumValid = false;
        return this;
    }

    /**
     * Writes the fixed 20 bytes (RFC 9293 §3.1) in five 32-bit stores, checksum and urgent pointer
     * zero: the header of every segment the engine builds.
     */
    public TcpHeader writeFixed(
            int srcPort, int dstPort, int seq, int ack, int dataOffsetWords, int flags, int window) {
        final int ports = (srcPort << 16) | (dstPort & 0xFFFF);
        final int offsetFlagsWindow = (dataOffsetWords << 28) | ((flags & 0xFF) << 16) | (window & 0xFFFF);
        buffer.putInt(offset + SRC_PORT_OFFSET, ports, ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + SEQ_OFFSET, seq, ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + ACK_OFFSET, ack, ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + DATA_OFFSET_OFFSET, offsetFlagsWindow, ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + CHECKSUM_OFFSET, 0, ByteOrder.BIG_ENDIAN);
        fixedSum = halves(ports) + halves(seq) + halves(ack) + halves(offsetFlagsWindow);
        fixedSumValid = true;
        coveredOptionBytes = 0;
        return this;
    }

    /**
     * Says the first {@code bytes} (even) bytes of the options, already written, hold 16-bit words
     * adding up to {@code wordSum}, so {@link #computeChecksumOfWritten} sums them from that value
     * instead of reading them back (the store-forwarding stall described there). Only right after
     * {@link #writeFixed}; ignored when its sum is no longer valid.
     */
    public TcpHeader coverWrittenOptions(int bytes, long wordSum) {
        if (fixedSumValid) {
            fixedSum += wordSum;
            coveredOptionBytes = bytes;
        }
        return this;
    }

    /** The two 16-bit halves of {@code word} added up: its share of a one's-complement sum. */
    public static long halves(int word) {
        return (word >>> 16) + (word & 0xFFFF);
    }

    /**
     * As {@link #computeChecksum}, for a segment whose fixed header {@link #writeFixed} laid out
     * (since the last wrap, no fixed field set since): those 20 bytes are summed from the values
     * written, only options and payload are read. Reading back words just written in 16- and
     * 32-bit pieces with wider loads stalls on store forwarding, which cost more than the sum.
     * Without such a header it is {@link #computeChecksum}.
     */
    public TcpHeader computeChecksumOfWritten(int srcAddr, int dstAddr) {
        if (!fixedSumValid) {
            return computeChecksum(srcAddr, dstAddr);
        }
        final int pseudo = Checksum.pseudoHeaderSum(srcAddr, dstAddr, Ipv4Header.PROTOCOL_TCP, length);
        final int known = MIN_HEADER_LENGTH + coveredOptionBytes;
        // A bare ACK whose options were all covered has nothing left to read.
        final int rest = known < length ? Checksum.sum(buffer, offset + known, length - known, pseudo) : pseudo;
        checksum(Checksum.finish(Checksum.fold(fixedSum + rest)));
        return this;
    }

    /** Computes and stores the checksum over the pseudo-header and the whole wrapped segment. */
    public TcpHeader computeChecksum(int srcAddr, int dstAddr) {
        checksum(0);
        final int pseudo = Checksum.pseudoHeaderSum(srcAddr, dstAddr, Ipv4Header.PROTOCOL_TCP, length);
        checksum(Checksum.finish(Checksum.sum(buffer, offset, length, pseudo)));
        return this;
    }

    /**
     * Flags as tcpdump prints them: "S", "S.", "F.", "R", "P." and so on, in tcpdump's order (FIN SYN
     * RST PSH ACK URG ECE CWR, print-tcp.c's tcp_flag_values), so a SYN-ACK with ECN reads "S.EW".
     */
    public static String flagsToString(int flags) {
        StringBuilder sb = new StringBuilder(8);
        if ((flags & FIN) != 0) sb.append('F');
        if ((flags & SYN) != 0) sb.append('S');
        if ((flags & RST) != 0) sb.append('R');
        if ((flags & PSH) != 0) sb.append('P');
        if ((flags & ACK) != 0) sb.append('.');
        if ((flags & URG) != 0) sb.append('U');
        if ((flags & ECE) != 0) sb.append('E');
        if ((flags & CWR) != 0) sb.append('W');
        return sb.length() == 0 ? "none" : sb.toString();
    }
}
