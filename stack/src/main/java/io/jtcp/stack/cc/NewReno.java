package io.jtcp.stack.cc;

/**
 * NewReno congestion control, jtcp's behaviour before congestion control became a plug-in: slow
 * start and congestion avoidance (RFC 5681 §3.1) with appropriate byte counting (RFC 3465, L = 2
 * SMSS), the window side of fast retransmit and fast recovery (RFC 5681 §3.2) with the NewReno
 * partial-ACK rule (RFC 6582 §3.2), and the initial window of RFC 6928.
 *
 * <p>Only window decisions live here. The engine's loss recovery counts duplicate ACKs, keeps
 * RFC 6582's {@code recover} point and the SACK scoreboard, and decides what to resend; it tells
 * this class when an episode starts ({@link #onCongestionEvent}) and ends ({@link
 * #onRecoveryEnd}), and every ACK's effect through {@link #onAck}.
 *
 * <p>Window inflation during recovery follows RFC 5681 §3.2 steps 2–4: the episode starts at
 * {@code ssthresh + segmentsLeft·MSS} (the duplicate ACKs that triggered it), each further
 * duplicate ACK adds one MSS, and a duplicate answered by resending a SACK hole (RFC 6675 §5 step
 * 4) spends that MSS on the hole instead of on new data. That is the recovery of a connection
 * without SACK. With SACK ({@link AckSample#sackRecovery()}) the engine runs RFC 6675 §5's
 * pipe-limited recovery and this class keeps cwnd = ssthresh from the first ACK of the episode to
 * its end: the +3·SMSS set at the congestion event is undone by the ACK that started it, before
 * anything new may be sent.
 */
public final class NewReno implements CongestionControl {
    /** The name {@code --cc} takes. */
    public static final String NAME = "newreno";

    private int mss;
    private long cwnd;
    private long ssthresh = Long.MAX_VALUE;
    private long bytesAckedInCa;
    private boolean inRecovery;
    private long priorCwnd; // saved by a congestion event for onSpuriousCongestion
    private long priorSsthresh;
    private boolean undoValid;
    /** The ACK that starts an episode was counted in {@code segmentsLeft} already. */
    private boolean entryAckCounted;
    /** The ACK that ended recovery set cwnd = ssthresh; it does not grow the window too. */
    private boolean recoveryJustEnded;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void init(int mss, long nowNs) {
        this.mss = mss;
        // RFC 6928 §2: IW = min(10*MSS, max(2*MSS, 14600)).
        this.cwnd = Math.min(10L * mss, Math.max(2L * mss, 14_600));
    }

    @Override
    public void onAck(AckSample ack) {
        final boolean counted = entryAckCounted;
        final boolean ended = recoveryJustEnded;
        entryAckCounted = false;
        recoveryJustEnded = false;
        if (inRecovery && ack.sackRecovery()) {
            // RFC 6675 §5 step 4.1 replaces RFC 5681's inflation: cwnd = ssthresh for the whole
            // episode (no +3·SMSS at entry, no inflation per duplicate, no partial-ACK deflation);
            // the engine limits sending by pipe, which already leaves out what the peer holds.
            cwnd = Math.max(ssthresh, mss);
            return;
        }
        if (ack.duplicate()) {
            if (inRecovery && !counted) {
                cwnd += mss; // RFC 5681 §3.2 step 4: inflate for each further duplicate
                if (ack.recoveryRetransmittedBytes() > 0) {
                    // The duplicate was answered with a SACK hole, not new data: the two must not
                    // both go out (RFC 6675 §5's conservation, approximated).
                    cwnd = Math.max(cwnd - mss, mss);
                }
            }
            return;
        }
        final long acked = ack.ackedBytes();
        if (acked <= 0 || ended) {
            return;
        }
        if (inRecovery) {
            // RFC 6582 §3.2 step 5, partial ACK: deflate by the amount acknowledged, add back one MSS.
            cwnd = Math.max(cwnd - acked + mss, mss);
            return;
        }
        if (cwnd < ssthresh) {
            // RFC 5681 §3.1 (with RFC 3465 L = 2 SMSS): slow start.
            cwnd += Math.min(acked, 2L * mss);
        } else {
            // Congestion avoidance by appropriate byte counting (RFC 3465 §2.1).
            bytesAckedInCa += acked;
            if (bytesAckedInCa >= cwnd) {
                bytesAckedInCa -= cwnd;
                cwnd += mss;
            }
        }
    }

    /** Only the window fields of the sample: no delivery-rate records for this controller's sake. */
    @Override
    public boolean readsDeliveryRate() {
        return false;
    }

    @Override
    public void onCongestionEvent(CongestionEvent kind, long nowNs, long bytesInFlight, int segmentsLeft) {
        priorCwnd = cwnd;
        priorSsthresh = ssthresh;
        undoValid = true;
        // RFC 5681 §3.1 eqn. 4 (and §3.2 step 2): half the flight, at least two segments.
        ssthresh = Math.max(bytesInFlight / 2, 2L * mss);
        if (kind == CongestionEvent.RTO) {
            // RFC 5681 §3.1: the loss window is one segment; slow start again up to ssthresh.
            cwnd = mss;
            bytesAckedInCa = 0;
            inRecovery = false;
            entryAckCounted = false;
            return;
        }
        // RFC 5681 §3.2 step 2: cwnd = ssthresh + 3·SMSS for the three duplicates that left.
        cwnd = ssthresh + (long) segmentsLeft * mss;
        inRecovery = true;
        entryAckCounted = segmentsLeft > 0;
    }

    @Override
    public void onRecoveryEnd(long nowNs) {
        if (!inRecovery) {
            return; // the end of an RTO episode: slow start simply goes on
        }
        // RFC 6582 §3.2 step 3, full acknowledgment: cwnd = ssthresh (option 2, as Linux).
        // Option 1 bounds cwnd by what is still in flight, which after a full ACK is usually
        // nothing: it would restart from one segment after every recovery.
        inRecovery = false;
        recoveryJustEnded = true;
        cwnd = Math.max(ssthresh, mss);
    }

    /**
     * The last congestion event proved spurious (RFC 3522 / RFC 4015's response, as Linux's
     * tcp_undo_cwnd_reduction): the window and threshold saved at the event come back, never
     * lower than they are now, and recovery's deflation is over.
     */
    @Override
    public void onSpuriousCongestion(long nowNs) {
        if (!undoValid) {
            return;
        }
        undoValid = false;
        cwnd = Math.max(cwnd, priorCwnd);
        ssthresh = Math.max(ssthresh, priorSsthresh);
        inRecovery = false;
        entryAckCounted = false;
    }

    @Override
    public void onMssChange(int mss) {
        this.mss = mss;
        cwnd = Math.max(cwnd, mss);
    }

    @Override
    public long cwnd() {
        return cwnd;
    }

    @Override
    public long ssthresh() {
        return ssthresh;
    }

    @Override
    public String phase() {
        return inRecovery ? "recovery" : cwnd < ssthresh ? "slow-start" : "congestion-avoidance";
    }

    @Override
    public String toString() {
        return "newreno cwnd=" + cwnd + " ssthresh=" + ssthresh + " " + phase();
    }
}
