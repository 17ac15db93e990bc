package io.jtcp.tun;

import io.jtcp.stack.DeviceCapabilities;
import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.StackTracer;
import io.jtcp.stack.fault.FaultInjector;
import io.jtcp.stack.fault.FaultSpec;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpState;
import io.jtcp.tun.service.ServiceTimers;
import io.jtcp.tun.trace.EngineJournal;
import io.jtcp.tun.trace.StackConfigSnapshot;
import io.jtcp.tun.trace.Tracers;
import java.util.function.Supplier;

/**
 * One running jtcp: a TUN device, the stack engine on it and the event loop driving them. The
 * stack may only be touched on the loop thread: from handler callbacks, or through {@link
 * #call}/{@link StackLoop#execute}.
 */
public final class JtcpHost implements AutoCloseable {
    /** The largest TSO payload that keeps IPv4 + TCP with options under 64 KiB. */
    static final int TSO_SEGMENT_BYTES = 65_000;

    private final TunDevice device;
    private final NetworkStack stack;
    private final StackLoop loop;
    private final ServiceTimers serviceTimers;

    private JtcpHost(TunDevice device, NetworkStack stack, StackLoop loop, ServiceTimers serviceTimers) {
        this.device = device;
        this.stack = stack;
        this.loop = loop;
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
     * sends before any cut.
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
     * inbound packets the journal refers to.
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
        TunDevice device = TunDevice.open(tun);
        if (device.configWarning() != null) {
            System.err.println("jtcp: warning: " + device.configWarning());
        }
        if (device.offloadRefusal() != null) {
            System.err.println("jtcp: " + device.offloadRefusal() + "; running without offloads (as --no-offload)");
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
        NetworkStack[] stack = new NetworkStack[1];
        ServiceTimers timers = new ServiceTimers();
        StackLoop loop;
        try {
            loop = new StackLoop(device, sink -> {
                Engine engine = Engine.of(stack[0] = new NetworkStack(snapshot, capabilities, sink), timers);
                return journal == null ? engine : new JournalingEngine(engine, journal);
            });
        } catch (RuntimeException e) {
            device.close();
            throw e;
        }
        if (inbound != null || outbound != null) {
            loop.faults(
                    inbound == null ? null : new FaultInjector(inbound, tun.mtuBytes()),
                    outbound == null ? null : new FaultInjector(outbound, tun.mtuBytes()));
        }
        if (packets != null) {
            loop.segmentInSoftware();
            loop.sink().tracer(packets);
        }
        JtcpHost host = new JtcpHost(device, stack[0], loop, timers);
        // With offloads the writes are few (64 KiB super-segments) and a second thread only
        // competed with the peer for the CPU (measured: upload 10.8 against 11.2-14.7 Gbit/s).
        if (tun.writerThread() && !device.vnetHeader()) {
            loop.sink().startWriterThread("jtcp-" + device.name() + "-writer", tun.writerRingBytes(), tun.mtuBytes());
        }
        loop.start("jtcp-" + device.name());
        return host;
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

    public TunDevice device() {
        return device;
    }

    /**
     * The engine, for the loop thread: inside {@link #call}/{@link #run}, a handler callback or a
     * task given to {@link StackLoop#execute}. While the loop runs, any other thread gets an
     * {@link IllegalStateException} at once instead of a silent data race (the engine is not
     * thread-safe, and {@code stack/} knows no threads to check it); other threads use
     * {@code io.jtcp.tun.socket.JtcpSockets}. Before the loop thread starts and after it ended,
     * any thread may read it (counters after a stop).
     */
    public NetworkStack stack() {
        checkOwner("stack()");
        return stack;
    }

    /**
     * Thread confinement, checked where the engine is handed out: a handle taken on the loop thread
     * ({@code TcpConnection}) is not checked again when a callback leaks it to another thread.
     */
    private void checkOwner(String what) {
        if (loop.threadId() != -1 && !loop.inLoopThread()) {
            throw new IllegalStateException("JtcpHost." + what + " called on thread '"
                    + Thread.currentThread().getName()
                    + "', but the engine belongs to the event loop thread: use host.call(...)/host.run(...),"
                    + " a TcpHandler callback, or io.jtcp.tun.socket.JtcpSockets from other threads");
        }
    }

    /** The services' timeouts and their counters: touch them only on the loop thread. */
    public ServiceTimers serviceTimers() {
        return serviceTimers;
    }

    public StackLoop loop() {
        return loop;
    }

    /** Runs {@code task} on the loop thread and waits for its result. */
    public <T> T call(Supplier<T> task) {
        return loop.call(task);
    }

    /** Runs {@code task} on the loop thread and waits for it. */
    public void run(Runnable task) {
        loop.call(() -> {
            task.run();
            return null;
        });
    }

    /** Stops the loop: every connection is aborted (RST), the device closed (and removed if created). */
    @Override
    public void close() {
        loop.close();
    }
}
