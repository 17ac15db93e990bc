package io.jtcp.stack.cc;

/** A researcher's controller, loaded by class name in {@link CongestionControlsTest}. */
public final class FixedWindowController implements CongestionControl {
    private long cwnd;

    @Override
    public String name() {
        return "fixed";
    }

    @Override
    public void init(int mss, long nowNs) {
        cwnd = 64L * mss;
    }

    @Override
    public void onAck(AckSample ack) {}

    @Override
    public void onCongestionEvent(CongestionEvent kind, long nowNs, long bytesInFlight, int segmentsLeft) {}

    @Override
    public long cwnd() {
        return cwnd;
    }

    @Override
    public long ssthresh() {
        return Long.MAX_VALUE;
    }
}
