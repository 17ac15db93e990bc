package io.jtcp.stack.wire;

import io.jtcp.stack.PacketSink;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Software segmentation of an IPv4/TCP super-segment, as the kernel's GSO does it
 * ({@code tcp_gso_segment}, {@code inet_gso_segment}): the payload is cut into pieces of {@code
 * segmentBytes}, each piece gets a copy of the IPv4 and TCP headers (options included) with its own
 * total length, identification (the first piece's plus its index), sequence number and checksums,
 * and FIN and PSH stay on the last piece only, CWR on the first only (RFC 3168 §6.1.2: CWR marks the
 * first segment after the window reduction).
 *
 * <p>Every piece leaves with complete checksums, also a packet that needs no cut: a partial
 * checksum (the pseudo-header sum a virtio-net device would complete) is completed here. That makes
 * what comes out what a wire at the MSS would carry, for a fault injector, a pcap or a trace.
 *
 * <p>One reused direct scratch buffer holds the piece being handed out, so nothing is allocated per
 * packet; the bytes are valid only during {@link PacketSink#transmit}, as for any sink. Anything
 * that is not a well-formed unfragmented IPv4/TCP packet passes through untouched, for the receiver
 * to judge and count. Not thread-safe: one instance per direction.
 */
public final class TcpSegmenter {
    /** The largest IPv4 datagram. */
    public static final int MAX_PACKET_BYTES = Ipv4Header.MAX_TOTAL_LENGTH;

    private static final int FLAGS_NOT_ON_LAST = TcpHeader.FIN | TcpHeader.PSH;

    private final UnsafeBuffer scratch = new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_PACKET_BYTES));
    private long cut;
    private long pieces;

    /**
     * Hands {@code out} the packet at {@code offset} cut into pieces of at most {@code
     * segmentBytes} of payload (no cut for {@code segmentBytes <= 0}), each with fresh checksums.
     *
     * @return how many packets went to {@code out}
     */
    public int segment(DirectBuffer packet, int offset, int length, int segmentBytes, PacketSink out) {
        if (length < Ipv4Header.MIN_HEADER_LENGTH + TcpHeader.MIN_HEADER_LENGTH || length > MAX_PACKET_BYTES) {
            out.transmit(packet, offset, length);
            return 1;
        }
        final int versionIhl = packet.getByte(offset) & 0xFF;
        final int ipHeader = (versionIhl & 0xF) * 4;
        final int total = packet.getShort(offset + Ipv4Header.TOTAL_LENGTH_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int fragment = packet.getShort(offset + Ipv4Header.FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN) & 0x3FFF;
        if ((versionIhl >>> 4) != 4
                || ipHeader < Ipv4Header.MIN_HEADER_LENGTH
                || packet.getByte(offset + Ipv4Header.PROTOCOL_OFFSET) != Ipv4Header.PROTOCOL_TCP
                || fragment != 0 // MF or an offset: a fragment is no TCP segment to cut
                || total > length
                || total < ipHeader + TcpHeader.MIN_HEADER_LENGTH) {
            out.transmit(packet, offset, length);
            return 1;
        }
        final int tcpOffset = offset + ipHeader;
        final int tcpHeader = ((packet.getByte(tcpOffset + TcpHeader.DATA_OFFSET_OFFSET) >> 4) & 0xF) * 4;
        final int headers = ipHeader + tcpHeader;
        if (tcpHeader < TcpHeader.MIN_HEADER_LENGTH || headers > total) {
            out.transmit(packet, offset, length);
            return 1;
        }
        final int payload = total - headers;
        final int mss = segmentBytes > 0 && segmentBytes < payload ? segmentBytes : Math.max(payload, 1);
        final int count = payload == 0 ? 1 : (payload + mss - 1) / mss;
        final int id = packet.getShort(offset + Ipv4Header.IDENTIFICATION_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int seq = packet.getInt(tcpOffset + TcpHeader.SEQ_OFFSET, ByteOrder.BIG_ENDIAN);
        final int flags = packet.getByte(tcpOffset + TcpHeader.FLAGS_OFFSET) & 0xFF;
        final int src = packet.getInt(offset + Ipv4Header.SRC_ADDR_OFFSET, ByteOrder.BIG_ENDIAN);
        final int dst = packet.getInt(offset + Ipv4Header.DST_ADDR_OFFSET, ByteOrder.BIG_ENDIAN);
        scratch.putBytes(0, packet, offset, headers);
        if (count > 1) {
            cut++;
        }
        for (int i = 0; i < count; i++) {
            final int pieceStart = i * mss;
            final int pieceBytes = Math.min(mss, payload - pieceStart);
            final int pieceTotal = headers + pieceBytes;
            final boolean last = i == count - 1;
            int pieceFlags = last ? flags : flags & ~FLAGS_NOT_ON_LAST;
            if (i > 0) {
                pieceFlags &= ~TcpHeader.CWR;
            }
            scratch.putShort(Ipv4Header.TOTAL_LENGTH_OFFSET, (short) pieceTotal, ByteOrder.BIG_ENDIAN);
            // Linux's GSO numbers the pieces' identifications on from the super-segment's (RFC 6864
            // allows any value for atomic datagrams; this keeps tcpdump's view like the kernel's).
            scratch.putShort(Ipv4Header.IDENTIFICATION_OFFSET, (short) (id + i), ByteOrder.BIG_ENDIAN);
            scratch.putShort(Ipv4Header.CHECKSUM_OFFSET, (short) 0);
            scratch.putShort(
                    Ipv4Header.CHECKSUM_OFFSET, (short) Checksum.compute(scratch, 0, ipHeader), ByteOrder.BIG_ENDIAN);
            scratch.putInt(ipHeader + TcpHeader.SEQ_OFFSET, seq + pieceStart, ByteOrder.BIG_ENDIAN);
            scratch.putByte(ipHeader + TcpHeader.FLAGS_OFFSET, (byte) pieceFlags);
            if (pieceBytes > 0) {
                scratch.putBytes(headers, packet, tcpOffset + tcpHeader + pieceStart, pieceBytes);
            }
            // RFC 9293 §3.1: the checksum covers the pseudo-header, the TCP header and the payload.
            final int tcpLength = tcpHeader + pieceBytes;
            scratch.putShort(ipHeader + TcpHeader.CHECKSUM_OFFSET, (short) 0);
            final int sum = Checksum.sum(
                    scratch,
                    ipHeader,
                    tcpLength,
                    Checksum.pseudoHeaderSum(src, dst, Ipv4Header.PROTOCOL_TCP, tcpLength));
            scratch.putShort(ipHeader + TcpHeader.CHECKSUM_OFFSET, (short) Checksum.finish(sum), ByteOrder.BIG_ENDIAN);
            pieces++;
            out.transmit(scratch, 0, pieceTotal);
        }
        return count;
    }

    /** Packets that were cut into more than one piece. */
    public long cut() {
        return cut;
    }

    /** Pieces handed out, whole packets that needed only their checksums completed included. */
    public long pieces() {
        return pieces;
    }
}
