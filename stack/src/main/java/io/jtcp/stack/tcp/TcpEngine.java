package io.jtcp.stack.tcp;

import io.jtcp.stack.DeviceCapabilities;
import io.jtcp.stack.DropReason;
import io.jtcp.stack.PacketSink;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.StackCounters;
import io.jtcp.stack.StackTracer;
import io.jtcp.stack.ip.PathMtuCache;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.stack.wire.TcpHeader;
import io.jtcp.stack.wire.TcpOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * The TCP layer: demultiplexes validated segments to connections (a primitive-keyed table), runs
 * LISTEN and the closed-port rules, builds every outgoing segment, and drives the timers.
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
    private final IsnGenerator isnGenerator;
    private final CookieResponder cookies;
    final int localAddr;

    private final Long2ObjectHashMap<Tcb> connections = new Long2ObjectHashMap<>();
    private final Int2ObjectHashMap<ListenPort> listeners = new Int2ObjectHashMap<>();
    private final TimerQueue timers = new TimerQueue();
    final TimeWaits timeWaits;
    private final PathMtuCache pathMtus = new PathMtuCache(); // RFC 1191 §6.3, per destination
    final BufferPool pool;
    /** Builds, checksums and sends every segment (RFC 9293 §3.1 header, options, IPv4). */
    final SegmentWriter segments;

    final MemoryGovernor memory;
    private Throwable lastConnectionError;
    private Tcb dirtyHead;
    private Tcb dirtyTail;

    private final TcpOptions rxOptions = new TcpOptions();
    private int ephemeralCounter;
    private int halfOpen;
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
        this.isnGenerator = new IsnGenerator(config.isnSecret());
        this.localAddr = config.localAddr();
        this.cookies = new CookieResponder(this, isnGenerator);
        this.timeWaits = new TimeWaits(this, config.maxTimeWait());
        this.ackLimiter = new AckRateLimiter(config, counters);
        this.pool = new BufferPool(config.effectiveMemoryBudgetBytes(), counters);
        this.segments = new SegmentWriter(this, sink, tracer);
        this.memory = new MemoryGovernor(config, pool);
    }

    static long key(int remoteAddr, int remotePort, int localPort) {
        return ((long) remoteAddr << 32) | ((long) (remotePort & 0xFFFF) << 16) | (localPort & 0xFFFF);
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
                if (tcb.state == TcpState.TIME_WAIT && reopenFromTimeWait(tcb, seg)) {
                    return; // the SYN was handled as in LISTEN: a second pass would open a second TCB
                }
                tcb.onSegment(seg, rxOptions);
                afterInput(tcb);
            } catch (Throwable e) {
                failConnection(tcb, e);
            }
            return;
        }
        final ListenPort listener = listeners.get(dstPort);
        if (listener != null) {
            try {
                onListen(listener, remote, seg, 0);
            } catch (Throwable e) {
                failOpening(key, e, seg);
            }
            return;
        }
        onClosedPort(remote, seg);
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

    /**
     * RFC 9293 §3.10.7.4 note (and RFC 6191 without timestamps): a SYN with a sequence number
     * above the old connection's rcv.nxt may start a new incarnation while in TIME_WAIT.
     */
    private boolean reopenFromTimeWait(Tcb old, TcpHeader seg) {
        final int flags = seg.flags();
        if ((flags & (TcpHeader.SYN | TcpHeader.ACK | TcpHeader.RST)) != TcpHeader.SYN
                || !TimeWaits.newIncarnation(seg, rxOptions, old.rx.rcvNxt, old.tsOk, old.rx.tsRecent)
                || !listeners.containsKey(old.localPort)) {
            return false;
        }
        final int minIsn = old.tx.sndNxt + 65_536 + 2; // as Linux: well above the old incarnation
        remove(old);
        onListen(listeners.get(old.localPort), old.remoteAddr, seg, minIsn);
        return true;
    }

    /** LISTEN (RFC 9293 §3.10.7.2). */
    void onListen(ListenPort listener, int remote, TcpHeader seg, int minIsn) {
        final int flags = seg.flags();
        if ((flags & TcpHeader.RST) != 0) {
            drop(DropReason.TCP_NO_CONNECTION_RST, seg);
            return;
        }
        if ((flags & TcpHeader.ACK) != 0) {
            if ((flags & TcpHeader.SYN) == 0 && config.synCookies() && listener.recentOverflow(nowNs)) {
                if (cookies.openFromCookie(listener, remote, seg, rxOptions)) {
                    return;
                }
                // Linux answers an ACK whose cookie fails as any stray ACK to a listener: RST.
                counters.tcpSynCookiesInvalid++;
                segments.sendRst(localAddr, seg.dstPort(), remote, seg.srcPort(), seg.ackNum(), 0, false);
                drop(DropReason.TCP_SYN_COOKIE_INVALID, seg);
                return;
            }
            segments.sendRst(localAddr, seg.dstPort(), remote, seg.srcPort(), seg.ackNum(), 0, false);
            drop(DropReason.TCP_SYN_IN_LISTEN_INVALID, seg);
            return;
        }
        if ((flags & TcpHeader.SYN) == 0) {
            drop(DropReason.TCP_SYN_IN_LISTEN_INVALID, seg);
            return;
        }
        if (connections.size() >= config.maxConnections()) {
            // Like a full SYN queue: drop silently, the peer retries.
            drop(DropReason.TCP_TABLE_FULL, seg);
            return;
        }
        final int localPort = seg.dstPort();
        if (!admitPassive(localPort, seg)) {
            return; // before a cookie too: its ACK would find no room either
        }
        if (synQueueFull(listener)) {
            if (config.synCookies()) {
                cookies.sendCookie(listener, remote, seg, rxOptions);
            } else {
                drop(DropReason.TCP_SYN_BACKLOG_FULL, seg);
            }
            return;
        }
        final Tcb tcb = newPassive(listener, remote, seg.srcPort(), localPort);
        int isn = isnGenerator.isn(nowNs, localAddr, localPort, remote, seg.srcPort());
        if (minIsn != 0 && io.jtcp.stack.wire.Seq.lt(isn, minIsn)) {
            isn = minIsn;
        }
        tcb.openPassive(isn, seg, rxOptions);
        // RFC 9293 §3.10.7.2: data on a SYN may be queued; like Linux without TFO we do not keep
        // it (the peer retransmits it after the handshake). A FIN on a SYN is likewise ignored.
        rearm(tcb);
    }

    /**
     * How many SYN-ACK retransmissions a half-open connection gets. Under pressure (its listener
     * sent cookies lately or its queue is at least half full, or the global one is) one at most, so
     * a burst of spoofed SYNs frees the queue within seconds (1 + 2 s) rather than the 63 s of five
     * retries: what Linux's {@code inet_csk_reqsk_queue_prune} did with entries under pressure.
     */
    int synAckRetries(Tcb t) {
        final int limit = config.synAckRetries();
        final ListenPort lp = t.listener instanceof ListenPort ? (ListenPort) t.listener : null;
        final boolean pressure =
                2 * halfOpen >= config.maxHalfOpen() || lp != null && (lp.underPressure() || lp.recentOverflow(nowNs));
        if (pressure && limit > 1) {
            if (t.tx.consecutiveTimeouts > 1 && t.tx.consecutiveTimeouts <= limit) {
                counters.tcpSynAckRetriesShortened++;
            }
            return 1;
        }
        return limit;
    }

    /**
     * No more half-open state for this listener: its own SYN queue or the global one is full. The
     * one place to add other pressure (memory) that should turn SYNs into cookies.
     */
    private boolean synQueueFull(ListenPort listener) {
        return halfOpen >= config.maxHalfOpen() || listener.halfOpen >= listener.synBacklog;
    }

    /** A passive open's Tcb, in the table, before its SYN (or cookie) is processed. */
    Tcb newPassive(ListenPort listener, int remote, int remotePort, int localPort) {
        final long key = key(remote, remotePort, localPort);
        final Tcb tcb = new Tcb(this, key, localAddr, localPort, remote, remotePort, true);
        tcb.listener = listener;
        connections.put(key, tcb);
        memory.onPassiveOpen(tcb);
        return tcb;
    }

    boolean tableFull() {
        return connections.size() >= config.maxConnections();
    }

    ListenPort listenerOn(int port) {
        return listeners.get(port);
    }

    /** TIME_WAIT entries held as compact records (not in {@link #openConnectionCount()}). */
    public int timeWaitCount() {
        return timeWaits.size();
    }

    /** CLOSED: RFC 9293 §3.10.7.1. */
    private void onClosedPort(int remote, TcpHeader seg) {
        final int flags = seg.flags();
        if ((flags & TcpHeader.RST) != 0) {
            drop(DropReason.TCP_NO_CONNECTION_RST, seg); // never answer a RST
            return;
        }
        drop(DropReason.TCP_NO_LISTENER, seg);
        if ((flags & TcpHeader.ACK) != 0) {
            segments.sendRst(localAddr, seg.dstPort(), remote, seg.srcPort(), seg.ackNum(), 0, false);
        } else {
            final int segLen = seg.payloadLength()
                    + ((flags & TcpHeader.SYN) != 0 ? 1 : 0)
                    + ((flags & TcpHeader.FIN) != 0 ? 1 : 0);
            segments.sendRst(localAddr, seg.dstPort(), remote, seg.srcPort(), 0, seg.seq() + segLen, true);
        }
    }

    void afterInput(Tcb tcb) {
        // The handshake may complete on a segment that also carries FIN, so the state can already
        // be CLOSE_WAIT here: accept on the pending "connected" event, not on ESTABLISHED.
        if (tcb.listener != null && tcb.handler() == null && tcb.connectedEventPending()) {
            accept(tcb);
        }
        tcb.deliverEvents();
        memory.releaseIdleStorage(tcb);
    }

    // =====================================================================================
    // Memory budget and fault isolation
    // =====================================================================================

    /** A SYN (or a cookie's ACK) for a listener: refused, dropped and counted, under memory pressure or at the listener's limit. */
    boolean admitPassive(int localPort, TcpHeader seg) {
        final DropReason refusal = memory.admitPassive(localPort);
        if (refusal != DropReason.NONE) {
            // Like a full SYN queue: the peer retries, by when memory may have freed up.
            drop(refusal, seg);
            return false;
        }
        return true;
    }

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

    private void accept(Tcb tcb) {
        final TcpListener l = tcb.listener;
        tcb.listener = null;
        counters.tcpConnectionsAccepted++;
        final TcpHandler h = l.onAccept(tcb);
        if (h == null) {
            tcb.abort();
            return;
        }
        tcb.handler(h);
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
        if (!t.tx.icmpSeqInFlight(seq)) {
            return DropReason.ICMP_SEQ_OUT_OF_WINDOW; // RFC 5927 §4.1: likely forged
        }
        counters.icmpErrorsAccepted++;
        if (pathMtu > 0) {
            pathMtus.reduce(remoteAddr, pathMtu, now, config.pathMtuAgeNs());
        }
        try {
            final DropReason result = t.onIcmpError(type, code, pathMtu);
            rearm(t);
            t.deliverEvents();
            return result;
        } catch (Throwable e) {
            failConnection(t, e); // as for a segment: only this connection pays for its handler
            return DropReason.NONE;
        }
    }

    /**
     * A path MTU learned from another connection's ICMP applies to this one too (RFC 1191 §6.3:
     * the estimate belongs to the path), checked when its retransmission timer fires, as Linux's
     * retransmissions take the route's current MTU: the router may rate-limit the ICMP for it.
     */
    private void adoptPathMtu(Tcb t) {
        final int mtu = pathMtus.get(t.remoteAddr, nowNs);
        if (mtu != 0 && mtu - 40 < t.tx.sndMss && t.state.isSynchronized()) {
            t.tx.onPathMtu(mtu);
        }
    }

    /** The MSS the path to {@code remoteAddr} allows (learned path MTU − 40), or MAX_VALUE. */
    int pathMss(int remoteAddr) {
        final int mtu = pathMtus.get(remoteAddr, nowNs);
        return mtu == 0 ? Integer.MAX_VALUE : mtu - 40;
    }

    /** The path MTUs learned from ICMP (shared with the IP layer, which fragments to them). */
    public PathMtuCache pathMtus() {
        return pathMtus;
    }

    // =====================================================================================
    // Applications
    // =====================================================================================

    public void listen(int port, TcpListener listener) {
        listen(port, listener, config.synBacklog());
    }

    /** Listens with a SYN queue of its own size ({@code synBacklog} half-open connections). */
    public void listen(int port, TcpListener listener, int synBacklog) {
        if (port <= 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (synBacklog < 1) {
            throw new IllegalArgumentException("synBacklog must be at least 1: " + synBacklog);
        }
        if (listeners.containsKey(port)) {
            throw new IllegalStateException("port " + port + " is already listening");
        }
        listeners.put(port, new ListenPort(port, listener, synBacklog));
    }

    public void unlisten(int port) {
        listeners.remove(port);
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
        int port = -1;
        for (int i = 0; i < range; i++) {
            final int candidate = low + (int) (((long) offset + ephemeralCounter + i) % range);
            final long k = key(remoteAddr, remotePort, candidate);
            if (!connections.containsKey(k)
                    && timeWaits.find(k) == TimeWaitTable.NONE
                    && !listeners.containsKey(candidate)) {
                port = candidate;
                ephemeralCounter += i + 1;
                break;
            }
        }
        if (port < 0) {
            throw new IllegalStateException(
                    "no free ephemeral port towards " + Ipv4Header.addressToString(remoteAddr) + ":" + remotePort);
        }
        final long key = key(remoteAddr, remotePort, port);
        final Tcb tcb = new Tcb(this, key, localAddr, port, remoteAddr, remotePort, false);
        tcb.handler(handler);
        connections.put(key, tcb);
        pool.connectionOpened();
        counters.tcpConnectionsOpened++;
        tcb.openActive(isnGenerator.isn(now, localAddr, port, remoteAddr, remotePort));
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
                    t.deliverEvents();
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
                    adoptPathMtu(t); // the retransmission goes at a size the path takes
                }
                t.onTimer(now);
                if (t.state != TcpState.CLOSED) {
                    rearm(t);
                }
                t.deliverEvents();
            } catch (Throwable e) {
                failConnection(t, e);
            }
        }
    }

    public void flush(long now) {
        nowNs = now;
        memory.wakeMemoryWaiters();
        Tcb t = dirtyHead;
        dirtyHead = null;
        dirtyTail = null;
        while (t != null) {
            final Tcb next = t.nextDirty;
            t.nextDirty = null;
            t.dirty = false;
            // Each connection on its own: a failure here must not strand the rest of the list
            // (unlinked, yet still marked dirty, they would never be flushed again).
            try {
                if (t.state != TcpState.CLOSED) {
                    t.output();
                    rearm(t);
                }
                if (t.hasEvents()) {
                    t.deliverEvents();
                }
                memory.releaseIdleStorage(t);
            } catch (Throwable e) {
                failConnection(t, e);
            }
            if (t.state == TcpState.TIME_WAIT && t.twSlot < 0 && connections.get(t.key) == t) {
                timeWaits.handOver(t);
            }
            t = next;
        }
    }

    void markDirty(Tcb t) {
        if (t.dirty || t.twSlot >= 0) {
            return;
        }
        t.dirty = true;
        if (dirtyTail == null) {
            dirtyHead = t;
        } else {
            dirtyTail.nextDirty = t;
        }
        dirtyTail = t;
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
            final ListenPort lp = t.listener instanceof ListenPort ? (ListenPort) t.listener : null;
            if (to == TcpState.SYN_RECEIVED) {
                halfOpen++;
                if (lp != null) {
                    lp.halfOpen++;
                }
            } else if (from == TcpState.SYN_RECEIVED) {
                halfOpen--;
                if (lp != null) {
                    lp.halfOpen--;
                }
            }
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
        return halfOpen;
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
