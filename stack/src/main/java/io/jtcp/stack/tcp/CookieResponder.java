package io.jtcp.stack.tcp;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.wire.TcpHeader;
import io.jtcp.stack.wire.TcpOptions;

/**
 * SYN cookies at a listener (RFC 4987 §3.6): answers a SYN that finds the SYN queue full with a
 * cookie SYN-ACK and keeps nothing; turns an ACK that brings a valid cookie back into the
 * connection the SYN would have made. The arithmetic is {@link SynCookies}. Allocation-free up to
 * the point where a valid cookie makes a connection.
 */
final class CookieResponder {
    private final TcpEngine engine;
    private final Listeners listeners;
    private final StackConfig config;
    private final SynCookies cookies;
    /** What a cookie SYN-ACK offers: the window scale and window a new passive Tcb would offer. */
    private final int rcvWscale;

    private final int synWindow;

    CookieResponder(TcpEngine engine, Listeners listeners, IsnGenerator hash) {
        this.engine = engine;
        this.listeners = listeners;
        this.config = engine.config;
        this.cookies = new SynCookies(hash);
        final TcpReceiver template = new TcpReceiver(config, null, null, new Deadlines()); // reads only config
        this.rcvWscale = template.rcvWscale;
        this.synWindow = template.synWindow();
    }

    /**
     * The SYN queue is full: answer with a SYN-ACK whose ISN is a cookie. Without timestamps it
     * offers neither window scaling nor SACK (there is nowhere to remember them), as Linux does.
     */
    void sendCookie(ListenPort listener, int remote, TcpHeader seg, TcpOptions o) {
        final long nowNs = engine.nowNs;
        final int mssIndex = SynCookies.mssIndex(o.mss() > 0 ? o.mss() : 536);
        final int localPort = seg.dstPort();
        final int peerIsn = seg.seq();
        final int iss = cookies.encode(nowNs, engine.localAddr, localPort, remote, seg.srcPort(), peerIsn, mssIndex);
        final boolean ts = config.timestamps() && o.hasTimestamps();
        final int peerWscale = ts && o.windowScale() >= 0 ? Math.min(o.windowScale(), TcpOptions.MAX_WSCALE) : -1;
        final boolean sack = ts && config.sack() && o.sackPermitted();
        final int tsOffset = engine.isnGenerator.tsOffset(engine.localAddr, remote); // as the TCB will have
        final int tsVal = ts ? SynCookies.encodeTimestamp(Tcb.tsVal(nowNs, tsOffset), peerWscale, sack) : 0;
        listener.onOverflow(nowNs);
        engine.counters.tcpSynCookiesSent++;
        engine.segments.emitCookieSynAck(
                remote,
                localPort,
                seg.srcPort(),
                iss,
                peerIsn + 1,
                synWindow,
                peerWscale >= 0 ? rcvWscale : -1,
                sack,
                ts,
                tsVal,
                o.tsVal());
    }

    /**
     * An ACK to a listener that overflowed recently: if {@code ack − 1} is our cookie for this
     * 4-tuple and {@code seq − 1}, build the connection the SYN would have made (MSS from the cookie,
     * window scale and SACK from the echoed TSval) and process the ACK in it. False: not a cookie.
     */
    boolean openFromCookie(ListenPort listener, int remote, TcpHeader seg, TcpOptions o) {
        final int localPort = seg.dstPort();
        final int iss = seg.ackNum() - 1;
        final int peerIsn = seg.seq() - 1;
        final int mssIndex =
                cookies.check(engine.nowNs, engine.localAddr, localPort, remote, seg.srcPort(), peerIsn, iss);
        if (mssIndex == SynCookies.INVALID) {
            return false;
        }
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
        engine.counters.tcpSynCookiesValid++;
        if (engine.tableFull()) {
            engine.drop(DropReason.TCP_TABLE_FULL, seg); // valid, but no room: the peer retransmits
            return true;
        }
        if (!listeners.admitPassive(localPort, seg)) {
            return true; // valid, but memory or the listener's limit says no: counted, the peer retransmits
        }
        final Tcb tcb = listeners.newPassive(listener, remote, seg.srcPort(), localPort);
        Opening.fromCookie(
                tcb,
                iss,
                peerIsn,
                SynCookies.MSS_TABLE[mssIndex],
                ts,
                o.tsVal(),
                peerWscale,
                rcvWscale,
                sack,
                synWindow);
        tcb.onSegment(seg, o); // the ACK completes the handshake; data on it is taken too
        engine.afterInput(tcb);
        return true;
    }
}
