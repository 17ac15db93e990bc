package io.jtcp.tun.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.StackTracer;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpState;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class StampedTracerTest {
    private static final class Recorder implements StackTracer {
        final List<Long> times = new ArrayList<>();

        @Override
        public void onPacket(long nowNs, boolean inbound, DirectBuffer buffer, int offset, int length) {
            times.add(nowNs);
        }

        @Override
        public void onStateChange(long nowNs, TcpConnection connection, TcpState from, TcpState to) {
            times.add(nowNs);
        }

        @Override
        public void onDrop(long nowNs, DropReason reason, DirectBuffer buffer, int offset, int length) {
            times.add(nowNs);
        }
    }

    /**
     * A loop cycle's events (one engine time for all) and an event from another thread carrying an
     * earlier time: each gets its own time, in the order they happened, never going backwards.
     */
    @Test
    void shouldGiveEveryEventItsOwnIncreasingTime() {
        Recorder r = new Recorder();
        long[] wall = {1_000};
        StackTracer t = new StampedTracer(r, () -> wall[0]);
        UnsafeBuffer b = Packets.syn();
        t.onPacket(1_000, true, b, 0, b.capacity()); // the SYN in
        wall[0] = 1_300;
        t.onStateChange(1_000, null, TcpState.LISTEN, TcpState.SYN_RECEIVED);
        t.onPacket(1_000, false, b, 0, b.capacity()); // the SYN-ACK out, same cycle and clock
        t.onDrop(900, DropReason.values()[0], b, 0, b.capacity()); // raised with an older time
        wall[0] = 5_000;
        t.onPacket(4_000, true, b, 0, b.capacity()); // the engine's time is behind the clock
        t.onPacket(9_000, true, b, 0, b.capacity()); // ... or ahead of it: never earlier than the engine
        assertEquals(List.of(1_000L, 1_300L, 1_301L, 1_302L, 5_000L, 9_000L), r.times);
    }

    /**
     * Several loop threads (one per queue) on one tracer: the delegate, itself unsynchronised,
     * gets every event, one at a time and in the order of their times (the lock covers stamp and
     * write, so a thread stamped earlier cannot write later).
     */
    @Test
    void shouldKeepEventsInTimeOrderAcrossLoopThreads() throws Exception {
        Recorder r = new Recorder();
        StackTracer t = StampedTracer.of(r);
        UnsafeBuffer b = Packets.syn();
        final int threads = 4;
        final int events = 20_000;
        Thread[] loops = new Thread[threads];
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        for (int i = 0; i < threads; i++) {
            loops[i] = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int k = 0; k < events; k++) {
                    t.onPacket(0, k % 2 == 0, b, 0, b.capacity());
                }
            });
            loops[i].start();
        }
        go.countDown();
        for (Thread l : loops) {
            l.join(30_000);
        }
        assertEquals(threads * events, r.times.size());
        for (int i = 1; i < r.times.size(); i++) {
            if (r.times.get(i) <= r.times.get(i - 1)) {
                throw new AssertionError("event " + i + " at " + r.times.get(i) + " after " + r.times.get(i - 1));
            }
        }
    }
}
