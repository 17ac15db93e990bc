package io.jtcp.stack.fuzz;

import static org.junit.jupiter.api.Assertions.assertNull;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.PacketSink;
import io.jtcp.stack.wire.IcmpHeader;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.stack.wire.TcpHeader;
import io.jtcp.stack.wire.TcpOptions;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Checks every packet the engine emits while it is fuzzed: a valid IPv4 header whose total length
 * is the packet's length and at most the MTU, from the engine's address, and a TCP segment (valid
 * checksum, parsable options, no SYN with FIN or RST) or an ICMP message (valid checksum), or a
 * sound fragment of a non-TCP datagram (ICMP replies bigger than the path MTU). The
 * first violation is kept (a sink must not throw into the engine) and reported by {@link #check}.
 * Single-threaded: the copy buffer is shared by all instances.
 */
final class OutputChecker implements PacketSink {
    private final int mtu;
    private final int localAddr;
    private static final UnsafeBuffer COPY = new UnsafeBuffer(new byte[65_536]);

    private final UnsafeBuffer copy = COPY;
    private final Ipv4Header ip = new Ipv4Header();
    private final TcpHeader tcp = new TcpHeader();
    private final TcpOptions options = new TcpOptions();
    private final IcmpHeader icmp = new IcmpHeader();
    private String failure;
    private long packets;

    OutputChecker(int mtu, int localAddr) {
        this.mtu = mtu;
        this.localAddr = localAddr;
    }

    long packets() {
        return packets;
    }

    /** Throws an AssertionError describing the first malformed packet, if any was emitted. */
    void check(String where) {
        assertNull(failure, () -> "engine emitted a malformed packet (" + where + "): " + failure);
    }

    @Override
    public void transmit(DirectBuffer buffer, int offset, int length) {
        packets++;
        if (failure != null) {
            return;
        }
        if (length > mtu || length > copy.capacity()) {
            fail("length " + length + " above the MTU " + mtu, buffer, offset, Math.min(length, 64));
            return;
        }
        buffer.getBytes(offset, copy, 0, length);
        String why = problem(length);
        if (why != null) {
            fail(why, buffer, offset, length);
        }
    }

    private String problem(int length) {
        ip.wrap(copy, 0, length);
        DropReason ipReason = ip.validate();
        final boolean fragment = ipReason == DropReason.IP_FRAGMENT;
        if (ipReason != DropReason.NONE && !fragment) {
            return "IPv4 " + ipReason;
        }
        if (ip.totalLength() != length) {
            return "IPv4 total length " + ip.totalLength() + " but " + length + " bytes";
        }
        if (ip.srcAddr() != localAddr) {
            return "source " + Ipv4Header.addressToString(ip.srcAddr());
        }
        if (ip.ttl() == 0) {
            return "TTL 0";
        }
        if (fragment) {
            // A sound fragment of a datagram too big for the path (ICMP replies go without DF);
            // its transport header, if in this piece, is checked only as part of the whole.
            return ip.protocol() == Ipv4Header.PROTOCOL_TCP ? "a TCP segment sent in fragments (TCP sets DF)" : null;
        }
        switch (ip.protocol()) {
            case Ipv4Header.PROTOCOL_TCP -> {
                tcp.wrap(copy, ip.payloadOffset(), ip.payloadLength());
                DropReason tcpReason = tcp.validate(ip.srcAddr(), ip.dstAddr());
                if (tcpReason != DropReason.NONE) {
                    return "TCP " + tcpReason;
                }
                if (options.parse(tcp) != DropReason.NONE) {
                    return "TCP options unparsable";
                }
                if (tcp.syn() && (tcp.fin() || tcp.rst())) {
                    return "TCP flags " + TcpHeader.flagsToString(tcp.flags());
                }
                if (tcp.rst() && tcp.payloadLength() > 0) {
                    return "RST with " + tcp.payloadLength() + " bytes of data";
                }
                return null;
            }
            case Ipv4Header.PROTOCOL_ICMP -> {
                icmp.wrap(copy, ip.payloadOffset(), ip.payloadLength());
                DropReason icmpReason = icmp.validate();
                return icmpReason == DropReason.NONE ? null : "ICMP " + icmpReason;
            }
            default -> {
                return "protocol " + ip.protocol();
            }
        }
    }

    private void fail(String why, DirectBuffer buffer, int offset, int length) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < length; i++) {
            hex.append(String.format("%02x", buffer.getByte(offset + i) & 0xFF));
        }
        failure = why + " in packet #" + packets + ": " + hex;
    }
}
