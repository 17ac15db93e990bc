package io.jtcp.stack.tcp;

import io.jtcp.stack.wire.TcpHeader;
import io.jtcp.stack.wire.TcpOptions;

/**
 * Opening a connection's TCB: the ISN and TSval offset, what both SYNs negotiate (MSS, window
 * scale, SACK-permitted, timestamps; RFC 9293 §3.7.1, RFC 7323, RFC 2018) and the first state, for
 * an active open, a passive open from a SYN and one rebuilt from a SYN cookie. The segments that
 * follow are the state machine's ({@link SegmentArrival}).
 */
final class Opening {
    private static final int DEFAULT_PEER_MSS = 536; // RFC 9293 §3.7.1

    private Opening() {}

    /** Active open (RFC 9293 §3.10.1): SYN goes out at the next flush. */
    static void active(Tcb t, int isn) {
        t.tx.open(isn, isn);
        t.tsOffset = tsOffsetOf(t);
        t.synPending = true;
        t.tx.initCongestionControl(t.engine.config.mssBytes(), isn);
        t.setState(TcpState.SYN_SENT);
        t.engine.markDirty(t);
    }

    /** Passive open from LISTEN on a SYN (RFC 9293 §3.10.7.2, third check). */
    static void passive(Tcb t, int isn, TcpHeader seg, TcpOptions opts) {
        t.tx.open(isn, isn);
        t.tsOffset = tsOffsetOf(t);
        t.rx.onSyn(seg.seq());
        takePeerSynOptions(t, opts);
        // The SYN's window is never scaled (RFC 7323 §2.2).
        t.tx.sndWnd = seg.window();
        t.tx.maxSndWnd = t.tx.sndWnd;
        t.tx.sndWl1 = seg.seq();
        t.tx.sndWl2 = seg.ackNum();
        t.tx.initCongestionControl(t.tx.sndMss, isn);
        t.synPending = true;
        t.setState(TcpState.SYN_RECEIVED);
        t.engine.markDirty(t);
    }

    /**
     * A passive open rebuilt from a valid SYN cookie (RFC 4987 §3.6): what {@link #passive} would have
     * set from the SYN, taken from the cookie instead; the ACK that carried it completes the
     * handshake when it is processed next.
     *
     * @param peerWscale the peer's window scale, -1 when not negotiated
     */
    static void fromCookie(
            Tcb t,
            int isn,
            int peerIsn,
            int peerMss,
            boolean timestamps,
            int peerTsVal,
            int peerWscale,
            int ourWscale,
            boolean sack,
            int synWindow) {
        t.tx.open(isn, isn + 1); // the SYN-ACK is out: the cookie
        t.tsOffset = tsOffsetOf(t);
        t.rx.onSyn(peerIsn);
        t.tx.sndMss = Math.max(Math.min(peerMss, t.engine.config.mssBytes()), 64);
        t.sackOk = sack;
        t.rx.sackRanges = sack;
        t.tsOk = timestamps;
        if (t.tsOk) {
            t.rx.tsRecent = peerTsVal;
        }
        t.peerOfferedWscale = peerWscale >= 0;
        t.tx.sndWscale = t.peerOfferedWscale ? peerWscale : 0;
        t.rx.rcvWscale = t.peerOfferedWscale ? ourWscale : 0;
        t.rx.rcvAdvEdge = t.rx.rcvNxt + synWindow;
        t.rx.lastAckSent = t.rx.rcvNxt;
        t.tx.sndWl1 = peerIsn;
        t.tx.sndWl2 = isn;
        t.tx.initCongestionControl(t.tx.sndMss, isn);
        t.setState(TcpState.SYN_RECEIVED);
    }

    /** RFC 7323 §5.4: our TSval offset, one per address pair ({@link IsnGenerator#tsOffset}). */
    private static int tsOffsetOf(Tcb t) {
        return t.engine.isnGenerator.tsOffset(t.localAddr, t.remoteAddr);
    }

    /** The peer's SYN options (MSS, SACK-permitted, timestamps, window scale) against ours. */
    static void takePeerSynOptions(Tcb t, TcpOptions opts) {
        final int peerMss = opts.mss() > 0 ? opts.mss() : DEFAULT_PEER_MSS;
        t.tx.sndMss =
                Math.max(Math.min(Math.min(peerMss, t.engine.config.mssBytes()), t.engine.pathMss(t.remoteAddr)), 64);
        t.sackOk = t.engine.config.sack() && opts.sackPermitted();
        t.rx.sackRanges = t.sackOk;
        t.tsOk = t.engine.config.timestamps() && opts.hasTimestamps();
        if (t.tsOk) {
            t.rx.tsRecent = opts.tsVal();
        }
        if (opts.windowScale() >= 0 && (t.passiveOpen || t.state == TcpState.SYN_SENT)) {
            // RFC 7323 §2.2: scaling is on only when both SYNs carried the option.
            t.peerOfferedWscale = true;
            t.tx.sndWscale = opts.windowScale();
        } else {
            t.peerOfferedWscale = false;
            t.tx.sndWscale = 0;
            t.rx.rcvWscale = 0;
        }
    }
}
