package io.jtcp.stack.tcp;

import io.jtcp.stack.wire.Seq;

/**
 * Congestion control: slow start and congestion avoidance (RFC 5681 §3.1), fast retransmit and
 * fast recovery (RFC 5681 §3.2) with the NewReno modification for partial ACKs (RFC 6582), and
 * the initial window of RFC 6928.
 */
final class NewReno {
    static final int DUPACK_THRESHOLD = 3;

    private int mss;
    private long cwnd;
    private long ssthresh = Integer.MAX_VALUE;
    private int dupAcks;
    private boolean inRecovery;
    private int recover; // RFC 6582 "recover": highest sequence sent when recovery began
    private long bytesAckedInCa;

    void init(int mss, int iss) {
        this.mss = mss;
        // RFC 6928 §2: IW = min(10*MSS, max(2*MSS, 14600)).
        this.cwnd = Math.min(10L * mss, Math.max(2L * mss, 14_600));
        this.recover = iss;
    }

    long cwnd() {
        return cwnd;
    }

    long ssthresh() {
        return ssthresh;
    }

    boolean inRecovery() {
        return inRecovery;
    }

    int dupAcks() {
        return dupAcks;
    }

    /**
     * New data acknowledged. Returns true when a partial ACK in recovery asks for the first
     * unacknowledged segment to be retransmitted at once (RFC 6582 §3.2 step 5).
     */
    boolean onNewAck(int ack, int acked, int flightBeforeAck) {
        dupAcks = 0;
        if (inRecovery) {
            if (Seq.ge(ack, recover)) {
                // RFC 6582 §3.2 step 3, full acknowledgment: cwnd = ssthresh (option 2, as Linux).
                // Option 1 bounds cwnd by what is still in flight, which after a full ACK is
                // usually nothing: it would restart from one segment after every recovery.
                inRecovery = false;
                cwnd = Math.max(ssthresh, mss);
                return false;
            }
            // Partial ACK: deflate by the amount acknowledged, add back one MSS.
            cwnd = Math.max(cwnd - acked + mss, mss);
            return true;
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
        return false;
    }

    /**
     * A duplicate ACK (RFC 5681 §2). Returns true when it triggers fast retransmit of the first
     * unacknowledged segment.
     */
    boolean onDupAck(int sndUna, int sndMax, int flight, boolean sack) {
        dupAcks++;
        if (inRecovery) {
            cwnd += mss; // RFC 5681 §3.2 step 4: inflate for each further duplicate
            return false;
        }
        // RFC 6582 §3.2 step 2: only enter recovery if the ACK covers more than "recover".
        if (dupAcks == DUPACK_THRESHOLD && pastRecoveryPoint(sndUna, sack)) {
            ssthresh = Math.max(flight / 2, 2L * mss);
            cwnd = ssthresh + (long) DUPACK_THRESHOLD * mss;
            recover = sndMax;
            inRecovery = true;
            return true;
        }
        return false;
    }

    /**
     * Enters fast recovery on loss evidence other than three duplicate ACKs: SACKed bytes per RFC
     * 6675's IsLost, or a tail loss probe that arrived while earlier data did not (RFC 8985 §7.4).
     * Returns false when recovery is on already or the loss belongs to the last recovery (RFC
     * 6582 §3.2 step 2).
     */
    boolean enterRecoveryOnLoss(int sndUna, int sndMax, int flight, boolean sack) {
        if (inRecovery || !pastRecoveryPoint(sndUna, sack)) {
            return false;
        }
        ssthresh = Math.max(flight / 2, 2L * mss);
        cwnd = ssthresh;
        recover = sndMax;
        inRecovery = true;
        dupAcks = 0;
        return true;
    }

    /**
     * A duplicate ACK in recovery was answered with a SACK hole retransmission instead of new
     * data: take back the inflation it earned so the two do not both go out (RFC 6675 §5's
     * conservation, approximated).
     */
    void spendInflation() {
        if (inRecovery) {
            cwnd = Math.max(cwnd - mss, mss);
        }
    }

    /**
     * Whether a loss at {@code sndUna} is a new event. Without SACK, RFC 6582 §3.2 step 2 demands an
     * ACK above "recover": duplicates of data the last recovery resent must not start another. With
     * SACK the blocks already tell a new loss from an old one (RFC 6675 has no such rule), and the
     * segment sent right after a recovery sits exactly at "recover".
     */
    private boolean pastRecoveryPoint(int sndUna, boolean sack) {
        return sack ? Seq.ge(sndUna, recover) : Seq.gt(sndUna, recover);
    }

    /** The retransmission timer expired (RFC 5681 §3.1 eqn. 4, loss window of one segment). */
    void onTimeout(int flight, int sndMax) {
        ssthresh = Math.max(flight / 2, 2L * mss);
        cwnd = mss;
        dupAcks = 0;
        inRecovery = false;
        bytesAckedInCa = 0;
        recover = sndMax; // RFC 6582 §4: avoid a spurious fast retransmit after the timeout
    }
}
