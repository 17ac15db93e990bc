package io.jtcp.stack.tcp;

import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.cc.CongestionEvent;
import io.jtcp.stack.cc.RecoveryState;
import io.jtcp.stack.wire.Seq;
import io.jtcp.stack.wire.TcpHeader;
import io.jtcp.stack.wire.TcpOptions;

/**
 * The engine's loss recovery for one connection: duplicate-ACK counting (RFC 5681 §3.2), the
 * recovery point {@code recover} of RFC 6582, the SACK scoreboard with RFC 6675's IsLost, NextSeg
 * and HighRxt, recovery probes, the retransmission timeout's go-back (RFC 6298 §5.4, RFC 2018 §8)
 * and the tail loss probe (RFC 8985 §7), with an explicit {@link RecoveryState} as Linux's
 * {@code tcp_ca_state}. It decides what is lost and what to resend; the {@link CongestionControl}
 * hears about each episode exactly once ({@link CongestionControl#onCongestionEvent}) and about
 * its end, and decides the window.
 */
final class LossRecovery {
    static final int DUPACK_THRESHOLD = 3;
    private static final long MIN_PTO_NS = 2_000_000L; // recovery probes' floor under 2·SRTT on sub-ms links
    private static final int MAX_RECOVERY_PROBES = 2;
    private static final long DELAYED_ACK_ALLOWANCE_NS = 40_000_000L; // Linux's delayed-ACK maximum
    /**
     * The tail loss probe's floor under 2·SRTT. Linux adds TCP_TIMEOUT_MIN (2 jiffies, 8 ms at
     * Debian's HZ = 250) to 2·SRTT; here a floor does it, so paths whose 2·SRTT is above it probe as
     * before. At the ~100 µs SRTT of a TUN device the old 2 ms floor was shorter than a busy
     * machine's scheduling stalls, and a lossless download sent spurious probes. A lost tail is
     * still repaired 20× sooner than by the 200 ms minimum RTO.
     */
    private static final long MIN_TLP_PTO_NS = 10_000_000L;

    private final TcpSender t;
    private final Tcb tcb;
    final SackScoreboard sacked = new SackScoreboard();
    private RecoveryState state = RecoveryState.OPEN;
    private int dupAcks;
    private int recover; // RFC 6582 "recover": highest sequence sent when the episode began
    int highRxt; // RFC 6675 HighRxt: highest sequence number retransmitted in this recovery
    boolean tlpInFlight; // one probe per episode, until an ACK moves SND.UNA
    private boolean
            tlpRetransmitted; // RFC 8985 §7.4: the probe resent data; its ACK decides whether it repaired a loss
    private int tlpHighSeq; // SND.MAX when that probe went out
    private boolean undoArmed; // the last episode's congestion event may still prove spurious
    private int undoRetrans; // its retransmissions not yet reported as duplicates (Linux's undo_retrans)
    private int undoLow; // the episode's flight, [SND.UNA, SND.MAX) at its start: what it may resend
    private int undoHigh;
    private int recoveryProbes; // first-hole resends in this recovery for want of progress
    private boolean lossEpisodeUnacked; // an RTO fired and no ACK has moved SND.UNA since
    private boolean unaResentBefore; // at the episode's start, HighRxt lay above SND.UNA
    // Lost retransmissions (RFC 8985 §6.2's rule, applied to a whole pass of them).
    private long lastRetransmitNs = Long.MIN_VALUE; // when the latest retransmission left
    long latestRttNs; // the latest per-ACK RTT (AckSample.latestRttNs), RACK.rtt
    /** RFC 8985 per-segment transmit times, taken with the first data sent on a SACK connection. */
    RackTracker rack;

    private final RackTracker.LostSink rackLost = this::onRackLost; // one per connection
    private boolean rackMarked; // the running detection marked a segment lost

    LossRecovery(TcpSender t) {
        this.t = t;
        this.tcb = t.t;
    }

    void init(int iss) {
        recover = iss;
        highRxt = iss;
    }

    /** Whether this or the previous episode resent data above SND.UNA that is still unacknowledged. */
    private boolean resentAboveUna() {
        return Seq.gt(highRxt, t.sndUna) && Seq.le(highRxt, t.sndMax);
    }

    RecoveryState state() {
        return state;
    }

    boolean inRecovery() {
        return state == RecoveryState.RECOVERY;
    }

    int dupAcks() {
        return dupAcks;
    }

    // ---- ACK processing ----

    /**
     * RFC 2883 §4 at the sender: the first SACK block reports a duplicate (D-SACK) when it lies at
     * or below the cumulative ACK, or inside the second block.
     */
    static boolean isDsack(TcpOptions opts, int segAck) {
        if (opts.sackBlockCount() == 0) {
            return false;
        }
        final int left = opts.sackLeft(0);
        final int right = opts.sackRight(0);
        if (!Seq.lt(left, right)) {
            return false;
        }
        return Seq.le(right, segAck)
                || opts.sackBlockCount() > 1 && Seq.ge(left, opts.sackLeft(1)) && Seq.le(right, opts.sackRight(1));
    }

    /**
     * A retransmission left. Within an episode it counts toward the undo: if a D-SACK reports every
     * one of them as a duplicate, nothing was lost (RFC 2883 §5, RFC 3708).
     */
    void onRetransmitted(long nowNs) {
        lastRetransmitNs = nowNs;
        if (undoArmed && (state == RecoveryState.RECOVERY || state == RecoveryState.LOSS)) {
            undoRetrans++;
        }
    }

    /**
     * A D-SACK reported [left, right) as received twice (RFC 2883 §4). When the D-SACKs of an
     * episode have covered all its retransmissions, the episode was spurious: the controller's
     * {@link CongestionControl#onSpuriousCongestion} restores its state, once per episode (RFC
     * 3522 §3 / RFC 4015 response, as Linux's tcp_try_undo_dsack).
     */
    void onDsack(int left, int right) {
        if (rack != null) {
            rack.onDsack(t.sndUna, t.sndMax);
        }
        if (!undoArmed || undoRetrans <= 0 || Seq.lt(left, undoLow) || Seq.gt(right, undoHigh)) {
            return; // a duplicate outside the episode's flight was no resend of it (network duplication)
        }
        final int mss = Math.max(t.sndMss - tcb.sackOptionBytes(), 1);
        undoRetrans -= Math.max(1, (Seq.diff(right, left) + mss - 1) / mss);
        if (undoRetrans <= 0) {
            undoArmed = false;
            t.engine.counters.tcpSpuriousRecoveries++;
            t.cc.onSpuriousCongestion(t.now());
        }
    }

    /** A congestion event was reported: it can be undone until a D-SACK or a new episode decides. */
    private void armUndo() {
        undoArmed = true;
        undoRetrans = 0;
        undoLow = t.sndUna;
        undoHigh = t.sndMax;
    }

    /** A tail loss probe's retransmission awaits its verdict ({@link #onAckForTailLossProbe}). */
    boolean tlpRetransmittedPending() {
        return tlpRetransmitted;
    }

    /**
     * RFC 8985 §7.4.2, before the ACK moves SND.UNA: a probe that resent data and whose ACK covers
     * it without a D-SACK repaired a loss nothing else would have reported (the ACK is new, no
     * recovery starts), so the controller hears one congestion event and its end. A D-SACK says
     * both copies arrived: no loss.
     */
    void onAckForTailLossProbe(int segAck, boolean dsack) {
        if (!tlpRetransmitted) {
            return;
        }
        if (dsack) {
            tlpRetransmitted = false;
        } else if (Seq.gt(segAck, t.sndUna) && Seq.ge(segAck, tlpHighSeq)) {
            tlpRetransmitted = false;
            if (state != RecoveryState.RECOVERY && state != RecoveryState.LOSS) {
                final long now = t.now();
                t.cc.onCongestionEvent(CongestionEvent.TAIL_LOSS_PROBE, now, Seq.diff(t.sndMax, t.sndUna), 0);
                undoArmed = false; // the D-SACK that would undo it is the one that did not come
                t.cc.onRecoveryEnd(now);
            }
        }
    }

    /**
     * RFC 6675 §5 (IsLost: more than DupThresh−1 segments' worth SACKed above SND.UNA) and RFC 8985
     * §7.4 (the probe got through, what was sent before it did not): recover now, without waiting
     * for a third duplicate ACK that a small window never produces.
     */
    void onSackEvidence(int segAck, boolean newSack, int newWnd) {
        if (segAck == t.sndUna
                && newSack
                && newWnd != 0
                && t.sndMax != t.sndUna
                && state != RecoveryState.RECOVERY
                && (tlpInFlight || sacked.sackedBytes() > (DUPACK_THRESHOLD - 1) * t.sndMss)) {
            final boolean isLost = sacked.sackedBytes() > (DUPACK_THRESHOLD - 1) * t.sndMss;
            if (enterRecovery(isLost ? CongestionEvent.FAST_RECOVERY : CongestionEvent.TAIL_LOSS_PROBE, 0, true)) {
                t.engine.counters.tcpSackRecoveries++;
                dupAcks = 0;
                retransmitFirstUnlessResent();
                armProbeTimer(t.now());
                t.engine.markDirty(tcb);
            }
        }
    }

    /**
     * A duplicate ACK (RFC 5681 §2). Returns the bytes of a SACK hole resent in answer to it within
     * recovery (RFC 6675 §5 step 4), 0 otherwise.
     */
    int onDupAck(boolean sack) {
        dupAcks++;
        if (state == RecoveryState.RECOVERY) {
            // With SACK the flush sends holes as cwnd − pipe allows (RFC 6675 §5 step C).
            return tcb.sackOk ? 0 : retransmitNextHole();
        }
        if (state == RecoveryState.OPEN) {
            state = RecoveryState.DISORDER;
        }
        if (dupAcks == DUPACK_THRESHOLD && enterRecovery(CongestionEvent.FAST_RECOVERY, DUPACK_THRESHOLD, sack)) {
            t.engine.counters.tcpFastRetransmits++;
            if (sack) {
                retransmitFirstUnlessResent();
            } else {
                retransmitFirst();
            }
            armProbeTimer(t.now());
        }
        return 0;
    }

    /**
     * Starts a recovery episode when the loss is past the recovery point. Without SACK, RFC 6582
     * §3.2 step 2 demands an ACK above "recover": duplicates of data the last recovery resent must
     * not start another. With SACK the blocks already tell a new loss from an old one (RFC 6675 has
     * no such rule), and the segment sent right after a recovery sits exactly at "recover".
     */
    private boolean enterRecovery(CongestionEvent kind, int segmentsLeft, boolean sack) {
        if (sack ? Seq.lt(t.sndUna, recover) : Seq.le(t.sndUna, recover)) {
            return false;
        }
        t.cc.onCongestionEvent(kind, t.now(), Seq.diff(t.sndMax, t.sndUna), segmentsLeft);
        armUndo();
        state = RecoveryState.RECOVERY;
        recover = t.sndMax;
        // RFC 6675 §5 step 2 resets HighRxt; the episode before may have resent SND.UNA's
        // segment already (new data lost during it): the fast retransmit then skips it.
        unaResentBefore = sack && resentAboveUna();
        if (!(unaResentBefore && rack != null)) {
            // RFC 6675 §5 step 2. With RACK the holes the episode before resent, still in flight,
            // stay below HighRxt and are not resent again: RACK tells when such a resend is lost
            // (RFC 8985 §6.2), which RFC 6675 alone never would.
            highRxt = t.sndUna;
        }
        recoveryProbes = 0;
        return true;
    }

    /**
     * SND.UNA moved to {@code segAck} (the scoreboard is trimmed already): a full acknowledgment
     * ends the episode (RFC 6582 §3.2 step 3); a partial one resends the next hole not yet resent,
     * else the first unacknowledged segment (step 5) unless this recovery resent it already.
     */
    void onNewAck(int segAck) {
        if (rack != null) {
            rack.onCumulativeAck(segAck, t.now(), t.rtt.minRttNs());
        }
        dupAcks = 0;
        lossEpisodeUnacked = false;
        switch (state) {
            case RECOVERY:
                if (Seq.ge(segAck, recover)) {
                    endEpisode();
                } else {
                    // With SACK, HighRxt above SND.UNA means this recovery resent SND.UNA's segment
                    // already (as the first segment or a hole): sending it again would put it on
                    // the wire twice in one cycle. If that resend is lost too, the recovery probe
                    // (or the RTO) repairs it. Without SACK, RFC 6582 resends the first segment.
                    final boolean unaResent = tcb.sackOk && Seq.gt(highRxt, t.sndUna);
                    if (Seq.lt(highRxt, t.sndUna)) {
                        highRxt = t.sndUna;
                    }
                    // With SACK the flush resends the lost holes as cwnd − pipe allows (RFC 6675
                    // §5 step C); only SND.UNA's segment, never resent in this recovery, goes now,
                    // and only when SACKed data above shows the receiver skipped it: with nothing
                    // SACKed it is most likely still in flight.
                    if ((tcb.sackOk ? !sacked.isEmpty() : retransmitNextHole() == 0) && !unaResent) {
                        retransmitFirst();
                    }
                }
                break;
            case LOSS:
                if (Seq.ge(segAck, recover)) {
                    endEpisode();
                }
                break;
            default:
                state = sacked.isEmpty() ? RecoveryState.OPEN : RecoveryState.DISORDER;
                break;
        }
    }

    private void endEpisode() {
        state = sacked.isEmpty() ? RecoveryState.OPEN : RecoveryState.DISORDER;
        if (rack != null) {
            rack.onRecoveryEnd();
        }
        t.cc.onRecoveryEnd(t.now());
    }

    /** After a new ACK restarted the retransmission timer: the tail loss probe may be armed again. */
    void afterNewAck(long nowNs) {
        tlpInFlight = false;
        recoveryProbes = 0;
        armProbeTimer(nowNs);
    }

    // ---- timers ----

    /**
     * RFC 6298 §5.4–5.7 with RFC 5681 §3.1: everything outstanding is presumed lost; the sender goes
     * back to SND.UNA. The controller hears of it once per episode: a timer that fires again before
     * any ACK moved SND.UNA only backs off.
     */
    void onRetransmissionTimeout(long nowNs) {
        if (!lossEpisodeUnacked) {
            t.cc.onCongestionEvent(CongestionEvent.RTO, nowNs, Seq.diff(t.sndMax, t.sndUna), 0);
            armUndo();
            lossEpisodeUnacked = true;
        }
        state = RecoveryState.LOSS;
        t.markLost(t.sndUna, t.sndMax, true);
        dupAcks = 0;
        recover = t.sndMax; // RFC 6582 §4: avoid a spurious fast retransmit after the timeout
        tlpInFlight = false;
        tlpRetransmitted = false; // the timeout reports the episode itself
        // RFC 6675 §5.1: the SACK information survives the timeout, so the go-back resends only
        // what the peer lacks (clearing it resent a whole 1-BDP flight per RTO, most of it held).
        // RFC 2018 §8's reneging is detected as Linux's tcp_timeout_mark_lost does: the peer
        // SACKed SND.UNA's own segment yet did not acknowledge it; then everything is resent.
        if (t.sendRing == null || sacked.startsAt(t.sendRing.readIndex())) {
            sacked.clear();
        }
        highRxt = t.sndUna;
        if (rack != null) {
            rack.onRetransmissionTimeout();
        }
        t.timers.rack = Deadlines.NONE;
    }

    /** RFC 1191: the flight is resent at a smaller MSS; the scoreboard's segments no longer exist. */
    void onPathMtuReduced() {
        if (rack != null) {
            rack.reset();
        }
        sacked.clear();
        highRxt = t.sndUna;
        tlpInFlight = false;
    }

    /**
     * RFC 8985 §7.2: with data in flight and no recovery under way, probe after 2·SRTT, at least
     * {@link #MIN_TLP_PTO_NS} (plus the peer's delayed-ACK allowance when one segment is out), unless
     * the RTO comes first.
     */
    void armProbeTimer(long nowNs) {
        t.timers.pto = Deadlines.NONE;
        if (t.sndWnd == 0) {
            return; // nothing may be sent; probing a zero window is the persist timer's job
        }
        final RttEstimator rtt = t.rtt;
        if (state == RecoveryState.RECOVERY) {
            // RACK's idea (RFC 8985 §6.2) in its simplest form: a retransmission that SRTT plus a
            // reordering window of SRTT/4 did not turn into progress was lost too; resend it then,
            // not after the RTO (twice at most). 2·SRTT was never shorter than a 200 ms RTO at a
            // 100 ms RTT, so every lost resend of SND.UNA cost a timeout and a go-back.
            if (tcb.sackOk && recoveryProbes < MAX_RECOVERY_PROBES && rtt.hasSample() && t.sndMax != t.sndUna) {
                final long pto = Math.max(rtt.srttNs() + rtt.srttNs() / 4, MIN_PTO_NS);
                if (nowNs + pto - t.timers.rtx < 0) {
                    t.timers.pto = nowNs + pto;
                }
            }
            return;
        }
        if (!tcb.sackOk || tlpInFlight || t.sndMax == t.sndUna || !rtt.hasSample() || !tcb.state.isSynchronized()) {
            return;
        }
        long pto = Math.max(2 * rtt.srttNs(), MIN_TLP_PTO_NS);
        if (Seq.diff(t.sndMax, t.sndUna) <= t.sndMss) {
            pto += DELAYED_ACK_ALLOWANCE_NS;
        }
        if (nowNs + pto - t.timers.rtx < 0) {
            t.timers.pto = nowNs + pto;
        }
    }

    /** The probe timer fired: a recovery probe in recovery, else a tail loss probe. */
    void onProbeTimer(long nowNs) {
        if (state == RecoveryState.RECOVERY) {
            if (tcb.state.isSynchronized() && t.sendRing != null && t.sndMax != t.sndUna) {
                recoveryProbes++;
                t.engine.counters.tcpRecoveryProbes++;
                if (retransmissionsOverdue(nowNs)) {
                    // Every retransmission of this pass is older than RACK.rtt + reo_wnd and none
                    // was acknowledged: all were lost (RFC 8985 §6.2). NextSeg starts again at
                    // SND.UNA, so every hole still unSACKed is resent as cwnd − pipe allows, not
                    // one per probe while pipe counts the lost resends as in flight for ever (a
                    // recovery that overflowed the queue loses many of its resends).
                    highRxt = t.sndUna;
                }
                retransmitFirst();
                armProbeTimer(nowNs);
                t.engine.markDirty(tcb);
            }
        } else {
            sendTailLossProbe(nowNs);
        }
    }

    /**
     * RFC 8985 §6.2 for the newest retransmission, and so for all of them: sent more than RACK.rtt
     * (the latest RTT, at least SRTT) plus the reordering window (min RTT / 4, §6.2.1) ago.
     */
    private boolean retransmissionsOverdue(long nowNs) {
        if (!tcb.sackOk || lastRetransmitNs == Long.MIN_VALUE || !t.rtt.hasSample()) {
            return false;
        }
        final long rackRtt = Math.max(latestRttNs, t.rtt.srttNs());
        return nowNs - lastRetransmitNs >= rackRtt + t.rtt.minRttNs() / 4;
    }

    /**
     * RFC 8985 §7.3: the probe is one new segment when the window allows, else the last segment
     * again; its ACK (with SACK) turns a tail loss into a fast recovery instead of an RTO.
     */
    private void sendTailLossProbe(long nowNs) {
        if (!tcb.state.isSynchronized() || t.sendRing == null || t.sndMax == t.sndUna || tlpInFlight) {
            return;
        }
        final int dataEnd = t.sndBufSeq + t.sendRing.size();
        final int unsent = Seq.diff(dataEnd, t.sndNxt);
        final int maxPayload = t.sndMss - tcb.sackOptionBytes();
        tlpInFlight = true;
        tlpRetransmitted = false;
        t.engine.counters.tcpTailLossProbes++;
        if (unsent > 0
                && t.sndNxt == t.sndMax
                && Seq.diff(t.sndNxt + Math.min(unsent, maxPayload), t.sndUna) <= t.sndWnd) {
            final int len = Math.min(unsent, maxPayload);
            final boolean withFin = t.finQueued && len == unsent;
            t.transmit(
                    nowNs,
                    t.sndNxt,
                    len,
                    TcpHeader.ACK | (len == unsent ? TcpHeader.PSH : 0) | (withFin ? TcpHeader.FIN : 0));
            t.sndNxt += len + (withFin ? 1 : 0);
            t.sndMax = t.sndNxt;
        } else {
            final int finBit = t.finQueued && Seq.gt(t.sndMax, dataEnd) ? 1 : 0;
            final int dataSent = Seq.diff(t.sndMax, t.sndUna) - finBit;
            final int len = Math.min(dataSent, maxPayload);
            final int seq = t.sndMax - finBit - len;
            t.transmit(nowNs, seq, len, TcpHeader.ACK | (finBit == 1 ? TcpHeader.FIN : 0));
            tlpRetransmitted = true;
            tlpHighSeq = t.sndMax;
        }
        t.timers.rtx = nowNs + t.rtt.rtoNs(); // RFC 8985 §7.3: the RTO restarts after the probe
    }

    // ---- retransmission ----

    /**
     * RFC 6675 §4 NextSeg, simplified: resends the first un-SACKed hole at or above HighRxt that lies
     * below the highest SACKed byte. Returns the bytes resent, 0 when there is no such hole.
     */
    private int retransmitNextHole() {
        if (!tcb.sackOk || t.sendRing == null || sacked.isEmpty()) {
            return 0;
        }
        final long readIndex = t.sendRing.readIndex();
        final long from = sacked.nextHole(readIndex + Seq.diff(Seq.max(highRxt, t.sndUna), t.sndBufSeq));
        if (from < 0) {
            return 0;
        }
        final int len = (int) Math.min(sacked.holeEnd() - from, t.sndMss - tcb.sackOptionBytes());
        final int seq = t.sndBufSeq + (int) (from - readIndex);
        t.markLost(seq, seq + len, false);
        t.transmit(t.now(), seq, len, TcpHeader.ACK);
        highRxt = seq + len;
        return len;
    }

    // ---- RACK (RFC 8985 §6.2) for what RFC 6675 has no rule for: segments below HighRxt ----

    /** [seq, seq+len) leaves now, first transmission or retransmission: RACK times it. */
    void onSent(int seq, int len, long nowNs) {
        if (tcb.sackOk) {
            if (rack == null) {
                rack = new RackTracker();
            }
            rack.onSend(seq, len, nowNs);
        }
    }

    /** The ACK's SACK blocks deliver the segments they cover (RFC 8985 §6.2 steps 1–3). */
    void onSackDelivered(TcpOptions opts, long nowNs) {
        if (rack != null && opts.sackBlockCount() > 0) {
            rack.onSack(opts, t.sndUna, nowNs, t.rtt.minRttNs());
        }
    }

    /**
     * RFC 8985 §6.2 step 5 after an ACK, or when the reorder timer fires: a resent segment (below
     * HighRxt, kept across back-to-back episodes) sent before the latest delivered one and older
     * than RACK.rtt + reo_wnd is lost, and NextSeg may resend it; outside recovery that starts
     * one. The rest wait for the reorder timer. After a timeout the go-back resends everything.
     */
    void detectLostByRack(long nowNs) {
        if (rack == null || state == RecoveryState.LOSS || t.sendRing == null) {
            return;
        }
        final int markBelow = resentAboveUna() ? highRxt : t.sndUna;
        final long reoWnd = rack.reoWndNs(state == RecoveryState.RECOVERY, t.rtt.minRttNs(), t.rtt.srttNs());
        rackMarked = false;
        final long wait = rack.detectLoss(nowNs, reoWnd, markBelow, rackLost);
        t.timers.rack = wait < 0 ? Deadlines.NONE : nowNs + wait;
        if (!rackMarked) {
            return;
        }
        if (state != RecoveryState.RECOVERY && enterRecovery(CongestionEvent.FAST_RECOVERY, 0, true)) {
            t.engine.counters.tcpSackRecoveries++;
            dupAcks = 0;
            armProbeTimer(nowNs);
        }
        t.engine.markDirty(tcb);
    }

    /** The RACK reorder timer (RFC 8985 §6.2) fired. */
    void onRackTimer(long nowNs) {
        if (tcb.state.isSynchronized()) {
            detectLostByRack(nowNs);
        }
    }

    private void onRackLost(int start, int end) {
        rackMarked = true;
        t.markLost(start, end, false); // the delivery-rate records count it (BBR's loss rate)
    }

    /** NextSeg for a segment RACK marked lost (it lies below HighRxt, so before rule 1's holes). */
    private int resendRackLost() {
        final int dataEnd = t.sndBufSeq + t.sendRing.size();
        final int seq = Seq.max(rack.lostStart(), t.sndUna);
        final int len = Math.min(Seq.diff(Seq.min(rack.lostEnd(), dataEnd), seq), t.sndMss - tcb.sackOptionBytes());
        if (len <= 0) {
            return 0;
        }
        final boolean withFin = t.finQueued && seq + len == dataEnd && Seq.gt(t.sndMax, dataEnd);
        t.transmit(t.now(), seq, len, TcpHeader.ACK | (withFin ? TcpHeader.FIN : 0));
        if (seq == t.sndUna) {
            restartTimerForHead();
        }
        return len;
    }

    /** Whether the go-back after a timeout is under way with SACK information kept (RFC 6675 §5.1). */
    boolean goBackSkipsSacked() {
        return state == RecoveryState.LOSS && !sacked.isEmpty();
    }

    /** Whether the sender runs RFC 6675 §5's pipe-limited recovery now: in recovery with SACK. */
    boolean pipeLimited() {
        return state == RecoveryState.RECOVERY && tcb.sackOk;
    }

    /**
     * RFC 6675 §4 SetPipe over the scoreboard: the flight less the SACKed bytes and less the holes
     * at or above HighRxt that IsLost deems lost and that this recovery has not resent yet.
     */
    long pipe() {
        final long flight = Seq.diff(t.sndMax, t.sndUna);
        if (sacked.isEmpty() || t.sendRing == null) {
            return flight;
        }
        final long from = t.sendRing.readIndex() + Seq.diff(Seq.max(highRxt, t.sndUna), t.sndBufSeq);
        final long rackLost = rack == null ? 0 : rack.lostBytes(); // below HighRxt, so not counted twice
        return Math.max(flight - sacked.sackedBytes() - sacked.lostBytes(from, t.sndMss) - rackLost, 0);
    }

    /**
     * RFC 6675 §4 NextSeg rule 1: resends the first hole at or above HighRxt that IsLost deems
     * lost, at most one segment. Returns the bytes resent, 0 when there is none.
     */
    int retransmitLostHole() {
        if (t.sendRing == null) {
            return 0;
        }
        if (rack != null && rack.firstLost()) {
            return resendRackLost();
        }
        if (sacked.isEmpty()) {
            return 0;
        }
        final long readIndex = t.sendRing.readIndex();
        final long from = sacked.nextLostHole(readIndex + Seq.diff(Seq.max(highRxt, t.sndUna), t.sndBufSeq), t.sndMss);
        if (from < 0) {
            return 0;
        }
        final int len = (int) Math.min(sacked.holeEnd() - from, t.sndMss - tcb.sackOptionBytes());
        final int seq = t.sndBufSeq + (int) (from - readIndex);
        t.markLost(seq, seq + len, false);
        t.transmit(t.now(), seq, len, TcpHeader.ACK);
        highRxt = seq + len;
        if (seq == t.sndUna) {
            restartTimerForHead();
        }
        return len;
    }

    /**
     * SND.UNA's segment was just resent: the timer restarts, as Linux's tcp_xmit_retransmit_queue
     * does for the head of its queue. Else a timer armed at the last new ACK fires before the
     * resend can be acknowledged (a queue makes that take longer than the 200 ms minimum RTO)
     * and the go-back resends a flight that is mostly still in the network.
     */
    private void restartTimerForHead() {
        if (t.timers.persist == Deadlines.NONE) {
            t.timers.rtx = t.now() + t.rtt.rtoNs();
        }
    }

    /**
     * The fast retransmit with SACK: SND.UNA's segment, unless HighRxt above it says the episode
     * before resent it already (that resend is still in flight; the recovery probe repairs it if
     * it is lost as well).
     */
    private void retransmitFirstUnlessResent() {
        if (!unaResentBefore) {
            retransmitFirst();
        } else {
            // NextSeg starts above that segment, so it is not sent twice either.
            final int end = t.sndUna + Math.min(Seq.diff(t.sndMax, t.sndUna), t.sndMss - tcb.sackOptionBytes());
            highRxt = Seq.max(highRxt, end);
        }
    }

    /** Fast retransmit / NewReno partial ACK: the first unacknowledged segment, once. */
    private void retransmitFirst() {
        final int dataEnd = t.sndBufSeq + t.sendRing.size();
        // Resend only bytes sent before (below sndMax): bytes beyond it would reach the peer
        // without moving sndMax, and its ACK of them would then fail our "ACK of something not
        // yet sent" check (RFC 9293 §3.10.7.4 fifth step) for ever, stalling both directions.
        // The payload leaves room for the SACK option, as sendData does (RFC 6691).
        final int sndUna = t.sndUna;
        final int sent = Seq.diff(Seq.min(t.sndMax, dataEnd), sndUna);
        final int len = Math.min(sent, t.sndMss - tcb.sackOptionBytes());
        final boolean finSent = t.finQueued && Seq.gt(t.sndMax, dataEnd);
        if (len > 0) {
            final boolean withFin = finSent && len == Seq.diff(dataEnd, sndUna);
            t.markLost(sndUna, sndUna + len, false);
            t.transmit(t.now(), sndUna, len, TcpHeader.ACK | (withFin ? TcpHeader.FIN : 0));
            restartTimerForHead();
            if (Seq.gt(sndUna + len, highRxt)) {
                highRxt = sndUna + len;
            }
        } else if (finSent && sndUna == dataEnd) {
            t.transmit(t.now(), sndUna, 0, TcpHeader.ACK | TcpHeader.FIN);
        }
    }
}
