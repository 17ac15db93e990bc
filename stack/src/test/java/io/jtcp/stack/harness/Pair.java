package io.jtcp.stack.harness;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.StackTracer;
import io.jtcp.stack.cc.AckSample;
import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpState;
import io.jtcp.stack.wire.Ipv4Header;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Two engines joined by an in-memory link (quinn's {@code Pair}): A is 10.7.0.2, B is 10.7.0.1.
 * The link delays every packet, and with a seeded random source loses, duplicates and reorders
 * them. Virtual time jumps to the earliest of both engines' deadlines and the link's next delivery,
 * so a transfer that would take minutes of wall-clock time takes milliseconds.
 */
public final class Pair {
    public static final int A_ADDR = Ipv4Header.parseAddress("10.7.0.2");
    public static final int B_ADDR = Ipv4Header.parseAddress("10.7.0.1");
    public static final long MS = 1_000_000L;

    /** Link behaviour, per direction. */
    public static final class Link {
        public double lossRate;
        public double duplicateRate;
        /** Extra random delay in [0, jitterNs): packets sent close together may overtake. */
        public long jitterNs;
        /**
         * A share of packets held for {@link #stallNs} on top of the delay, and every later one in
         * the same direction behind it (a stalled event loop or device queue: late, not reordered).
         */
        public double stallRate;

        public long stallNs;

        public long delayNs = 5 * MS;
        public long seed = 1;
        /** Bottleneck rate per direction in bit/s (0 = unlimited), with a drop-tail queue. */
        public long rateBitsPerSec;

        public int queuePackets = 100;

        /** A bottleneck: packets serialize at {@code bitsPerSec}; beyond {@code queue} waiting, tail drop. */
        public Link bottleneck(long bitsPerSec, int queue) {
            this.rateBitsPerSec = bitsPerSec;
            this.queuePackets = queue;
            return this;
        }

        public Link loss(double rate) {
            this.lossRate = rate;
            return this;
        }

        public Link duplicate(double rate) {
            this.duplicateRate = rate;
            return this;
        }

        public Link delay(long ns) {
            this.delayNs = ns;
            return this;
        }

        /** Holds {@code rate} of the packets (and those behind them) {@code ns} longer. */
        public Link stall(double rate, long ns) {
            this.stallRate = rate;
            this.stallNs = ns;
            return this;
        }

        public Link jitter(long ns) {
            this.jitterNs = ns;
            return this;
        }

        public Link seed(long seed) {
            this.seed = seed;
            return this;
        }

        @Override
        public String toString() {
            return String.format(
                    "loss %.1f%% dup %.1f%% delay %d ms jitter %d ms seed %d%s",
                    lossRate * 100,
                    duplicateRate * 100,
                    delayNs / MS,
                    jitterNs / MS,
                    seed,
                    rateBitsPerSec > 0
                            ? String.format(" bottleneck %d Mbit/s queue %d", rateBitsPerSec / 1_000_000, queuePackets)
                            : "");
        }
    }

    private record InFlight(long atNs, long order, boolean toA, byte[] bytes) {}

    private static final int TRAFFIC_RING = 256;
    private final String[] traffic = new String[TRAFFIC_RING];
    private long trafficCount;
    private long zeroWindowSegments;
    private boolean traceTraffic = true;

    private final PriorityQueue<InFlight> link = new PriorityQueue<>(
            (x, y) -> x.atNs != y.atNs ? Long.compare(x.atNs, y.atNs) : Long.compare(x.order, y.order));
    private final Link linkConfig;
    private final SplittableRandom random;
    public final NetworkStack a;
    public final NetworkStack b;
    /** One state change seen by an engine's tracer. */
    public record Transition(long atNs, String engine, int localPort, TcpState from, TcpState to) {
        @Override
        public String toString() {
            return String.format("%+.6fs %s:%d %s→%s", (atNs - TcpScript.T0) / 1e9, engine, localPort, from, to);
        }
    }

    private final List<Transition> transitions = new ArrayList<>();
    private long now = TcpScript.T0;
    private BooleanSupplier betweenSteps = () -> false;
    private long order;
    private long steps;
    public long packetsSent;
    public long packetsLost;
    public long packetsDuplicated;
    public long packetsQueueDropped;
    private final long[] linkFreeAtNs = new long[2];
    private java.util.function.BiConsumer<Boolean, byte[]> sendHook;

    public Pair(Link link) {
        this(link, c -> {}, c -> {});
    }

    public Pair(Link link, Consumer<StackConfig> customizeA, Consumer<StackConfig> customizeB) {
        this.linkConfig = link;
        this.random = new SplittableRandom(link.seed);
        StackConfig ca = new StackConfig().localAddr(A_ADDR).isnSecret(secret(0xA));
        StackConfig cb = new StackConfig().localAddr(B_ADDR).isnSecret(secret(0xB));
        customizeA.accept(ca);
        customizeB.accept(cb);
        // A tracer the caller installed still sees everything (Pair's own records the transitions).
        ca.tracer(tracer("A", ca.tracer()));
        cb.tracer(tracer("B", cb.tracer()));
        a = new NetworkStack(ca, (buf, off, len) -> send(false, buf, off, len));
        b = new NetworkStack(cb, (buf, off, len) -> send(true, buf, off, len));
    }

    private static byte[] secret(int fill) {
        byte[] s = new byte[16];
        for (int i = 0; i < 16; i++) {
            s[i] = (byte) (fill * 17 + i);
        }
        return s;
    }

    private void send(boolean toA, DirectBuffer buf, int off, int len) {
        packetsSent++;
        byte[] copy = new byte[len];
        buf.getBytes(off, copy);
        if (sendHook != null) {
            sendHook.accept(toA, copy); // may throw, as a failing device path would
        }
        if (linkConfig.lossRate > 0 && random.nextDouble() < linkConfig.lossRate) {
            packetsLost++;
            trace(toA ? "B" : "A", "LOST", copy);
            return;
        }
        enqueue(toA, copy);
        if (linkConfig.duplicateRate > 0 && random.nextDouble() < linkConfig.duplicateRate) {
            packetsDuplicated++;
            enqueue(toA, copy);
        }
    }

    private final long[] lastArrivalNs = new long[2];

    private void enqueue(boolean toA, byte[] bytes) {
        long jitter = linkConfig.jitterNs > 0 ? random.nextLong(linkConfig.jitterNs) : 0;
        long departs = now;
        if (linkConfig.rateBitsPerSec > 0) {
            int dir = toA ? 0 : 1;
            long serializeNs = bytes.length * 8L * 1_000_000_000L / linkConfig.rateBitsPerSec;
            long start = Math.max(now, linkFreeAtNs[dir]);
            long waiting = serializeNs == 0 ? 0 : (start - now) / serializeNs;
            if (waiting >= linkConfig.queuePackets) {
                packetsQueueDropped++;
                trace(toA ? "A" : "B", "QDROP", bytes);
                return;
            }
            linkFreeAtNs[dir] = start + serializeNs;
            departs = linkFreeAtNs[dir];
        }
        long arrives = departs + linkConfig.delayNs + jitter;
        if (linkConfig.stallRate > 0) {
            int dir = toA ? 0 : 1;
            if (random.nextDouble() < linkConfig.stallRate) {
                arrives += linkConfig.stallNs;
            }
            arrives = Math.max(arrives, lastArrivalNs[dir]);
            lastArrivalNs[dir] = arrives;
        }
        link.add(new InFlight(arrives, order++, toA, bytes));
    }

    public long now() {
        return now;
    }

    /**
     * Sees every packet an engine hands to the link (before loss), on the sending engine's
     * thread of control: a hook that throws stands for an output path failing mid-flush.
     */
    public Pair sendHook(java.util.function.BiConsumer<Boolean, byte[]> hook) {
        this.sendHook = hook;
        return this;
    }

    public long steps() {
        return steps;
    }

    public List<Transition> transitions() {
        return transitions;
    }

    /** Both engines' timers and flush at the current time (after app actions). */
    public void service() {
        a.onTimeout(now);
        b.onTimeout(now);
        a.flush(now);
        b.flush(now);
    }

    /**
     * One step: jump to the earliest event, deliver every packet due, fire timers, flush. Returns
     * false when nothing is left to happen (no packet in flight, no timer armed).
     */
    public boolean step() {
        long t = nextEventNs();
        // Idle network, but an application may still act (a slow reader with bytes left).
        for (int i = 0; t == Long.MAX_VALUE && i < 1_000_000; i++) {
            boolean progressed = betweenSteps.getAsBoolean();
            service();
            t = nextEventNs();
            if (!progressed) {
                break;
            }
        }
        if (t == Long.MAX_VALUE) {
            return false;
        }
        if (t > now) {
            now = t;
        }
        steps++;
        while (!link.isEmpty() && link.peek().atNs <= now) {
            InFlight p = link.poll();
            trace(p.toA ? "A" : "B", "recv", p.bytes);
            UnsafeBuffer buf = new UnsafeBuffer(p.bytes);
            if (p.toA) {
                a.onPacket(now, buf, 0, p.bytes.length);
            } else {
                b.onPacket(now, buf, 0, p.bytes.length);
            }
        }
        betweenSteps.getAsBoolean();
        service();
        return true;
    }

    private long nextEventNs() {
        long t = Math.min(a.nextDeadlineNs(), b.nextDeadlineNs());
        InFlight head = link.peek();
        return head == null ? t : Math.min(t, head.atNs);
    }

    /**
     * Runs before each step's timers and flush (e.g. a slow application reading a little); returns
     * whether it did anything, so an idle network still lets a busy application finish.
     */
    public Pair betweenSteps(BooleanSupplier action) {
        this.betweenSteps = action;
        return this;
    }

    /**
     * Steps until {@code done} holds. Fails (returns false) when the link and timers go idle first,
     * or when the step or virtual-time budget runs out, so a bug fails a test instead of hanging it.
     */
    public boolean runUntil(BooleanSupplier done, long maxVirtualNs, long maxSteps) {
        long start = now;
        while (!done.getAsBoolean()) {
            if (steps >= maxSteps || now - start > maxVirtualNs) {
                return false;
            }
            if (!step()) {
                return done.getAsBoolean();
            }
        }
        return true;
    }

    /** Runs until nothing is left to happen (within the budgets); true when it went idle. */
    public boolean runToIdle(long maxVirtualNs, long maxSteps) {
        long start = now;
        while (steps < maxSteps && now - start <= maxVirtualNs) {
            if (!step()) {
                return true;
            }
        }
        return false;
    }

    private void trace(String engine, String what, byte[] bytes) {
        if (traceTraffic) {
            Packet p = new Packet(bytes);
            if (p.isTcp() && p.window == 0 && !p.rst() && what.equals("recv")) {
                zeroWindowSegments++;
            }
            traffic[(int) (trafficCount++ % TRAFFIC_RING)] =
                    String.format("%+.6fs %s %s %s", (now - TcpScript.T0) / 1e9, engine, what, p);
        }
    }

    /** Delivered segments (not RST) that advertised a zero window: proof that windows closed. */
    public long zeroWindowSegments() {
        return zeroWindowSegments;
    }

    /** Turns the per-packet trace off (it allocates; long transfers may not want it). */
    public Pair traceTraffic(boolean on) {
        traceTraffic = on;
        return this;
    }

    /** The last packets delivered or lost (up to 256), oldest first, for failure messages. */
    public String recentTraffic() {
        StringBuilder sb = new StringBuilder();
        long from = Math.max(0, trafficCount - TRAFFIC_RING);
        for (long i = from; i < trafficCount; i++) {
            sb.append(traffic[(int) (i % TRAFFIC_RING)]).append('\n');
        }
        return sb.toString();
    }

    public int inFlight() {
        return link.size();
    }

    /** States one engine's connections went through, in order ("to" of each transition). */
    public List<TcpState> path(String engine) {
        List<TcpState> p = new ArrayList<>();
        for (Transition t : transitions) {
            if (t.engine().equals(engine)) {
                p.add(t.to());
            }
        }
        return p;
    }

    public Link linkConfig() {
        return linkConfig;
    }

    private class Tracer implements StackTracer {
        private final String name;
        private final StackTracer next;

        Tracer(String name, StackTracer next) {
            this.name = name;
            this.next = next;
        }

        @Override
        public void onPacket(long nowNs, boolean inbound, DirectBuffer buffer, int offset, int length) {
            if (next != null) {
                next.onPacket(nowNs, inbound, buffer, offset, length);
            }
        }

        @Override
        public void onStateChange(long nowNs, TcpConnection connection, TcpState from, TcpState to) {
            if (transitions.size() < 10_000) {
                transitions.add(new Transition(nowNs, name, connection.localPort(), from, to));
            }
            if (next != null) {
                next.onStateChange(nowNs, connection, from, to);
            }
        }

        @Override
        public void onDrop(long nowNs, DropReason reason, DirectBuffer buffer, int offset, int length) {
            if (next != null) {
                next.onDrop(nowNs, reason, buffer, offset, length);
            }
        }
    }

    /**
     * Pair's own tracer, which forwards the per-ACK samples only when the caller installed a
     * tracer: a tracer that implements onAck makes the engine keep the delivery-rate records on
     * every connection, and Pair's runs should cost what the same connections cost without it.
     */
    private StackTracer tracer(String name, StackTracer next) {
        return next == null ? new Tracer(name, null) : new AckForwardingTracer(name, next);
    }

    private final class AckForwardingTracer extends Tracer {
        private final StackTracer next;

        AckForwardingTracer(String name, StackTracer next) {
            super(name, next);
            this.next = next;
        }

        @Override
        public void onAck(long nowNs, TcpConnection connection, AckSample sample, CongestionControl cc) {
            next.onAck(nowNs, connection, sample, cc);
        }
    }
}
