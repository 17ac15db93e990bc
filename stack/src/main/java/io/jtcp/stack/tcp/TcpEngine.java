package io.jtcp.stack.tcp;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.PacketSink;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.StackCounters;
import io.jtcp.stack.StackTracer;
import io.jtcp.stack.wire.Checksum;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.stack.wire.TcpHeader;
import io.jtcp.stack.wire.TcpOptions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The TCP layer: demultiplexes validated segments to connections (a primitive-keyed table), runs
 * LISTEN and the closed-port rules, builds every outgoing segment, and drives the timers.
 *
 * <p>Only one local address is served, so a connection's key packs remote address, remote port
 * and local port into one {@code long}.
 */
public final class TcpEngine {
    private static final int POOL_LIMIT = 64;

    final StackConfig config;
    final StackCounters counters;
    private final PacketSink sink;
    private final StackTracer tracer;
    private final IsnGenerator isnGenerator;
    private final SynCookies synCookies;
    /** What a cookie SYN-ACK offers: the window scale and window a new passive Tcb would offer. */
    private final int cookieRcvWscale;

    private final int cookieSynWindow;
    private final int localAddr;

    private final Long2ObjectHashMap<Tcb> connections = new Long2ObjectHashMap<>();
    private final Int2ObjectHashMap<ListenPort> listeners = new Int2ObjectHashMap<>();
    private final TimerQueue timers = new TimerQueue();
    private final TimeWaitTable timeWait;
    private final ArrayDeque<ByteRing> sendRingPool = new ArrayDeque<>();
    private final ArrayDeque<ByteRing> recvRingPool = new ArrayDeque<>();
    private Tcb dirtyHead;
    private Tcb dirtyTail;

    private final UnsafeBuffer tx = new UnsafeBuffer(new byte[65_536 + 64]);
    private final Ipv4Header txIp = new Ipv4Header();
    private final TcpHeader txTcp = new TcpHeader();
    private final TcpOptions rxOptions = new TcpOptions();
    private final int[] sackEdges = new int[2 * Tcb.MAX_SACK_BLOCKS];
    private int ipIdentification;
    private int ephemeralCounter;
    private int halfOpen;

    private long challengeWindowStartNs;
    private int challengeCount;

    /** The packet being processed, for drop reports. */
    private Ipv4Header currentIp;

    /** The time of the call being processed; set at every entry point, never read from a clock. */
    long nowNs;

    public TcpEngine(StackConfig config, StackCounters counters, PacketSink sink) {
        this.config = config;
        this.counters = counters;
        this.sink = sink;
        this.tracer = config.tracer();
        if (config.isnSecret() == null) {
            throw new IllegalArgumentException("StackConfig.isnSecret must be set (16 random bytes)");
        }
        this.isnGenerator = new IsnGenerator(config.isnSecret());
        this.synCookies = new SynCookies(isnGenerator);
        final TcpReceiver template = new TcpReceiver(config, null);
        this.cookieRcvWscale = template.rcvWscale;
        this.cookieSynWindow = template.synWindow();
        this.localAddr = config.localAddr();
        this.timeWait = new TimeWaitTable(config.maxTimeWait());
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
        Tcb tcb = connections.get(key);
        if (tcb == null) {
            final int tw = timeWait.find(key);
            if (tw != TimeWaitTable.NONE) {
                onTimeWaitSegment(tw, remote, seg);
                return;
            }
        }
        if (tcb != null && tcb.state == TcpState.TIME_WAIT && reopenFromTimeWait(tcb, seg)) {
            return; // the SYN was handled as in LISTEN: a second pass would open a second TCB
        }
        if (tcb != null) {
            tcb.onSegment(seg, rxOptions);
            afterInput(tcb);
            return;
        }
        final ListenPort listener = listeners.get(dstPort);
        if (listener != null) {
            onListen(listener, remote, seg, 0);
            return;
        }
        onClosedPort(remote, seg);
    }

    /**
     * RFC 9293 §3.10.7.4 note (and RFC 6191 without timestamps): a SYN with a sequence number
     * above the old connection's rcv.nxt may start a new incarnation while in TIME_WAIT.
     */
    private boolean reopenFromTimeWait(Tcb old, TcpHeader seg) {
        final int flags = seg.flags();
        if ((flags & (TcpHeader.SYN | TcpHeader.ACK | TcpHeader.RST)) != TcpHeader.SYN
                || !newIncarnation(seg, old.rx.rcvNxt, old.tsOk, old.rx.tsRecent)
                || !listeners.containsKey(old.localPort)) {
            return false;
        }
        final int minIsn = old.sndNxt + 65_536 + 2; // as Linux: well above the old incarnation
        remove(old);
        onListen(listeners.get(old.localPort), old.remoteAddr, seg, minIsn);
        return true;
    }

    /**
     * A SYN in TIME_WAIT that may open a new incarnation (RFC 9293 §3.10.7.4 note, RFC 6191): with
     * timestamps, a TSval newer than TS.Recent; else a sequence number above the old RCV.NXT, unless
     * PAWS would reject the SYN (Linux's tcp_timewait_state_process).
     */
    private boolean newIncarnation(TcpHeader seg, int rcvNxt, boolean tsOk, int tsRecent) {
        final boolean ts = tsOk && rxOptions.hasTimestamps();
        if (ts && io.jtcp.stack.wire.Seq.lt(rxOptions.tsVal(), tsRecent)) {
            return false;
        }
        return io.jtcp.stack.wire.Seq.gt(seg.seq(), rcvNxt)
                || ts && io.jtcp.stack.wire.Seq.gt(rxOptions.tsVal(), tsRecent);
    }

    /**
     * TIME_WAIT from its compact record (RFC 9293 §3.10.7.4): a RST is ignored (RFC 1337), a new SYN
     * may reopen, another SYN is challenged (RFC 5961 §4), a retransmitted FIN is ACKed again and
     * restarts 2·MSL, anything else out of sequence is ACKed. Answers go out at once.
     */
    private void onTimeWaitSegment(int slot, int remote, TcpHeader seg) {
        final int flags = seg.flags();
        if ((flags & TcpHeader.RST) != 0) {
            drop(DropReason.TCP_RST_OUT_OF_WINDOW, seg);
            return;
        }
        final int rcvNxt = timeWait.rcvNxt(slot);
        if ((flags & TcpHeader.SYN) != 0) {
            final ListenPort listener = listeners.get(seg.dstPort());
            if ((flags & TcpHeader.ACK) == 0
                    && listener != null
                    && newIncarnation(seg, rcvNxt, timeWait.timestamps(slot), timeWait.tsRecent(slot))) {
                final int minIsn = timeWait.sndNxt(slot) + 65_536 + 2; // as Linux: well above the old one
                endTimeWait(slot);
                onListen(listener, remote, seg, minIsn);
                return;
            }
            drop(DropReason.TCP_SYN_CHALLENGED, seg);
            if (allowChallengeAck()) {
                emitTimeWaitAck(slot);
            } else {
                counters.drop(DropReason.TCP_CHALLENGE_RATE_LIMITED);
            }
            return;
        }
        final int fin = (flags & TcpHeader.FIN) != 0 ? 1 : 0;
        if (fin != 0 && seg.seq() + seg.payloadLength() + 1 == rcvNxt) {
            // A retransmitted FIN: our ACK of it was lost. ACK again and restart 2·MSL.
            if (timeWait.timestamps(slot)
                    && rxOptions.hasTimestamps()
                    && io.jtcp.stack.wire.Seq.ge(rxOptions.tsVal(), timeWait.tsRecent(slot))) {
                timeWait.tsRecent(slot, rxOptions.tsVal());
            }
            timeWait.restart(slot, nowNs + 2 * config.mslNs());
            emitTimeWaitAck(slot);
            return;
        }
        if (seg.payloadLength() + fin > 0 || seg.seq() != rcvNxt) {
            emitTimeWaitAck(slot);
            drop(DropReason.TCP_OUT_OF_WINDOW, seg);
        }
    }

    /**
     * The connection entered TIME_WAIT and its last output is out: keep only the compact record
     * and let the Tcb go (handler, buffers, reassembly arrays), so TIME_WAIT costs a few dozen
     * bytes and no slot in the connection table. At the cap the oldest record is recycled.
     */
    private void toTimeWait(Tcb t) {
        if (config.maxTimeWait() == 0) {
            remove(t); // no TIME_WAIT kept at all (tcp_max_tw_buckets = 0)
            return;
        }
        if (timeWait.size() >= timeWait.capacity()) {
            counters.tcpTimeWaitRecycled++;
            endTimeWait(timeWait.oldest());
        }
        connections.remove(t.key);
        timers.remove(t);
        t.wakeupNs = Long.MAX_VALUE;
        final int window = t.rx.windowField(t.sndMss);
        releaseBuffers(t);
        final int slot = timeWait.add(
                t.key,
                t.timeWaitDeadlineNs,
                t.sndMax,
                t.rx.rcvNxt,
                window,
                t.tsOk ? TimeWaitTable.F_TIMESTAMPS : 0,
                t.rx.tsRecent,
                t.tsOffset);
        t.detachToTimeWait(slot, timeWait.generation(slot));
    }

    /** RFC 9293 §3.10.8: the record goes (2·MSL passed, recycled, or reopened); the tracer sees CLOSED. */
    private void endTimeWait(int slot) {
        final long key = timeWait.key(slot);
        timeWait.remove(slot);
        onStateChange(new TimeWaitConnection(localAddr, key), TcpState.TIME_WAIT, TcpState.CLOSED);
    }

    /** Whether the TIME_WAIT record an application's handle left behind is still there. */
    boolean timeWaitLive(int slot, int generation) {
        return timeWait.live(slot, generation);
    }

    /** RFC 9293 §3.9.1 ABORT in TIME_WAIT: delete the TCB, here the record (if it is still ours). */
    void abortTimeWait(int slot, int generation) {
        if (timeWait.live(slot, generation)) {
            endTimeWait(slot);
        }
    }

    /** TIME_WAIT entries held as compact records (not in {@link #openConnectionCount()}). */
    public int timeWaitCount() {
        return timeWait.size();
    }

    /** An ACK from a TIME_WAIT record: SEQ = our SND.NXT, ACK = RCV.NXT, timestamps if they were on. */
    private void emitTimeWaitAck(int slot) {
        final long key = timeWait.key(slot);
        final int optionsStart = Ipv4Header.MIN_HEADER_LENGTH + TcpHeader.MIN_HEADER_LENGTH;
        int o = optionsStart;
        if (timeWait.timestamps(slot)) {
            o = TcpOptions.writeTimestamps(tx, o, Tcb.tsVal(nowNs, timeWait.tsOffset(slot)), timeWait.tsRecent(slot));
        }
        final int tcpLength = o - Ipv4Header.MIN_HEADER_LENGTH;
        txTcp.wrap(tx, Ipv4Header.MIN_HEADER_LENGTH, tcpLength);
        txTcp.writeFixed(
                (int) key & 0xFFFF,
                (int) (key >>> 16) & 0xFFFF,
                timeWait.sndNxt(slot),
                timeWait.rcvNxt(slot),
                tcpLength / 4,
                TcpHeader.ACK,
                timeWait.window(slot));
        finishAndSend((int) (key >>> 32), tcpLength, 0);
    }

    /** LISTEN (RFC 9293 §3.10.7.2). */
    private void onListen(ListenPort listener, int remote, TcpHeader seg, int minIsn) {
        final int flags = seg.flags();
        if ((flags & TcpHeader.RST) != 0) {
            drop(DropReason.TCP_NO_CONNECTION_RST, seg);
            return;
        }
        if ((flags & TcpHeader.ACK) != 0) {
            if ((flags & TcpHeader.SYN) == 0 && config.synCookies() && listener.recentOverflow(nowNs)) {
                if (openFromCookie(listener, remote, seg)) {
                    return;
                }
                // Linux answers an ACK whose cookie fails as any stray ACK to a listener: RST.
                counters.tcpSynCookiesInvalid++;
                sendRst(localAddr, seg.dstPort(), remote, seg.srcPort(), seg.ackNum(), 0, false);
                drop(DropReason.TCP_SYN_COOKIE_INVALID, seg);
                return;
            }
            sendRst(localAddr, seg.dstPort(), remote, seg.srcPort(), seg.ackNum(), 0, false);
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
        if (halfOpen >= config.maxHalfOpen() || listener.halfOpen >= listener.synBacklog) {
            if (config.synCookies()) {
                sendCookie(listener, remote, seg);
            } else {
                drop(DropReason.TCP_SYN_BACKLOG_FULL, seg);
            }
            return;
        }
        final int localPort = seg.dstPort();
        final long key = key(remote, seg.srcPort(), localPort);
        final Tcb tcb = new Tcb(this, key, localAddr, localPort, remote, seg.srcPort(), true);
        tcb.listener = listener;
        connections.put(key, tcb);
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
     * RFC 4987 §3.6: the SYN queue is full, so answer with a SYN-ACK whose ISN is a cookie and keep
     * nothing. Without timestamps the SYN-ACK offers neither window scaling nor SACK (there is
     * nowhere to remember them), as Linux does.
     */
    private void sendCookie(ListenPort listener, int remote, TcpHeader seg) {
        final TcpOptions o = rxOptions;
        final int mssIndex = SynCookies.mssIndex(o.mss() > 0 ? o.mss() : 536);
        final int localPort = seg.dstPort();
        final int peerIsn = seg.seq();
        final int iss = synCookies.encode(nowNs, localAddr, localPort, remote, seg.srcPort(), peerIsn, mssIndex);
        final boolean ts = config.timestamps() && o.hasTimestamps();
        final int peerWscale = ts && o.windowScale() >= 0 ? Math.min(o.windowScale(), TcpOptions.MAX_WSCALE) : -1;
        final boolean sack = ts && config.sack() && o.sackPermitted();
        final int tsVal = ts ? SynCookies.encodeTimestamp(Tcb.tsVal(nowNs, Tcb.tsOffsetFor(iss)), peerWscale, sack) : 0;
        listener.onOverflow(nowNs);
        counters.tcpSynCookiesSent++;
        emitCookieSynAck(
                remote, localPort, seg.srcPort(), iss, peerIsn + 1, peerWscale >= 0, sack, ts, tsVal, o.tsVal());
    }

    /**
     * An ACK to a listener that overflowed recently: if {@code ack − 1} is our cookie for this
     * 4-tuple and {@code seq − 1}, build the connection the SYN would have made (MSS from the cookie,
     * window scale and SACK from the echoed TSval) and process the ACK in it. False: not a cookie.
     */
    private boolean openFromCookie(ListenPort listener, int remote, TcpHeader seg) {
        final int localPort = seg.dstPort();
        final int iss = seg.ackNum() - 1;
        final int peerIsn = seg.seq() - 1;
        final int mssIndex = synCookies.check(nowNs, localAddr, localPort, remote, seg.srcPort(), peerIsn, iss);
        if (mssIndex == SynCookies.INVALID) {
            return false;
        }
        final TcpOptions o = rxOptions;
        final boolean ts = o.hasTimestamps();
        if (ts && !config.timestamps()) {
            return false; // we never offered timestamps, so no cookie of ours is echoed
        }
        final boolean sack = ts && SynCookies.sackOk(o.tsEcr());
        if (sack && !config.sack()) {
            return false;
        }
        final int peerWscale = ts ? SynCookies.peerWscale(o.tsEcr()) : -1;
        if (peerWscale > TcpOptions.MAX_WSCALE) {
            return false;
        }
        counters.tcpSynCookiesValid++;
        if (connections.size() >= config.maxConnections()) {
            drop(DropReason.TCP_TABLE_FULL, seg); // valid, but no room: the peer retransmits
            return true;
        }
        final long key = key(remote, seg.srcPort(), localPort);
        final Tcb tcb = new Tcb(this, key, localAddr, localPort, remote, seg.srcPort(), true);
        tcb.listener = listener;
        connections.put(key, tcb);
        tcb.openFromCookie(
                iss,
                peerIsn,
                SynCookies.MSS_TABLE[mssIndex],
                ts,
                o.tsVal(),
                peerWscale,
                cookieRcvWscale,
                sack,
                cookieSynWindow);
        tcb.onSegment(seg, o); // the ACK completes the handshake; data on it is taken too
        afterInput(tcb);
        return true;
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
            if (t.consecutiveTimeouts > 1 && t.consecutiveTimeouts <= limit) {
                counters.tcpSynAckRetriesShortened++;
            }
            return 1;
        }
        return limit;
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
            sendRst(localAddr, seg.dstPort(), remote, seg.srcPort(), seg.ackNum(), 0, false);
        } else {
            final int segLen = seg.payloadLength()
                    + ((flags & TcpHeader.SYN) != 0 ? 1 : 0)
                    + ((flags & TcpHeader.FIN) != 0 ? 1 : 0);
            sendRst(localAddr, seg.dstPort(), remote, seg.srcPort(), 0, seg.seq() + segLen, true);
        }
    }

    private void afterInput(Tcb tcb) {
        // The handshake may complete on a segment that also carries FIN, so the state can already
        // be CLOSE_WAIT here: accept on the pending "connected" event, not on ESTABLISHED.
        if (tcb.listener != null && tcb.handler() == null && tcb.connectedEventPending()) {
            accept(tcb);
        }
        tcb.deliverEvents();
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
        final int low = config.ephemeralPortLow();
        final int range = config.ephemeralPortHigh() - low + 1;
        final int offset = isnGenerator.portOffset(localAddr, remoteAddr, remotePort);
        int port = -1;
        for (int i = 0; i < range; i++) {
            final int candidate = low + (int) (((long) offset + ephemeralCounter + i) % range);
            final long k = key(remoteAddr, remotePort, candidate);
            if (!connections.containsKey(k)
                    && timeWait.find(k) == TimeWaitTable.NONE
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
            t.abort();
        }
        while (timeWait.oldest() != TimeWaitTable.NONE) {
            endTimeWait(timeWait.oldest());
        }
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
                t.close();
                t.deliverEvents();
            }
        }
    }

    /** Connections still carrying or closing a conversation (all but TIME_WAIT). */
    public int openConnectionCount() {
        int n = 0;
        for (Tcb t : connections.values()) {
            if (t.state != TcpState.TIME_WAIT) {
                n++;
            }
        }
        return n;
    }

    /** Entries in the connection table plus TIME_WAIT records. */
    public int connectionCount() {
        return connections.size() + timeWait.size();
    }

    public void forEachConnection(Consumer<TcpConnection> visitor) {
        for (Tcb t : new ArrayList<>(connections.values())) {
            visitor.accept(t);
        }
    }

    // =====================================================================================
    // Timers and output
    // =====================================================================================

    public long nextDeadlineNs() {
        return Math.min(timers.earliestNs(), timeWait.earliestNs());
    }

    public void onTimeout(long now) {
        nowNs = now;
        // TIME_WAIT records expire from the head of their FIFO, earliest deadline first.
        for (int guard = timeWait.size(); guard > 0; guard--) {
            final int head = timeWait.oldest();
            if (head == TimeWaitTable.NONE || timeWait.deadlineNs(head) - now > 0) {
                break;
            }
            endTimeWait(head);
        }
        // Bounded: each connection fires at most once per call (a re-armed deadline is later).
        for (int guard = timers.size(); guard > 0; guard--) {
            final Tcb t = timers.peek();
            if (t == null || t.wakeupNs - now > 0) {
                break;
            }
            t.wakeupNs = Long.MAX_VALUE;
            timers.remove(t);
            t.onTimer(now);
            if (t.state != TcpState.CLOSED) {
                rearm(t);
            }
            t.deliverEvents();
        }
    }

    public void flush(long now) {
        nowNs = now;
        Tcb t = dirtyHead;
        dirtyHead = null;
        dirtyTail = null;
        while (t != null) {
            final Tcb next = t.nextDirty;
            t.nextDirty = null;
            t.dirty = false;
            if (t.state != TcpState.CLOSED) {
                t.output();
                rearm(t);
            }
            if (t.hasEvents()) {
                t.deliverEvents();
            }
            if (t.state == TcpState.TIME_WAIT && t.twSlot < 0 && connections.get(t.key) == t) {
                toTimeWait(t);
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

    void remove(Tcb t) {
        if (t.twSlot >= 0) {
            return; // handed over to a TIME_WAIT record: the table entry is no longer this Tcb's
        }
        if (t.state != TcpState.CLOSED) {
            t.setState(TcpState.CLOSED);
        }
        connections.remove(t.key);
        timers.remove(t);
        t.wakeupNs = Long.MAX_VALUE;
        t.rtxDeadlineNs = Long.MAX_VALUE;
        t.persistDeadlineNs = Long.MAX_VALUE;
        t.timeWaitDeadlineNs = Long.MAX_VALUE;
        t.keepAliveDeadlineNs = Long.MAX_VALUE;
        t.ptoDeadlineNs = Long.MAX_VALUE;
        t.rx.delayedAckDeadlineNs = Long.MAX_VALUE;
        releaseBuffers(t);
    }

    void onStateChange(TcpConnection c, TcpState from, TcpState to) {
        final Tcb t = c instanceof Tcb ? (Tcb) c : null; // else a TIME_WAIT record ending
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

    /** RFC 5961 §7: a global budget of challenge ACKs per second. */
    boolean allowChallengeAck() {
        if (nowNs - challengeWindowStartNs >= 1_000_000_000L || nowNs - challengeWindowStartNs < 0) {
            challengeWindowStartNs = nowNs;
            challengeCount = 0;
        }
        if (challengeCount < config.challengeAcksPerSecond()) {
            challengeCount++;
            return true;
        }
        return false;
    }

    ByteRing takeSendRing() {
        final ByteRing r = sendRingPool.pollFirst();
        if (r != null) {
            return r;
        }
        counters.tcpRingsAllocated++;
        return new ByteRing(config.sendBufferBytes());
    }

    ByteRing takeRecvRing() {
        final ByteRing r = recvRingPool.pollFirst();
        if (r != null) {
            return r;
        }
        counters.tcpRingsAllocated++;
        return new ByteRing(config.receiveBufferBytes());
    }

    /** Passive opens in SYN_RECEIVED (bounded by {@code StackConfig.maxHalfOpen}). */
    public int halfOpenCount() {
        return halfOpen;
    }

    /**
     * A connection past the point of carrying data gives its rings back (TIME_WAIT costs little);
     * a receive ring with unread data stays until the application reads it ({@link #releaseDrained}).
     */
    void releaseBuffers(Tcb t) {
        if (t.sendRing != null) {
            if (sendRingPool.size() < POOL_LIMIT) {
                t.sendRing.consume(t.sendRing.size());
                sendRingPool.addFirst(t.sendRing);
            }
            t.sendRing = null;
        }
        // Data the application has not read yet outlives the connection: it is its data.
        final TcpReceiver rx = t.rx;
        if (rx.recvRing != null && (rx.recvRing.size() == 0 || rx.appClosed)) {
            if (recvRingPool.size() < POOL_LIMIT) {
                rx.recvRing.consume(rx.recvRing.size());
                recvRingPool.addFirst(rx.recvRing);
            }
            rx.recvRing = null;
        }
        rx.reassembler.clear();
    }

    /** The application read the last bytes of a connection that is already gone or in TIME_WAIT. */
    void releaseDrained(Tcb t) {
        final TcpReceiver rx = t.rx;
        if (rx.recvRing != null && rx.recvRing.size() == 0) {
            if (recvRingPool.size() < POOL_LIMIT) {
                recvRingPool.addFirst(rx.recvRing);
            }
            rx.recvRing = null;
        }
    }

    // ---- segment construction ----

    /**
     * A data/ACK/FIN segment of {@code t}: payload from its send ring at {@code ringOffset}, SACK
     * blocks when it holds out-of-order data (RFC 2018).
     */
    void emit(Tcb t, int flags, int seq, int payloadLength, int ringOffset) {
        final int optionsStart = Ipv4Header.MIN_HEADER_LENGTH + TcpHeader.MIN_HEADER_LENGTH;
        int o = optionsStart;
        if (t.tsOk) {
            // RFC 7323 §3.2: once negotiated, every segment carries TSval and TSecr = TS.Recent.
            o = TcpOptions.writeTimestamps(tx, o, t.tsVal(), t.rx.tsRecent);
        }
        final int blocks = t.sackBlocks(sackEdges);
        final int optionsEnd = blocks > 0 ? TcpOptions.writeSack(tx, o, sackEdges, blocks) : o;
        t.rx.onAckSent(); // Last.ACK.sent (RFC 7323 §4.3); no delayed ACK is owed any more
        final int headerLength = optionsEnd - Ipv4Header.MIN_HEADER_LENGTH;
        final int tcpLength = headerLength + payloadLength;
        txTcp.wrap(tx, Ipv4Header.MIN_HEADER_LENGTH, tcpLength);
        txTcp.writeFixed(
                t.localPort, t.remotePort, seq, t.rx.rcvNxt, headerLength / 4, flags, t.rx.windowField(t.sndMss));
        if (payloadLength > 0) {
            t.sendRing.copyOut(t.sendRing.readIndex() + ringOffset, tx, optionsEnd, payloadLength);
        }
        final int pieceBytes = t.sndMss - (headerLength - TcpHeader.MIN_HEADER_LENGTH);
        finishAndSend(t.remoteAddr, tcpLength, payloadLength > pieceBytes ? pieceBytes : 0);
    }

    /**
     * SYN or SYN-ACK with MSS (RFC 9293 §3.7.1) and, when negotiable, window scale (RFC 7323) and
     * SACK-permitted (RFC 2018).
     */
    void emitSyn(Tcb t, boolean synAck, int window, boolean offerWscale, boolean offerSack) {
        final int optionsStart = Ipv4Header.MIN_HEADER_LENGTH + TcpHeader.MIN_HEADER_LENGTH;
        int o = TcpOptions.writeMss(tx, optionsStart, config.mssBytes());
        if (offerWscale) {
            o = TcpOptions.writeWindowScale(tx, o, t.rx.rcvWscale);
        }
        if (offerSack) {
            o = TcpOptions.writeSackPermitted(tx, o);
        }
        if (synAck ? t.tsOk : config.timestamps()) {
            o = TcpOptions.writeTimestamps(tx, o, t.tsVal(), synAck ? t.rx.tsRecent : 0);
        }
        t.rx.lastAckSent = t.rx.rcvNxt;
        final int tcpLength = o - Ipv4Header.MIN_HEADER_LENGTH;
        txTcp.wrap(tx, Ipv4Header.MIN_HEADER_LENGTH, tcpLength);
        txTcp.writeFixed(
                t.localPort,
                t.remotePort,
                t.iss,
                synAck ? t.rx.rcvNxt : 0,
                tcpLength / 4,
                synAck ? TcpHeader.SYN | TcpHeader.ACK : TcpHeader.SYN,
                window);
        finishAndSend(t.remoteAddr, tcpLength, 0);
    }

    /**
     * A SYN-ACK that belongs to no TCB: its ISN is a SYN cookie (RFC 4987 §3.6), its options what
     * the cookie can carry. The window and window scale are those a passive open would offer.
     */
    private void emitCookieSynAck(
            int dst,
            int srcPort,
            int dstPort,
            int iss,
            int ack,
            boolean offerWscale,
            boolean offerSack,
            boolean ts,
            int tsVal,
            int tsEcr) {
        final int optionsStart = Ipv4Header.MIN_HEADER_LENGTH + TcpHeader.MIN_HEADER_LENGTH;
        int o = TcpOptions.writeMss(tx, optionsStart, config.mssBytes());
        if (offerWscale) {
            o = TcpOptions.writeWindowScale(tx, o, cookieRcvWscale);
        }
        if (offerSack) {
            o = TcpOptions.writeSackPermitted(tx, o);
        }
        if (ts) {
            o = TcpOptions.writeTimestamps(tx, o, tsVal, tsEcr);
        }
        final int tcpLength = o - Ipv4Header.MIN_HEADER_LENGTH;
        txTcp.wrap(tx, Ipv4Header.MIN_HEADER_LENGTH, tcpLength);
        txTcp.writeFixed(srcPort, dstPort, iss, ack, tcpLength / 4, TcpHeader.SYN | TcpHeader.ACK, cookieSynWindow);
        finishAndSend(dst, tcpLength, 0);
    }

    /**
     * A RST not tied to a live connection (RFC 9293 §3.10.7.1): {@code <SEQ=seq><CTL=RST>} or, with
     * {@code withAck}, {@code <SEQ=0><ACK=ack><CTL=RST,ACK>}.
     */
    void sendRst(int src, int srcPort, int dst, int dstPort, int seq, int ack, boolean withAck) {
        txTcp.wrap(tx, Ipv4Header.MIN_HEADER_LENGTH, TcpHeader.MIN_HEADER_LENGTH);
        txTcp.writeFixed(
                srcPort,
                dstPort,
                seq,
                withAck ? ack : 0,
                5,
                withAck ? TcpHeader.RST | TcpHeader.ACK : TcpHeader.RST,
                0);
        counters.tcpRstsSent++;
        finishAndSend(dst, TcpHeader.MIN_HEADER_LENGTH, 0);
    }

    /** Checksums (or leaves the checksum to the device), adds the IPv4 header and hands it on. */
    private void finishAndSend(int dst, int tcpLength, int gsoSegmentBytes) {
        final boolean partial = config.txChecksumOffload();
        if (partial) {
            // The device completes it: the field holds the pseudo-header sum (virtio-net convention).
            txTcp.checksum(Checksum.pseudoHeaderSum(localAddr, dst, Ipv4Header.PROTOCOL_TCP, tcpLength));
        } else {
            txTcp.computeChecksum(localAddr, dst);
        }
        final int total = Ipv4Header.MIN_HEADER_LENGTH + tcpLength;
        txIp.wrap(tx, 0, total)
                .writeHeader(total, ipIdentification++ & 0xFFFF, config.ttl(), Ipv4Header.PROTOCOL_TCP, localAddr, dst);
        counters.tcpSegmentsOut++;
        counters.ipPacketsOut++;
        counters.ipBytesOut += total;
        if (tracer != null) {
            tracer.onPacket(nowNs, false, tx, 0, total);
        }
        if (partial || gsoSegmentBytes > 0) {
            sink.transmitOffload(tx, 0, total, gsoSegmentBytes, partial);
        } else {
            sink.transmit(tx, 0, total);
        }
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
