package io.jtcp.stack.cc;

/**
 * BBR's latest delivery signals and per-round loss accounting (draft-ietf-ccwg-bbr-01
 * §4.5.10.3): the highest rate and volume delivered in the current loss round, whether the round
 * saw loss, and how much. The loss of a round stands in for the draft's per-sample
 * {@code rs.lost} (lost since the sampled segment was sent), which {@link AckSample} does not
 * carry.
 */
final class BbrLossSignals {
    private long bwLatest;
    private long inflightLatest;
    private long lossRoundDelivered;
    private boolean lossRoundStart;
    private boolean lossInRound;
    private int lossEventsInRound;
    private long lostAtRoundStart;
    private long lostInRound;
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

    /** The loss part of BBRUpdateCongestionSignals. */
    void countLoss(AckSample ack) {
        long total = Math.max(ack.totalLostBytes(), lastTotalLost);
        long newlyLost = Math.max(ack.newlyLostBytes(), total - lastTotalLost);
        lastTotalLost = total;
        if (newlyLost > 0) {
            lossInRound = true;
            lossEventsInRound++;
        }
        lostInRound = total - lostAtRoundStart;
    }

    /** The per-round updates are done: the next loss round starts counting. */
    void endLossRound() {
        lossInRound = false;
        lossEventsInRound = 0;
        lostAtRoundStart = lastTotalLost;
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

    /** §4.5.10.2 IsInflightTooHigh: more than BBRLossThresh of {@code txInFlight} lost (no ECN). */
    boolean tooHigh(long txInFlight) {
        return txInFlight > 0 && lostInRound > (long) (txInFlight * Bbr.LOSS_THRESH);
    }

    boolean lossRoundStart() {
        return lossRoundStart;
    }

    boolean lossInRound() {
        return lossInRound;
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
