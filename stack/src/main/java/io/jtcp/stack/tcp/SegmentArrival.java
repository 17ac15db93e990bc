package io.jtcp.stack.tcp;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.wire.Seq;
import io.jtcp.stack.wire.TcpHeader;
import io.jtcp.stack.wire.TcpOptions;

/**
 * Segment arrival for one connection (RFC 9293 §3.10.7.3 SYN_SENT, §3.10.7.4 the synchronized
 * states and TIME_WAIT): the acceptability test and trimming, RST (RFC 5961 §3), SYN, the ACK
 * field (which the sender takes, {@link TcpSender#onAck}), the text (which the receiver takes)
 * and FIN, with the state transitions on {@link Tcb} {@link #t}.
 *
 * <p>One per engine, not per connection (a connection costs one object fewer): the engine
 * processes one segment at a time, and {@link #onSegment} names the connection it is for.
 */
final class SegmentArrival {
    private Tcb t;
    // The segment being processed, as the steps trim it (one connection, one segment at a time).
    private int seq;
    private int payloadOffset;
    private int payloadLength;
    private boolean syn;
    private boolean fin;

    /** A segment for {@code tcb}, by its state; afterwards nothing here refers to the connection. */
    void onSegment(Tcb tcb, TcpHeader seg, TcpOptions opts) {
        t = tcb;
        try {
            switch (tcb.state) {
                case SYN_SENT:
                    onSegmentSynSent(seg, opts);
                    break;
                case TIME_WAIT:
                    onSegmentTimeWait(seg);
                    break;
                case CLOSED:
                case LISTEN:
                    break;
                default:
                    onSegmentSynchronized(seg, opts);
                    break;
            }
        } finally {
            t = null; // a connection handed to a TIME_WAIT record must be free to go
        }
    }

    /** RFC 9293 §3.10.7.3. */
    void onSegmentSynSent(TcpHeader seg, TcpOptions opts) {
        final int flags = seg.flags();
        final boolean ack = (flags & TcpHeader.ACK) != 0;
        final int segAck = seg.ackNum();
        if (ack && (Seq.le(segAck, t.tx.iss) || Seq.gt(segAck, t.tx.sndMax))) {
            if ((flags & TcpHeader.RST) == 0) {
                t.engine.segments.sendRst(t.localAddr, t.localPort, t.remoteAddr, t.remotePort, segAck, 0, false);
            }
            t.engine.drop(DropReason.TCP_BAD_ACK_IN_SYN_STATE, seg);
            return;
        }
        if ((flags & TcpHeader.RST) != 0) {
            if (ack) {
                t.terminate(CloseReason.REFUSED);
            } else {
                t.engine.drop(DropReason.TCP_RST_OUT_OF_WINDOW, seg);
            }
            return;
        }
        if ((flags & TcpHeader.SYN) == 0) {
            t.engine.drop(DropReason.TCP_NO_CONNECTION_RST, seg);
            return;
        }
        t.rx.onSyn(seg.seq());
        Opening.takePeerSynOptions(t, opts);
        t.rx.rcvAdvEdge = t.rx.rcvNxt + t.rx.synWindow();
        if (ack) {
            t.tx.onAckOfSyn(segAck, t.now());
            t.tx.sndWnd = seg.window(); // SYN windows are not scaled (RFC 7323 §2.2)
            t.tx.maxSndWnd = t.tx.sndWnd;
            t.tx.sndWl1 = seg.seq();
            t.tx.sndWl2 = segAck;
            t.tx.initCongestionControl(t.tx.sndMss, t.tx.iss);
            t.synPending = false;
            t.rx.ackPending = true;
            t.setState(TcpState.ESTABLISHED);
            t.events |= Tcb.EV_CONNECTED;
            // RFC 9293 §3.10.7.3: data or FIN on the SYN-ACK is processed as in ESTABLISHED.
            if (seg.payloadLength() > 0 || seg.fin()) {
                processText(seg, seg.seq() + 1, seg.payloadOffset(), seg.payloadLength(), seg.fin());
            }
        } else {
            // Simultaneous open: our SYN becomes a SYN-ACK (RFC 9293 §3.10.7.3, Figure 7).
            t.tx.sndWnd = seg.window();
            t.tx.maxSndWnd = t.tx.sndWnd;
            t.tx.sndWl1 = seg.seq();
            t.tx.initCongestionControl(t.tx.sndMss, t.tx.iss);
            t.tx.sndNxt = t.tx.iss; // the SYN-ACK re-sends our SYN's sequence number
            t.synPending = true;
            t.tx.consecutiveTimeouts = 0;
            t.setState(TcpState.SYN_RECEIVED);
        }
    }

    /** TIME_WAIT: only a retransmitted FIN matters (RFC 9293 §3.10.7.4); RST is ignored (RFC 1337). */
    void onSegmentTimeWait(TcpHeader seg) {
        final int flags = seg.flags();
        if ((flags & TcpHeader.RST) != 0) {
            t.engine.drop(DropReason.TCP_RST_OUT_OF_WINDOW, seg);
            return;
        }
        if ((flags & TcpHeader.SYN) != 0) {
            t.engine.drop(DropReason.TCP_SYN_CHALLENGED, seg);
            challengeAck();
            return;
        }
        if ((flags & TcpHeader.FIN) != 0 && seg.seq() + seg.payloadLength() + 1 == t.rx.rcvNxt) {
            // A retransmitted FIN: our ACK of it was lost. ACK again and restart 2·MSL.
            t.rx.ackPending = true;
            t.timers.timeWait = t.now() + 2 * t.engine.config.mslNs();
            return;
        }
        final int len = seg.payloadLength() + ((flags & TcpHeader.FIN) != 0 ? 1 : 0);
        if (len > 0 || seg.seq() != t.rx.rcvNxt) {
            t.rx.ackPending = true;
            t.engine.drop(DropReason.TCP_OUT_OF_WINDOW, seg);
        }
    }

    /**
     * Every state from SYN_RECEIVED on, except TIME_WAIT (RFC 9293 §3.10.7.4), in the RFC's order:
     * the sequence number (with PAWS and trimming), RST, SYN, the ACK field, then text and FIN. The
     * segment being processed is held in {@link #seq} and its siblings while the steps trim it.
     */
    void onSegmentSynchronized(TcpHeader seg, TcpOptions opts) {
        final int flags = seg.flags();
        seq = seg.seq();
        payloadOffset = seg.payloadOffset();
        payloadLength = seg.payloadLength();
        syn = (flags & TcpHeader.SYN) != 0;
        fin = (flags & TcpHeader.FIN) != 0;
        final boolean rst = (flags & TcpHeader.RST) != 0;

        // Duplicate SYN in SYN_RECEIVED: the peer missed our SYN-ACK; send it again (as Linux does).
        if (t.state == TcpState.SYN_RECEIVED && syn && !rst && (flags & TcpHeader.ACK) == 0 && seq == t.rx.irs) {
            t.synPending = true;
            return;
        }
        if (!checkSequence(seg, opts, rst) || rst && !checkRst(seg)) {
            return;
        }
        // Fourth: SYN in a synchronized state → challenge ACK (RFC 5961 §4.2, RFC 9293 §3.10.7.4).
        if (syn) {
            t.engine.drop(DropReason.TCP_SYN_CHALLENGED, seg);
            challengeAck();
            return;
        }
        if (!checkAck(seg, opts)) {
            return;
        }
        // Seventh and eighth: segment text and FIN.
        if (payloadLength > 0 || fin) {
            processText(seg, seq, payloadOffset, payloadLength, fin);
        }
    }

    /**
     * First (§3.10.7.4): PAWS (RFC 7323 §5.3 R1), then sequence number acceptability (the four
     * cases) and trimming to the window. Returns false when the segment is dropped.
     */
    private boolean checkSequence(TcpHeader seg, TcpOptions opts, boolean rst) {
        final TcpReceiver rx = t.rx;
        // RFC 7323 §5.3 R1 (PAWS): an older timestamp than TS.Recent marks an old duplicate. RSTs
        // are exempt (RFC 7323 §5.3 note).
        if (t.tsOk && !rst && opts.hasTimestamps() && Seq.lt(opts.tsVal(), rx.tsRecent)) {
            oowAck((payloadLength > 0 || fin) && !syn);
            t.engine.drop(DropReason.TCP_PAWS, seg);
            return false;
        }
        // R3 (TS.Recent) waits until the segment has passed R2 and the RST, SYN and ACK checks
        // (recordTsRecent): an off-path guess failing any of them must not move TS.Recent, or
        // every later real segment would fail R1 (the attack RFC 7323 §5.3 orders R1..R4 against).
        final int rcvNxt = rx.rcvNxt;
        final int rcvWnd = rx.rcvWnd();
        final int segLen = payloadLength + (syn ? 1 : 0) + (fin ? 1 : 0);
        boolean acceptable;
        if (segLen == 0) {
            acceptable = rcvWnd == 0 ? seq == rcvNxt : Seq.inWindow(seq, rcvNxt, rcvNxt + rcvWnd);
        } else if (rcvWnd == 0) {
            acceptable = false;
        } else {
            acceptable = Seq.inWindow(seq, rcvNxt, rcvNxt + rcvWnd)
                    || Seq.inWindow(seq + segLen - 1, rcvNxt, rcvNxt + rcvWnd);
        }
        if (!acceptable) {
            return onUnacceptable(seg, rst, rcvNxt, rcvWnd);
        }
        if (!rst) {
            trimToWindow(rcvNxt, rcvWnd);
        }
        return true;
    }

    /** An unacceptable segment (§3.10.7.4 first): answered, dropped, its ACK kept at a zero window. */
    private boolean onUnacceptable(TcpHeader seg, boolean rst, int rcvNxt, int rcvWnd) {
        if (rst) {
            t.engine.drop(DropReason.TCP_RST_OUT_OF_WINDOW, seg);
            return false;
        }
        final boolean dataWithoutSyn = (payloadLength > 0 || fin) && !syn; // Linux: SEQ != END_SEQ
        if (payloadLength > 0 && !syn && Seq.le(seq + payloadLength, rcvNxt)) {
            t.rx.onDuplicateText(seq, seq + payloadLength); // RFC 2883 §4.1.1: an old duplicate
        }
        oowAck(dataWithoutSyn);
        t.engine.drop(DropReason.TCP_OUT_OF_WINDOW, seg);
        if (rcvWnd == 0 && Seq.ge(seq, rcvNxt) && Seq.diff(seq, rcvNxt) <= 65_535) {
            // "Special allowance should be made to accept valid ACKs, URGs, and RSTs" with a
            // zero window: keep the ACK fields, drop the text and FIN (§3.10.7.4). A peer may sit
            // just past RCV.NXT (bytes it sent into a window that closed); dropping its ACKs then
            // would leave our own data unacknowledged for ever. RFC 5961 §5 still checks the ACK.
            payloadLength = 0;
            fin = false;
            syn = false;
            return true;
        }
        return false;
    }

    /** Trims an acceptable segment to the window: the front (old duplicates, SYN included) and the tail. */
    private void trimToWindow(int rcvNxt, int rcvWnd) {
        int front = Seq.diff(rcvNxt, seq);
        if (front > 0) {
            if (syn) {
                syn = false;
                front--;
                seq++;
            }
            final int cut = Math.min(front, payloadLength);
            if (cut > 0) {
                t.rx.onDuplicateText(seq, seq + cut); // RFC 2883 §4.1.1: the duplicated front
            }
            payloadOffset += cut;
            payloadLength -= cut;
            seq += cut;
            if (front > cut) {
                fin = false; // the FIN itself was a duplicate
            }
        }
        final int room = Seq.diff(rcvNxt + rcvWnd, seq);
        if (payloadLength > room) {
            payloadLength = Math.max(room, 0);
            fin = false;
        }
    }

    /**
     * Second: the RST bit (RFC 5961 §3.2 in place of RFC 9293's plain in-window rule). Returns false:
     * an in-window RST is challenged, an exact one ends the connection.
     */
    private boolean checkRst(TcpHeader seg) {
        if (seq != t.rx.rcvNxt) {
            t.engine.drop(DropReason.TCP_RST_CHALLENGED, seg);
            challengeAck();
            return false;
        }
        if (t.state == TcpState.SYN_RECEIVED && t.passiveOpen) {
            // Back to LISTEN: for us, the embryonic connection simply goes away.
            t.engine.remove(t);
            return false;
        }
        t.terminate(t.state == TcpState.SYN_RECEIVED ? CloseReason.REFUSED : CloseReason.RESET_BY_PEER);
        return false;
    }

    /** Fifth: the ACK field. Returns false when processing stops (dropped, or the connection closed). */
    private boolean checkAck(TcpHeader seg, TcpOptions opts) {
        if ((seg.flags() & TcpHeader.ACK) == 0) {
            t.engine.drop(DropReason.TCP_NO_ACK_FLAG, seg);
            return false;
        }
        final int segAck = seg.ackNum();
        if (t.state != TcpState.SYN_RECEIVED) {
            return processAck(seg, opts, seq, segAck, payloadLength, fin) && t.state != TcpState.CLOSED;
        }
        final TcpSender tx = t.tx;
        if (!(Seq.lt(tx.sndUna, segAck) && Seq.le(segAck, tx.sndMax))) {
            t.engine.segments.sendRst(t.localAddr, t.localPort, t.remoteAddr, t.remotePort, segAck, 0, false);
            t.engine.drop(DropReason.TCP_BAD_ACK_IN_SYN_STATE, seg);
            return false;
        }
        recordTsRecent(seg, opts);
        tx.onAckOfSyn(segAck, t.now());
        tx.sndWnd = seg.window() << tx.sndWscale;
        tx.maxSndWnd = Math.max(tx.maxSndWnd, tx.sndWnd);
        tx.sndWl1 = seq;
        tx.sndWl2 = segAck;
        t.synPending = false;
        t.takeBuffers();
        t.setState(TcpState.ESTABLISHED);
        t.events |= Tcb.EV_CONNECTED;
        if (tx.finQueued) {
            t.setState(TcpState.FIN_WAIT_1); // close() while SYN_RECEIVED
            t.engine.markDirty(t);
        }
        return true;
    }

    /**
     * The ACK field in a synchronized state (RFC 9293 §3.10.7.4 "fifth", RFC 5961 §5). Returns
     * false when the segment is to be dropped.
     */
    private boolean processAck(TcpHeader seg, TcpOptions opts, int seq, int segAck, int payloadLength, boolean fin) {
        if (Seq.gt(segAck, t.tx.sndMax)) {
            // RFC 5961 §5.2 wants an ACK back; a blind guess inside the window gets it rate limited.
            oowAck((payloadLength > 0 || fin) && (seg.flags() & TcpHeader.SYN) == 0);
            t.engine.drop(DropReason.TCP_ACK_UNSENT, seg);
            return false;
        }
        if (Seq.lt(segAck, t.tx.sndUna - Math.max(t.tx.maxSndWnd, 1))) {
            // RFC 5961 §5.2: too old to be a duplicate of anything in flight.
            t.engine.drop(DropReason.TCP_ACK_OLD, seg);
            challengeAck();
            return false;
        }
        recordTsRecent(seg, opts);
        final long nowNs = t.now();
        if (t.tx.onAck(seg, opts, seq, segAck, payloadLength, fin)) {
            t.events |= Tcb.EV_WRITABLE;
        }

        switch (t.state) {
            case FIN_WAIT_1:
                if (t.tx.finAcked()) {
                    t.setState(TcpState.FIN_WAIT_2);
                    if (t.rx.appClosed) {
                        // Orphaned FIN_WAIT_2 must not last for ever (Linux tcp_fin_timeout).
                        t.timers.timeWait = nowNs + 2 * t.engine.config.mslNs();
                    }
                }
                break;
            case CLOSING:
                if (t.tx.finAcked()) {
                    t.enterTimeWait();
                }
                break;
            case LAST_ACK:
                if (t.tx.finAcked()) {
                    t.terminate(CloseReason.NORMAL);
                }
                break;
            default:
                break;
        }
        return true;
    }

    /**
     * RFC 7323 §5.3 R3 (§4.3): the segment passed R2 and the RST, SYN and ACK checks, so it may
     * set TS.Recent: the timestamp of the segment our next ACK acknowledges (SEG.SEQ as it arrived,
     * before trimming, against Last.ACK.sent).
     */
    private void recordTsRecent(TcpHeader seg, TcpOptions opts) {
        if (t.tsOk
                && opts.hasTimestamps()
                && Seq.ge(opts.tsVal(), t.rx.tsRecent)
                && Seq.le(seg.seq(), t.rx.lastAckSent)) {
            t.rx.tsRecent = opts.tsVal();
        }
    }

    /** Data and FIN (RFC 9293 §3.10.7.4 "seventh" and "eighth"). */
    private void processText(TcpHeader seg, int seq, int payloadOffset, int payloadLength, boolean fin) {
        if (t.rx.beyondPeerFin(seq + payloadLength)) {
            // Data after the FIN we already saw: nothing legitimate sends it.
            if (payloadLength > 0) {
                t.engine.drop(DropReason.TCP_DATA_AFTER_FIN, seg);
            }
            t.rx.ackPending = true;
            if (fin && t.rx.peerClosed && t.state == TcpState.TIME_WAIT) {
                t.timers.timeWait = t.now() + 2 * t.engine.config.mslNs();
            }
            return;
        }
        if (payloadLength > 0) {
            final int readable = t.rx.receive(seg.buffer(), seq, payloadOffset, payloadLength, t.peerMaxSegment());
            if (readable == TcpReceiver.REASSEMBLY_FULL) {
                t.engine.drop(DropReason.TCP_REASSEMBLY_FULL, seg);
                fin = false;
            } else if (readable == TcpReceiver.NO_MEMORY) {
                t.engine.drop(DropReason.TCP_MEMORY_FULL, seg);
                fin = false;
            } else if (readable > 0) {
                t.events |= Tcb.EV_READABLE;
            }
        }
        if (fin) {
            t.rx.receiveFin(seq + payloadLength);
        }
        if (t.rx.takePeerFin()) {
            onPeerFin();
        }
    }

    /** The peer's FIN is next in sequence and taken (RFC 9293 §3.10.7.4 "eighth"). */
    private void onPeerFin() {
        t.events |= Tcb.EV_PEER_CLOSED;
        switch (t.state) {
            case SYN_RECEIVED:
            case ESTABLISHED:
                t.setState(TcpState.CLOSE_WAIT);
                break;
            case FIN_WAIT_1:
                if (t.tx.finAcked()) {
                    t.enterTimeWait();
                } else {
                    t.setState(TcpState.CLOSING);
                }
                break;
            case FIN_WAIT_2:
                t.enterTimeWait();
                break;
            default:
                break;
        }
    }

    /** RFC 5961 §3.2, §4.2, §5.2: a challenge ACK, within the limits of §7 ({@link AckRateLimiter}). */
    private void challengeAck() {
        if (t.engine.ackLimiter.allowChallenge(t, t.now())) {
            t.rx.ackPending = true;
        }
    }

    /** RFC 9293 §3.10.7.4: an unacceptable segment is answered with an ACK, rate limited. */
    private void oowAck(boolean dataWithoutSyn) {
        if (t.engine.ackLimiter.allowOutOfWindow(t, t.now(), dataWithoutSyn)) {
            t.rx.ackPending = true;
        }
    }
}
