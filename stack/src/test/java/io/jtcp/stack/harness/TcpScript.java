package io.jtcp.stack.harness;

import static io.jtcp.stack.harness.PacketBuilder.ENGINE_ADDR;
import static io.jtcp.stack.harness.PacketBuilder.PEER_ADDR;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.PacketSink;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.StackCounters;
import io.jtcp.stack.StackTracer;
import io.jtcp.stack.tcp.CloseReason;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.tcp.TcpListener;
import io.jtcp.stack.tcp.TcpState;
import io.jtcp.stack.wire.TcpHeader;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A packetdrill-style script over ONE engine with a fake clock. The test plays the remote peer
 * (10.7.0.2's counterpart 10.7.0.1): it injects segments built with the wire flyweights, expects
 * the engine's segments one by one (don't-care fields allowed), and moves the clock. The engine's
 * ISN is captured from its first SYN or SYN-ACK, so sequence numbers in the script are relative,
 * as in packetdrill.
 *
 * <p>After every injected packet, app action or clock move the harness calls {@code
 * onTimeout(now); flush(now)}, as the event loop does. Every failure prints the whole script so far:
 * injected and emitted segments (tcpdump-like), state changes, drops, handler events.
 *
 * <p>Fixtures ({@link #establishedPassive()}, {@link #finWait2()}, …) drive a fresh script into a
 * state with a real handshake; the peer answers 100 ms after each engine segment of the handshake,
 * so the engine's RTT sample (if it takes one from the handshake) is 100 ms.
 */
public final class TcpScript {
    public static final long MS = 1_000_000L;
    public static final long SEC = 1_000_000_000L;
    /** The clock starts here, not at 0, so nothing can treat 0 as "unset" by accident. */
    public static final long T0 = 10 * SEC;

    public static final int LISTEN_PORT = 8080;
    public static final int PEER_PORT = 40_000;
    public static final int REMOTE_PORT = 80;
    public static final int DEFAULT_PEER_ISN = 1_000_000_000;
    public static final long HANDSHAKE_RTT_NS = 100 * MS;

    private static final int MAX_TIMER_STEPS = 1_000_000;

    private final StackConfig config;
    private final NetworkStack stack;
    private final Deque<Packet> outbox = new ArrayDeque<>();
    private final List<String> history = new ArrayList<>();
    private final List<String> malformed = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private final Map<Long, TcpState> tupleState = new HashMap<>();
    private final Map<Long, List<TcpState>> tuplePath = new HashMap<>();
    private final List<DropReason> stepDrops = new ArrayList<>();
    private final Set<Integer> listening = new HashSet<>();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final UnsafeBuffer txBuffer = new UnsafeBuffer(new byte[70_000]);

    private long now = T0;
    private int peerIsn = DEFAULT_PEER_ISN;
    private int synAckTsVal;
    private int localIsn;
    private boolean localIsnKnown;
    private int localPort;
    private int peerPort = PEER_PORT;
    private int peerNxt; // relative to peerIsn: next seq the peer would send
    private int localNxt; // relative to localIsn: highest seq+len the engine sent on our connection
    private boolean localNxtKnown;
    private TcpConnection conn;
    private boolean autoRead = true;
    private boolean peerEof;
    private CloseReason closeReason;
    private int closedCalls;
    private int acceptCalls;
    private boolean recordCoverage = true;
    private boolean fast;
    private long fastPacketsOut;
    private PacketSink fastObserver;
    private boolean quiet;

    public TcpScript() {
        this(c -> {});
    }

    /** A script whose engine config (10.7.0.2, a fixed secret) may be adjusted first. */
    public TcpScript(Consumer<StackConfig> customize) {
        config = new StackConfig()
                .localAddr(ENGINE_ADDR)
                .isnSecret(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
        customize.accept(config);
        config.tracer(new Tracer());
        NetworkStack s;
        try {
            s = new NetworkStack(config, this::onTransmit);
        } catch (RuntimeException e) {
            throw new AssertionError("engine constructor threw", e);
        }
        stack = s;
        note("engine 10.7.0.2 up; peer 10.7.0.1, peer ISN " + Integer.toUnsignedString(peerIsn));
    }

    // ------------------------------------------------------------------ fixtures

    /** Passive open (RFC 9293 §3.5 figure 6 from the listener's side): ESTABLISHED, seq 1/ack 1. */
    public TcpScript establishedPassive() {
        synReceived();
        advance(HANDSHAKE_RTT_NS);
        inject(Seg.ack().seq(1).ack(1));
        expectNothing();
        assertState(TcpState.ESTABLISHED);
        return this;
    }

    /**
     * As {@link #establishedPassive} with the peer offering timestamps (RFC 7323: TSval 1000 on
     * the SYN, 1001 on the ACK, which echoes our SYN-ACK's, {@link #synAckTsVal}).
     */
    public TcpScript establishedPassiveWithTimestamps() {
        return establishedPassiveWithTimestamps(1460);
    }

    /** As {@link #establishedPassiveWithTimestamps()}, the peer's SYN offering {@code peerMss}. */
    public TcpScript establishedPassiveWithTimestamps(int peerMss) {
        listen(LISTEN_PORT);
        inject(Seg.syn().seq(0).mss(peerMss).ts(1000, 0));
        synAckTsVal = expect(Seg.synAck().seq(0).ack(1)).tsVal;
        advance(HANDSHAKE_RTT_NS);
        inject(Seg.ack().seq(1).ack(1).ts(1001, synAckTsVal));
        assertState(TcpState.ESTABLISHED);
        return this;
    }

    /** The TSval our SYN-ACK carried in {@link #establishedPassiveWithTimestamps}. */
    public int synAckTsVal() {
        return synAckTsVal;
    }

    /** Active open (RFC 9293 §3.5 figure 6 from the opener's side): ESTABLISHED, seq 1/ack 1. */
    public TcpScript establishedActive() {
        synSent();
        advance(HANDSHAKE_RTT_NS);
        inject(Seg.synAck().seq(0).ack(1).mss(1460));
        expect(Seg.ack().seq(1).ack(1));
        assertState(TcpState.ESTABLISHED);
        return this;
    }

    /** {@link #connect} to port 80 and the SYN seen: SYN-SENT. */
    public TcpScript synSent() {
        connect(REMOTE_PORT);
        expect(Seg.syn().seq(0).mss(config.mssBytes()));
        assertState(TcpState.SYN_SENT);
        return this;
    }

    /** A listener on 8080, the peer's SYN in, the SYN-ACK seen: SYN-RECEIVED. */
    public TcpScript synReceived() {
        listen(LISTEN_PORT);
        inject(Seg.syn().seq(0).mss(1460));
        expect(Seg.synAck().seq(0).ack(1).mss(config.mssBytes()));
        assertState(TcpState.SYN_RECEIVED);
        return this;
    }

    /** Established (passive), then shutdownOutput: FIN sent, FIN-WAIT-1. */
    public TcpScript finWait1() {
        establishedPassive();
        shutdownOutput();
        expect(Seg.fin().seq(1).ack(1));
        assertState(TcpState.FIN_WAIT_1);
        return this;
    }

    /** FIN-WAIT-1 and our FIN acknowledged: FIN-WAIT-2. Peer seq 1, engine seq 2. */
    public TcpScript finWait2() {
        finWait1();
        inject(Seg.ack().seq(1).ack(2));
        expectNothing();
        assertState(TcpState.FIN_WAIT_2);
        return this;
    }

    /** FIN-WAIT-2 and the peer's FIN: TIME-WAIT, engine ACKed it (seq 2, ack 2). */
    public TcpScript timeWait() {
        finWait2();
        inject(Seg.fin().seq(1).ack(2));
        expect(Seg.ack().seq(2).ack(2));
        assertState(TcpState.TIME_WAIT);
        return this;
    }

    /** FIN-WAIT-1 and the peer's FIN crossing ours (not acking it): CLOSING. */
    public TcpScript closing() {
        finWait1();
        inject(Seg.fin().seq(1).ack(1));
        expect(Seg.ack().seq(2).ack(2));
        assertState(TcpState.CLOSING);
        return this;
    }

    /** Established (passive) and the peer's FIN: CLOSE-WAIT, engine ACKed it (seq 1, ack 2). */
    public TcpScript closeWait() {
        establishedPassive();
        inject(Seg.fin().seq(1).ack(1));
        expect(Seg.ack().seq(1).ack(2));
        assertState(TcpState.CLOSE_WAIT);
        return this;
    }

    /** CLOSE-WAIT and the application's close: FIN sent, LAST-ACK. */
    public TcpScript lastAck() {
        closeWait();
        close();
        expect(Seg.fin().seq(1).ack(2));
        assertState(TcpState.LAST_ACK);
        return this;
    }

    // ------------------------------------------------------------------ application side

    public TcpScript listen(int port) {
        step("app: listen(" + port + ")", () -> stack.listen(port, new Listener()));
        listening.add(port);
        localPort = port;
        return this;
    }

    /** Active open to 10.7.0.1:{@code remotePort}; the SYN goes out at the flush. */
    public TcpConnection connect(int remotePort) {
        peerPort = remotePort;
        step("app: connect(10.7.0.1:" + remotePort + ")", () -> {
            conn = stack.connect(now, PEER_ADDR, remotePort, new Handler());
            localPort = conn.localPort();
        });
        return conn;
    }

    /** Writes {@code n} bytes ('A'.. pattern); returns how many the engine took. */
    public int write(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('A' + (i % 26));
        }
        return write(b);
    }

    public int write(byte[] bytes) {
        int[] took = new int[1];
        step("app: write(" + bytes.length + ")", () -> took[0] = conn().write(bytes, 0, bytes.length));
        note("  write took " + took[0]);
        return took[0];
    }

    public TcpScript shutdownOutput() {
        coverageEvent("CLOSE");
        step("app: shutdownOutput()", () -> conn().shutdownOutput());
        return this;
    }

    public TcpScript close() {
        coverageEvent("CLOSE");
        step("app: close()", () -> conn().close());
        return this;
    }

    public TcpScript abort() {
        coverageEvent("ABORT");
        step("app: abort()", () -> conn().abort());
        return this;
    }

    /** Reads everything buffered into {@link #received()}; returns the count (-1 at EOF). */
    public int read() {
        int[] got = new int[1];
        step("app: read()", () -> got[0] = drainReads(conn()));
        note("  read " + got[0]);
        return got[0];
    }

    /** Runs an arbitrary application action on the connection, then onTimeout+flush. */
    public TcpScript app(String what, Consumer<TcpConnection> action) {
        step("app: " + what, () -> action.accept(conn()));
        return this;
    }

    /** When false, data stays in the engine's receive buffer until {@link #read()}. */
    public TcpScript autoRead(boolean on) {
        autoRead = on;
        return this;
    }

    private int drainReads(TcpConnection c) {
        byte[] buf = new byte[65_536];
        int total = 0;
        while (true) {
            int n = c.read(buf, 0, buf.length);
            if (n < 0) {
                peerEof = true;
                return total == 0 ? -1 : total;
            }
            if (n == 0) {
                return total;
            }
            received.write(buf, 0, n);
            total += n;
        }
    }

    // ------------------------------------------------------------------ peer side

    /** Injects a segment from the peer at the current time. */
    public TcpScript inject(Seg seg) {
        int seq = seg.seq == null ? peerIsn + peerNxt : (seg.seqAbs ? seg.seq : peerIsn + seg.seq);
        int ack;
        if (seg.ack != null) {
            ack = seg.ackAbs ? seg.ack : localIsn + seg.ack;
        } else {
            ack = (seg.flags & TcpHeader.ACK) != 0 ? localIsn + localNxt : 0;
        }
        byte[] options = seg.optionBytes();
        byte[] payload = seg.payloadBytes();
        int sp = seg.srcPort != null ? seg.srcPort : peerPort;
        int dp = seg.dstPort != null ? seg.dstPort : localPort;
        int len = PacketBuilder.tcp(
                txBuffer,
                PEER_ADDR,
                ENGINE_ADDR,
                sp,
                dp,
                seq,
                ack,
                seg.flags,
                seg.window == null ? 65_535 : seg.window,
                options,
                payload,
                0,
                payload.length);
        if (seg.badChecksum) {
            int at = 20 + TcpHeader.CHECKSUM_OFFSET;
            txBuffer.putByte(at, (byte) (txBuffer.getByte(at) ^ 0x5A));
        }
        byte[] copy = new byte[len];
        txBuffer.getBytes(0, copy);
        TcpState before = stateOf(sp, dp);
        injectRaw(copy, quiet ? null : seg.toString());
        if (recordCoverage) {
            Coverage.record(before, classify(seg.flags, payload.length));
            String bad = unacceptable();
            if (bad != null) {
                Coverage.record(before, bad);
            }
        }
        int rel = seq - peerIsn;
        if (sp == peerPort && Seq.gt(rel + seg.segLen(), peerNxt) && (seg.flags & TcpHeader.RST) == 0) {
            peerNxt = rel + seg.segLen();
        }
        return this;
    }

    /** Injects any bytes as one IPv4 packet (the engine must survive anything). */
    public TcpScript injectRaw(byte[] packet, String what) {
        String line = "";
        if (!quiet) {
            Packet p = new Packet(packet);
            line = "> " + (p.isTcp() ? p.describe(peerIsn, localIsn) : p.toString())
                    + (what == null ? "" : "    # " + what);
        }
        stepDrops.clear();
        step(line, () -> {
            UnsafeBuffer b = new UnsafeBuffer(packet.clone());
            stack.onPacket(now, b, 0, packet.length);
        });
        return this;
    }

    /** Where ISNs are counted from in this script (peer's: for injected seq, expected ack). */
    public TcpScript peerIsn(int isn) {
        this.peerIsn = isn;
        note("peer ISN now " + Integer.toUnsignedString(isn));
        return this;
    }

    /** Re-bases the engine's ISN (e.g. a new incarnation answered with a new SYN-ACK). */
    public TcpScript localIsn(int isn) {
        this.localIsn = isn;
        this.localIsnKnown = true;
        this.localNxt = 0;
        return this;
    }

    /** The script's peer port (the source port of injected segments). */
    public TcpScript peerPort(int port) {
        this.peerPort = port;
        return this;
    }

    // ------------------------------------------------------------------ expectations

    /** The next segment the engine emitted must match {@code seg}. Returns it. */
    public Packet expect(Seg seg) {
        Packet p = outbox.poll();
        if (p == null) {
            throw fail("expected " + seg + " but the engine sent nothing");
        }
        if (!p.isTcp()) {
            throw fail("expected " + seg + " but got " + p);
        }
        String why = seg.mismatch(p, localIsn, peerIsn, localPort, peerPort);
        if (why != null) {
            throw fail("expected " + seg + "\n     got " + p.describe(localIsn, peerIsn) + "\n     because " + why);
        }
        note("  ✓ matched " + seg);
        return p;
    }

    /** The next emitted packet, whatever it is (null when none). */
    public Packet poll() {
        return outbox.poll();
    }

    /** Everything emitted and not yet expected, removed from the queue. */
    public List<Packet> drain() {
        List<Packet> all = new ArrayList<>(outbox);
        outbox.clear();
        return all;
    }

    public int pending() {
        return outbox.size();
    }

    public TcpScript expectNothing() {
        if (!outbox.isEmpty()) {
            throw fail("expected nothing but the engine sent " + outbox.peek().describe(localIsn, peerIsn)
                    + (outbox.size() > 1 ? " (and " + (outbox.size() - 1) + " more)" : ""));
        }
        return this;
    }

    /** Nothing is sent before {@code t}; the clock ends at t − 1 ns. */
    public TcpScript expectNothingBefore(long t) {
        expectNothing();
        at(t - 1);
        expectNothing();
        return this;
    }

    /** Nothing before {@code t}, then at exactly {@code t} this segment (a retransmission, a probe). */
    public Packet expectAt(long t, Seg seg) {
        expectNothingBefore(t);
        at(t);
        return expect(seg);
    }

    // ------------------------------------------------------------------ time

    public long now() {
        return now;
    }

    public long nextDeadline() {
        return stack.nextDeadlineNs();
    }

    public TcpScript advance(long dtNs) {
        return at(now + dtNs);
    }

    /** Moves the clock to {@code t}, firing every timer due on the way at its own deadline. */
    public TcpScript at(long t) {
        if (t < now) {
            throw fail("time moves forward only: at(" + rel(t) + ") while now is " + rel(now));
        }
        for (int i = 0; ; i++) {
            if (i > MAX_TIMER_STEPS) {
                throw fail("more than " + MAX_TIMER_STEPS + " timer firings before " + rel(t) + ": a timer loop?");
            }
            long d = stack.nextDeadlineNs();
            if (d == Long.MAX_VALUE || d - t > 0) {
                break;
            }
            if (d - now < 0) {
                d = now; // an already-due deadline fires now
                if (i > 0) {
                    throw fail("deadline " + rel(stack.nextDeadlineNs()) + " stays in the past after onTimeout");
                }
            }
            now = d;
            coverageEvent("TIMER");
            step("clock → " + rel(now) + " (deadline)", () -> {});
        }
        if (t != now) {
            now = t;
            step("clock → " + rel(now), () -> {});
        }
        return this;
    }

    /** Jumps to the engine's next deadline (fails when none is armed) and returns it. */
    public long advanceToNextDeadline() {
        long d = stack.nextDeadlineNs();
        if (d == Long.MAX_VALUE) {
            throw fail("no timer armed");
        }
        at(Math.max(d, now));
        return now;
    }

    // ------------------------------------------------------------------ state and assertions

    public NetworkStack stack() {
        return stack;
    }

    public StackConfig config() {
        return config;
    }

    public StackCounters counters() {
        return stack.counters();
    }

    public TcpConnection conn() {
        if (conn == null) {
            throw fail("no connection yet");
        }
        return conn;
    }

    public boolean hasConn() {
        return conn != null;
    }

    public int localPort() {
        return localPort;
    }

    public int localIsn() {
        return localIsn;
    }

    public int peerIsnValue() {
        return peerIsn;
    }

    /** State of our connection per the tracer (CLOSED when gone or not yet created). */
    public TcpState state() {
        return tupleState.getOrDefault(tuple(peerPort, localPort), TcpState.CLOSED);
    }

    public TcpScript assertState(TcpState expected) {
        TcpState s = state();
        if (s != expected) {
            throw fail("state is " + s + ", expected " + expected);
        }
        if (conn != null && s != TcpState.CLOSED && conn.state() != expected) {
            throw fail("tracer says " + s + " but connection.state() says " + conn.state());
        }
        return this;
    }

    /** The states our connection went through (each "to" of the tracer's transitions), in order. */
    public List<TcpState> path() {
        return tuplePath.getOrDefault(tuple(peerPort, localPort), List.of());
    }

    public TcpScript assertPath(TcpState... expected) {
        if (!path().equals(Arrays.asList(expected))) {
            throw fail("state path " + path() + ", expected " + Arrays.asList(expected));
        }
        return this;
    }

    /** Asserts the path ends with these states (what happened since a fixture). */
    public TcpScript assertPathEndsWith(TcpState... expected) {
        List<TcpState> p = path();
        List<TcpState> want = Arrays.asList(expected);
        if (p.size() < want.size()
                || !p.subList(p.size() - want.size(), p.size()).equals(want)) {
            throw fail("state path " + p + " does not end with " + want);
        }
        return this;
    }

    public List<String> events() {
        return events;
    }

    public CloseReason closeReason() {
        return closeReason;
    }

    public int closedCalls() {
        return closedCalls;
    }

    public int acceptCalls() {
        return acceptCalls;
    }

    public byte[] received() {
        return received.toByteArray();
    }

    public boolean peerEof() {
        return peerEof;
    }

    public long drops(DropReason reason) {
        return stack.counters().drops(reason);
    }

    /** An assertion that prints the script on failure. */
    public TcpScript check(boolean condition, String what) {
        if (!condition) {
            throw fail(what);
        }
        return this;
    }

    public TcpScript checkEquals(Object expected, Object actual, String what) {
        if (!java.util.Objects.equals(expected, actual)) {
            throw fail(what + ": expected " + expected + " but was " + actual);
        }
        return this;
    }

    public TcpScript checkNear(long expected, long actual, long tolerance, String what) {
        if (Math.abs(expected - actual) > tolerance) {
            throw fail(what + ": expected " + expected + " ± " + tolerance + " but was " + actual);
        }
        return this;
    }

    /**
     * Fuzzing mode: from now on nothing is recorded (no history, no outbox, no coverage); emitted
     * packets are only sampled for well-formedness. Drive the engine through {@link #stack()}.
     */
    public TcpScript fast() {
        fast = true;
        recordCoverage = false;
        outbox.clear();
        return this;
    }

    /**
     * Fuzzing mode in which every emitted packet goes to {@code observer} (which checks it), not a
     * one-in-64 sample.
     */
    public TcpScript fast(PacketSink observer) {
        fast();
        fastObserver = observer;
        return this;
    }

    /** Packets emitted while in {@link #fast()} mode. */
    public long fastPacketsOut() {
        return fastPacketsOut;
    }

    /** Malformed emitted packets seen so far (fast mode samples). */
    public List<String> malformed() {
        return malformed;
    }

    /**
     * Keeps no printable history (failures then show no script): for fuzzing, where a fixture is
     * built for every input and formatting its history would cost more than running it.
     */
    public TcpScript quiet() {
        quiet = true;
        return this;
    }

    /** Stops this script from feeding the coverage table (fuzzing would fill every cell). */
    public TcpScript noCoverage() {
        recordCoverage = false;
        return this;
    }

    /** An AssertionError carrying the whole script so far. */
    public AssertionError fail(String message) {
        return fail(message, null);
    }

    public AssertionError fail(String message, Throwable cause) {
        StringBuilder sb = new StringBuilder(message);
        sb.append("\n---- script so far (t relative to start; seq/ack relative to ISNs) ----\n");
        for (String h : history) {
            sb.append(h).append('\n');
        }
        if (!outbox.isEmpty()) {
            sb.append("---- emitted, not yet expected ----\n");
            for (Packet p : outbox) {
                sb.append("  < ").append(p.describe(localIsn, peerIsn)).append('\n');
            }
        }
        sb.append("---- handler events: ").append(events).append('\n');
        try {
            sb.append("---- counters ----\n").append(stack.counters().describe());
        } catch (RuntimeException e) {
            sb.append("(counters unavailable: ").append(e).append(")\n");
        }
        AssertionError error = new AssertionError(sb.toString(), cause);
        return error;
    }

    public String history() {
        return String.join("\n", history);
    }

    // ------------------------------------------------------------------ internals

    private void step(String what, Runnable action) {
        note(what);
        try {
            action.run();
            stack.onTimeout(now);
            stack.flush(now);
        } catch (AssertionError e) {
            throw e;
        } catch (RuntimeException e) {
            throw fail("engine threw during: " + what, e);
        }
        if (!malformed.isEmpty()) {
            throw fail("engine emitted a malformed packet: " + malformed);
        }
    }

    private void note(String line) {
        if (fast || quiet) {
            return;
        }
        history.add(String.format("%12s  %s", rel(now), line));
    }

    private static String rel(long t) {
        long d = t - T0;
        return String.format("%+.6fs", d / 1e9);
    }

    private void onTransmit(DirectBuffer buffer, int offset, int length) {
        if (fast) {
            if (fastObserver != null) {
                fastPacketsOut++;
                fastObserver.transmit(buffer, offset, length);
                return;
            }
            // Fuzzing: keep no history; check one emitted packet in 64 for well-formedness.
            if ((fastPacketsOut++ & 63) == 0) {
                Packet p = new Packet(buffer, offset, length);
                if (!p.wellFormed() || p.src != ENGINE_ADDR) {
                    malformed.add(p.toString());
                }
            }
            return;
        }
        Packet p = new Packet(buffer, offset, length);
        if (!p.wellFormed()) {
            malformed.add(p.toString());
        }
        if (p.src != ENGINE_ADDR || p.dst != PEER_ADDR) {
            malformed.add("wrong addresses: " + p);
        }
        if (p.isTcp() && p.syn() && !localIsnKnown && p.srcPort == localPortOr(p.srcPort)) {
            localIsn = p.seq;
            localIsnKnown = true;
        }
        if (p.isTcp() && !p.rst() && p.srcPort == localPort && p.dstPort == peerPort) {
            int rel = p.seq - localIsn + p.segLen();
            if (!localNxtKnown || Seq.gt(rel, localNxt)) {
                localNxt = rel;
                localNxtKnown = true;
            }
        }
        outbox.add(p);
        if (!quiet) {
            history.add(String.format(
                    "%12s  < %s", rel(now), p.isTcp() ? p.describe(localIsn, peerIsn) : p.describe(0, 0)));
        }
    }

    private int localPortOr(int fallback) {
        return localPort == 0 ? fallback : localPort;
    }

    private static long tuple(int remotePort, int localPort) {
        return ((long) remotePort << 16) | localPort;
    }

    private TcpState stateOf(int remotePort, int localPortOfSegment) {
        TcpState s = tupleState.get(tuple(remotePort, localPortOfSegment));
        if (s != null && s != TcpState.CLOSED) {
            return s;
        }
        return listening.contains(localPortOfSegment) ? TcpState.LISTEN : TcpState.CLOSED;
    }

    private void coverageEvent(String event) {
        if (recordCoverage) {
            Coverage.record(stateOf(peerPort, localPort), event);
        }
    }

    /** The segment's kind (a coverage column). */
    private static String classify(int flags, int payloadLength) {
        boolean syn = (flags & TcpHeader.SYN) != 0;
        boolean ackFlag = (flags & TcpHeader.ACK) != 0;
        if ((flags & TcpHeader.RST) != 0) {
            return "RST";
        }
        if (syn) {
            return ackFlag ? "SYN-ACK" : "SYN";
        }
        if (!ackFlag) {
            return "no-ACK";
        }
        if ((flags & TcpHeader.FIN) != 0) {
            return "FIN";
        }
        return payloadLength > 0 ? "DATA" : "ACK";
    }

    /** A second column when the engine found the segment unacceptable, or null. */
    private String unacceptable() {
        if (stepDrops.contains(DropReason.TCP_RST_OUT_OF_WINDOW) || stepDrops.contains(DropReason.TCP_RST_CHALLENGED)) {
            return "✗RST";
        }
        if (stepDrops.contains(DropReason.TCP_OUT_OF_WINDOW)) {
            return "✗SEQ";
        }
        return null;
    }

    private final class Tracer implements StackTracer {
        @Override
        public void onStateChange(long nowNs, TcpConnection connection, TcpState from, TcpState to) {
            if (fast) {
                return;
            }
            long key = tuple(connection.remotePort(), connection.localPort());
            tupleState.put(key, to);
            tuplePath.computeIfAbsent(key, k -> new ArrayList<>()).add(to);
            if (conn == null && connection.remotePort() == peerPort && connection.localPort() == localPort) {
                conn = connection;
            }
            if (quiet) {
                return;
            }
            history.add(String.format(
                    "%12s    state %s → %s  (:%d ↔ :%d)",
                    rel(nowNs), from, to, connection.localPort(), connection.remotePort()));
        }

        @Override
        public void onDrop(long nowNs, DropReason reason, DirectBuffer buffer, int offset, int length) {
            if (fast) {
                return;
            }
            stepDrops.add(reason);
            if (!quiet) {
                history.add(String.format("%12s    drop %s", rel(nowNs), reason));
            }
        }
    }

    private final class Listener implements TcpListener {
        @Override
        public TcpHandler onAccept(TcpConnection connection) {
            acceptCalls++;
            if (connection.remotePort() == peerPort && connection.localPort() == localPort) {
                conn = connection;
            }
            events.add("accept");
            note("  event: accept :" + connection.localPort() + " ↔ :" + connection.remotePort());
            return new Handler();
        }
    }

    private final class Handler implements TcpHandler {
        @Override
        public void onConnected(TcpConnection connection) {
            event("connected");
        }

        @Override
        public void onReadable(TcpConnection connection) {
            event("readable");
            if (autoRead) {
                drainReads(connection);
            }
        }

        @Override
        public void onWritable(TcpConnection connection) {
            event("writable");
        }

        @Override
        public void onPeerClosed(TcpConnection connection) {
            event("peerClosed");
            if (autoRead) {
                drainReads(connection);
            }
        }

        @Override
        public void onClosed(TcpConnection connection, CloseReason reason) {
            closedCalls++;
            closeReason = reason;
            event("closed:" + reason);
        }

        private void event(String e) {
            if (fast) {
                return;
            }
            events.add(e);
            note("  event: " + e);
        }
    }

    /** Modular comparisons for the harness's own bookkeeping. */
    private static final class Seq {
        static boolean gt(int a, int b) {
            return a - b > 0;
        }
    }
}
