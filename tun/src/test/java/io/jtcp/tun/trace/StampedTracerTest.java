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
}
