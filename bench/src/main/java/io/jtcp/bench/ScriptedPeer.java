package io.jtcp.bench;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.wire.Checksum;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.stack.wire.TcpHeader;
import io.jtcp.stack.wire.TcpOptions;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A hand-driven peer for benchmarks: opens a connection to (or accepts one from) a {@link
 * NetworkStack} by writing raw segments, then replays template segments whose sequence and
 * acknowledgment numbers it patches in place, fixing the checksum incrementally (RFC 1624), so the
 * measured loop builds nothing and allocates nothing.
 */
final class ScriptedPeer {
    static final int STACK_ADDR = (10 << 24) | (7 << 16) | 2;
    static final int PEER_ADDR = (10 << 24) | (7 << 16) | 1;
    static final int PEER_PORT = 40_000;

    final UnsafeBuffer packet;
    final Ipv4Header ip = new Ipv4Header();
    final TcpHeader tcp = new TcpHeader();
    final TcpHeader seen = new TcpHeader();
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    int peerSeq;
    int peerAck;
    int lastFlags;
    int lastLength;

    /** Segments built in a byte[], as the benchmarks always did. */
    ScriptedPeer() {
        this(false);
    }

    /** With {@code offHeap}, segments are built in direct memory, as the TUN device's are read. */
    ScriptedPeer(boolean offHeap) {
        packet = offHeap
                ? new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(65_536))
                : new UnsafeBuffer(new byte[65_536]);
    }

    static StackConfig config() {
        final byte[] secret = new byte[16];
        secret[3] = 42;
        return new StackConfig().localAddr(STACK_ADDR).isnSecret(secret);
    }

    /**
     * Opens a connection from this peer to {@code stack}, listening on {@code port}: SYN, the
     * stack's SYN-ACK, ACK. Leaves {@link #peerSeq} at the peer's next sequence number and returns
     * the accepted connection.
     */
    TcpConnection establish(NetworkStack stack, int port, long nowNs) {
        final TcpConnection[] accepted = new TcpConnection[1];
        stack.listen(port, c -> {
            accepted[0] = c;
            return new TcpHandler() {};
        });
        final int iss = 1_000;
        int len = build(port, TcpHeader.SYN, iss, 0, 65_535, 0, true);
        stack.onPacket(nowNs, packet, 0, len);
        stack.flush(nowNs);
        if ((lastFlags & (TcpHeader.SYN | TcpHeader.ACK)) != (TcpHeader.SYN | TcpHeader.ACK)) {
            throw new IllegalStateException("no SYN-ACK");
        }
        peerSeq = iss + 1;
        len = build(port, TcpHeader.ACK, peerSeq, peerAck, 65_535, 0, false);
        stack.onPacket(nowNs, packet, 0, len);
        stack.flush(nowNs);
        if (accepted[0] == null) {
            throw new IllegalStateException("not accepted");
        }
        return accepted[0];
    }

    /** Sink hook: remembers the last segment the stack sent (its seq/ack drive the script). */
    void onTransmit(DirectBuffer buffer, int offset, int length) {
        view.wrap(buffer, offset, length);
        seen.wrap(view, Ipv4Header.MIN_HEADER_LENGTH, length - Ipv4Header.MIN_HEADER_LENGTH);
        lastFlags = seen.flags();
        lastLength = seen.payloadLength();
        if ((lastFlags & TcpHeader.SYN) != 0) {
            peerAck = seen.seq() + 1;
        }
    }

    /** Builds a segment from the peer into {@link #packet}; returns its total length. */
    int build(int dstPort, int flags, int seq, int ack, int window, int payloadLength, boolean mss) {
        final int optionsLength = mss ? 4 : 0;
        final int tcpLength = TcpHeader.MIN_HEADER_LENGTH + optionsLength + payloadLength;
        final int total = Ipv4Header.MIN_HEADER_LENGTH + tcpLength;
        tcp.wrap(packet, Ipv4Header.MIN_HEADER_LENGTH, tcpLength)
                .srcPort(PEER_PORT)
                .dstPort(dstPort)
                .seq(seq)
                .ackNum(ack)
                .dataOffset((TcpHeader.MIN_HEADER_LENGTH + optionsLength) / 4)
                .flags(flags)
                .window(window)
                .urgentPointer(0);
        if (mss) {
            TcpOptions.writeMss(packet, Ipv4Header.MIN_HEADER_LENGTH + TcpHeader.MIN_HEADER_LENGTH, 1460);
        }
        for (int i = 0; i < payloadLength; i++) {
            packet.putByte(Ipv4Header.MIN_HEADER_LENGTH + TcpHeader.MIN_HEADER_LENGTH + optionsLength + i, (byte) i);
        }
        tcp.computeChecksum(PEER_ADDR, STACK_ADDR);
        ip.wrap(packet, 0, total).writeHeader(total, 1, 64, Ipv4Header.PROTOCOL_TCP, PEER_ADDR, STACK_ADDR);
        return total;
    }

    /** Rewrites seq and ack of the segment in {@link #packet}, patching the checksum (RFC 1624). */
    void patch(int seq, int ack) {
        final int oldSeq = tcp.seq();
        final int oldAck = tcp.ackNum();
        int sum = tcp.checksum();
        sum = Checksum.update32(sum, oldSeq, seq);
        sum = Checksum.update32(sum, oldAck, ack);
        tcp.seq(seq).ackNum(ack).checksum(sum);
    }
}
