package com.example;

import io.jtcp.stack.cc.AckSample;
import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.cc.CongestionEvent;
import io.jtcp.stack.cc.RecoveryState;

/**
 * Additive increase, multiplicative decrease in whole segments: one MSS more per window of data
 * acknowledged, half the window on a loss, one MSS after a timeout. Slow start is left out on
 * purpose, so the sawtooth shows from the first RTT. Load it with
 * {@code JTCP_CLASSPATH=DIR ./jtcp serve --cc com.example.Aimd}.
 */
public final class Aimd implements CongestionControl {
    private int mss;
    private long cwnd;
    private long ssthresh = Long.MAX_VALUE;
    private long ackedInWindow;

    @Override
    public String name() {
        return "aimd";
    }

    @Override
    public void init(int mss, long nowNs) {
        this.mss = mss;
        this.cwnd = 4L * mss;
    }

    @Override
    public void onAck(AckSample ack) {
        if (ack.recoveryState() != RecoveryState.OPEN || ack.appLimited()) {
            return; // no growth while repairing a loss, nor for a window the sender did not use
        }
        ackedInWindow += ack.ackedBytes();
        if (ackedInWindow >= cwnd) {
            ackedInWindow -= cwnd;
            cwnd += mss; // additive increase: one segment per round trip
        }
    }

    @Override
    public void onCongestionEvent(CongestionEvent kind, long nowNs, long bytesInFlight, int segmentsLeft) {
        ssthresh = Math.max(cwnd / 2, 2L * mss); // multiplicative decrease, once per episode
        cwnd = kind == CongestionEvent.RTO ? mss : ssthresh;
        ackedInWindow = 0;
    }

    @Override
    public void onMssChange(int mss) {
        this.mss = mss;
    }

    @Override
    public long cwnd() {
        return Math.max(cwnd, mss);
    }

    @Override
    public long ssthresh() {
        return ssthresh;
    }

    @Override
    public String phase() {
        return "aimd";
    }
}
