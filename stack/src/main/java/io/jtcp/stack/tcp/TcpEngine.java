package io.jtcp.stack.tcp;

import io.jtcp.stack.DeviceCapabilities;
import io.jtcp.stack.DropReason;
import io.jtcp.stack.EphemeralPortFilter;
import io.jtcp.stack.PacketSink;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.StackCounters;
import io.jtcp.stack.StackTracer;
import io.jtcp.stack.cc.AckSample;
import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.ip.PathMtuCache;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.stack.wire.TcpHeader;
import io.jtcp.stack.wire.TcpOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * The TCP layer: demultiplexes validated segments to connections (a primitive-keyed table), hands
 * those that find none to {@link Listeners} (LISTEN and the closed-port rules), and drives the
 * timers and the flush.
 *
 * <p>Internal, not API: public only because {@link io.jtcp.stack.NetworkStack} and the ICMP layer
 * in another package drive it; programs use {@code NetworkStack}, which may change how it does.
 *
 * <p>Only one local address is served, so a connection's key packs remote address, remote port
 * and local port into one {@code long}.
 */
public final class TcpEngine {
    final StackConfig config; // a snapshot (immutable)
    final DeviceCapabilities device; // offloads: read by TcpSender and SegmentWriter
    final StackCounters counters;
    private final PacketSink sink;
    final StackTracer tracer; // read by TcpSender per ACK (issue #10 §4)
    /** The tracer implements {@link StackTracer#onAck}: the delivery-rate records are kept for it. */
    final boolean tracerReadsAcks;

    final IsnGenerator isnGenerator;
    final int localAddr;

    private final Long2ObjectHashMap<Tcb> connections = new Long2ObjectHashMap<>();
    /** LISTEN and CLOSED: what a segment gets that finds no connection. */
    final Listeners listeners;

    private final TimerQueue timers = new TimerQueue();
    final TimeWaits timeWaits;
    private final IcmpErrors icmp = new IcmpErrors(this);
    final BufferPool pool;
    /** Builds, checksums and sends every segment (RFC 9293 §3.1 header, options, IPv4). */
    final SegmentWriter segments;

    final MemoryGovernor memory;
    private Throwable lastConnectionError;
    /** Connections with output pending, and the delivery of queued handler events. */
    final FlushList flushList = new FlushList(this);

    private final TcpOptions rxOptions = new TcpOptions();
    /** The §3.10.7 rules for the segment being processed (one at a time, like {@link #rxOptions}). */
    final SegmentArrival arrival = new SegmentArrival();

    private int ephemeralCounter;
    /** Connections per state (status page), kept by {@link #onStateChange}; CLOSED is not counted. */
    private final int[] stateCounts = new int[TcpState.values().length];

    final AckRateLimiter ackLimiter;

    /** The packet being processed, for drop reports. */
    private Ipv4Header currentIp;

    /** The time of the call being processed; set at every entry point, never read from a clock. */
    long nowNs;

    public TcpEngine(StackConfig config, DeviceCapabilities device, StackCounters counters, PacketSink sink) {
        config = config.snapshot(); // validated: the ISN secret is set, the RTO bounds are ordered
        this.config = config;
        this.device = device.validateFor(config);
        this.counters = counters;
        this.sink = sink;
        this.tracer = config.tracer();
        this.tracerReadsAcks = tracer != null && overridesOnAck(tracer);
        this.isnGenerator = new IsnGenerator(config.isnSecret());
        this.localAddr = config.localAddr();
        this.timeWaits = new TimeWaits(this, config.maxTimeWait());
        this.ackLimiter = new AckRateLimiter(config, counters);
        this.pool = new BufferPool(config.effectiveMemoryBudgetBytes(), counters);
        this.segments = new SegmentWriter(this, sink, tracer);
        this.memory = new MemoryGovernor(config, pool);
        this.listeners = new Listeners(this, isnGenerator);
    }

    static long key(int remoteAddr, int remotePort, int localPort) {
        return ((long) remoteAddr << 32) | ((long) (remotePort & 0xFFFF) << 16) | (localPort & 0xFFFF);
    }

    /** Whether {@code tracer}'s class implements onAck rather than inheriting the empty default. */
    private static boolean overridesOnAck(StackTracer tracer) {
        try {
            return tracer.getClass()
                            .getMethod(
                                    "onAck", long.class, TcpConnection.class, AckSample.class, CongestionControl.class)
                            .getDeclaringClass()
                    != StackTracer.class;
        } catch (NoSuchMethodException | SecurityException e) {
            return true; // cannot tell: assume it reads the samples
        }
    }

    // =====================================================================================
    // Input
    // =====================================================================================

    /** A TCP segment whose IPv4 header is valid and addressed to us. */
    public void onSegment(long now, Ipv4Header ip, TcpHeader seg, boolean checksumTrusted) {
        nowNs = now;
        currentIp = ip;
        counters.tcpSegmentsIn++;
        final DropReason structural = checksumTrusted ? seg.validateLength() : seg.validate(ip.srcAddr(), ip.dstAddr());
        if (structural != DropReason.NONE) {
            dropPacket(structural, ip);
            return;
        }
        if (rxOptions.parse(seg) != DropReason.NONE) {
            dropPacket(DropReason.TCP_BAD_OPTIONS, ip);
            return;
        }
        final int srcPort = seg.srcPort();
        final int dstPort = seg.dstPort();
        if (srcPort == 0 || dstPort == 0) {
            dropPacket(DropReason.TCP_BAD_PORT, ip);
            return;
        }
        final int remote = ip.srcAddr();
        final long key = key(remote, srcPort, dstPort);
        final Tcb tcb = connections.get(key);
        if (tcb == null) {
            final int tw = timeWaits.find(key);
            if (tw != TimeWaitTable.NONE) {
                try {
                    timeWaits.onSegment(tw, remote, seg, rxOptions);
                } catch (Throwable e) {
                    failOpening(key, e, seg); // a reopening SYN could not build its TCB
                }
                return;
            }
        }
        if (tcb != null) {
            try {
                if (tcb.state == TcpState.TIME_WAIT && listeners.reopenFromTimeWait(tcb, seg, rxOptions)) {
                    return; // the SYN was handled as in LISTEN: a second pass would open a second TCB
                }
                tcb.onSegment(seg, rxOptions);
                afterInput(tcb);
            } catch (Throwable e) {
                failConnection(tcb, e);
            }
            return;
        }
        final ListenPort listener = listeners.listenerOn(dstPort);
        if (listener != null) {
            try {
                listeners.onListen(listener, remote, seg, rxOptions, 0);
            } catch (Throwable e) {
                failOpening(key, e, seg);
            }
            return;
        }
        listeners.onClosedPort(remote, seg);
    }

    /** A passive open failed before a connection existed (a TCB could not be built, or the tracer threw). */
    private void failOpening(long key, Throwable e, TcpHeader seg) {
        final Tcb half = connections.get(key);
        if (half != null) {
            failConnection(half, e);
        } else {
            noteError(e);
            drop(DropReason.TCP_INTERNAL_ERROR, seg);
        }
    }

    /** How many SYN-ACK retransmissions a half-open connection gets (fewer under SYN-queue pressure). */
    int synAckRetries(Tcb t) {
        return listeners.synAckRetries(t);
    }

    /** A new connection's Tcb, put in the table. */
    Tcb newConnection(int remote, int remotePort, int localPort, boolean passive) {
        final long key = key(remote, remotePort, localPort);
        final Tcb tcb = new Tcb(this, key, localAddr, localPort, remote, remotePort, passive);
        connections.put(key, tcb);
        return tcb;
    }

    /** The table's entry for this connection's 4-tuple is this Tcb (not a newer incarnation, not gone). */
    boolean inTable(Tcb t) {
        return connections.get(t.key) == t;
    }

    boolean tableFull() {
        return connections.size() >= config.maxConnections();
    }

    /** TIME_WAIT entries held as compact records (not in {@link #openConnectionCount()}). */
    public int timeWaitCount() {
        return timeWaits.size();
    }

    void afterInput(Tcb tcb) {
        // The handshake may complete on a segment that also carries FIN, so the state can already
        // be CLOSE_WAIT here: accept on the pending "connected" event, not on ESTABLISHED.
        if (tcb.listener != null && tcb.handler() == null && tcb.connectedEventPending()) {
            listeners.accept(tcb);
        }
        flushList.deliverEvents(tcb);
        memory.releaseIdleStorage(tcb);
    }

    // =====================================================================================
    // Memory budget and fault isolation
    // =====================================================================================

    /**
     * One connection's work threw (its handler, the tracer, or the output path): abort it (RST),
     * count it, and carry on with every other connection. An OutOfMemoryError also empties the
     * buffer pool and caps the budget at what is held now.
     */
    void failConnection(Tcb t, Throwable e) {
        counters.tcpConnectionErrors++;
        noteError(e);
        try {
            t.abort();
        } catch (Throwable again) {
            noteError(again);
        }
        if (t.state != TcpState.CLOSED || connections.get(t.key) == t) {
            try {
                remove(t); // the RST or the handler's onClosed failed half-way
            } catch (Throwable again) {
                noteError(again);
            }
        }
    }

    private void noteError(Throwable e) {
        if (e instanceof OutOfMemoryError) {
            counters.tcpOutOfMemoryErrors++;
            pool.onOutOfMemory();
        }
        lastConnectionError = e;
    }

    /** The last failure {@link #failConnection} caught (null if none since the last call), for a log line. */
    public Throwable takeConnectionError() {
        final Throwable e = lastConnectionError;
        lastConnectionError = null;
        return e;
    }

    /** The heap ran out outside any connection's work: as {@link #failConnection} does for an OOM. */
    public void onOutOfMemory() {
        counters.tcpOutOfMemoryErrors++;
        pool.onOutOfMemory();
    }

    /** Bytes counted against the memory budget now (ring storage plus the per-connection estimate). */
    public long memoryUsedBytes() {
        return pool.usedBytes();
    }

    /** The memory budget in force. */
    public long memoryBudgetBytes() {
        return pool.budgetBytes();
    }

    /** True while the budget refuses new connections (at or near pressure, where buffers stop growing). */
    public boolean memoryPressure() {
        return !pool.admitConnection();
    }

    // =====================================================================================
    // ICMP errors and path MTU (RFC 1122 §4.2.3.9, RFC 5927, RFC 1191)
    // =====================================================================================

    /**
     * An ICMP error quoting a segment from {@code localPort} to {@code remoteAddr:remotePort} with
     * sequence number {@code seq}; {@code pathMtu} is the new path MTU of a fragmentation-needed
     * message (already floored and checked against the quoted length). Returns NONE when a
     * connection took it, else the reason it was ignored.
     */
    public DropReason onIcmpError(
            long now, int remoteAddr, int remotePort, int localPort, int seq, int type, int code, int pathMtu) {
        nowNs = now;
        final Tcb t = connections.get(key(remoteAddr, remotePort, localPort));
        if (t == null || t.state == TcpState.TIME_WAIT || t.state == TcpState.CLOSED) {
            return DropReason.ICMP_NO_CONNECTION;
        }
        return icmp.onError(t, remoteAddr, seq, type, code, pathMtu);
    }

    /** The MSS the path to {@code remoteAddr} allows (learned path MTU − 40), or MAX_VALUE. */
    int pathMss(int remoteAddr) {
        return icmp.pathMss(remoteAddr);
    }

    /** The path MTUs learned from ICMP (shared with the IP layer, which fragments to them). */
    public PathMtuCache pathMtus() {
        return icmp.pathMtus();
    }

    // =====================================================================================
    // Applications
    // =====================================================================================

    public void listen(int port, TcpListener listener) {
        listen(port, listener, config.synBacklog());
    }

    /** Listens with a SYN queue of its own size ({@code synBacklog} half-open connections). */
    public void listen(int port, TcpListener listener, int synBacklog) {
        listeners.listen(port, listener, synBacklog);
    }

    public void unlisten(int port) {
        listeners.unlisten(port);
    }

    /** Active open from an ephemeral port chosen per RFC 6056 §3.3.3 (never a live 4-tuple). */
    public TcpConnection connect(long now, int remoteAddr, int remotePort, TcpHandler handler) {
        nowNs = now;
        if (remotePort <= 0 || remotePort > 65_535) {
            throw new IllegalArgumentException("port out of range: " + remotePort);
        }
        if (connections.size() >= config.maxConnections()) {
            throw new IllegalStateException("connection table full (" + config.maxConnections() + ")");
        }
        if (!pool.admitConnection()) {
            counters.memConnectsRefused++;
            throw new ResourceLimitException("memory budget under pressure: " + pool.usedBytes() + " of "
                    + pool.budgetBytes() + " bytes in use; no new connection (StackConfig.memoryBudgetBytes)");
        }
        final int low = config.ephemeralPortLow();
        final int range = config.ephemeralPortHigh() - low + 1;
        final int offset = isnGenerator.portOffset(localAddr, remoteAddr, remotePort);
        final EphemeralPortFilter portFilter = config.ephemeralPortFilter();
        int port = -1;
        for (int i = 0; i < range; i++) {
            final int candidate = low + (int) (((long) offset + ephemeralCounter + i) % range);
            final long k = key(remoteAddr, remotePort, candidate);
            if (!connections.containsKey(k)
                    && timeWaits.find(k) == TimeWaitTable.NONE
                    && !listeners.isListening(candidate)
                    && (portFilter == null || portFilter.permits(remoteAddr, remotePort, candidate))) {
                port = candidate;
                ephemeralCounter += i + 1;
                break;
            }
        }
        if (port < 0) {
            throw new IllegalStateException(
                    "no free ephemeral port towards " + Ipv4Header.addressToString(remoteAddr) + ":" + remotePort);
        }
        final Tcb tcb = newConnection(remoteAddr, remotePort, port, false);
        tcb.handler(handler);
        pool.connectionOpened();
        counters.tcpConnectionsOpened++;
        Opening.active(tcb, isnGenerator.isn(now, localAddr, port, remoteAddr, remotePort));
        rearm(tcb);
        return tcb;
    }

    public void abortAll(long now) {
        nowNs = now;
        listeners.clear();
        final List<Tcb> all = new ArrayList<>(connections.values());
        for (Tcb t : all) {
            try {
                t.abort();
            } catch (Throwable e) {
                failConnection(t, e);
            }
        }
        timeWaits.endAll();
    }

    /**
     * Graceful shutdown, first half: stop accepting and close every connection (FIN after its
     * buffered data, RFC 9293 §3.10.4). TIME_WAIT entries are left to expire.
     */
    public void closeAll(long now) {
        nowNs = now;
        listeners.clear();
        for (Tcb t : new ArrayList<>(connections.values())) {
            if (t.state != TcpState.TIME_WAIT && t.state != TcpState.CLOSED) {
                try {
                    t.close();
                    flushList.deliverEvents(t);
                } catch (Throwable e) {
                    failConnection(t, e);
                }
            }
        }
    }

    /** Connections still carrying or closing a conversation (all but TIME_WAIT). */
    public int openConnectionCount() {
        // O(1) from the per-state counts: TIME_WAIT counts records and the Tcbs not yet handed over
        // to one; only the latter are in the table.
        final int timeWaitInTable = stateCounts[TcpState.TIME_WAIT.ordinal()] - timeWaits.size();
        return connections.size() - timeWaitInTable;
    }

    /** Entries in the connection table plus TIME_WAIT records. */
    public int connectionCount() {
        return connections.size() + timeWaits.size();
    }

    public void forEachConnection(Consumer<TcpConnection> visitor) {
        for (Tcb t : new ArrayList<>(connections.values())) {
            visitor.accept(t);
        }
    }

    /**
     * Visits at most {@code limit} connections, TIME_WAIT skipped, without copying the table; the
     * visitor must not open, close or abort connections (the table is being iterated).
     *
     * @return the number visited
     */
    public int forEachConnection(int limit, Consumer<? super TcpConnection> visitor) {
        int n = 0;
        if (limit <= 0) {
            return 0;
        }
        for (Tcb t : connections.values()) {
            if (t.state == TcpState.TIME_WAIT || t.state == TcpState.CLOSED) {
                continue;
            }
            visitor.accept(t);
            if (++n >= limit) {
                break;
            }
        }
        return n;
    }

    /** Connections now in {@code state}, kept incrementally (O(1)); 0 for CLOSED and LISTEN. */
    public int connectionCount(TcpState state) {
        return state == TcpState.CLOSED ? 0 : stateCounts[state.ordinal()];
    }

    // =====================================================================================
    // Timers and output
    // =====================================================================================

    public long nextDeadlineNs() {
        return Math.min(timers.earliestNs(), timeWaits.earliestNs());
    }

    public void onTimeout(long now) {
        nowNs = now;
        timeWaits.expire(now);
        // Bounded: each connection fires at most once per call (a re-armed deadline is later).
        for (int guard = timers.size(); guard > 0; guard--) {
            final Tcb t = timers.peek();
            if (t == null || t.wakeupNs - now > 0) {
                break;
            }
            t.wakeupNs = Long.MAX_VALUE;
            timers.remove(t);
            try {
                if (Deadlines.due(t.timers.rtx, now)) {
                    icmp.adoptPathMtu(t); // the retransmission goes at a size the path takes
                }
                t.onTimer(now);
                if (t.state != TcpState.CLOSED) {
                    rearm(t);
                }
                flushList.deliverEvents(t);
            } catch (Throwable e) {
                failConnection(t, e);
            }
        }
    }

    public void flush(long now) {
        nowNs = now;
        memory.wakeMemoryWaiters();
        flushList.flush();
    }

    void markDirty(Tcb t) {
        flushList.markDirty(t);
    }

    void rearm(Tcb t) {
        if (t.state == TcpState.CLOSED || t.twSlot >= 0) {
            return;
        }
        final long w = t.computeWakeup();
        if (w != t.wakeupNs || (w != Long.MAX_VALUE && t.heapIndex < 0)) {
            t.wakeupNs = w;
            timers.update(t);
        }
    }

    /** Out of the table and the timer heap, buffers given back: the Tcb is handed to a TIME_WAIT record. */
    void detach(Tcb t) {
        if (connections.get(t.key) == t) {
            connections.remove(t.key);
            pool.connectionClosed(); // a TIME_WAIT record is not a connection for the budget
        }
        timers.remove(t);
        t.wakeupNs = Long.MAX_VALUE;
        memory.releaseBuffers(t);
    }

    void remove(Tcb t) {
        if (t.twSlot >= 0) {
            return; // handed over to a TIME_WAIT record: the table entry is no longer this Tcb's
        }
        if (t.state != TcpState.CLOSED) {
            t.setState(TcpState.CLOSED);
        }
        if (connections.get(t.key) == t) {
            connections.remove(t.key);
            pool.connectionClosed();
        }
        timers.remove(t);
        t.wakeupNs = Long.MAX_VALUE;
        t.timers.clearAll();
        memory.releaseBuffers(t);
    }

    /**
     * A TIME_WAIT record went (RFC 9293 §3.10.8: expired, recycled, reopened or aborted): counted,
     * and shown to the tracer as TIME_WAIT → CLOSED when there is one (only then is the stand-in
     * connection built, so records end without allocating).
     */
    void onTimeWaitEnded(long key) {
        if (tracer == null) {
            stateCounts[TcpState.TIME_WAIT.ordinal()]--;
        } else {
            onStateChange(new TimeWaitConnection(localAddr, key), TcpState.TIME_WAIT, TcpState.CLOSED);
        }
    }

    void onStateChange(TcpConnection c, TcpState from, TcpState to) {
        if (from != TcpState.CLOSED) {
            stateCounts[from.ordinal()]--;
        }
        if (to != TcpState.CLOSED) {
            stateCounts[to.ordinal()]++;
        }
        final Tcb t = c instanceof Tcb ? (Tcb) c : null; // else a TIME_WAIT record ending
        if (t != null) {
            memory.onStateChange(t, to);
        }
        if (t != null && t.passiveOpen) {
            listeners.onStateChange(t, from, to);
        }
        if (tracer != null) {
            tracer.onStateChange(nowNs, c, from, to);
        }
    }

    /** RFC 5961 §7: the global, randomised budget of challenge ACKs per second (no per-connection check). */
    boolean allowChallengeAck() {
        return ackLimiter.allowGlobal(nowNs);
    }

    /** Passive opens in SYN_RECEIVED (bounded by {@code StackConfig.maxHalfOpen}). */
    public int halfOpenCount() {
        return listeners.halfOpenCount();
    }

    void drop(DropReason reason, TcpHeader seg) {
        counters.drop(reason);
        if (tracer != null && currentIp != null) {
            tracer.onDrop(nowNs, reason, currentIp.buffer(), currentIp.offset(), currentIp.bufferLength());
        }
    }

    private void dropPacket(DropReason reason, Ipv4Header ip) {
        counters.drop(reason);
        if (tracer != null) {
            tracer.onDrop(nowNs, reason, ip.buffer(), ip.offset(), ip.bufferLength());
        }
    }
}
