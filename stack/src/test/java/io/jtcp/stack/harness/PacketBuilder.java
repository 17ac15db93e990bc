package io.jtcp.stack.harness;

import io.jtcp.stack.wire.IcmpHeader;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.stack.wire.TcpHeader;
import io.jtcp.stack.wire.TcpOptions;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/** Builds IPv4 packets with the wire flyweights, for injection into an engine. */
public final class PacketBuilder {
    private PacketBuilder() {}

    /** Option bytes for a segment: any of MSS, window scale, SACK-permitted, timestamps; padded. */
    public static byte[] options(
            int mss, int windowScale, boolean sackPermitted, boolean timestamps, int tsVal, int tsEcr) {
        UnsafeBuffer b = new UnsafeBuffer(new byte[40]);
        int o = 0;
        if (mss >= 0) {
            o = TcpOptions.writeMss(b, o, mss);
        }
        if (windowScale >= 0) {
            o = TcpOptions.writeWindowScale(b, o, windowScale);
        }
        if (sackPermitted) {
            o = TcpOptions.writeSackPermitted(b, o);
        }
        if (timestamps) {
            o = TcpOptions.writeTimestamps(b, o, tsVal, tsEcr);
        }
        o = TcpOptions.pad(b, 0, o);
        byte[] out = new byte[o];
        b.getBytes(0, out);
        return out;
    }

    /**
     * Writes one IPv4+TCP packet into {@code buf} at 0 and returns its length. {@code options} must
     * be a multiple of 4 bytes long (raw option bytes, already padded).
     */
    public static int tcp(
            MutableDirectBuffer buf,
            int src,
            int dst,
            int srcPort,
            int dstPort,
            int seq,
            int ack,
            int flags,
            int window,
            byte[] options,
            byte[] payload,
            int payloadOffset,
            int payloadLength) {
        final int optLen = options == null ? 0 : options.length;
        if ((optLen & 3) != 0 || optLen > 40) {
            throw new IllegalArgumentException("options must be padded to 4 bytes, at most 40: " + optLen);
        }
        final int tcpLen = TcpHeader.MIN_HEADER_LENGTH + optLen + payloadLength;
        final int total = Ipv4Header.MIN_HEADER_LENGTH + tcpLen;
        new Ipv4Header().wrap(buf, 0, total).writeHeader(total, 0, 64, Ipv4Header.PROTOCOL_TCP, src, dst);
        TcpHeader tcp = new TcpHeader().wrap(buf, Ipv4Header.MIN_HEADER_LENGTH, tcpLen);
        tcp.srcPort(srcPort)
                .dstPort(dstPort)
                .seq(seq)
                .ackNum(ack)
                .dataOffset(5 + optLen / 4)
                .flags(flags)
                .window(window)
                .urgentPointer(0);
        if (optLen > 0) {
            buf.putBytes(tcp.optionsOffset(), options);
        }
        if (payloadLength > 0) {
            buf.putBytes(tcp.payloadOffset(), payload, payloadOffset, payloadLength);
        }
        tcp.computeChecksum(src, dst);
        return total;
    }

    public static byte[] tcp(
            int src,
            int dst,
            int srcPort,
            int dstPort,
            int seq,
            int ack,
            int flags,
            int window,
            byte[] options,
            byte[] payload) {
        int optLen = options == null ? 0 : options.length;
        int plen = payload == null ? 0 : payload.length;
        byte[] out = new byte[40 + optLen + plen];
        tcp(new UnsafeBuffer(out), src, dst, srcPort, dstPort, seq, ack, flags, window, options, payload, 0, plen);
        return out;
    }

    /** An ICMP echo request (type 8) or reply (type 0). */
    public static byte[] icmpEcho(int src, int dst, int type, int id, int sequence, byte[] data) {
        int icmpLen = IcmpHeader.HEADER_LENGTH + data.length;
        int total = Ipv4Header.MIN_HEADER_LENGTH + icmpLen;
        byte[] out = new byte[total];
        UnsafeBuffer buf = new UnsafeBuffer(out);
        new Ipv4Header().wrap(buf, 0, total).writeHeader(total, 0, 64, Ipv4Header.PROTOCOL_ICMP, src, dst);
        IcmpHeader icmp = new IcmpHeader().wrap(buf, Ipv4Header.MIN_HEADER_LENGTH, icmpLen);
        icmp.type(type).code(0).identifier(id).sequence(sequence);
        buf.putBytes(icmp.dataOffset(), data);
        icmp.computeChecksum();
        return out;
    }

    /** 10.7.0.2: the engine under test, the project-wide default. */
    public static final int ENGINE_ADDR = Ipv4Header.parseAddress("10.7.0.2");

    /** 10.7.0.1: the scripted peer (the kernel side in production). */
    public static final int PEER_ADDR = Ipv4Header.parseAddress("10.7.0.1");
}
