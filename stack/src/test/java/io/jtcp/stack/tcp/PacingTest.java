package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Seg.data;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jtcp.stack.DeviceCapabilities;
import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.PacketSink;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.cc.AckSample;
import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.cc.CongestionEvent;
import io.jtcp.stack.harness.BulkApp;
import io.jtcp.stack.harness.Packet;
import io.jtcp.stack.harness.Pair;
import io.jtcp.stack.harness.TcpScript;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Pacing in the engine (issue #10): when the controller names a pacing rate, segments leave spaced
 * at it (len·10⁹/rate ns apart) through a pacing deadline like any other timer, and with TSO the
 * super-segments carry about 1 ms of data at that rate (as Linux's tcp_tso_autosize). Rate 0 keeps
 * the unpaced behaviour (CongestionGoldenTest guards that).
 */
class PacingTest {
    private static final long MS = 1_000_000L;

    /** A large fixed window and a fixed pacing rate: only pacing limits the sender. */
    static final class FixedRate implements CongestionControl {
        private final long rate;
        private long cwnd;

        FixedRate(long bytesPerSecond) {
            this.rate = bytesPerSecond;
        }

        @Override
        public String name() {
            return "fixed-rate";
        }

        @Override
        public void init(int mss, long nowNs) {
            cwnd = 1000L * mss;
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

        @Override
        public long pacingRate() {
            return rate;
        }
    }

    private static CongestionControl.Factory fixedRate(long rate) {
        return new CongestionControl.Factory() {
            @Override
            public String name() {
                return "fixed-rate";
            }

            @Override
            public CongestionControl create() {
                return new FixedRate(rate);
            }
        };
    }

    @Test
    void shouldSpaceSegmentsAtPacingRateWhenControllerPaces() {
        // 1 460 000 B/s: one 1460-byte segment per millisecond.
        TcpScript s = new TcpScript(c -> c.congestionControl(fixedRate(1_460_000))).establishedPassive();
        int mss = s.conn().sendMss();
        s.checkEquals(1460, mss, "MSS");
        s.write(8 * mss);
        long start = s.now();
        s.expect(data(mss).seq(1).ack(1)); // the first leaves at once
        for (int i = 1; i < 8; i++) {
            s.expectAt(start + i * MS, data(mss).seq(1 + i * mss).ack(1));
        }
        s.expectNothing();
    }

    @Test
    void shouldSendUnpacedBurstWhenRateIsZero() {
        TcpScript s = new TcpScript(c -> c.congestionControl(fixedRate(0))).establishedPassive();
        int mss = s.conn().sendMss();
        s.write(8 * mss);
        for (int i = 0; i < 8; i++) {
            s.expect(data(mss).seq(1 + i * mss).ack(1)); // all at once, within the window
        }
        s.expectNothing();
    }

    @Test
    void shouldSizeSuperSegmentsToOneMillisecondWhenPacedWithTso() {
        // 14.6 MB/s: 1 ms is 14 600 bytes, ten segments of 1460; the TSO limit (60 000) is larger.
        List<long[]> sent = new ArrayList<>(); // {time, payload bytes} of each data super-segment
        ArrayDeque<byte[]> toA = new ArrayDeque<>();
        ArrayDeque<byte[]> toB = new ArrayDeque<>();
        long[] now = {TcpScript.T0};
        PacketSink aSink = new PacketSink() {
            @Override
            public void transmit(DirectBuffer buf, int off, int len) {
                byte[] copy = new byte[len];
                buf.getBytes(off, copy);
                Packet p = new Packet(copy);
                if (p.len() > 0) {
                    sent.add(new long[] {now[0], p.len()});
                }
                toB.add(copy);
            }

            @Override
            public void transmitOffload(DirectBuffer buf, int off, int len, int segmentBytes, boolean partial) {
                byte[] copy = new byte[len];
                buf.getBytes(off, copy);
                sent.add(new long[] {now[0], new Packet(copy).len()});
                toB.addAll(EngineSmokeTest.cut(copy, segmentBytes));
            }
        };
        StackConfig ca = new StackConfig()
                .localAddr(Pair.A_ADDR)
                .isnSecret(new byte[16])
                .timestamps(false) // the whole MSS is payload: 1 ms is exactly ten segments
                .congestionControl(fixedRate(14_600_000));
        StackConfig cb = new StackConfig().localAddr(Pair.B_ADDR).isnSecret(new byte[16]);
        NetworkStack a = new NetworkStack(ca, new DeviceCapabilities(60_000, false), aSink);
        NetworkStack b = new NetworkStack(cb, (buf, off, len) -> {
            byte[] copy = new byte[len];
            buf.getBytes(off, copy);
            toA.add(copy);
        });
        BulkApp sender = new BulkApp(40 * 1460, 1);
        BulkApp receiver = new BulkApp(0, 2);
        b.listen(5001, c -> receiver);
        a.connect(now[0], Pair.B_ADDR, 5001, sender);
        UnsafeBuffer rx = new UnsafeBuffer(new byte[65_536]);
        for (int step = 0; step < 100_000 && !receiver.eof(); step++) {
            a.flush(now[0]);
            b.flush(now[0]);
            if (toA.isEmpty() && toB.isEmpty()) {
                now[0] = Math.max(now[0], Math.min(a.nextDeadlineNs(), b.nextDeadlineNs()));
            } else {
                now[0] += 10_000; // 10 µs per delivery round: the pacing, not the link, spaces segments
            }
            for (byte[] p; (p = toB.poll()) != null; ) {
                rx.putBytes(0, p);
                b.onPacket(now[0], rx, 0, p.length);
            }
            for (byte[] p; (p = toA.poll()) != null; ) {
                rx.putBytes(0, p);
                a.onPacket(now[0], rx, 0, p.length);
            }
            a.onTimeout(now[0]);
            b.onTimeout(now[0]);
        }
        assertEquals(sender.sentSha256(), receiver.receivedSha256(), "SHA-256 A→B");
        assertEquals(4, sent.size(), "40 segments in super-segments of ten: " + describe(sent));
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(14_600, sent.get(i)[1], "super-segment " + i + " carries 1 ms at the rate");
            if (i > 0) {
                assertEquals(MS, sent.get(i)[0] - sent.get(i - 1)[0], "spaced 14 600 B / 14.6 MB/s = 1 ms apart");
            }
        }
    }

    private static String describe(List<long[]> sent) {
        StringBuilder sb = new StringBuilder();
        for (long[] s : sent) {
            sb.append(String.format("%+.3f ms %d B; ", (s[0] - sent.get(0)[0]) / 1e6, s[1]));
        }
        return sb.toString();
    }
}
