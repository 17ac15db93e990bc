package io.jtcp.stack.fault;

import io.jtcp.stack.PacketSink;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A seeded, sans-I/O packet impairer for one direction of a link, in the manner of Linux's netem:
 * each packet offered is dropped, corrupted (one bit flipped), duplicated, delayed (with jitter)
 * or reordered with the configured probabilities, then released to a {@link PacketSink} when its
 * time comes. Time is only what the caller passes in, so the same seed and the same inputs give
 * the same faults, run after run.
 *
 * <p>Reordering follows netem: a reordered packet skips the delay and overtakes those waiting.
 * Without a delay there is nothing to overtake, so a reordered packet is instead held back until
 * the next packet has gone (a swap), or until {@link #HOLD_NS} passes.
 *
 * <p>With a rate ({@code rate=200mbit,queue=64k}) the link is also a bottleneck, as tc's tbf on
 * a device: after the random loss, each packet waits its turn behind those accepted before it and
 * takes its serialization time at the rate; when the bytes still waiting (the one being
 * serialized included) plus its own would exceed the queue, it is dropped at the tail and
 * counted ({@link #queueDropped()}). The delay (and jitter) start when it has left the
 * bottleneck; a reordered packet skips the delay, not the bottleneck.
 *
 * <p>Storage is a fixed pool of {@code limit} packet slots and a heap over them: no allocation
 * per packet. A packet that finds the pool full is dropped and counted, as netem's limit does.
 */
public final class FaultInjector {
    /** How long a packet held back for reordering without a delay waits for a successor. */
    public static final long HOLD_NS = 1_000_000L;

    private final FaultSpec spec;
    private final SplittableRandom random;
    private final UnsafeBuffer[] slots;
    private final int[] lengths;
    private final long[] releaseNs;
    private final long[] order; // FIFO tie-break among equal release times
    private final int[] heap; // slot indices, min-heap by (releaseNs, order)
    private int heapSize;
    private final int[] free;
    private int freeCount;
    private long sequence;
    private int heldSlot = -1; // reordered without delay: waits for the next packet

    private long offered;
    private long released;
    private long dropped;
    private long duplicated;
    private long reordered;
    private long corrupted;
    private long overflowed;
    // ---- rate limit (issue #10) ----
    private boolean bottleneckBusy; // freeAtNs is meaningful
    private long freeAtNs; // when the bottleneck has serialized every packet accepted so far
    private long queueDropped;

    public FaultInjector(FaultSpec spec, int maxPacketBytes) {
        this.spec = spec;
        this.random = new SplittableRandom(spec.seed);
        final int n = spec.limitPackets;
        slots = new UnsafeBuffer[n];
        lengths = new int[n];
        releaseNs = new long[n];
        order = new long[n];
        heap = new int[n];
        free = new int[n];
        for (int i = 0; i < n; i++) {
            // Direct memory: a device sink can hand a slot's address straight to write().
            slots[i] = new UnsafeBuffer(ByteBuffer.allocateDirect(maxPacketBytes));
            free[freeCount++] = n - 1 - i;
        }
    }

    public FaultSpec spec() {
        return spec;
    }

    /** Packets waiting for their release time. */
    public int queued() {
        return heapSize + (heldSlot >= 0 ? 1 : 0);
    }

    /** Takes a packet in and releases at once whatever is due (for a zero delay: the packet itself). */
    public void offer(long nowNs, DirectBuffer buffer, int offset, int length, PacketSink out) {
        offer(nowNs, buffer, offset, length);
        poll(nowNs, out);
    }

    /** Takes a packet into the impaired link at {@code nowNs}. */
    public void offer(long nowNs, DirectBuffer buffer, int offset, int length) {
        offered++;
        if (spec.lossProbability > 0 && random.nextDouble() < spec.lossProbability) {
            dropped++;
            return;
        }
        final int copies = spec.duplicateProbability > 0 && random.nextDouble() < spec.duplicateProbability ? 2 : 1;
        if (copies == 2) {
            duplicated++;
        }
        for (int c = 0; c < copies; c++) {
            long departsNs = nowNs;
            if (spec.rateBitsPerSec > 0) {
                // Wrap-safe: time is only ever compared as a difference.
                final long waitNs = bottleneckBusy && freeAtNs - nowNs > 0 ? freeAtNs - nowNs : 0;
                final long backlogBytes = (long) (waitNs * (spec.rateBitsPerSec / 8e9));
                if (backlogBytes + length > spec.queueBytes) {
                    queueDropped++;
                    continue;
                }
                departsNs = nowNs + waitNs + serializationNs(length);
            }
            final int slot = take(length);
            if (slot < 0) {
                overflowed++;
                continue;
            }
            if (spec.rateBitsPerSec > 0) {
                bottleneckBusy = true;
                freeAtNs = departsNs;
            }
            slots[slot].putBytes(0, buffer, offset, length);
            lengths[slot] = length;
            if (spec.corruptProbability > 0 && random.nextDouble() < spec.corruptProbability && length > 0) {
                corrupted++;
                final int at = random.nextInt(length);
                slots[slot].putByte(at, (byte) (slots[slot].getByte(at) ^ (1 << random.nextInt(8))));
            }
            final boolean reorder = spec.reorderProbability > 0 && random.nextDouble() < spec.reorderProbability;
            if (reorder) {
                reordered++;
            }
            if (spec.delayNs > 0) {
                long at = reorder ? departsNs : departsNs + spec.delayNs;
                if (!reorder && spec.jitterNs > 0) {
                    at += random.nextLong(2 * spec.jitterNs + 1) - spec.jitterNs;
                }
                schedule(slot, at);
            } else if (spec.rateBitsPerSec > 0) {
                schedule(slot, departsNs); // the bottleneck is FIFO: nothing to swap with
            } else if (reorder && heldSlot < 0) {
                heldSlot = slot; // swapped with whatever comes next
                releaseNs[slot] = nowNs + HOLD_NS;
            } else {
                schedule(slot, nowNs);
                if (heldSlot >= 0) {
                    schedule(heldSlot, nowNs); // after this one: ordered by arrival sequence
                    heldSlot = -1;
                }
            }
        }
    }

    /** Releases every packet due at {@code nowNs}, in release order, to {@code out}. */
    public void poll(long nowNs, PacketSink out) {
        if (heldSlot >= 0 && releaseNs[heldSlot] - nowNs <= 0) {
            final int h = heldSlot;
            heldSlot = -1;
            schedule(h, nowNs);
        }
        // Bounded by the pool size: each iteration frees one slot.
        for (int guard = slots.length; guard > 0 && heapSize > 0; guard--) {
            final int slot = heap[0];
            if (releaseNs[slot] - nowNs > 0) {
                break;
            }
            popMin();
            released++;
            out.transmit(slots[slot], 0, lengths[slot]);
            free[freeCount++] = slot;
        }
    }

    /** When the next packet is due, or {@link Long#MAX_VALUE} when none waits. */
    public long nextDeadlineNs() {
        long next = heapSize == 0 ? Long.MAX_VALUE : releaseNs[heap[0]];
        if (heldSlot >= 0 && releaseNs[heldSlot] < next) {
            next = releaseNs[heldSlot];
        }
        return next;
    }

    public long offered() {
        return offered;
    }

    public long released() {
        return released;
    }

    public long dropped() {
        return dropped;
    }

    public long duplicated() {
        return duplicated;
    }

    public long reordered() {
        return reordered;
    }

    public long corrupted() {
        return corrupted;
    }

    /** Packets dropped because all {@code limit} slots were taken (netem's queue limit). */
    public long overflowed() {
        return overflowed;
    }

    /** Packets dropped at the tail of the rate limit's full queue ({@code rate=}, {@code queue=}). */
    public long queueDropped() {
        return queueDropped;
    }

    /** How long {@code length} bytes take at the rate, rounded up: never faster than the rate. */
    private long serializationNs(int length) {
        return (length * 8L * 1_000_000_000L + spec.rateBitsPerSec - 1) / spec.rateBitsPerSec;
    }

    public String describe() {
        return "offered=" + offered + " released=" + released + " dropped=" + dropped + " duplicated=" + duplicated
                + " reordered=" + reordered + " corrupted=" + corrupted + " overflowed=" + overflowed
                + (spec.rateBitsPerSec > 0 ? " queue_dropped=" + queueDropped : "");
    }

    private int take(int length) {
        if (freeCount == 0 || length > slots[0].capacity()) {
            return -1;
        }
        return free[--freeCount];
    }

    private void schedule(int slot, long at) {
        releaseNs[slot] = at;
        order[slot] = sequence++;
        int i = heapSize++;
        while (i > 0) {
            final int parent = (i - 1) >>> 1;
            if (!before(slot, heap[parent])) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = slot;
    }

    private void popMin() {
        final int last = heap[--heapSize];
        int i = 0;
        final int half = heapSize >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            if (child + 1 < heapSize && before(heap[child + 1], heap[child])) {
                child++;
            }
            if (!before(heap[child], last)) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        if (heapSize > 0) {
            heap[i] = last;
        }
    }

    private boolean before(int a, int b) {
        final long d = releaseNs[a] - releaseNs[b];
        return d < 0 || d == 0 && order[a] < order[b];
    }
}
