package io.jtcp.tun;

import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * A second thread that only writes packets to the device, fed by the loop through a
 * single-producer ring of whole packets (Agrona's {@link OneToOneRingBuffer}, off-heap, written in
 * place).
 *
 * <p>Why: a TUN {@code write()} runs the kernel's receive path for the packet inside the call (for
 * TCP: its whole receive processing, ACK included), which took 86 % of the loop's time in a
 * download. On its own thread that work overlaps with the engine's, on the machine's other core.
 * The engine stays single-threaded: this thread sees bytes only, never the stack.
 *
 * <p>Backpressure: when the ring is full the loop waits for room (bounded, {@link #CLAIM_TIMEOUT_NS}),
 * as it would wait on a blocking write; it never drops a packet the ring can take.
 */
final class DeviceWriter {
    /** How long the loop waits for room before it drops a packet (the writer thread is stuck). */
    static final long CLAIM_TIMEOUT_NS = 1_000_000_000L;

    private static final int MESSAGE_TYPE = 1;
    private static final int READ_LIMIT = 64;
    private static final int SPINS_BEFORE_PARK = 200;
    /** A safety net only: the loop wakes a parked writer (commit, wakeIfSleeping). */
    private static final long PARK_NS = 100_000_000L;

    private final TunDevice device;
    private final OneToOneRingBuffer ring;
    private final MutableDirectBuffer ringBuffer;
    private final Thread thread;
    private final MessageHandler handler = this::onMessage;
    private volatile boolean running = true;
    private volatile boolean sleeping;
    private volatile long packets;
    private volatile long bytes;
    private volatile long claimTimeouts;
    private long fullWaits; // the loop's thread only

    DeviceWriter(TunDevice device, int capacity, int largestPacket, String threadName) {
        this.device = device;
        final UnsafeBuffer buffer =
                new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacity + RingBufferDescriptor.TRAILER_LENGTH, 64));
        this.ring = new OneToOneRingBuffer(buffer);
        if (ring.maxMsgLength() < largestPacket) {
            throw new IllegalArgumentException("a writer ring of " + capacity + " bytes cannot hold a packet of "
                    + largestPacket + " bytes (it takes up to capacity / 8)");
        }
        this.ringBuffer = ring.buffer();
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    MutableDirectBuffer buffer() {
        return ringBuffer;
    }

    /**
     * Claims room for a packet of {@code length} bytes: the index to write it at in {@link
     * #buffer()}, then {@link #commit}. Waits while the ring is full; -1 after {@link
     * #CLAIM_TIMEOUT_NS} or when stopped.
     */
    int claim(int length) {
        int index = ring.tryClaim(MESSAGE_TYPE, length);
        if (index >= 0) {
            return index;
        }
        fullWaits++;
        final long deadline = System.nanoTime() + CLAIM_TIMEOUT_NS;
        for (int spins = 0; index < 0; spins++) {
            if (!running || System.nanoTime() - deadline >= 0) {
                claimTimeouts++;
                return -1;
            }
            wakeIfSleeping();
            if (spins < SPINS_BEFORE_PARK) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
            index = ring.tryClaim(MESSAGE_TYPE, length);
        }
        return index;
    }

    void commit(int index) {
        ring.commit(index);
        if (sleeping) {
            LockSupport.unpark(thread);
        }
    }

    /**
     * Called by the loop before it sleeps: a writer that decided to park just as a packet was
     * committed is woken here (the fence orders the commit before the read of {@code sleeping}).
     */
    void wakeIfSleeping() {
        VarHandle.fullFence();
        if (sleeping) {
            LockSupport.unpark(thread);
        }
    }

    private void onMessage(int type, MutableDirectBuffer buffer, int index, int length) {
        if (device.write(buffer.addressOffset() + index, length)) {
            packets++;
            bytes += length;
        }
    }

    private void run() {
        int idle = 0;
        while (true) {
            final int n = ring.read(handler, READ_LIMIT);
            if (n > 0) {
                idle = 0;
                continue;
            }
            if (!running) {
                break; // stopped, and everything committed before stop() was written
            }
            if (++idle < SPINS_BEFORE_PARK) {
                Thread.onSpinWait();
                continue;
            }
            sleeping = true; // a volatile write: ordered before the re-check below
            if (ring.producerPosition() == ring.consumerPosition() && running) {
                LockSupport.parkNanos(PARK_NS);
            }
            sleeping = false;
            idle = 0;
        }
    }

    /** Writes what is queued, then stops the thread (waits up to {@code timeoutMs}). */
    void stop(long timeoutMs) {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(timeoutMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    long threadId() {
        return thread.getId();
    }

    long packets() {
        return packets;
    }

    long bytes() {
        return bytes;
    }

    /** Times the loop found the ring full and waited for room (read it on the loop's thread). */
    long fullWaits() {
        return fullWaits;
    }

    /** Packets dropped because the ring stayed full for {@link #CLAIM_TIMEOUT_NS}. */
    long claimTimeouts() {
        return claimTimeouts;
    }
}
