package io.jtcp.tun;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.PacketSink;
import io.jtcp.stack.wire.IcmpHeader;
import io.jtcp.stack.wire.Ipv4Header;
import org.agrona.MutableDirectBuffer;

/**
 * A stand-in engine for testing the device and the loop without the TCP engine: answers ICMP echo
 * requests to its address by turning the packet around in place (RFC 792), counts the rest.
 */
final class EchoReplyEngine implements Engine {
    private final int localAddr;
    private final PacketSink sink;
    private final Ipv4Header ip = new Ipv4Header();
    private final IcmpHeader icmp = new IcmpHeader();
    volatile int echoRequests;
    volatile int otherPackets;
    volatile long timeouts;

    EchoReplyEngine(int localAddr, PacketSink sink) {
        this.localAddr = localAddr;
        this.sink = sink;
    }

    @Override
    public void onPacket(long nowNs, MutableDirectBuffer buffer, int offset, int length) {
        ip.wrap(buffer, offset, length);
        if (ip.validate() != DropReason.NONE
                || ip.protocol() != Ipv4Header.PROTOCOL_ICMP
                || ip.dstAddr() != localAddr) {
            otherPackets++;
            return;
        }
        icmp.wrap(buffer, ip.payloadOffset(), ip.payloadLength());
        if (icmp.validate() != DropReason.NONE || icmp.type() != IcmpHeader.TYPE_ECHO_REQUEST) {
            otherPackets++;
            return;
        }
        echoRequests++;
        int src = ip.srcAddr();
        ip.srcAddr(localAddr).dstAddr(src).ttl(64).computeChecksum();
        icmp.type(IcmpHeader.TYPE_ECHO_REPLY).computeChecksum();
        sink.transmit(buffer, offset, ip.totalLength());
    }

    @Override
    public void onTimeout(long nowNs) {
        timeouts++;
    }

    @Override
    public void flush(long nowNs) {}

    @Override
    public long nextDeadlineNs() {
        return Long.MAX_VALUE;
    }
}
