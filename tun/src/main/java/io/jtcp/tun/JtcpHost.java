package io.jtcp.tun;

import io.jtcp.stack.DeviceCapabilities;
import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.StackCounters;
import io.jtcp.stack.StackTracer;
import io.jtcp.stack.fault.FaultInjector;
import io.jtcp.stack.fault.FaultSpec;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpState;
import io.jtcp.tun.service.ServiceTimers;
import io.jtcp.tun.service.ShardStatus;
import io.jtcp.tun.trace.EngineJournal;
import io.jtcp.tun.trace.StackConfigSnapshot;
import io.jtcp.tun.trace.Tracers;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;

/**
 * One running jtcp: a TUN device, the stack engine on it and the event loop driving them. The
 * stack may only be touched on the loop thread: from handler callbacks, or through {@link
 * #call}/{@link StackLoop#execute}.
 */
public final class JtcpHost implements AutoCloseable {
    /** The largest TSO payload that keeps IPv4 + TCP with options under 64 KiB. */
    static final int TSO_SEGMENT_BYTES = 65_000;

    /**
     * Bytes of each shard's hand-off inbox with several queues: 32 super-segments of 64 KiB. Only a
     * flow's first packets (before the owner's first write steers it) and flows whose kernel flow
     * entry aged out pass through it.
     */
    static final int INBOX_BYTES = 2 << 20;

    private final TunDevice[] devices;
    private final NetworkStack[] stacks;
    private final StackLoop[] loops;
    private final ServiceTimers[] serviceTimers;
    private final AtomicInteger nextShard = new AtomicInteger();

    private JtcpHost(TunDevice[] devices, NetworkStack[] stacks, StackLoop[] loops, ServiceTimers[] serviceTimers) {
        this.devices = devices;
        this.stacks = stacks;
        this.loops = loops;
        this.serviceTimers = serviceTimers;
    }

    /**
     * Opens the device, builds the stack for its address and MTU, and starts the loop thread.
     * Neither argument is changed or kept: the host works on copies, so later edits to them do not
     * reach it. The stack's settings are a {@link StackConfig#snapshot()} of {@code stackConfig} with
     * the address, prefix length and MTU taken from {@code tunConfig}, and an ISN secret drawn from
     * the kernel's random source ({@link IsnSecret}) unless {@code stackConfig} sets one (RFC 6528);
     * the device's offloads go to the stack as {@link DeviceCapabilities}, not as settings.
     *
     * @throws IllegalArgumentException when the settings do not fit together ({@link
     *     StackConfig#validate()}), before any device is opened
     */
    public static JtcpHost start(TunConfig tunConfig, StackConfig stackConfig) {
        return start(tunConfig, stackConfig, null);
    }

    /**
     * As {@link #start(TunConfig, StackConfig)}, with packets in both directions impaired by
     * {@code faults} (null: none); the outbound direction uses the seed + 1.
     */
    public static JtcpHost start(TunConfig tunConfig, StackConfig stackConfig, FaultSpec faults) {
        return start(tunConfig, stackConfig, faults, null);
    }

    /**
     * As {@link #start(TunConfig, StackConfig, FaultSpec)}, with {@code packets} (a pcap, a text
     * trace; null: none) recording every packet in and out as the wire carries it: with offloads
     * that, like {@code faults}, turns on the software cut of super-segments ({@link
     * StackLoop#segmentInSoftware}), and outgoing packets are recorded by the device sink after the
     * cut and before the fault injector. {@code stackConfig}'s own tracer still sees what the stack
     * sends before any cut. With several queues both tracers are shared by every shard, so they are
     * called from every shard's loop thread: they must be thread-safe ({@code StampedTracer} over a
     * {@code PcapWriter} and a {@code TextTracer} is).
     */
    public static JtcpHost start(TunConfig tunConfig, StackConfig stackConfig, FaultSpec faults, StackTracer packets) {
        return start(
                tunConfig, stackConfig, faults, faults == null ? null : faults.withSeed(faults.seed() + 1), packets);
    }

    /**
     * As {@link #start(TunConfig, StackConfig, FaultSpec, StackTracer)}, with each direction's own
     * faults (either may be null: none): {@code inbound} on what the device hands the stack, {@code
     * outbound} on what the stack sends (a bottleneck behind which jtcp sends, say).
     */
    public static JtcpHost start(
            TunConfig tunConfig, StackConfig stackConfig, FaultSpec inbound, FaultSpec outbound, StackTracer packets) {
        return start(tunConfig, stackConfig, inbound, outbound, packets, null);
    }

    /**
     * As {@link #start(TunConfig, StackConfig, FaultSpec, FaultSpec, StackTracer)}, with every
     * driving call of the engine and the final configuration recorded in {@code journal} (null:
     * none) for {@code jtcp replay}; {@code packets} should then include a pcap, which holds the
     * inbound packets the journal refers to. A journal needs one queue ({@link
     * IllegalArgumentException} otherwise): it replays one engine.
     */
    public static JtcpHost start(
            TunConfig tunConfig,
            StackConfig stackConfig,
            FaultSpec inbound,
            FaultSpec outbound,
            StackTracer packets,
            EngineJournal journal) {
        // Copies: the caller's objects stay as they were, and later edits to them do not reach us.
        TunConfig tun = tunConfig.copy();
        // The journal records one engine's driving calls in their order; several engines on
        // several threads have no one order to replay. Packet tracers are shared by all shards.
        if (tun.queues() > 1 && journal != null) {
            throw new IllegalArgumentException("a replay journal follows one engine: use one queue with it");
        }
        // The prefix of --host lets the stack refuse the subnet's broadcast as a source (RFC 1122 §3.2.1.3).
        StackConfig settings = stackConfig
                .copy()
                .localAddr(tun.localAddr())
                .mtuBytes(tun.mtuBytes())
                .localPrefixLength(tun.prefixLength());
        if (settings.isnSecret() == null) {
            settings.isnSecret(IsnSecret.fresh());
        }
        if (packets != null) {
            settings.tracer(Tracers.of(settings.tracer(), new WithoutOutboundPackets(packets)));
        }
        StackConfig snapshot = settings.snapshot(); // validated before the device is opened
        TunDevice[] devices = TunDevice.openQueues(tun);
        TunDevice device = devices[0];
        if (device.configWarning() != null) {
            System.err.println("jtcp: warning: " + device.configWarning());
        }
        if (device.offloadRefusal() != null) {
            System.err.println("jtcp: " + device.offloadRefusal() + "; running without offloads (as --no-offload)");
        }
        if (device.multiQueueRefusal() != null) {
            System.err.println("jtcp: " + device.multiQueueRefusal() + "; running one queue (as --queues 1)");
        }
        // With a virtio-net header the device cuts super-segments at the MSS and completes
        // checksums; TSO only where a super-segment can exceed one segment (MTU below ~64 KiB).
        DeviceCapabilities capabilities = !device.vnetHeader()
                ? DeviceCapabilities.NONE
                : new DeviceCapabilities(TSO_SEGMENT_BYTES > snapshot.mssBytes() ? TSO_SEGMENT_BYTES : 0, true);
        if (journal != null) {
            journal.header("version=1\n" + "device.vnet=" + device.vnetHeader() + "\n"
                    + "device.tso=" + capabilities.tsoSegmentBytes() + "\n"
                    + "device.txChecksumOffload=" + capabilities.txChecksumOffload() + "\n"
                    + (inbound != null ? "faults.inbound=" + inbound + "\n" : "")
                    + (outbound != null ? "faults.outbound=" + outbound + "\n" : "")
                    + StackConfigSnapshot.write(snapshot));
        }
        final int n = devices.length;
        FlowSteering steering = new FlowSteering(n, steeringKey(snapshot.isnSecret()));
        StackConfig[] configs = n == 1 ? new StackConfig[] {snapshot} : Shards.configs(settings, steering);
        NetworkStack[] stacks = new NetworkStack[n];
        ServiceTimers[] timers = new ServiceTimers[n];
        StackLoop[] loops = new StackLoop[n];
        try {
            for (int i = 0; i < n; i++) {
                final int shard = i;
                timers[i] = new ServiceTimers();
                loops[i] = new StackLoop(devices[i], sink -> {
                    Engine engine = Engine.of(
                            stacks[shard] = new NetworkStack(configs[shard], capabilities, sink), timers[shard]);
                    return journal == null ? engine : new JournalingEngine(engine, journal);
                });
            }
        } catch (RuntimeException e) {
            for (int i = 0; i < n; i++) {
                if (loops[i] != null) {
                    loops[i].close(); // never started: releases its eventfd and device
                } else {
                    devices[i].close();
                }
            }
            throw e;
        }
        ManyToOneRingBuffer[] inboxes = n > 1 ? ShardLink.inboxes(n, INBOX_BYTES) : null;
        Runnable[] wakers = new Runnable[n];
        for (int i = 0; i < n; i++) {
            wakers[i] = loops[i]::wakeup;
        }
        for (int i = 0; i < n; i++) {
            if (inbound != null || outbound != null) {
                // Each shard its own injectors, seeded apart: one seeded sequence per queue.
                loops[i].faults(
                        inbound == null ? null : new FaultInjector(Shards.seeded(inbound, i), tun.mtuBytes()),
                        outbound == null ? null : new FaultInjector(Shards.seeded(outbound, i), tun.mtuBytes()));
            }
            if (inboxes != null) {
                loops[i].shard(new ShardLink(i, steering, inboxes, wakers, device.vnetHeader()));
            }
        }
        if (packets != null) {
            // Every shard cuts at the MSS and records into the same tracer, which must take
            // several loop threads (StampedTracer's one lock; PcapWriter and TextTracer lock too).
            for (int i = 0; i < n; i++) {
                loops[i].segmentInSoftware();
                loops[i].sink().tracer(packets);
            }
        }
        JtcpHost host = new JtcpHost(devices, stacks, loops, timers);
        for (int i = 0; i < n; i++) {
            String thread = "jtcp-" + device.name() + (n > 1 ? "-q" + i : "");
            // With offloads the writes are few (64 KiB super-segments) and a second thread only
            // competed with the peer for the CPU (measured: upload 10.8 against 11.2-14.7 Gbit/s).
            if (tun.writerThread() && !device.vnetHeader()) {
                loops[i].sink().startWriterThread(thread + "-writer", tun.writerRingBytes(), tun.mtuBytes());
            }
            loops[i].start(thread);
        }
        return host;
    }

    /** The shard hash's key, drawn from the ISN secret (RFC 6528's) so that it is as unguessable. */
    private static long steeringKey(byte[] secret) {
        long key = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < secret.length; i++) {
            key = (key ^ (secret[i] & 0xFF)) * 0x100000001B3L;
        }
        return key;
    }

    /**
     * The stack's view of a packet tracer whose outgoing packets the device sink records (after the
     * software cut): inbound packets, state changes and drops only.
     */
    private static final class WithoutOutboundPackets implements StackTracer {
        private final StackTracer tracer;

        WithoutOutboundPackets(StackTracer tracer) {
            this.tracer = tracer;
        }

        @Override
        public void onPacket(long nowNs, boolean inbound, org.agrona.DirectBuffer buffer, int offset, int length) {
            if (inbound) {
                tracer.onPacket(nowNs, true, buffer, offset, length);
            }
        }

        @Override
        public void onStateChange(long nowNs, TcpConnection connection, TcpState from, TcpState to) {
            tracer.onStateChange(nowNs, connection, from, to);
        }

        @Override
        public void onDrop(
                long nowNs, io.jtcp.stack.DropReason reason, org.agrona.DirectBuffer buffer, int offset, int length) {
            tracer.onDrop(nowNs, reason, buffer, offset, length);
        }
    }

    /** The device's first queue (the only one with {@code queues = 1}). */
    public TunDevice device() {
        return devices[0];
    }

    /** Queue {@code shard}'s file descriptor. */
    public TunDevice device(int shard) {
        return devices[shard];
    }

    /**
     * How many queues, each with its own loop thread and stack: {@link TunConfig#queues()}, or 1
     * when the kernel refused multi-queue ({@link #multiQueueRefusal}).
     */
    public int shardCount() {
        return loops.length;
    }

    /** Why the host runs one queue although more were asked for, or null. */
    public String multiQueueRefusal() {
        return devices[0].multiQueueRefusal();
    }

    /**
     * The first shard's engine (the only one with one queue), for its loop thread: inside {@link
     * #call}/{@link #run}, a handler callback or a task given to {@link StackLoop#execute}. While
     * the loop runs, any other thread gets an {@link IllegalStateException} at once instead of a
     * silent data race (the engine is not thread-safe, and {@code stack/} knows no threads to
     * check it); other threads use {@code io.jtcp.tun.socket.JtcpSockets}. Before the loop thread
     * starts and after it ended, any thread may read it (counters after a stop).
     */
    public NetworkStack stack() {
        return stack(0);
    }

    /** Shard {@code shard}'s engine, for that shard's loop thread ({@link #stack()} says more). */
    public NetworkStack stack(int shard) {
        checkOwner(shard, "stack()");
        return stacks[shard];
    }

    /**
     * Thread confinement, checked where the engine is handed out: a handle taken on the loop thread
     * ({@code TcpConnection}) is not checked again when a callback leaks it to another thread.
     */
    private void checkOwner(int shard, String what) {
        StackLoop loop = loops[shard];
        if (loop.threadId() != -1 && !loop.inLoopThread()) {
            throw new IllegalStateException("JtcpHost." + what + " called on thread '"
                    + Thread.currentThread().getName()
                    + "', but the engine belongs to the event loop thread: use host.call(...)/host.run(...),"
                    + " a TcpHandler callback, or io.jtcp.tun.socket.JtcpSockets from other threads");
        }
    }

    /** The first shard's services' timeouts and their counters: touch them only on its loop thread. */
    public ServiceTimers serviceTimers() {
        return serviceTimers[0];
    }

    /** Shard {@code shard}'s services' timeouts: touch them only on that shard's loop thread. */
    public ServiceTimers serviceTimers(int shard) {
        return serviceTimers[shard];
    }

    /** The first shard's loop. */
    public StackLoop loop() {
        return loops[0];
    }

    /** Shard {@code shard}'s loop. */
    public StackLoop loop(int shard) {
        return loops[shard];
    }

    /**
     * A shard for the next active open, in turn: the shard's stack opens it from an ephemeral port
     * whose 4-tuple that shard owns, so connections spread over the queues.
     */
    public int nextShard() {
        return Math.floorMod(nextShard.getAndIncrement(), loops.length);
    }

    /**
     * Runs {@code task} on every shard's loop thread with that shard's engine and service timers,
     * one after the other, and waits for each: how listeners and services go on every shard.
     */
    public void onEveryShard(BiConsumer<NetworkStack, ServiceTimers> task) {
        for (int i = 0; i < loops.length; i++) {
            final int shard = i;
            loops[i].call(() -> {
                task.accept(stacks[shard], serviceTimers[shard]);
                return null;
            });
        }
    }

    /**
     * Every shard's counters added up: exact once the loops have stopped; while they run, each
     * value as of some recent moment (the counters are plain longs of other threads).
     */
    public StackCounters counters() {
        StackCounters sum = new StackCounters();
        for (NetworkStack s : stacks) {
            sum.add(s.counters());
        }
        return sum;
    }

    /**
     * The shards as a status page reads them from any one shard's loop (counts and counters
     * racily, tables on their own loops through {@link ShardStatus#askShard}), or null with one
     * queue.
     */
    public ShardStatus shardStatus() {
        if (loops.length == 1) {
            return null;
        }
        return new ShardStatus() {
            @Override
            public int shardCount() {
                return loops.length;
            }

            @Override
            public NetworkStack stackForReading(int shard) {
                return stacks[shard];
            }

            @Override
            public ShardLink link(int shard) {
                return loops[shard].shardLink();
            }

            @Override
            public ServiceTimers serviceTimersForReading(int shard) {
                return serviceTimers[shard];
            }

            @Override
            public <T> void askShard(int shard, Function<NetworkStack, T> read, Consumer<T> reply) {
                final StackLoop asking = currentLoop();
                final NetworkStack target = stacks[shard];
                try {
                    loops[shard].execute(() -> {
                        T result;
                        try {
                            result = read.apply(target);
                        } catch (Throwable e) { // an OutOfMemoryError too: the asker waits for an answer
                            result = null;
                        }
                        final T answer = result;
                        try {
                            asking.execute(() -> reply.accept(answer));
                        } catch (IllegalStateException stopped) {
                            // the asking loop has stopped: nobody waits for the answer any more
                        }
                    });
                } catch (IllegalStateException stopped) {
                    reply.accept(null);
                }
            }
        };
    }

    /**
     * The shard loop whose thread calls this: where an answer made elsewhere (a picture, another
     * shard's rows) goes back to.
     *
     * @throws IllegalStateException on any other thread
     */
    public StackLoop currentLoop() {
        for (StackLoop loop : loops) {
            if (loop.inLoopThread()) {
                return loop;
            }
        }
        throw new IllegalStateException("not called on a shard's loop thread");
    }

    /**
     * One line per queue for a report after the loops stopped (what each opened, accepted and
     * moved, and what the hand-off carried); empty with one queue.
     */
    public String describeShards() {
        if (loops.length == 1) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < loops.length; i++) {
            StackCounters c = stacks[i].counters();
            ShardLink link = loops[i].shardLink();
            sb.append("jtcp: queue ").append(i).append(": opened=").append(c.tcpConnectionsOpened);
            sb.append(" accepted=")
                    .append(c.tcpConnectionsAccepted)
                    .append(" ip.in=")
                    .append(c.ipPacketsIn);
            sb.append(" ip.out=").append(c.ipPacketsOut).append(" handed.off=").append(link.handedOff);
            sb.append(" handed.in=")
                    .append(link.handedIn)
                    .append(" handoff.drops=")
                    .append(link.handoffDrops);
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Completes when every shard's loop has shut its engine down and closed its queue. */
    public CompletableFuture<Void> stopped() {
        CompletableFuture<?>[] all = new CompletableFuture<?>[loops.length];
        for (int i = 0; i < loops.length; i++) {
            all[i] = loops[i].stopped();
        }
        return CompletableFuture.allOf(all);
    }

    /** True when a loop stopped because the device went away, not because it was asked to. */
    public boolean failed() {
        for (StackLoop l : loops) {
            if (l.failed()) {
                return true;
            }
        }
        return false;
    }

    /** Runs {@code task} on the first shard's loop thread and waits for its result. */
    public <T> T call(Supplier<T> task) {
        return loops[0].call(task);
    }

    /** Runs {@code task} on the first shard's loop thread and waits for it. */
    public void run(Runnable task) {
        loops[0].call(() -> {
            task.run();
            return null;
        });
    }

    /**
     * Stops every loop: connections are closed (FIN, then RST after a grace), the device closed
     * (and removed if created). The shards drain at the same time.
     */
    @Override
    public void close() {
        for (int i = 1; i < loops.length; i++) {
            loops[i].requestClose();
        }
        for (StackLoop l : loops) {
            l.close();
        }
    }
}
