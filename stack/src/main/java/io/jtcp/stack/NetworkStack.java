package io.jtcp.stack;

import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpEngine;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.tcp.TcpListener;
import io.jtcp.stack.wire.IcmpHeader;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.stack.wire.TcpHeader;
import java.util.function.Consumer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The sans-I/O protocol engine: IPv4, ICMP echo and TCP (RFC 9293). It never reads a clock, never
 * blocks and never touches a device: time comes in as {@code nowNs}, packets in through {@link
 * #onPacket} and out through the {@link PacketSink}.
 *
 * <p>Driving it (one thread): per cycle, take {@code nowNs} once; {@link #onPacket} every packet
 * read; {@link #onTimeout}; {@link #flush}; sleep until {@link #nextDeadlineNs} or a packet.
 *
 * <p>Replies that belong to no connection (RST for a closed port, ICMP echo reply) go to the sink
 * during {@code onPacket}. Connection output (ACKs, data, FIN) is produced by {@link #flush}, so a
 * batch of segments for one connection is answered by one ACK.
 */
public final class NetworkStack {
    private final StackConfig config;
    private final StackCounters counters = new StackCounters();
    private final PacketSink sink;
    private final StackTracer tracer;
    private final TcpEngine tcp;
    private final int localAddr;

    private final Ipv4Header ip = new Ipv4Header();
    private final TcpHeader tcpHeader = new TcpHeader();
    private final IcmpHeader icmp = new IcmpHeader();
    private final UnsafeBuffer icmpTx = new UnsafeBuffer(new byte[65_536]);
    private final Ipv4Header icmpTxIp = new Ipv4Header();
    private final IcmpHeader icmpTxHeader = new IcmpHeader();
    private int icmpIdentification;

    public NetworkStack(StackConfig config, PacketSink sink) {
        this.config = config;
        this.sink = sink;
        this.tracer = config.tracer();
        this.localAddr = config.localAddr();
        this.tcp = new TcpEngine(config, counters, sink);
    }

    /** One IPv4 packet from the device. Never throws for anything the wire can contain. */
    public void onPacket(long nowNs, MutableDirectBuffer buffer, int offset, int length) {
        onPacket(nowNs, buffer, offset, length, false);
    }

    /**
     * One IPv4 packet; with {@code tcpChecksumTrusted} the TCP checksum is not verified, for packets
     * the device vouches for (a virtio-net header saying the kernel built it and the checksum is
     * partial or already checked). The IPv4 header checksum is always verified.
     */
    public void onPacket(long nowNs, MutableDirectBuffer buffer, int offset, int length, boolean tcpChecksumTrusted) {
        counters.ipPacketsIn++;
        counters.ipBytesIn += length;
        if (tracer != null) {
            tracer.onPacket(nowNs, true, buffer, offset, length);
        }
        ip.wrap(buffer, offset, length);
        final DropReason reason = ip.validate();
        if (reason != DropReason.NONE) {
            drop(nowNs, reason, buffer, offset, length);
            return;
        }
        if (ip.dstAddr() != localAddr) {
            drop(nowNs, DropReason.IP_NOT_FOR_US, buffer, offset, length);
            return;
        }
        final int src = ip.srcAddr();
        if (src == localAddr || src == 0 || src == -1 || (src >>> 28) == 0xE) {
            // RFC 1122 §3.2.1.3: a source that is ours, 0.0.0.0, broadcast or multicast is bogus.
            drop(nowNs, DropReason.IP_BAD_SOURCE, buffer, offset, length);
            return;
        }
        switch (ip.protocol()) {
            case Ipv4Header.PROTOCOL_TCP:
                tcpHeader.wrap(buffer, ip.payloadOffset(), ip.payloadLength());
                tcp.onSegment(nowNs, ip, tcpHeader, tcpChecksumTrusted);
                break;
            case Ipv4Header.PROTOCOL_ICMP:
                onIcmp(nowNs, buffer, offset, length);
                break;
            default:
                drop(nowNs, DropReason.IP_UNKNOWN_PROTOCOL, buffer, offset, length);
                break;
        }
    }

    /** RFC 792 echo: the reply carries the request's identifier, sequence and data. */
    private void onIcmp(long nowNs, MutableDirectBuffer buffer, int offset, int length) {
        icmp.wrap(buffer, ip.payloadOffset(), ip.payloadLength());
        final DropReason reason = icmp.validate();
        if (reason != DropReason.NONE) {
            drop(nowNs, reason, buffer, offset, length);
            return;
        }
        if (icmp.type() != IcmpHeader.TYPE_ECHO_REQUEST || icmp.code() != 0) {
            drop(nowNs, DropReason.ICMP_UNSUPPORTED, buffer, offset, length);
            return;
        }
        final int icmpLength = ip.payloadLength();
        final int total = Ipv4Header.MIN_HEADER_LENGTH + icmpLength;
        icmpTx.putBytes(Ipv4Header.MIN_HEADER_LENGTH, buffer, ip.payloadOffset(), icmpLength);
        icmpTxHeader
                .wrap(icmpTx, Ipv4Header.MIN_HEADER_LENGTH, icmpLength)
                .type(IcmpHeader.TYPE_ECHO_REPLY)
                .code(0)
                .computeChecksum();
        icmpTxIp.wrap(icmpTx, 0, total)
                .writeHeader(
                        total,
                        icmpIdentification++ & 0xFFFF,
                        config.ttl(),
                        Ipv4Header.PROTOCOL_ICMP,
                        localAddr,
                        ip.srcAddr());
        counters.icmpEchoReplies++;
        counters.ipPacketsOut++;
        counters.ipBytesOut += total;
        if (tracer != null) {
            tracer.onPacket(nowNs, false, icmpTx, 0, total);
        }
        sink.transmit(icmpTx, 0, total);
    }

    private void drop(long nowNs, DropReason reason, MutableDirectBuffer buffer, int offset, int length) {
        counters.drop(reason);
        if (tracer != null) {
            tracer.onDrop(nowNs, reason, buffer, offset, length);
        }
    }

    /** Fires every timer due at {@code nowNs}. */
    public void onTimeout(long nowNs) {
        tcp.onTimeout(nowNs);
    }

    /** Emits all pending connection output (ACKs, data within the windows, FINs). */
    public void flush(long nowNs) {
        tcp.flush(nowNs);
    }

    /** The earliest timer deadline, or {@link Long#MAX_VALUE} when none is armed. */
    public long nextDeadlineNs() {
        return tcp.nextDeadlineNs();
    }

    /** Accepts connections on {@code port}. */
    public void listen(int port, TcpListener listener) {
        tcp.listen(port, listener);
    }

    /** Stops accepting on {@code port}; established connections are unaffected. */
    public void unlisten(int port) {
        tcp.unlisten(port);
    }

    /** Active open (RFC 9293 §3.10.1): sends SYN from an ephemeral port at the next flush. */
    public TcpConnection connect(long nowNs, int remoteAddr, int remotePort, TcpHandler handler) {
        return tcp.connect(nowNs, remoteAddr, remotePort, handler);
    }

    /**
     * Stops listening and closes every connection gracefully (FIN after buffered data); call
     * {@link #abortAll} after a grace period for whatever is left.
     */
    public void closeAll(long nowNs) {
        tcp.closeAll(nowNs);
    }

    /** Passive opens still in SYN_RECEIVED (a SYN flood shows here, bounded by maxHalfOpen). */
    public int halfOpenCount() {
        return tcp.halfOpenCount();
    }

    /** Connections not yet closed for good (TIME_WAIT excluded): what a graceful shutdown waits for. */
    public int openConnectionCount() {
        return tcp.openConnectionCount();
    }

    /** Aborts every connection (RST) and stops listening: for shutdown. */
    public void abortAll(long nowNs) {
        tcp.abortAll(nowNs);
    }

    // ---- memory budget and fault isolation (issue #9, bounded memory) ----

    /**
     * The last failure caught in one connection's work (its handler, the tracer or the output
     * path threw; the connection was aborted and counted), or null if none since the last call.
     */
    public Throwable takeConnectionError() {
        return tcp.takeConnectionError();
    }

    /** Bytes counted against {@link StackConfig#memoryBudgetBytes}: ring storage plus a per-connection estimate. */
    public long memoryUsedBytes() {
        return tcp.memoryUsedBytes();
    }

    /** The memory budget in force (see {@link StackConfig#effectiveMemoryBudgetBytes()}). */
    public long memoryBudgetBytes() {
        return tcp.memoryBudgetBytes();
    }

    /**
     * The heap ran out in the driver's own work (outside any connection): empty the buffer pool and
     * lower the budget's ceiling to what is held now, as an OutOfMemoryError inside a connection does.
     */
    public void onOutOfMemory() {
        tcp.onOutOfMemory();
    }

    /** True while memory is under pressure: new connections are refused and buffers do not grow. */
    public boolean memoryPressure() {
        return tcp.memoryPressure();
    }

    public StackCounters counters() {
        return counters;
    }

    public StackConfig config() {
        return config;
    }

    /** Connections in the table (every state but CLOSED, TIME_WAIT included). */
    public int connectionCount() {
        return tcp.connectionCount();
    }

    /** Visits every connection in the table (allocates; for status pages, not the hot path). */
    public void forEachConnection(Consumer<TcpConnection> visitor) {
        tcp.forEachConnection(visitor);
    }
}
