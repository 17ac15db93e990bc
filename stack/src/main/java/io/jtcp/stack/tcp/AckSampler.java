package io.jtcp.stack.tcp;

import io.jtcp.stack.StackTracer;
import io.jtcp.stack.cc.AckSample;
import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.wire.Seq;
import io.jtcp.stack.wire.TcpOptions;

/**
 * The sender's per-ACK measurements for its congestion controller: fills the one reused {@link
 * AckSample} (RFC 7661's application-limited test included) after loss recovery has acted on an
 * ACK, and keeps the delivery-rate estimator behind it
 * (draft-cheng-iccrg-delivery-rate-estimation §3): what each segment sent, each cumulatively or
 * selectively (RFC 2018) acknowledged range and each range marked lost tells it. Nothing here
 * allocates per ACK.
 */
final class AckSampler implements DeliveryRateEstimator.LossListener {
    /**
     * Delivery-rate records per connection: 128 (8 KB) at first, doubling with the flight up
     * to 8192 (a flight of 8192 segments, about 12 MB, costs 512 KB of records; beyond it the
     * oldest merge). With a fixed 128, a 1,000-segment flight merged so often that BBR's bandwidth
     * samples came out a third of the truth (31 of 100 Mbit/s in the lab).
     */
    static final int DELIVERY_RECORDS = 128;

    static final int DELIVERY_RECORDS_MAX = 8192;

    private final TcpSender tx;
    private final Tcb t;
    final AckSample ackSample = new AckSample(); // reused for every ACK: no allocation
    long lastDeliveryRate; // bytes/s of the latest valid sample, for status pages and logs
    /** The records while they are kept (see {@link #onSend}); taken with the first data sent. */
    DeliveryRateEstimator deliveryRate;

    private DeliveryRateEstimator spare; // records no longer kept, reset and reused if they are again
    private boolean sentUnrecorded; // data left while no records were kept

    AckSampler(TcpSender tx) {
        this.tx = tx;
        this.t = tx.t;
    }

    /**
     * Fills the per-ACK sample and hands it to the congestion controller: the one place every ACK
     * reaches the controller, after loss recovery has acted on it.
     */
    void onAckProcessed(
            long nowNs, int acked, long newlySacked, boolean duplicate, long rttNs, long flightBefore, int holeBytes) {
        // Three parts, each small enough for the JIT to inline into the per-ACK path.
        final AckSample s = fill(nowNs, acked, newlySacked, duplicate, rttNs, flightBefore, holeBytes);
        if (deliveryRate != null) {
            sampleDelivery(s, nowNs, acked);
        }
        if (s.latestRttNs() >= 0) {
            tx.loss.latestRttNs = s.latestRttNs();
        }
        tx.cc.onAck(s);
        final StackTracer tracer = tx.engine.tracer;
        if (tracer != null) {
            tracer.onAck(nowNs, t, s, tx.cc);
        }
    }

    /** The sample's fields that do not come from the delivery-rate records. */
    private AckSample fill(
            long nowNs, int acked, long newlySacked, boolean duplicate, long rttNs, long flightBefore, int holeBytes) {
        // Every field is set below (fillSample sets the delivery-rate ones), so the 23-field reset
        // is needed only while there is no estimator; a field added to AckSample must be set here
        // or in fillSample too (AckSampleRefillTest checks that no field keeps the previous ACK's value).
        final AckSample s = deliveryRate != null ? ackSample.nowNs(nowNs) : ackSample.reset(nowNs);
        final long sackedNow = tx.loss.sacked.isEmpty() ? 0 : tx.loss.sacked.sackedBytes();
        final long flightAfter = Math.max(Seq.diff(tx.sndMax, tx.sndUna) - sackedNow, 0);
        final int unsent = tx.sendRing == null ? 0 : Seq.diff(tx.sndBufSeq + tx.sendRing.size(), tx.sndNxt);
        return s.ackedBytes(acked)
                .sackedBytes(newlySacked)
                .duplicate(duplicate)
                .rttNs(rttNs)
                .srttNs(tx.rtt.srttNs())
                .minRttNs(tx.rtt.minRttNs())
                .bytesInFlightBefore(flightBefore)
                .bytesInFlightAfter(flightAfter)
                // RFC 7661: nothing waited to be sent and the windows were not full.
                .appLimited(unsent <= 0 && flightBefore < Math.min(tx.cc.cwnd(), (long) tx.sndWnd))
                .recoveryState(tx.loss.state())
                .recoveryRetransmittedBytes(holeBytes)
                .sackRecovery(t.sackOk);
    }

    /** The records learn of the cumulatively acknowledged bytes and fill the sample's delivery-rate fields. */
    private void sampleDelivery(AckSample s, long nowNs, int acked) {
        final DeliveryRateEstimator d = deliveryRate;
        final long minRttNs = tx.rtt.minRttNs();
        if (acked > 0) {
            final int fast = d.deliverOldestAndFill(s, tx.sndUna - acked, tx.sndUna, nowNs, minRttNs);
            if (fast >= 0) {
                if (fast > 0) {
                    lastDeliveryRate = s.deliveryRate();
                }
                return;
            }
            if (!d.deliverOldest(tx.sndUna - acked, tx.sndUna, nowNs)) {
                d.onDelivered(tx.sndUna - acked, tx.sndUna, nowNs);
            }
        }
        if (d.fillSample(s, nowNs, minRttNs)) {
            lastDeliveryRate = s.deliveryRate();
        }
    }

    /**
     * [seq, seq+len) is about to leave: the delivery-rate estimator
     * (draft-cheng-iccrg-delivery-rate-estimation) records it with RFC 6675's pipe as the flight,
     * if anything needs the records: the controller ({@link CongestionControl#readsDeliveryRate}),
     * SACK loss recovery (RACK's RTT, RFC 8985 §6.2, comes from them) or a tracer. Otherwise none
     * are kept, which saves about 30 ns a segment. The ring holds a record per (super-)segment in
     * flight, growing from {@link #DELIVERY_RECORDS} to {@link #DELIVERY_RECORDS_MAX}; a larger
     * flight merges the oldest, which coarsens samples but never miscounts delivered bytes.
     */
    void onSend(int seq, int len, long nowNs) {
        if (!tx.cc.readsDeliveryRate() && !t.sackOk && !tx.engine.tracerReadsAcks) {
            if (deliveryRate != null) {
                spare = deliveryRate;
                deliveryRate = null;
            }
            sentUnrecorded = true;
            return;
        }
        if (deliveryRate == null) {
            startRecords(nowNs);
        }
        deliveryRate.onSend(seq, len, nowNs, tx.loss.pipe());
    }

    /**
     * Records (again): with data sent unrecorded still in flight, it becomes one record sent now,
     * so that delivered bytes stay exact and the first samples measure from here.
     */
    private void startRecords(long nowNs) {
        if (spare != null) {
            deliveryRate = spare;
            spare = null;
            deliveryRate.reset();
        } else {
            deliveryRate = new DeliveryRateEstimator(DELIVERY_RECORDS, DELIVERY_RECORDS_MAX);
            deliveryRate.lossListener(this);
        }
        final int flight = Seq.diff(tx.sndMax, tx.sndUna);
        if (sentUnrecorded && flight > 0) {
            deliveryRate.onSend(tx.sndUna, flight, nowNs, 0);
        }
        sentUnrecorded = false;
    }

    /**
     * Loss recovery marked [start, end) lost (a hole about to be resent, or with {@code all} the
     * whole flight after a timeout): the delivery-rate records learn it (their lost bytes feed
     * BBR's loss rate).
     */
    void markLost(int start, int end, boolean all) {
        if (deliveryRate == null) {
            return;
        }
        if (all) {
            deliveryRate.onRetransmissionTimeout(start, end);
        } else {
            deliveryRate.onLost(start, end);
        }
    }

    /** A segment's record was newly marked lost: the controller hears of it, with its send-time snapshot. */
    @Override
    public void onRecordLost(long bytes, long txInFlight, long lostSinceSent, boolean appLimited) {
        tx.cc.onSegmentLost(tx.now(), bytes, txInFlight, lostSinceSent, appLimited);
    }

    /**
     * The ACK's SACK blocks within the flight reach the delivery-rate records; bytes they already
     * counted are not counted again, so a block repeated by later ACKs is harmless.
     */
    void sackDelivered(TcpOptions opts, long nowNs) {
        for (int b = 0; b < opts.sackBlockCount(); b++) {
            final int left = Seq.max(opts.sackLeft(b), tx.sndUna);
            final int right = Seq.min(opts.sackRight(b), tx.sndMax);
            if (Seq.lt(left, right)) {
                deliveryRate.onDelivered(left, right, nowNs);
            }
        }
    }

    /** A flush ended: with nothing left to send, the records learn whether the window was the limit. */
    void afterSendData() {
        if (deliveryRate != null && !tx.hasUnsent()) {
            final long pipe = tx.loss.pipe();
            if (pipe < tx.cc.cwnd()) {
                // draft-cheng-iccrg-delivery-rate-estimation §3.3: the window was not the limit.
                deliveryRate.markAppLimited(pipe);
            }
        }
    }
}
