package io.jtcp.stack.cc;

import java.util.function.LongSupplier;

/**
 * Drives a {@link CongestionControl} with a synthetic ACK stream, as gVisor's {@code cubic_test.go}
 * does: {@link #round()} delivers one RTT of ACKs for the window as it stood at the round's start,
 * evenly spaced over the RTT, each with an RTT sample and a delivery-rate sample whose
 * {@code priorDelivered} is what had been delivered when the segment it ACKs was sent (the ACK at
 * the same place in the previous round: an ACK-clocked sender).
 */
final class AckStream {
    final CongestionControl cc;
    final int mss;
    final AckSample sample = new AckSample();
    long nowNs;
    long rttNs = 100_000_000L;
    /** The RTT each ACK reports; the fixed {@link #rttNs} unless a test varies it. */
    LongSupplier rttSample = () -> rttNs;
    /** Bytes each ACK acknowledges (one MSS; two for delayed ACKs). */
    long ackBytes;

    boolean fillDelivered = true;
    boolean appLimited;
    RecoveryState state = RecoveryState.OPEN;
    long totalDelivered;
    long acks;
    private long[] previousRound = new long[0];

    AckStream(CongestionControl cc, int mss) {
        this.cc = cc;
        this.mss = mss;
        this.ackBytes = mss;
        this.nowNs = 1_000_000_000L;
        cc.init(mss, nowNs);
    }

    /** One RTT of ACKs for the window at its start; returns the window after it. */
    long round() {
        long window = cc.cwnd();
        int n = (int) Math.max(1, (window + ackBytes - 1) / ackBytes);
        long[] current = new long[n];
        long step = Math.max(1, rttNs / n);
        long left = window;
        for (int i = 0; i < n; i++) {
            long bytes = Math.min(ackBytes, left);
            left -= bytes;
            nowNs += step;
            long prior = previousRound.length == 0 ? 0 : previousRound[(int) ((long) i * previousRound.length / n)];
            ack(bytes, prior);
            current[i] = totalDelivered;
        }
        previousRound = current;
        return cc.cwnd();
    }

    long rounds(int count) {
        for (int i = 0; i < count; i++) {
            round();
        }
        return cc.cwnd();
    }

    /** Slow-start rounds until the window reaches {@code bytes} (bounded). */
    long growTo(long bytes) {
        for (int i = 0; i < 200 && cc.cwnd() < bytes; i++) {
            round();
        }
        return cc.cwnd();
    }

    /** One ACK of {@code bytes} now. */
    void ack(long bytes, long priorDelivered) {
        totalDelivered += bytes;
        acks++;
        long rtt = rttSample.getAsLong();
        sample.reset(nowNs)
                .ackedBytes(bytes)
                .rttNs(rtt)
                .srttNs(rttNs)
                .minRttNs(rttNs)
                .bytesInFlightBefore(cc.cwnd())
                .bytesInFlightAfter(Math.max(0, cc.cwnd() - bytes))
                .appLimited(appLimited)
                .recoveryState(state);
        if (fillDelivered) {
            sample.totalDelivered(totalDelivered).priorDelivered(priorDelivered);
        }
        cc.onAck(sample);
    }

    /** A whole fast-recovery episode: the event, one RTT of ACKs in recovery, the end. */
    void lossEpisode() {
        cc.onCongestionEvent(CongestionEvent.FAST_RECOVERY, nowNs, cc.cwnd(), 3);
        state = RecoveryState.RECOVERY;
        round();
        state = RecoveryState.OPEN;
        cc.onRecoveryEnd(nowNs);
    }

    void advance(long ns) {
        nowNs += ns;
    }
}
