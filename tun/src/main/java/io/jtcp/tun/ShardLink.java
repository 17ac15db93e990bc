package io.jtcp.tun;

import java.nio.ByteBuffer;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * One shard's end of the hand-off between the loops of a multi-queue device: what this loop read
 * that another shard owns goes into the owner's inbox (a bounded lock-free many-to-one ring of
 * whole packets, as read from the device), and this loop drains its own inbox every cycle. A full
 * inbox drops the packet and counts it (TCP resends it); nothing blocks and nothing grows. The
 * owner is woken once per cycle that handed it anything, not once per packet.
 *
 * <p>Counters are written by this loop's thread only; other threads may read them racily.
 */
public final class ShardLink {
    /** The message type of a packet as read from the device (with its virtio-net header, if any). */
    static final int AS_READ = 1;

    private final int self;
    private final FlowSteering steering;
    private final ManyToOneRingBuffer[] inboxes;
    private final Runnable[] wakers;
    private final boolean[] wake;
    private final int ipOffset;

    /** Packets this loop read and handed to their owner. */
    public long handedOff;

    /** Packets handed to this shard by the others and processed here. */
    public long handedIn;

    /** Packets dropped because their owner's inbox was full. */
    public long handoffDrops;

    /** {@code wakers[i]} wakes shard {@code i}'s loop (its eventfd). */
    ShardLink(int self, FlowSteering steering, ManyToOneRingBuffer[] inboxes, Runnable[] wakers, boolean vnet) {
        this.self = self;
        this.steering = steering;
        this.inboxes = inboxes;
        this.wakers = wakers;
        this.wake = new boolean[inboxes.length];
        this.ipOffset = vnet ? VnetHeader.LENGTH : 0;
    }

    /** One inbox per shard, each {@code bytes} (a power of two) of direct memory. */
    static ManyToOneRingBuffer[] inboxes(int shards, int bytes) {
        ManyToOneRingBuffer[] rings = new ManyToOneRingBuffer[shards];
        for (int i = 0; i < shards; i++) {
            ByteBuffer memory = BufferUtil.allocateDirectAligned(bytes + RingBufferDescriptor.TRAILER_LENGTH, 64);
            rings[i] = new ManyToOneRingBuffer(new UnsafeBuffer(memory));
        }
        return rings;
    }

    /** This shard's index, which is its device queue's. */
    public int shard() {
        return self;
    }

    public int shards() {
        return inboxes.length;
    }

    /**
     * Hands the packet of {@code length} bytes at {@code offset} (as read) to its owner when that is
     * another shard.
     *
     * @return true when the packet is no longer this loop's business (handed off, or dropped at a
     *     full inbox)
     */
    boolean handOff(DirectBuffer buffer, int offset, int length) {
        if (length <= ipOffset) {
            return false;
        }
        final int owner = steering.ownerOf(buffer, offset + ipOffset, length - ipOffset);
        if (owner == FlowSteering.ANY || owner == self) {
            return false;
        }
        if (inboxes[owner].write(AS_READ, buffer, offset, length)) {
            handedOff++;
            wake[owner] = true;
        } else {
            handoffDrops++;
        }
        return true;
    }

    /** Wakes every shard handed something since the last call (one eventfd write each). */
    void wakeOwners() {
        for (int i = 0; i < wake.length; i++) {
            if (wake[i]) {
                wake[i] = false;
                wakers[i].run();
            }
        }
    }

    /** Processes up to {@code limit} packets from this shard's inbox; returns how many. */
    int drain(MessageHandler handler, int limit) {
        final int n = inboxes[self].read(handler, limit);
        handedIn += n;
        return n;
    }

    /** True while packets wait in this shard's inbox. */
    boolean pending() {
        return inboxes[self].size() > 0;
    }
}
