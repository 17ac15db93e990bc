package io.jtcp.bench;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.PacketSink;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One direction of an in-memory link between two engines for the connection benchmarks: a fixed
 * ring of packet slots, so carrying a packet allocates nothing.
 */
final class MemoryLink implements PacketSink {
    private static final int SLOTS = 64;

    private final UnsafeBuffer[] slots = new UnsafeBuffer[SLOTS];
    private final int[] lengths = new int[SLOTS];
    private int head;
    private int tail;

    MemoryLink() {
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = new UnsafeBuffer(new byte[2048]);
        }
    }

    @Override
    public void transmit(DirectBuffer buffer, int offset, int length) {
        final int i = tail++ & (SLOTS - 1);
        slots[i].putBytes(0, buffer, offset, length);
        lengths[i] = length;
    }

    /** Hands every queued packet to {@code to}; returns how many. */
    int drainInto(NetworkStack to, long nowNs) {
        int n = 0;
        while (head != tail) {
            final int i = head++ & (SLOTS - 1);
            to.onPacket(nowNs, slots[i], 0, lengths[i]);
            n++;
        }
        return n;
    }
}
