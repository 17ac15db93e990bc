package io.jtcp.stack.ip;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.tcp.TcpEngine;
import io.jtcp.stack.wire.IcmpHeader;
import io.jtcp.stack.wire.Ipv4Header;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * ICMP errors about segments we sent (RFC 1122 §4.2.3.9, RFC 5461): destination unreachable (all
 * codes), time exceeded and parameter problem. The quoted IPv4 header and the first 8 bytes of TCP
 * (RFC 792) name the connection; {@link TcpEngine#onIcmpError} accepts the error only when the
 * quoted sequence number is in flight (RFC 5927 §4.1). Source quench is ignored (RFC 6633).
 * Everything a hostile message can hold is a counted drop, never an exception.
 */
public final class IcmpErrorHandler {
    private static final int QUOTED_TCP_BYTES = 8; // ports and sequence number

    private final StackConfig config;
    private final TcpEngine tcp;
    private final int localAddr;

    public IcmpErrorHandler(StackConfig config, TcpEngine tcp) {
        this.config = config;
        this.tcp = tcp;
        this.localAddr = config.localAddr();
    }

    /** Types this class handles (everything but echo; the caller drops the rest as unsupported). */
    public static boolean isError(int type) {
        return type == IcmpHeader.TYPE_DEST_UNREACHABLE
                || type == IcmpHeader.TYPE_TIME_EXCEEDED
                || type == IcmpHeader.TYPE_PARAMETER_PROBLEM
                || type == IcmpHeader.TYPE_SOURCE_QUENCH;
    }

    /** An ICMP error whose length and checksum were validated; returns NONE when a connection took it. */
    public DropReason onError(long nowNs, IcmpHeader icmp) {
        final int type = icmp.type();
        if (type == IcmpHeader.TYPE_SOURCE_QUENCH) {
            return DropReason.ICMP_SOURCE_QUENCH;
        }
        final DirectBuffer b = icmp.buffer();
        final int q = icmp.dataOffset();
        final int available = icmp.dataLength();
        if (available < Ipv4Header.MIN_HEADER_LENGTH) {
            return DropReason.ICMP_QUOTE_TRUNCATED;
        }
        final int versionIhl = b.getByte(q) & 0xFF;
        final int quotedHeader = (versionIhl & 0x0F) * 4;
        if ((versionIhl >>> 4) != 4 || quotedHeader < Ipv4Header.MIN_HEADER_LENGTH) {
            return DropReason.ICMP_QUOTE_NOT_OURS;
        }
        if (available < quotedHeader + QUOTED_TCP_BYTES) {
            return DropReason.ICMP_QUOTE_TRUNCATED;
        }
        final int quotedTotal = b.getShort(q + Ipv4Header.TOTAL_LENGTH_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int fragmentOffset = b.getShort(q + Ipv4Header.FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN) & 0x1FFF;
        if ((b.getByte(q + Ipv4Header.PROTOCOL_OFFSET) & 0xFF) != Ipv4Header.PROTOCOL_TCP
                || b.getInt(q + Ipv4Header.SRC_ADDR_OFFSET, ByteOrder.BIG_ENDIAN) != localAddr
                || fragmentOffset != 0
                || quotedTotal < quotedHeader + QUOTED_TCP_BYTES) {
            return DropReason.ICMP_QUOTE_NOT_OURS;
        }
        final int remote = b.getInt(q + Ipv4Header.DST_ADDR_OFFSET, ByteOrder.BIG_ENDIAN);
        final int t = q + quotedHeader;
        final int localPort = b.getShort(t, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int remotePort = b.getShort(t + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int seq = b.getInt(t + 4, ByteOrder.BIG_ENDIAN);
        final int code = icmp.code();
        int mtu = 0;
        if (type == IcmpHeader.TYPE_DEST_UNREACHABLE && code == IcmpHeader.CODE_FRAGMENTATION_NEEDED) {
            mtu = icmp.nextHopMtu();
            if (mtu == 0) {
                mtu = PathMtuCache.plateauBelow(quotedTotal); // RFC 1191 §5: a router from before RFC 1191
            }
            if (mtu >= quotedTotal) {
                // Too big, yet the datagram fits the MTU it names: bogus (or forged), ignored.
                return DropReason.ICMP_PMTU_BOGUS;
            }
            mtu = Math.max(mtu, config.minPathMtu()); // RFC 1191 §3 floor; Linux's min_pmtu
        }
        return tcp.onIcmpError(nowNs, remote, remotePort, localPort, seq, type, code, mtu);
    }
}
