package io.jtcp.tun.socket;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.PacketSink;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.wire.Ipv4Header;
import java.net.SocketException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Two jtcp stacks wired back to back in memory ({@value #A_ADDR} and {@value #B_ADDR}), driven by
 * one thread of their own: the socket API without a TUN device or privileges, for testing
 * applications and for measuring the socket layer alone. The thread runs queued tasks, delivers
 * the packets each stack sent to the other until both are quiet, fires timers, and parks until the
 * next deadline or a task ({@link LockSupport#unpark} from {@link LoopContext#execute}).
 */
public final class JtcpLoopback implements AutoCloseable {
    /** Side A's address. */
    public static final String A_ADDR = "10.7.0.2";
    /** Side B's address. */
    public static final String B_ADDR = "10.7.0.1";

    /** Packets handed over per cycle before tasks and timers get their turn. */
    private static final int DELIVERY_BUDGET = 4096;

    private static final int MAX_PACKET = 65_536;

    private final ManyToOneConcurrentLinkedQueue<Runnable> tasks = new ManyToOneConcurrentLinkedQueue<>();
    private final Side a;
    private final Side b;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean stopped;
    private volatile long taskFailures;
    private final long watchdogNs;

    /** Both sides with {@code config}'s settings (copied per side: address and secret are set here). */
    public JtcpLoopback(java.util.function.Supplier<StackConfig> config) {
        this(config, Op.SLICE_NS);
    }

    /** With the callers' watchdog (see {@link LoopContext#watchdogNs()}). */
    JtcpLoopback(java.util.function.Supplier<StackConfig> config, long watchdogNs) {
        this.watchdogNs = watchdogNs;
        this.a = new Side(config.get(), Ipv4Header.parseAddress(A_ADDR));
        this.b = new Side(config.get(), Ipv4Header.parseAddress(B_ADDR));
        a.peer = b;
        b.peer = a;
        this.thread = new Thread(this::run, "jtcp-loopback");
        thread.setDaemon(true);
        thread.start();
    }

    /** Both sides with the default settings. */
    public JtcpLoopback() {
        this(StackConfig::new);
    }

    /** Sockets on side A ({@value #A_ADDR}). */
    public JtcpSockets a() {
        return JtcpSockets.of(a.context);
    }

    /** Sockets on side B ({@value #B_ADDR}). */
    public JtcpSockets b() {
        return JtcpSockets.of(b.context);
    }

    /** Runs {@code task} on the loop thread with both stacks (for their counters, or the callback API). */
    public void execute(java.util.function.BiConsumer<NetworkStack, NetworkStack> task) throws SocketException {
        a.context.execute(() -> task.accept(a.stack, b.stack));
    }

    private final class Side implements PacketSink {
        final NetworkStack stack;
        final ArrayDeque<UnsafeBuffer> inbox = new ArrayDeque<>();
        final ArrayDeque<UnsafeBuffer> free = new ArrayDeque<>();
        final int addr;
        Side peer;
        final LoopContext context;

        Side(StackConfig settings, int addr) {
            this.addr = addr;
            StackConfig config = settings.copy(); // the supplier's object stays as it was
            if (config.isnSecret() == null) {
                byte[] secret = new byte[16];
                new java.security.SecureRandom().nextBytes(secret);
                config.isnSecret(secret);
            }
            this.stack = new NetworkStack(config.localAddr(addr).localPrefixLength(24), this);
            this.context = new Context(this);
        }

        @Override
        public void transmit(DirectBuffer buffer, int offset, int length) {
            if (length > MAX_PACKET) {
                return;
            }
            UnsafeBuffer copy = peer.free.poll();
            if (copy == null) {
                copy = new UnsafeBuffer(new byte[MAX_PACKET]);
            }
            copy.putBytes(0, buffer, offset, length);
            copy.wrap(copy.byteArray(), 0, length);
            peer.inbox.add(copy);
        }

        /** Delivers what the peer sent; returns how many. */
        int deliver(long nowNs, int budget) {
            int n = 0;
            UnsafeBuffer p;
            while (n < budget && (p = inbox.poll()) != null) {
                n++;
                stack.onPacket(nowNs, p, 0, p.capacity());
                p.wrap(p.byteArray());
                free.add(p);
            }
            return n;
        }
    }

    private final class Context implements LoopContext {
        private final Side side;

        Context(Side side) {
            this.side = side;
        }

        @Override
        public NetworkStack stack() {
            return side.stack;
        }

        @Override
        public void execute(Runnable task) throws SocketException {
            if (!running) {
                throw new SocketException("jtcp loopback stopped");
            }
            tasks.offer(task);
            LockSupport.unpark(thread);
        }

        @Override
        public boolean inLoopThread() {
            return Thread.currentThread() == thread;
        }

        @Override
        public boolean stopped() {
            return stopped;
        }

        @Override
        public int localAddr() {
            return side.addr;
        }

        @Override
        public long watchdogNs() {
            return watchdogNs;
        }
    }

    private void run() {
        try {
            while (running) {
                final long nowNs = System.nanoTime();
                boolean busy = false;
                Runnable task;
                int n = 0;
                while (n < 1024 && (task = tasks.poll()) != null) {
                    n++;
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        // A failed task is its submitter's problem; the loop serves the others.
                        taskFailures++;
                    }
                }
                busy |= n > 0;
                int delivered = 0;
                for (int round = 0; round < DELIVERY_BUDGET; round++) {
                    a.stack.onTimeout(nowNs);
                    b.stack.onTimeout(nowNs);
                    a.stack.flush(nowNs);
                    b.stack.flush(nowNs);
                    final int d = a.deliver(nowNs, DELIVERY_BUDGET) + b.deliver(nowNs, DELIVERY_BUDGET);
                    if (d == 0) {
                        break;
                    }
                    delivered += d;
                }
                busy |= delivered > 0;
                if (!busy && tasks.isEmpty()) {
                    // A task offered after the check unparks us: the permit makes this return.
                    final long deadline = earlier(a.stack.nextDeadlineNs(), b.stack.nextDeadlineNs());
                    if (deadline == Long.MAX_VALUE) {
                        LockSupport.park(this);
                    } else {
                        final long waitNs = deadline - System.nanoTime();
                        if (waitNs > 0) {
                            LockSupport.parkNanos(this, waitNs);
                        }
                    }
                }
            }
        } finally {
            // Tasks queued before the stop still run (execute() refuses new ones): their callers
            // are answered now rather than by the watchdog.
            Runnable task;
            while ((task = tasks.poll()) != null) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    taskFailures++;
                }
            }
            final long nowNs = System.nanoTime();
            a.stack.abortAll(nowNs);
            b.stack.abortAll(nowNs);
            stopped = true;
        }
    }

    /** Tasks that threw (each submitter saw its own failure). */
    public long taskFailures() {
        return taskFailures;
    }

    private static long earlier(long x, long y) {
        if (x == Long.MAX_VALUE) {
            return y;
        }
        if (y == Long.MAX_VALUE) {
            return x;
        }
        return x - y <= 0 ? x : y;
    }

    /** Stops the thread; every connection is aborted (blocked callers get SocketException). */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
