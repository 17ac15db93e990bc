package io.jtcp.stack.tcp;

import io.jtcp.stack.wire.Seq;
import io.jtcp.stack.wire.TcpHeader;

/**
 * The sender's two probes of a silent peer: the persist timer, which probes a zero window with one
 * octet and backs off (RFC 9293 §3.8.6.1, RFC 1122 §4.2.2.17), and keep-alive, which probes an idle
 * connection and gives up after the configured probes (RFC 9293 §3.8.4). Both end the connection
 * through their return value when the peer stays silent. The tail loss probe is not here: it is
 * loss recovery's ({@link LossRecovery}).
 */
final class PersistKeepAlive {
    private final TcpSender tx;
    private final Tcb t;
    private final TcpEngine engine;
    private final Deadlines timers;

    long persistBackoffNs; // 0 outside a zero-window episode; within one it only grows
    int persistProbesUnanswered; // reset by every acceptable ACK (RFC 1122 §4.2.2.17)
    long keepAliveIdleNs; // 0: off
    long keepAliveIntervalNs;
    int keepAliveProbes;
    int keepAliveSent;

    PersistKeepAlive(TcpSender tx) {
        this.tx = tx;
        this.t = tx.t;
        this.engine = tx.engine;
        this.timers = tx.timers;
    }

    /** Any segment arrived: the connection is not idle (RFC 9293 §3.8.4 keep-alive restarts). */
    void onSegmentArrived(long nowNs) {
        if (keepAliveIdleNs > 0) {
            keepAliveSent = 0;
            timers.keepAlive = nowNs + keepAliveIdleNs;
        }
    }

    /**
     * RFC 9293 §3.8.4: an idle connection is probed with SEG.SEQ = SND.NXT − 1 and no data, which
     * the peer must answer with an ACK; unanswered probes end the connection (returns true: a RST
     * went out, the connection times out).
     */
    boolean onKeepAliveTimer(long nowNs) {
        if (keepAliveIdleNs == 0 || !(t.state == TcpState.ESTABLISHED || t.state == TcpState.CLOSE_WAIT)) {
            return false;
        }
        if (keepAliveSent >= keepAliveProbes) {
            engine.segments.sendRst(t.localAddr, t.localPort, t.remoteAddr, t.remotePort, tx.sndMax, 0, false);
            return true;
        }
        keepAliveSent++;
        engine.segments.emit(t, TcpHeader.ACK, tx.sndMax - 1, 0, 0);
        timers.keepAlive = nowNs + keepAliveIntervalNs;
        return false;
    }

    /**
     * RFC 9293 §3.8.6.1: probe a zero window with one octet, the first the peer lacks (new data,
     * or the first unacknowledged octet when the window shrank under data in flight), backing off
     * exponentially up to the maximum RTO (SHLD-29, SHLD-30). Only this timer probes, so one probe
     * leaves at a time. An ACK resets the count of unanswered probes; more than {@code
     * dataRetries} unanswered end the connection as the retransmission timeout would (returns true).
     */
    boolean sendZeroWindowProbe(long nowNs) {
        if (!(t.state.isSynchronized()
                && tx.sendRing != null
                && tx.sndWnd == 0
                && Seq.diff(tx.sndBufSeq + tx.sendRing.size(), tx.sndUna) > 0)) {
            persistBackoffNs = 0; // the episode is over: the window opened or nothing is left to send
            return false;
        }
        if (persistProbesUnanswered > engine.config.dataRetries()) {
            // RFC 5961 §3.2: the peer's RCV.NXT is SND.UNA, as its last ACK said.
            engine.segments.sendRst(t.localAddr, t.localPort, t.remoteAddr, t.remotePort, tx.sndUna, 0, false);
            return true;
        }
        persistProbesUnanswered++;
        engine.counters.tcpZeroWindowProbes++;
        tx.sndNxt = tx.sndUna; // anything sent beyond the probe is resent once the window opens
        tx.rttTiming = false; // Karn: a probe's ACK times nothing
        engine.segments.emit(t, TcpHeader.ACK, tx.sndUna, 1, Seq.diff(tx.sndUna, tx.sndBufSeq));
        if (Seq.gt(tx.sndUna + 1, tx.sndMax)) {
            tx.sndMax = tx.sndUna + 1; // the probe's octet may be accepted; its ACK must be acceptable
        }
        timers.rtx = Deadlines.NONE;
        timers.pto = Deadlines.NONE;
        if (persistBackoffNs <= 0) {
            persistBackoffNs = tx.rtt.rtoNs();
        }
        persistBackoffNs = Math.min(persistBackoffNs * 2, Math.max(engine.config.maxRtoNs(), persistBackoffNs));
        timers.persist = nowNs + persistBackoffNs;
        return false;
    }

    /** A flush ended: data waiting behind a zero window, with nothing in flight, starts the timer. */
    void armPersistOnZeroWindow(long nowNs) {
        final int unsent = Seq.diff(tx.sndBufSeq + tx.sendRing.size(), tx.sndNxt);
        if (tx.sndWnd == 0 && unsent > 0 && tx.sndNxt == tx.sndUna && timers.rtx == Deadlines.NONE) {
            // RFC 9293 §3.8.6.1: zero window with data waiting → persist timer. The backoff of an
            // episode under way is kept: it never shrinks until the window opens.
            if (timers.persist == Deadlines.NONE) {
                if (persistBackoffNs == 0) {
                    persistBackoffNs = tx.rtt.rtoNs();
                }
                timers.persist = nowNs + persistBackoffNs;
            }
        }
    }
}
