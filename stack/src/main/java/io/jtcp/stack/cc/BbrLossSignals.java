package io.jtcp.stack.cc;

/**
 * BBR's latest delivery signals and per-round loss accounting (draft-ietf-ccwg-bbr-01
 * §4.5.10.3): the highest rate and volume delivered in the current loss round, whether the round
 * saw loss, and whether a sample's loss rate is too high: the draft's per-sample {@code rs.lost}
 * (lost since the sampled segment was sent, {@link AckSample#rsLost()}) over its
 * {@code tx_in_flight}. As Linux's BBRv3 ({@code bbr_note_loss}), the first loss of a round
 * restarts the loss round there, so that the round's {@code bw_latest} and
 * {@code inflight_latest} measure a whole round trip of data sent after the loss (and not, say,
 * the half-BDP flight of a ProbeRTT that just ended).
 */
final class BbrLossSignals {
    private long bwLatest;
    private long inflightLatest;
    private long lossRoundDelivered;
    private boolean lossRoundStart;
    private boolean lossInRound;
    private int lossEventsInRound;
    private long lastTotalLost;

    /** BBRUpdateLatestDeliverySignals; {@code delivered} is C.delivered after this ACK. */
    void updateLatest(AckSample ack, long delivered) {
        lossRoundStart = false;
        bwLatest = Math.max(bwLatest, ack.deliveryRate());
        inflightLatest = Math.max(inflightLatest, ack.delivered());
        if (ack.delivered() > 0 && ack.priorDelivered() >= lossRoundDelivered) {
            lossRoundDelivered = delivered;
            lossRoundStart = true;
        }
    }

    /**
     * Before the ACK's round accounting: what it marked lost. With {@code restartRound} the first
     * loss of a loss round restarts the round at {@code delivered} (C.delivered after this ACK).
     */
    void noteLoss(AckSample ack, long delivered, boolean restartRound) {
        long total = Math.max(ack.totalLostBytes(), lastTotalLost);
        long newlyLost = Math.max(ack.newlyLostBytes(), total - lastTotalLost);
        lastTotalLost = total;
        if (newlyLost <= 0) {
            return;
        }
        if (!lossInRound && restartRound) {
            lossRoundDelivered = delivered;
        }
        lossInRound = true;
        if (lossEventsInRound < Integer.MAX_VALUE) {
            lossEventsInRound++;
        }
    }

    /** The per-round updates are done: the next loss round starts counting. */
    void endLossRound() {
        lossInRound = false;
        lossEventsInRound = 0;
    }

    /** BBRAdvanceLatestDeliverySignals, at the end of the ACK. */
    void advance(AckSample ack) {
        if (lossRoundStart) {
            bwLatest = ack.deliveryRate();
            inflightLatest = ack.delivered();
        }
    }

    /** BBRResetCongestionSignals. */
    void reset() {
        lossInRound = false;
        bwLatest = 0;
        inflightLatest = 0;
    }

    /**
     * §4.5.10.2 IsInflightTooHigh: the sample lost more than BBRLossThresh of the flight it was
     * sent into (no ECN).
     */
    static boolean tooHigh(AckSample ack) {
        return tooHigh(ack.rsLost(), ack.txInFlight());
    }

    static boolean tooHigh(long lost, long txInFlight) {
        return lost > 0 && txInFlight > 0 && lost > (long) (txInFlight * Bbr.LOSS_THRESH);
    }

    boolean lossRoundStart() {
        return lossRoundStart;
    }

    boolean lossInRound() {
        return lossInRound;
    }

    /** A spurious loss was undone: the round no longer counts as lossy. */
    void forgetLossInRound() {
        lossInRound = false;
    }

    int lossEventsInRound() {
        return lossEventsInRound;
    }

    long bwLatest() {
        return bwLatest;
    }

    long inflightLatest() {
        return inflightLatest;
    }
}
