package io.jtcp.stack.tcp;

import io.jtcp.stack.cc.AckSample;
import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.cc.CongestionEvent;
import io.jtcp.stack.cc.RecoveryState;
import io.jtcp.stack.wire.Seq;
import java.util.ArrayDeque;
import java.util.Random;

/**
 * One flow through one bottleneck, in virtual time, for driving a congestion controller and the
 * {@link DeliveryRateEstimator} directly: a drop-tail queue drained at {@code rate} bytes per
 * second, then a fixed propagation delay for the round trip; every delivered segment is ACKed
 * (SACKed) on its own, and a dropped one is reported lost when the ACK of the segment behind it
 * would have arrived. Loss starts one fast-recovery episode (reported once), which ends when
 * everything outstanding at its start is delivered. Each ACK carries the estimator's sample.
 */
final class BottleneckSim {
    interface Listener {
        void onAck(BottleneckSim sim, AckSample ack);
    }

    final int mss;
    final CongestionControl cc;
    final DeliveryRateEstimator estimator = new DeliveryRateEstimator(8192);
    private final AckSample sample = new AckSample();
    private final Random random;
    private final ArrayDeque<long[]> pipe = new ArrayDeque<>();
    private final ArrayDeque<Integer> retransmitQueue = new ArrayDeque<>();

    long rateBytesPerSec;
    long propagationNs;
    long queueLimitBytes = Long.MAX_VALUE;
    double lossProbability;
    /** Bytes the application has to send in total; Long.MAX_VALUE for a bulk transfer. */
    long appBytes = Long.MAX_VALUE;
    /** Report fast-recovery episodes to the controller (off: losses reach it only as samples). */
    boolean reportRecovery = true;

    long nowNs;
    private int nextSeq;
    private long inflight;
    private long linkFreeAtNs;
    private long nextSendNs;
    private long minRttNs;
    private long srttNs;
    private boolean inRecovery;
    private int recoveryPoint;
    private long appSent;
    long deliveredBytes;
    long lostBytes;
    long maxQueueBytes;
    long retransmits;

    BottleneckSim(CongestionControl cc, long rateBitsPerSec, long rttNs, int mss, int isn, long seed) {
        this.cc = cc;
        this.mss = mss;
        this.rateBytesPerSec = rateBitsPerSec / 8;
        this.propagationNs = rttNs;
        this.nextSeq = isn;
        this.random = new Random(seed);
        // As the engine's AckSampler: each segment marked lost reaches the controller.
        estimator.lossListener((bytes, txInFlight, lostSinceSent, appLimited) ->
                cc.onSegmentLost(nowNs, bytes, txInFlight, lostSinceSent, appLimited));
        cc.init(mss, 0);
    }

    long bdpBytes() {
        return rateBytesPerSec * propagationNs / 1_000_000_000L;
    }

    long inflight() {
        return inflight;
    }

    /** Runs until {@code untilNs} of virtual time. */
    void runUntil(long untilNs, Listener listener) {
        while (nowNs < untilNs) {
            boolean haveData = !retransmitQueue.isEmpty() || appSent < appBytes;
            long sendAt = Long.MAX_VALUE;
            if (haveData && inflight + mss <= cc.cwnd()) {
                sendAt = Math.max(nowNs, nextSendNs);
            }
            long ackAt = pipe.isEmpty() ? Long.MAX_VALUE : pipe.peekFirst()[0];
            if (sendAt == Long.MAX_VALUE && ackAt == Long.MAX_VALUE) {
                nowNs = untilNs;
                return;
            }
            if (ackAt <= sendAt) {
                if (ackAt > untilNs) {
                    nowNs = untilNs;
                    return;
                }
                nowNs = ackAt;
                ack(listener);
            } else {
                if (sendAt > untilNs) {
                    nowNs = untilNs;
                    return;
                }
                nowNs = sendAt;
                send();
            }
        }
    }

    private void send() {
        boolean retransmission = !retransmitQueue.isEmpty();
        int seq;
        if (retransmission) {
            seq = retransmitQueue.pollFirst();
            retransmits++;
        } else {
            seq = nextSeq;
            nextSeq = Seq.add(nextSeq, mss);
            appSent += mss;
            if (appSent >= appBytes) {
                estimator.markAppLimited(inflight + mss);
            }
        }
        estimator.onSend(seq, mss, nowNs, inflight);
        inflight += mss;
        cc.onPacketSent(nowNs, mss, inflight, retransmission);
        long rate = cc.pacingRate();
        if (rate > 0) {
            nextSendNs = Math.max(nextSendNs, nowNs) + mss * 1_000_000_000L / rate;
        }
        long queued = Math.max(0, linkFreeAtNs - nowNs) * rateBytesPerSec / 1_000_000_000L;
        boolean drop = queued + mss > queueLimitBytes || (lossProbability > 0 && random.nextDouble() < lossProbability);
        long ackAt;
        if (drop) {
            ackAt = Math.max(linkFreeAtNs, nowNs) + propagationNs;
        } else {
            maxQueueBytes = Math.max(maxQueueBytes, queued);
            linkFreeAtNs = Math.max(nowNs, linkFreeAtNs) + mss * 1_000_000_000L / rateBytesPerSec;
            ackAt = linkFreeAtNs + propagationNs;
        }
        pipe.addLast(new long[] {ackAt, seq, nowNs, drop ? 1 : 0, retransmission ? 1 : 0});
    }

    private void ack(Listener listener) {
        long[] p = pipe.pollFirst();
        int seq = (int) p[1];
        boolean dropped = p[3] != 0;
        long before = inflight;
        inflight -= mss;
        AckSample s = sample.reset(nowNs);
        if (dropped) {
            estimator.onLost(seq, Seq.add(seq, mss));
            lostBytes += mss;
            retransmitQueue.addLast(seq);
            if (!inRecovery && reportRecovery) {
                inRecovery = true;
                recoveryPoint = nextSeq;
                cc.onCongestionEvent(CongestionEvent.FAST_RECOVERY, nowNs, inflight, 1);
            }
            s.duplicate(true);
        } else {
            estimator.onDelivered(seq, Seq.add(seq, mss), nowNs);
            deliveredBytes += mss;
            if (p[4] == 0) {
                long rtt = nowNs - p[2];
                s.rttNs(rtt);
                minRttNs = minRttNs == 0 ? rtt : Math.min(minRttNs, rtt);
                srttNs = srttNs == 0 ? rtt : (7 * srttNs + rtt) / 8;
            }
            s.sackedBytes(mss);
        }
        estimator.fillSample(s, nowNs, minRttNs);
        s.srttNs(srttNs).minRttNs(minRttNs).bytesInFlightBefore(before).bytesInFlightAfter(inflight);
        s.appLimited(estimator.appLimited());
        s.recoveryState(inRecovery ? RecoveryState.RECOVERY : RecoveryState.OPEN);
        if (inRecovery && !dropped && retransmitQueue.isEmpty() && Seq.ge(Seq.add(seq, mss), recoveryPoint)) {
            inRecovery = false;
            cc.onRecoveryEnd(nowNs);
        }
        cc.onAck(s);
        if (listener != null) {
            listener.onAck(this, s);
        }
    }
}
