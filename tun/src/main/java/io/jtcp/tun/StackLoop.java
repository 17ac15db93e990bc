package io.jtcp.tun;

import io.jtcp.stack.PacketSink;
import io.jtcp.stack.StackTracer;
import io.jtcp.stack.fault.FaultInjector;
import io.jtcp.stack.wire.TcpSegmenter;
import io.jtcp.tun.trace.LostPacketTracer;
import java.nio.ByteOrder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The event loop: one thread owns the engine and reads the device (writes go through {@link
 * DeviceSink}, by default to a second thread that only writes). Each cycle takes {@code nowNs} once,
 * runs tasks handed in by other threads, reads packets until EAGAIN (at most {@link
 * #READ_BUDGET}), fires timers, flushes output, and then sleeps in {@code ppoll()} until the next
 * deadline, a packet, or a wake-up through an eventfd.
 *
 * <p>Reading until EAGAIN every cycle matters: the kernel's queue towards the device is finite and
 * overflows (drops) when not drained. The budget only keeps timers and tasks from
 * starving under a flood. The steady state allocates nothing: one direct receive buffer, one
 * reused pollfd array and timespec.
 */
public final class StackLoop implements AutoCloseable {
    /** Packets read per cycle before timers and output get their turn. */
    public static final int READ_BUDGET = 64;

    /** How long a stopping loop lets FIN handshakes finish before it resets the rest. */
    public static final long SHUTDOWN_GRACE_NS = 2_000_000_000L;

    private static final int POLLFD_SIZE = 8;

    /** Cycles in a row that fail before the loop gives up: a state no cycle can get out of. */
    static final int MAX_CONSECUTIVE_FAILURES = 1000;

    private static final long REPORT_INTERVAL_NS = 1_000_000_000L;

    private final TunDevice device;
    private final DeviceSink sink;
    private final Engine engine;
    private final UnsafeBuffer rx;
    private final int rxCapacity;
    private final boolean vnet;
    private final UnsafeBuffer pollFds = new UnsafeBuffer(BufferUtil.allocateDirectAligned(2 * POLLFD_SIZE, 64));
    private final UnsafeBuffer timespec = new UnsafeBuffer(BufferUtil.allocateDirectAligned(16, 64));
    private final UnsafeBuffer eventBuf = new UnsafeBuffer(BufferUtil.allocateDirectAligned(8, 64));
    private final UnsafeBuffer wakeBuf = new UnsafeBuffer(BufferUtil.allocateDirectAligned(8, 64));
    private final ManyToOneConcurrentLinkedQueue<Runnable> tasks = new ManyToOneConcurrentLinkedQueue<>();
    private final int eventFd;
    private final Object eventFdLock = new Object();
    private boolean eventFdClosed; // under eventFdLock
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile boolean running = true;
    private volatile Thread thread;
    private volatile boolean started;
    private volatile boolean failed;
    private FaultInjector inboundFaults;
    private TcpSegmenter inboundCut;
    private long cycleNowNs;
    private final PacketSink toEngine = this::deliverToEngine;
    private final PacketSink toInbound = this::deliverInbound;
    private final org.agrona.concurrent.MessageHandler fromOtherShard =
            (type, buffer, index, length) -> onRead(cycleNowNs, buffer, index, length);
    private ShardLink shard;
    private long cycles;
    private long packetsIn;
    private long errors;
    private int consecutiveFailures;
    private long lastReportNs;
    private long unreported;
    private boolean pressureReported;
    private long pressureCheckNs;

    /**
     * @param engineFactory builds the engine around the sink that writes to this device (the
     *     stack takes its sink at construction)
     */
    public StackLoop(TunDevice device, Function<DeviceSink, Engine> engineFactory) {
        this.device = device;
        this.sink = new DeviceSink(device);
        // Room for a 64 KiB super-segment after a virtio-net header.
        this.rx = new UnsafeBuffer(BufferUtil.allocateDirectAligned(65_536 + 64, 64));
        this.rxCapacity = rx.capacity();
        this.vnet = device.vnetHeader();
        this.eventFd = LibC.eventfd(0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC);
        if (eventFd < 0) {
            throw new TunException("eventfd failed: " + LibC.describe(LibC.errno()));
        }
        try {
            this.engine = engineFactory.apply(sink);
        } catch (RuntimeException | Error e) {
            LibC.close(eventFd);
            throw e;
        }
        wakeBuf.putLong(0, 1L, ByteOrder.nativeOrder());
    }

    /**
     * Impairs packets at the device boundary (null: none). Call before {@link #start}: the loop
     * thread owns the injectors afterwards. With offloads the super-segments are cut in software
     * first ({@link #segmentInSoftware}), so faults act per wire packet.
     */
    public StackLoop faults(FaultInjector inbound, FaultInjector outbound) {
        if (vnet && (inbound != null || outbound != null)) {
            segmentInSoftware();
        }
        this.inboundFaults = inbound;
        sink.faults(outbound);
        return this;
    }

    /**
     * With offloads, cuts super-segments at the MSS and completes partial checksums in software,
     * both ways: the kernel's GRO'd packets before the inbound fault injector and the engine, the
     * engine's TSO super-segments before the tracer, the outbound injector and the device. For
     * faults, pcap and trace, which must see wire packets; the fast path never calls it. Call
     * before {@link #start}. Without offloads there is nothing to cut and it does nothing.
     */
    public StackLoop segmentInSoftware() {
        if (vnet && inboundCut == null) {
            inboundCut = new TcpSegmenter();
            sink.segmentInSoftware();
        }
        return this;
    }

    /** The inbound software cut, or null on the fast path. */
    public TcpSegmenter inboundSegmenter() {
        return inboundCut;
    }

    public FaultInjector inboundFaults() {
        return inboundFaults;
    }

    public TunDevice device() {
        return device;
    }

    public DeviceSink sink() {
        return sink;
    }

    /** Starts the loop on a new thread (non-daemon, so a CLI stays alive while it runs). */
    public StackLoop start(String threadName) {
        started = true;
        Thread t = new Thread(this::run, threadName);
        t.start();
        return this;
    }

    /** Runs the loop on the calling thread until {@link #close()}. */
    public void run() {
        started = true;
        thread = Thread.currentThread();
        try {
            boolean draining = false;
            long graceDeadlineNs = 0;
            while (true) {
                final long nowNs = System.nanoTime();
                if (!running && !draining) {
                    if (failed) {
                        break; // the device is gone: no FIN can reach anyone
                    }
                    // Graceful shutdown: FIN to everyone, then a short grace for the handshakes
                    // to finish; shutdown() resets whatever is left.
                    draining = true;
                    graceDeadlineNs = nowNs + SHUTDOWN_GRACE_NS;
                    engine.closeGracefully(nowNs);
                }
                if (draining && (engine.openConnections() == 0 || nowNs - graceDeadlineNs >= 0 || failed)) {
                    break;
                }
                cycleNowNs = nowNs;
                sink.nowNs(nowNs);
                cycles++;
                boolean busy = false;
                try {
                    busy = runTasks() > 0;
                    if (shard != null) {
                        // Before the device: what other shards read for us came first, and a flow
                        // the kernel has just moved to our queue keeps its order.
                        busy |= shard.drain(fromOtherShard, READ_BUDGET) == READ_BUDGET;
                    }
                    int packets = 0;
                    while (packets < READ_BUDGET) {
                        int n = device.read(rx.addressOffset(), rxCapacity);
                        if (n <= 0) {
                            break;
                        }
                        packets++;
                        if (shard == null || !shard.handOff(rx, 0, n)) {
                            onRead(nowNs, rx, 0, n);
                        }
                    }
                    if (shard != null) {
                        shard.wakeOwners();
                    }
                    if (inboundFaults != null) {
                        inboundFaults.poll(nowNs, toEngine);
                    }
                    packetsIn += packets;
                    busy |= packets == READ_BUDGET;
                    engine.onTimeout(nowNs);
                    engine.flush(nowNs);
                    sink.pollFaults(nowNs);
                    consecutiveFailures = 0;
                    if (nowNs - pressureCheckNs >= REPORT_INTERVAL_NS) {
                        pressureCheckNs = nowNs;
                        reportPressure();
                    }
                    final Throwable connectionError = engine.takeConnectionError();
                    if (connectionError != null) {
                        report(nowNs, "a connection was aborted after its work failed", connectionError);
                    }
                } catch (Throwable e) {
                    // The engine isolates each connection's failures; what reaches here failed
                    // outside any one connection (an OutOfMemoryError while reading, a bug in the
                    // loop). The cycle is abandoned and the next one starts afresh; only a loop
                    // that can no longer complete any cycle stops.
                    errors++;
                    if (e instanceof OutOfMemoryError) {
                        try {
                            engine.onOutOfMemory();
                        } catch (Throwable ignored) {
                            // Best effort: the next cycle tries again if memory is still short.
                        }
                    }
                    if (++consecutiveFailures >= MAX_CONSECUTIVE_FAILURES) {
                        fatal(e);
                    } else {
                        report(nowNs, "error in event loop", e);
                    }
                }
                // A drain whose last close finished in this cycle stops now, not at the grace deadline.
                busy |= draining && engine.openConnections() == 0;
                if (!busy && tasks.isEmpty() && (shard == null || !shard.pending()) && (running || draining)) {
                    sink.endOfCycle();
                    sleep(draining ? Math.min(nextDeadlineNs(), graceDeadlineNs) : nextDeadlineNs());
                }
            }
            final long endNs = System.nanoTime();
            sink.nowNs(endNs);
            engine.shutdown(endNs);
        } finally {
            sink.stopWriterThread();
            closeEventFd();
            device.close();
            thread = null;
            stopped.complete(null);
        }
    }

    /**
     * One line on stderr, at most once a second (a flood of failures must not become a flood of
     * output); the first one with its stack trace. Never throws: it may run out of memory itself.
     */
    private void report(long nowNs, String what, Throwable e) {
        try {
            if (lastReportNs != 0 && nowNs - lastReportNs < REPORT_INTERVAL_NS) {
                unreported++;
                return;
            }
            final boolean first = lastReportNs == 0;
            lastReportNs = nowNs;
            System.err.println("jtcp: " + what + ": " + e
                    + (unreported > 0 ? " (and " + unreported + " more since the last report)" : ""));
            unreported = 0;
            if (first) {
                e.printStackTrace();
            }
        } catch (Throwable ignored) {
            // Nothing to do: reporting is best effort, the loop must go on.
        }
    }

    /** One line when the memory budget comes under pressure, one when it is over (checked once a second). */
    private void reportPressure() {
        final String pressure = engine.memoryPressure();
        if ((pressure != null) != pressureReported) {
            pressureReported = pressure != null;
            System.err.println("jtcp: " + (pressure != null ? pressure : "memory pressure is over: accepting again"));
        }
    }

    private void fatal(Throwable e) {
        try {
            System.err.println(
                    "jtcp: the event loop failed " + MAX_CONSECUTIVE_FAILURES + " cycles in a row; stopping: " + e);
        } catch (Throwable ignored) {
            // Stopping anyway.
        }
        failed = true;
        running = false;
    }

    /**
     * Joins this loop to the other shards of a multi-queue device: packets it reads for a
     * connection another shard owns go to that shard, and it takes those handed to it. Call before
     * {@link #start}.
     */
    StackLoop shard(ShardLink link) {
        this.shard = link;
        return this;
    }

    /** This loop's end of the hand-off between shards, or null with one queue. */
    public ShardLink shardLink() {
        return shard;
    }

    /**
     * One packet of {@code n} bytes as read from the device (with its virtio-net header, if any),
     * from the receive buffer or another shard's hand-off.
     */
    private void onRead(long nowNs, MutableDirectBuffer buffer, int offset, int n) {
        if (vnet && inboundCut != null) {
            if (n > VnetHeader.LENGTH) {
                cutInbound(buffer, offset, n);
            }
        } else if (vnet) {
            if (n > VnetHeader.LENGTH) {
                engine.onPacket(
                        nowNs,
                        buffer,
                        offset + VnetHeader.LENGTH,
                        n - VnetHeader.LENGTH,
                        VnetHeader.checksumTrusted(buffer, offset));
            }
        } else if (inboundFaults == null) {
            engine.onPacket(nowNs, buffer, offset, n);
        } else {
            offerInbound(nowNs, buffer, offset, n);
        }
    }

    /**
     * One packet read with a virtio-net header, cut into wire packets (a GRO'd super-segment) or
     * with its partial checksum completed, each then checked by the engine like any plain packet:
     * a fault may have corrupted it since.
     */
    private void cutInbound(MutableDirectBuffer buffer, int offset, int n) {
        final int flags = buffer.getByte(offset + VnetHeader.FLAGS_OFFSET);
        final int gsoType = buffer.getByte(offset + VnetHeader.GSO_TYPE_OFFSET) & 0xFF & ~VnetHeader.GSO_ECN;
        final int segmentBytes = gsoType == VnetHeader.GSO_TCPV4
                ? buffer.getShort(offset + VnetHeader.GSO_SIZE_OFFSET, ByteOrder.nativeOrder()) & 0xFFFF
                : 0;
        final int ip = offset + VnetHeader.LENGTH;
        if (segmentBytes > 0 || (flags & VnetHeader.F_NEEDS_CSUM) != 0) {
            inboundCut.segment(buffer, ip, n - VnetHeader.LENGTH, segmentBytes, toInbound);
        } else {
            deliverInbound(buffer, ip, n - VnetHeader.LENGTH);
        }
    }

    private void deliverInbound(org.agrona.DirectBuffer buffer, int offset, int length) {
        if (inboundFaults == null) {
            deliverToEngine(buffer, offset, length);
        } else {
            offerInbound(cycleNowNs, buffer, offset, length);
        }
    }

    /** To the inbound fault injector; a packet it drops is shown to the packet tracer as lost. */
    private void offerInbound(long now, org.agrona.DirectBuffer buffer, int offset, int length) {
        final long lostBefore = DeviceSink.lost(inboundFaults);
        inboundFaults.offer(now, buffer, offset, length);
        final StackTracer tracer = sink.tracer();
        if (tracer != null && DeviceSink.lost(inboundFaults) != lostBefore) {
            LostPacketTracer.lost(tracer, now, true, buffer, offset, length);
        }
        inboundFaults.poll(now, toEngine);
    }

    /** Packets the inbound fault injector lets through: the receive buffer, its pool or the cut's scratch. */
    private void deliverToEngine(org.agrona.DirectBuffer buffer, int offset, int length) {
        engine.onPacket(cycleNowNs, (MutableDirectBuffer) buffer, offset, length);
    }

    private long nextDeadlineNs() {
        long deadline = engine.nextDeadlineNs();
        if (inboundFaults != null) {
            deadline = earlier(deadline, inboundFaults.nextDeadlineNs());
        }
        if (sink.faults() != null) {
            deadline = earlier(deadline, sink.faults().nextDeadlineNs());
        }
        return deadline;
    }

    private static long earlier(long a, long b) {
        if (a == Long.MAX_VALUE) {
            return b;
        }
        if (b == Long.MAX_VALUE) {
            return a;
        }
        return a - b <= 0 ? a : b;
    }

    private int runTasks() {
        int n = 0;
        Runnable task;
        // Bounded so a thread that keeps submitting cannot starve the device.
        while (n < 1024 && (task = tasks.poll()) != null) {
            n++;
            try {
                task.run();
            } catch (Throwable e) {
                errors++;
                report(cycleNowNs, "a task failed on the event loop", e);
            }
        }
        return n;
    }

    private void sleep(long deadlineNs) {
        long timeoutAddr = 0;
        if (deadlineNs != Long.MAX_VALUE) {
            long waitNs = deadlineNs - System.nanoTime();
            if (waitNs <= 0) {
                return;
            }
            timespec.putLong(0, waitNs / 1_000_000_000L, ByteOrder.nativeOrder());
            timespec.putLong(8, waitNs % 1_000_000_000L, ByteOrder.nativeOrder());
            timeoutAddr = timespec.addressOffset();
        }
        pollFds.putInt(0, device.fd(), ByteOrder.nativeOrder());
        pollFds.putShort(4, LibC.POLLIN, ByteOrder.nativeOrder());
        pollFds.putShort(6, (short) 0, ByteOrder.nativeOrder());
        pollFds.putInt(POLLFD_SIZE, eventFd, ByteOrder.nativeOrder());
        pollFds.putShort(POLLFD_SIZE + 4, LibC.POLLIN, ByteOrder.nativeOrder());
        pollFds.putShort(POLLFD_SIZE + 6, (short) 0, ByteOrder.nativeOrder());
        int ready = LibC.ppoll(pollFds.addressOffset(), 2, timeoutAddr, 0);
        if (ready > 0
                && (pollFds.getShort(6, ByteOrder.nativeOrder()) & (LibC.POLLERR | LibC.POLLHUP | LibC.POLLNVAL))
                        != 0) {
            // The device was deleted under us (ip link del) or failed: polling it again would spin.
            System.err.println("jtcp: device " + device.name() + " was removed or failed; stopping");
            failed = true;
            running = false;
        }
        if (ready > 0 && (pollFds.getShort(POLLFD_SIZE + 6, ByteOrder.nativeOrder()) & LibC.POLLIN) != 0) {
            LibC.read(eventFd, eventBuf.addressOffset(), 8); // resets the counter
        }
    }

    /** Runs {@code task} on the loop thread (callable from any thread). */
    public void execute(Runnable task) {
        if (!running) {
            throw new IllegalStateException("the event loop has stopped");
        }
        tasks.offer(task);
        wakeup();
    }

    /** Runs {@code task} on the loop thread and returns its result to the caller's thread. */
    public <T> CompletableFuture<T> submit(Supplier<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        execute(() -> {
            try {
                result.complete(task.get());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    /** Like {@link #submit} but waits for the result (at most 10 s). */
    public <T> T call(Supplier<T> task) {
        try {
            return submit(task).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException) {
                throw (RuntimeException) e.getCause();
            }
            throw new IllegalStateException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the event loop did not answer within 10 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /** The loop thread's id while it runs (for allocation measurements), else -1. */
    public long threadId() {
        Thread t = thread;
        return t == null ? -1 : t.getId();
    }

    public boolean inLoopThread() {
        return Thread.currentThread() == thread;
    }

    public void wakeup() {
        // Another thread may wake us while the loop ends: once the eventfd is closed its number
        // may belong to a file opened since (a capture), which the 8 bytes must never reach.
        synchronized (eventFdLock) {
            if (!eventFdClosed) {
                LibC.write(eventFd, wakeBuf.addressOffset(), 8);
            }
        }
    }

    private void closeEventFd() {
        synchronized (eventFdLock) {
            if (!eventFdClosed) {
                eventFdClosed = true;
                LibC.close(eventFd);
            }
        }
    }

    /** True when the loop stopped because the device went away, not because it was asked to. */
    public boolean failed() {
        return failed;
    }

    public boolean isRunning() {
        return running;
    }

    public long cycles() {
        return cycles;
    }

    public long packetsIn() {
        return packetsIn;
    }

    public long errors() {
        return errors;
    }

    /** Completes when the loop thread has shut the engine down and closed the device. */
    public CompletableFuture<Void> stopped() {
        return stopped;
    }

    /** Asks a started loop to stop without waiting: {@link #close()} then waits for it. */
    void requestClose() {
        if (started && running) {
            running = false;
            wakeup();
        }
    }

    /** Asks the loop to stop and waits up to 5 s for it (unless called on the loop thread). */
    @Override
    public void close() {
        boolean wasRunning = running;
        running = false;
        if (wasRunning && started) {
            wakeup();
        }
        if (!started && !stopped.isDone() && wasRunning) {
            // Never started: release what the loop would have released.
            closeEventFd();
            device.close();
            stopped.complete(null);
            return;
        }
        if (!inLoopThread()) {
            try {
                stopped.get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // Reported by the caller's own timeout; nothing more to release here.
            }
        }
    }
}
