package io.jtcp.stack;

import io.jtcp.stack.ip.IcmpErrorHandler;
import io.jtcp.stack.ip.IcmpSender;
import io.jtcp.stack.ip.Ipv4Reassembler;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpEngine;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.tcp.TcpListener;
import io.jtcp.stack.tcp.TcpState;
import io.jtcp.stack.wire.IcmpHeader;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.stack.wire.TcpHeader;
import java.nio.ByteOrder;
import java.util.function.Consumer;
import org.agrona.MutableDirectBuffer;

/**
 * The sans-I/O protocol engine: IPv4 with reassembly, ICMP (echo, errors, path MTU) and TCP
 * (RFC 9293). It never reads a clock, never
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
    private final DeviceCapabilities device;
    private final StackCounters counters = new StackCounters();
    private final PacketSink sink;
    private final StackTracer tracer;
    private final TcpEngine tcp;
    private final int localAddr;
    private final int hostMask; // host bits of our subnet; 0 when it has no broadcast address

    private final Ipv4Header ip = new Ipv4Header();
    private final TcpHeader tcpHeader = new TcpHeader();
    private final IcmpHeader icmp = new IcmpHeader();
    // ---- ICMP errors, path MTU and reassembly (issue #9) ----
    private final IcmpSender icmpOut;
    private final IcmpErrorHandler icmpErrors;
    private final Ipv4Reassembler reassembler;
    private final Ipv4Reassembler.ExpiryListener onReassemblyExpired = this::onReassemblyExpired;

    /** A stack on a plain device ({@link DeviceCapabilities#NONE}); see the three-argument form. */
    public NetworkStack(StackConfig config, PacketSink sink) {
        this(config, DeviceCapabilities.NONE, sink);
    }

    /**
     * A stack with the settings {@code config} holds now: it keeps a {@link StackConfig#snapshot()},
     * so later edits to {@code config} do not reach it. {@code device} says what the device does for
     * the stack (offloads); {@code sink} must accept {@link PacketSink#transmitOffload} if it offers
     * any.
     *
     * @throws IllegalArgumentException when the settings do not fit together ({@link
     *     StackConfig#validate()}, {@link DeviceCapabilities#validateFor})
     */
    public NetworkStack(StackConfig config, DeviceCapabilities device, PacketSink sink) {
        config = config.snapshot();
        this.device = device.validateFor(config);
        this.config = config;
        this.sink = sink;
        this.tracer = config.tracer();
        this.localAddr = config.localAddr();
        final int prefix = config.localPrefixLength();
        this.hostMask = prefix >= 31 ? 0 : (int) (0xFFFF_FFFFL >>> prefix);
        this.tcp = new TcpEngine(config, device, counters, sink);
        this.icmpOut = new IcmpSender(config, counters, sink, tcp.pathMtus());
        this.icmpErrors = new IcmpErrorHandler(config, tcp);
        this.reassembler = new Ipv4Reassembler(config, counters);
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
        if (reason != DropReason.NONE && reason != DropReason.IP_FRAGMENT) {
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
        if (isMartian(src)) {
            drop(nowNs, DropReason.IP_MARTIAN_SOURCE, buffer, offset, length);
            return;
        }
        if (reason == DropReason.IP_FRAGMENT) {
            onFragment(nowNs, buffer, offset, length);
            return;
        }
        dispatch(nowNs, buffer, offset, length, tcpChecksumTrusted);
    }

    /** A whole datagram (as read, or reassembled) to its protocol; {@link #ip} wraps it. */
    private void dispatch(long nowNs, MutableDirectBuffer buffer, int offset, int length, boolean tcpChecksumTrusted) {
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
                // RFC 1122 §3.2.2.1: protocol unreachable. The datagram is unicast to us (checked
                // above) and not ICMP, so none of §3.2.2's "never answer" cases applies.
                icmpOut.error(
                        nowNs,
                        IcmpHeader.TYPE_DEST_UNREACHABLE,
                        IcmpHeader.CODE_PROTOCOL_UNREACHABLE,
                        buffer,
                        offset,
                        ip.totalLength(),
                        ip.srcAddr());
                break;
        }
    }

    /**
     * RFC 1122 §3.2.1.3 (and Linux's martian-source checks): sources no host may send from, beyond
     * the ones refused above: "this network" 0/8, loopback 127/8 ("MUST NOT appear outside a
     * host"), the reserved 240/4 (RFC 1112 §4) and the directed broadcast of our own subnet.
     */
    private boolean isMartian(int src) {
        final int first = src >>> 24;
        if (first == 0 || first == 127 || (src >>> 28) == 0xF) {
            return true;
        }
        // /31 (RFC 3021) and /32 have no broadcast address.
        return hostMask != 0 && (src & ~hostMask) == (localAddr & ~hostMask) && (src & hostMask) == hostMask;
    }

    /**
     * RFC 791 §3.2 reassembly. A completed datagram goes through {@link #dispatch} like any other,
     * its checksums verified on the whole.
     */
    private void onFragment(long nowNs, MutableDirectBuffer buffer, int offset, int length) {
        final DropReason r = reassembler.offer(nowNs, ip);
        if (r != DropReason.NONE) {
            drop(nowNs, r, buffer, offset, length);
            return;
        }
        if (!reassembler.hasCompleted()) {
            return;
        }
        final MutableDirectBuffer whole = reassembler.completedBuffer();
        final int wholeOffset = reassembler.completedOffset();
        final int wholeLength = reassembler.completedLength();
        ip.wrap(whole, wholeOffset, wholeLength);
        final DropReason check = ip.validate();
        if (check != DropReason.NONE) {
            drop(nowNs, check, whole, wholeOffset, wholeLength);
        } else {
            dispatch(nowNs, whole, wholeOffset, wholeLength, false);
        }
        reassembler.releaseCompleted();
    }

    /** RFC 792 / RFC 1122 §3.2.2.4: time exceeded (reassembly) when the first fragment had come. */
    private void onReassemblyExpired(long nowNs, MutableDirectBuffer buffer, int offset, int quoteLength) {
        drop(nowNs, DropReason.IP_REASSEMBLY_TIMEOUT, buffer, offset, quoteLength);
        if (quoteLength > 0 && !isIcmpError(buffer, offset)) {
            icmpOut.error(
                    nowNs,
                    IcmpHeader.TYPE_TIME_EXCEEDED,
                    IcmpHeader.CODE_REASSEMBLY_TIME_EXCEEDED,
                    buffer,
                    offset,
                    quoteLength,
                    buffer.getInt(offset + Ipv4Header.SRC_ADDR_OFFSET, ByteOrder.BIG_ENDIAN));
        }
    }

    /** RFC 1122 §3.2.2: no ICMP error about an ICMP error (the quoted header is followed by its type). */
    private static boolean isIcmpError(MutableDirectBuffer buffer, int offset) {
        if ((buffer.getByte(offset + Ipv4Header.PROTOCOL_OFFSET) & 0xFF) != Ipv4Header.PROTOCOL_ICMP) {
            return false;
        }
        final int type = buffer.getByte(offset + (buffer.getByte(offset) & 0x0F) * 4) & 0xFF;
        return IcmpErrorHandler.isError(type) || type == 5; // 5: redirect
    }

    /** RFC 792 echo; the errors of RFC 1122 §4.2.3.9 go to their handler. */
    private void onIcmp(long nowNs, MutableDirectBuffer buffer, int offset, int length) {
        icmp.wrap(buffer, ip.payloadOffset(), ip.payloadLength());
        final DropReason reason = icmp.validate();
        if (reason != DropReason.NONE) {
            drop(nowNs, reason, buffer, offset, length);
            return;
        }
        final int type = icmp.type();
        if (type == IcmpHeader.TYPE_ECHO_REQUEST && icmp.code() == 0) {
            icmpOut.echoReply(nowNs, buffer, ip.payloadOffset(), ip.payloadLength(), ip.srcAddr());
            return;
        }
        final DropReason r =
                IcmpErrorHandler.isError(type) ? icmpErrors.onError(nowNs, icmp) : DropReason.ICMP_UNSUPPORTED;
        if (r != DropReason.NONE) {
            drop(nowNs, r, buffer, offset, length);
        }
    }

    private void drop(long nowNs, DropReason reason, MutableDirectBuffer buffer, int offset, int length) {
        counters.drop(reason);
        if (tracer != null) {
            tracer.onDrop(nowNs, reason, buffer, offset, length);
        }
    }

    /** Fires every timer due at {@code nowNs}. */
    public void onTimeout(long nowNs) {
        reassembler.expire(nowNs, onReassemblyExpired);
        tcp.onTimeout(nowNs);
    }

    /** Emits all pending connection output (ACKs, data within the windows, FINs). */
    public void flush(long nowNs) {
        tcp.flush(nowNs);
    }

    /** The earliest timer deadline, or {@link Long#MAX_VALUE} when none is armed. */
    public long nextDeadlineNs() {
        return Math.min(tcp.nextDeadlineNs(), reassembler.nextDeadlineNs());
    }

    /** Accepts connections on {@code port}. */
    public void listen(int port, TcpListener listener) {
        tcp.listen(port, listener);
    }

    /** Listens on {@code port} with a SYN queue of {@code synBacklog} half-open connections. */
    public void listen(int port, TcpListener listener, int synBacklog) {
        tcp.listen(port, listener, synBacklog);
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

    /** What the device does for this stack (offloads), as given at construction. */
    public DeviceCapabilities device() {
        return device;
    }

    /** The settings in force: an immutable {@link StackConfig#snapshot()}. */
    public StackConfig config() {
        return config;
    }

    /** TIME_WAIT entries, kept as compact records outside the connection table ({@code StackConfig.maxTimeWait}). */
    public int timeWaitCount() {
        return tcp.timeWaitCount();
    }

    /** Datagrams being reassembled from fragments (bounded by the reassembly settings). */
    public int reassemblyInProgress() {
        return reassembler.inProgress();
    }

    /** The path MTU learned for {@code remoteAddr} from ICMP (RFC 1191), or 0 when none is live. */
    public int pathMtu(int remoteAddr, long nowNs) {
        return tcp.pathMtus().get(remoteAddr, nowNs);
    }

    /** Connections in the table (every state but CLOSED, TIME_WAIT included). */
    public int connectionCount() {
        return tcp.connectionCount();
    }

    /**
     * Visits every connection in the table (copies the table first, so the visitor may close
     * connections; O(connections): for tests and tools, not for a page served on the loop).
     */
    public void forEachConnection(Consumer<TcpConnection> visitor) {
        tcp.forEachConnection(visitor);
    }

    /**
     * Visits at most {@code limit} connections, TIME_WAIT not included, without copying the table
     * (cost O(limit) plus the TIME_WAIT entries skipped). The visitor only reads: it must not open,
     * close or abort connections.
     *
     * @return how many were visited
     */
    public int forEachConnection(int limit, Consumer<? super TcpConnection> visitor) {
        return tcp.forEachConnection(limit, visitor);
    }

    /**
     * Connections now in {@code state}, counted incrementally on every state change (O(1), for
     * status pages under load); 0 for CLOSED and LISTEN (listeners are not connections).
     */
    public int connectionCount(TcpState state) {
        return tcp.connectionCount(state);
    }
}
