package io.jtcp.lab.sim;

import io.jtcp.stack.PacketSink;
import java.util.SplittableRandom;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One direction of the simulated path, in this order: a random-loss link (each packet lost with
 * probability {@code loss}, seeded, before it reaches the queue, so a lost packet takes no queue
 * space), then a bottleneck transmitter of {@code rateBitsPerSec} behind a drop-tail queue of
 * {@code queueBytes}, then {@code delayNs} of propagation. A rate of 0 is an uncongested link:
 * only the delay.
 *
 * <p>The queue holds the bytes accepted but not yet serialized, the packet on the wire included:
 * a packet is accepted when that backlog plus its own length fits in {@code queueBytes}, else it
 * is dropped and counted ({@link #queueDrops()}). Because the transmitter is FIFO and the delay
 * constant, packets arrive in the order they were accepted: a ring, not a heap. Serialization
 * times round up to the nanosecond, so the link never carries more than its rate.
 *
 * <p>Packet storage is a ring of reusable slots that doubles when full (at most a few times, while
 * the first windows grow): no allocation per packet in steady state.
 */
public final class LinkDirection {
    private final int maxPacketBytes;
    private final long rateBitsPerSec;
    private final long queueBytes;
    private final long delayNs;
    private final double loss;
    private final SplittableRandom random;

    private UnsafeBuffer[] slots;
    private int[] lengths;
    private long[] arriveNs;
    private int head;
    private int size;
    private long freeAtNs = Long.MIN_VALUE;
    private long lastSojournNs;

    private long offered;
    private long randomLosses;
    private long queueDrops;
    private long delivered;
    private long deliveredBytes;

    /**
     * @param rateBitsPerSec bottleneck rate, 0 for none
     * @param queueBytes drop-tail queue (at least one full-size packet is always accepted on an
     *     idle link: a smaller queue is raised to 1500 bytes)
     * @param delayNs one-way propagation delay
     * @param loss random-loss probability in [0, 1)
     * @param seed the loss process's seed
     * @param maxPacketBytes the largest packet offered (the engines' MTU)
     */
    public LinkDirection(
            long rateBitsPerSec, long queueBytes, long delayNs, double loss, long seed, int maxPacketBytes) {
        if (rateBitsPerSec < 0 || delayNs < 0 || !(loss >= 0 && loss < 1)) {
            throw new IllegalArgumentException(
                    "bad link: rate " + rateBitsPerSec + " delay " + delayNs + " loss " + loss);
        }
        this.rateBitsPerSec = rateBitsPerSec;
        this.queueBytes = Math.max(1500, queueBytes);
        this.delayNs = delayNs;
        this.loss = loss;
        this.random = new SplittableRandom(seed);
        this.maxPacketBytes = maxPacketBytes;
        allocate(64);
    }

    private void allocate(int capacity) {
        UnsafeBuffer[] s = new UnsafeBuffer[capacity];
        int[] l = new int[capacity];
        long[] a = new long[capacity];
        for (int i = 0; i < size; i++) {
            int from = (head + i) % slots.length;
            s[i] = slots[from];
            l[i] = lengths[from];
            a[i] = arriveNs[from];
        }
        for (int i = size; i < capacity; i++) {
            s[i] = new UnsafeBuffer(new byte[maxPacketBytes]);
        }
        slots = s;
        lengths = l;
        arriveNs = a;
        head = 0;
    }

    /**
     * Offers one packet at {@code nowNs}. Returns whether it was accepted (not lost, not dropped
     * at the queue); when it was, {@link #lastSojournNs()} is its wait plus serialization at the
     * bottleneck.
     */
    public boolean offer(long nowNs, DirectBuffer buffer, int offset, int length) {
        if (length > maxPacketBytes) {
            throw new IllegalArgumentException("packet of " + length + " bytes on a link of MTU " + maxPacketBytes);
        }
        offered++;
        if (loss > 0 && random.nextDouble() < loss) {
            randomLosses++;
            return false;
        }
        long departs = nowNs;
        if (rateBitsPerSec > 0) {
            final long start = Math.max(nowNs, freeAtNs);
            final long backlogBytes = (long) ((start - nowNs) * (rateBitsPerSec / 8e9));
            if (backlogBytes + length > queueBytes) {
                queueDrops++;
                return false;
            }
            final long serializeNs = (length * 8L * 1_000_000_000L + rateBitsPerSec - 1) / rateBitsPerSec;
            freeAtNs = start + serializeNs;
            departs = freeAtNs;
        }
        if (size == slots.length) {
            allocate(slots.length * 2);
        }
        final int tail = (head + size) % slots.length;
        slots[tail].putBytes(0, buffer, offset, length);
        lengths[tail] = length;
        arriveNs[tail] = departs + delayNs;
        size++;
        lastSojournNs = departs - nowNs;
        return true;
    }

    /** The bottleneck wait plus serialization of the packet {@link #offer} last accepted. */
    public long lastSojournNs() {
        return lastSojournNs;
    }

    /** Hands every packet that has arrived by {@code nowNs} to {@code out}, in order. */
    public void poll(long nowNs, PacketSink out) {
        while (size > 0 && arriveNs[head] <= nowNs) {
            final int slot = head;
            delivered++;
            deliveredBytes += lengths[slot];
            // The slot stays taken during the call: an offer made from inside it cannot reuse it.
            out.transmit(slots[slot], 0, lengths[slot]);
            head = (head + 1) % slots.length;
            size--;
        }
    }

    /** When the next packet arrives at the far end, or {@link Long#MAX_VALUE}. */
    public long nextArrivalNs() {
        return size == 0 ? Long.MAX_VALUE : arriveNs[head];
    }

    /** Packets on the link (queued, on the wire or propagating). */
    public int inFlight() {
        return size;
    }

    public long offered() {
        return offered;
    }

    public long randomLosses() {
        return randomLosses;
    }

    /** Packets the full drop-tail queue refused. */
    public long queueDrops() {
        return queueDrops;
    }

    public long delivered() {
        return delivered;
    }

    public long deliveredBytes() {
        return deliveredBytes;
    }

    public long queueBytes() {
        return queueBytes;
    }
}
