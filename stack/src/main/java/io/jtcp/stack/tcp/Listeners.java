package io.jtcp.stack.tcp;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.StackCounters;
import io.jtcp.stack.wire.TcpHeader;
import io.jtcp.stack.wire.TcpOptions;
import org.agrona.collections.Int2ObjectHashMap;

/**
 * The listening ports, and what a segment that finds no connection gets: LISTEN (RFC 9293
 * §3.10.7.2) with the SYN queues, SYN cookies, a new incarnation out of TIME_WAIT and the accept;
 * CLOSED (§3.10.7.1) with its RSTs. The engine's connection table, timers and memory budget are
 * the engine's; this class only decides and asks it for a passive {@link Tcb}.
 */
final class Listeners {
    private final TcpEngine engine;
    private final StackConfig config;
    private final StackCounters counters;
    private final int localAddr;
    private final Int2ObjectHashMap<ListenPort> listeners = new Int2ObjectHashMap<>();
    private final CookieResponder cookies;
    private int halfOpen;

    Listeners(TcpEngine engine, IsnGenerator isnGenerator) {
        this.engine = engine;
        this.config = engine.config;
        this.counters = engine.counters;
        this.localAddr = engine.localAddr;
        this.cookies = new CookieResponder(engine, this, isnGenerator);
    }

    /** Listens with a SYN queue of its own size ({@code synBacklog} half-open connections). */
    void listen(int port, TcpListener listener, int synBacklog) {
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

    void unlisten(int port) {
        listeners.remove(port);
    }

    void clear() {
        listeners.clear();
    }

    boolean isListening(int port) {
        return listeners.containsKey(port);
    }

    ListenPort listenerOn(int port) {
        return listeners.get(port);
    }

    /** Passive opens in SYN_RECEIVED (bounded by {@code StackConfig.maxHalfOpen}). */
    int halfOpenCount() {
        return halfOpen;
    }

    /**
     * RFC 9293 §3.10.7.4 note (and RFC 6191 without timestamps): a SYN with a sequence number
     * above the old connection's rcv.nxt may start a new incarnation while in TIME_WAIT.
     */
    boolean reopenFromTimeWait(Tcb old, TcpHeader seg, TcpOptions rxOptions) {
        final int flags = seg.flags();
        if ((flags & (TcpHeader.SYN | TcpHeader.ACK | TcpHeader.RST)) != TcpHeader.SYN
                || !TimeWaits.newIncarnation(seg, rxOptions, old.rx.rcvNxt, old.tsOk, old.rx.tsRecent)
                || !listeners.containsKey(old.localPort)) {
            return false;
        }
        final int minIsn = old.tx.sndNxt + 65_536 + 2; // as Linux: well above the old incarnation
        engine.remove(old);
        onListen(listeners.get(old.localPort), old.remoteAddr, seg, rxOptions, minIsn);
        return true;
    }

    /** LISTEN (RFC 9293 §3.10.7.2). */
    void onListen(ListenPort listener, int remote, TcpHeader seg, TcpOptions rxOptions, int minIsn) {
        final long nowNs = engine.nowNs;
        final int flags = seg.flags();
        if ((flags & TcpHeader.RST) != 0) {
            engine.drop(DropReason.TCP_NO_CONNECTION_RST, seg);
            return;
        }
        if ((flags & TcpHeader.ACK) != 0) {
            if ((flags & TcpHeader.SYN) == 0 && config.synCookies() && listener.recentOverflow(nowNs)) {
                if (cookies.openFromCookie(listener, remote, seg, rxOptions)) {
                    return;
                }
                // Linux answers an ACK whose cookie fails as any stray ACK to a listener: RST.
                counters.tcpSynCookiesInvalid++;
                engine.segments.sendRst(localAddr, seg.dstPort(), remote, seg.srcPort(), seg.ackNum(), 0, false);
                engine.drop(DropReason.TCP_SYN_COOKIE_INVALID, seg);
                return;
            }
            engine.segments.sendRst(localAddr, seg.dstPort(), remote, seg.srcPort(), seg.ackNum(), 0, false);
            engine.drop(DropReason.TCP_SYN_IN_LISTEN_INVALID, seg);
            return;
        }
        if ((flags & TcpHeader.SYN) == 0) {
            engine.drop(DropReason.TCP_SYN_IN_LISTEN_INVALID, seg);
            return;
        }
        if (engine.tableFull()) {
            // Like a full SYN queue: drop silently, the peer retries.
            engine.drop(DropReason.TCP_TABLE_FULL, seg);
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
                engine.drop(DropReason.TCP_SYN_BACKLOG_FULL, seg);
            }
            return;
        }
        final Tcb tcb = newPassive(listener, remote, seg.srcPort(), localPort);
        int isn = engine.isnGenerator.isn(nowNs, localAddr, localPort, remote, seg.srcPort());
        if (minIsn != 0 && io.jtcp.stack.wire.Seq.lt(isn, minIsn)) {
            isn = minIsn;
        }
        Opening.passive(tcb, isn, seg, rxOptions);
        // RFC 9293 §3.10.7.2: data on a SYN may be queued; like Linux without TFO we do not keep
        // it (the peer retransmits it after the handshake). A FIN on a SYN is likewise ignored.
        engine.rearm(tcb);
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
        final boolean pressure = 2 * halfOpen >= config.maxHalfOpen()
                || lp != null && (lp.underPressure() || lp.recentOverflow(engine.nowNs));
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
        final Tcb tcb = engine.newConnection(remote, remotePort, localPort, true);
        tcb.listener = listener;
        engine.memory.onPassiveOpen(tcb);
        return tcb;
    }

    /** A SYN (or a cookie's ACK) for a listener: refused, dropped and counted, under memory pressure or at the listener's limit. */
    boolean admitPassive(int localPort, TcpHeader seg) {
        final DropReason refusal = engine.memory.admitPassive(localPort);
        if (refusal != DropReason.NONE) {
            // Like a full SYN queue: the peer retries, by when memory may have freed up.
            engine.drop(refusal, seg);
            return false;
        }
        return true;
    }

    /** The handshake completed: the application's listener decides (a null handler refuses: RST). */
    void accept(Tcb tcb) {
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

    /** Keeps the SYN queues' counts as passive opens enter and leave SYN_RECEIVED. */
    void onStateChange(Tcb t, TcpState from, TcpState to) {
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

    /** CLOSED: RFC 9293 §3.10.7.1. */
    void onClosedPort(int remote, TcpHeader seg) {
        final int flags = seg.flags();
        if ((flags & TcpHeader.RST) != 0) {
            engine.drop(DropReason.TCP_NO_CONNECTION_RST, seg); // never answer a RST
            return;
        }
        engine.drop(DropReason.TCP_NO_LISTENER, seg);
        if ((flags & TcpHeader.ACK) != 0) {
            engine.segments.sendRst(localAddr, seg.dstPort(), remote, seg.srcPort(), seg.ackNum(), 0, false);
        } else {
            final int segLen = seg.payloadLength()
                    + ((flags & TcpHeader.SYN) != 0 ? 1 : 0)
                    + ((flags & TcpHeader.FIN) != 0 ? 1 : 0);
            engine.segments.sendRst(localAddr, seg.dstPort(), remote, seg.srcPort(), 0, seg.seq() + segLen, true);
        }
    }
}
