package io.jtcp.bench;

import io.jtcp.stack.cc.AckSample;
import io.jtcp.stack.cc.Bbr;
import io.jtcp.stack.cc.CongestionEvent;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One ACK through BBR ({@link Bbr#onAck}), on a synthetic 100 Mbit/s, 100 ms path whose every
 * ACK carries the path's rate as its delivery-rate sample, with a fast-recovery episode every
 * 97 ACKs so that the loss paths run too. Run with {@code -prof gc} to see it allocates nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
public class BbrBenchmark {
    private static final int MSS = 1448;
    private static final long RATE = 12_500_000;
    private static final long RTT = 100_000_000L;

    private final AckSample sample = new AckSample();
    private Bbr bbr;
    private long now;
    private long delivered;
    private long lost;
    private int acks;

    @Setup
    public void setUp() {
        bbr = new Bbr();
        bbr.init(MSS, 0);
    }

    @Benchmark
    public long onAck() {
        now += MSS * 1_000_000_000L / RATE;
        delivered += MSS;
        boolean loss = ++acks % 97 == 0;
        if (loss) {
            lost += MSS;
            bbr.onCongestionEvent(CongestionEvent.FAST_RECOVERY, now, bbr.cwnd(), 3);
        } else if (acks % 97 == 50) {
            bbr.onRecoveryEnd(now);
        }
        long bdp = RATE * RTT / 1_000_000_000L;
        long flight = Math.max(MSS, Math.min(bbr.cwnd(), (long) ((double) bbr.pacingRate() * RTT / 1e9)));
        sample.reset(now).ackedBytes(MSS).rttNs(RTT).srttNs(RTT).minRttNs(RTT);
        sample.bytesInFlightBefore(flight).bytesInFlightAfter(flight - MSS);
        sample.deliveryRate(RATE).delivered(bdp).intervalNs(RTT).totalDelivered(delivered);
        sample.priorDelivered(Math.max(0, delivered - flight)).txInFlight(flight);
        sample.newlyLostBytes(loss ? MSS : 0).totalLostBytes(lost);
        bbr.onAck(sample);
        return bbr.cwnd() + bbr.pacingRate();
    }
}
