package io.jtcp.tun.script;

import io.jtcp.stack.DeviceCapabilities;
import io.jtcp.stack.DropReason;
import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.PacketSink;
import io.jtcp.stack.StackTracer;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpState;
import io.jtcp.stack.wire.TcpHeader;
import io.jtcp.tun.script.Script.Event;
import io.jtcp.tun.script.Script.OptKind;
import io.jtcp.tun.script.Script.SegmentSpec;
import io.jtcp.tun.script.Script.TcpOpt;
import io.jtcp.tun.script.Script.TimeKind;
import io.jtcp.tun.script.Segments.Seen;
import io.jtcp.tun.trace.TraceFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Runs a {@link Script} against one fresh jtcp engine in virtual time: no device, no clock, no
 * threads. The script plays the remote host; its {@code <} segments are injected, jtcp's output is
 * queued and matched against the {@code >} lines, its socket calls go to {@link ScriptSockets}.
 *
 * <p>Time follows packetdrill: a relative time counts from the previous event (from the previous
 * injected segment's scripted time when both are injected), an expected segment must appear within
 * max(tolerance_usecs, tolerance_percent of the gap since the previous event) of its time. Before an
 * injected segment or a call, time moves on to its moment and every jtcp timer due by then fires; a
 * segment jtcp sent that no {@code >} line took by then fails the script. Sequence numbers are
 * relative as packetdrill writes them: jtcp's from the ISN of its SYN on that connection, the
 * script's own as written.
 */
public final class ScriptRunner {
    /** Virtual time starts here, so that nothing can mistake 0 for "unset". */
    static final long T0_NS = 10_000_000_000L;

    private static final long ANY_TIME_LIMIT_US = 3_600L * 1_000_000L;
    private static final int MAX_TIMER_STEPS = 1_000_000;
    private static final long LATE_LOOKAHEAD_NS = 120_000_000_000L;
    private static final String PAD = " ".repeat(23);

    private record Out(long atNs, byte[] bytes) {}

    private static final class Flow {
        final int localPort;
        final int remotePort;
        int localIsn;

        Flow(int localPort, int remotePort) {
            this.localPort = localPort;
            this.remotePort = remotePort;
        }
    }

    /** A failed expectation: the line it belongs to and what went wrong. */
    private static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int line;

        Failure(int line, String message) {
            super(message, null, false, false);
            this.line = line;
        }
    }

    private final Script script;
    private final ScriptSettings settings;
    private final NetworkStack stack;
    private final ScriptSockets sockets;
    private final Deque<Out> outbox = new ArrayDeque<>();
    private final List<String> history = new ArrayList<>();
    private final Map<Long, Flow> flows = new HashMap<>();
    private final Map<Long, Long> tsValues = new HashMap<>();
    private Long tsOffset;
    private Flow current;
    private long now = T0_NS;
    private long lastScriptUs;
    private Event lastEvent;
    private int done;

    private ScriptRunner(Script script, ScriptSettings settings) {
        this.script = script;
        this.settings = settings;
        settings.config.tracer(new Tracer());
        this.stack =
                new NetworkStack(settings.config, new DeviceCapabilities(settings.tsoBytes, false), new PacketSink() {
                    @Override
                    public void transmit(DirectBuffer buffer, int offset, int length) {
                        record(buffer, offset, length);
                    }

                    @Override
                    public void transmitOffload(
                            DirectBuffer buffer, int offset, int length, int segmentBytes, boolean checksumPartial) {
                        // With tso_bytes a super-segment is seen whole, as packetdrill sees Linux's TSO/GSO output.
                        record(buffer, offset, length);
                    }
                });
        this.sockets = new ScriptSockets(stack, settings, () -> now, this::note, this::connected);
    }

    /**
     * Runs {@code script} with its own settings, then {@code overrides} ({@code key=value}).
     *
     * @throws ScriptException for a setting the script gets wrong
     * @throws IllegalArgumentException for an override that is wrong
     */
    public static ScriptResult run(Script script, List<String> overrides) {
        return new ScriptRunner(script, ScriptSettings.of(script, overrides)).run();
    }

    /** Parses and runs {@code text}. */
    public static ScriptResult run(String file, String text) {
        return run(ScriptParser.parse(file, text), List.of());
    }

    private ScriptResult run() {
        for (Script.Setting s : script.settings()) {
            if (s.key().equals("#ignored")) {
                history.add(row(0, s.line(), "note", s.value()));
            }
        }
        Event at = null;
        try {
            for (Event e : script.events()) {
                at = e;
                step(e);
                lastEvent = e;
                done++;
            }
        } catch (Failure f) {
            history.add(PAD + "error  " + f.getMessage());
            return result(false, script.name() + ":" + f.line + ": " + f.getMessage());
        } catch (RuntimeException ex) {
            // A bug in the engine must not look like a bug in the script, nor escape as a trace.
            String msg = "jtcp threw " + ex.getClass().getSimpleName() + ": " + ex.getMessage();
            history.add(PAD + "error  " + msg);
            return result(false, script.name() + ":" + (at == null ? 0 : at.line()) + ": " + msg);
        }
        for (Out o : outbox) {
            history.add(row(usOf(o.atNs), 0, "note", "after the last line (not checked): " + actual(o)));
        }
        return result(true, null);
    }

    private ScriptResult result(boolean passed, String failure) {
        return new ScriptResult(script.name(), passed, failure, List.copyOf(history), done, usOf(now));
    }

    // ------------------------------------------------------------------ time

    private static long usOf(long ns) {
        return (ns - T0_NS) / 1000;
    }

    private static long nsOf(long us) {
        return T0_NS + us * 1000;
    }

    private static String secs(long us) {
        return String.format("%d.%06d", us / 1_000_000, Math.abs(us % 1_000_000));
    }

    private String row(long us, int line, String status, String text) {
        return String.format("%11s %-5s %-4s %s", secs(us), line > 0 ? "L" + line : "", status, text);
    }

    private void note(String text) {
        history.add(row(usOf(now), 0, "", text));
    }

    private void settle() {
        stack.onTimeout(now);
        stack.flush(now);
    }

    /** Fires every timer due by {@code targetNs}, then stands at it. */
    private void advanceTo(long targetNs, int line) {
        for (int i = 0; ; i++) {
            if (i == MAX_TIMER_STEPS) {
                throw new Failure(line, "jtcp's timers did not settle (" + MAX_TIMER_STEPS + " expiries)");
            }
            long d = stack.nextDeadlineNs();
            if (d > targetNs) {
                break;
            }
            now = Math.max(now, d);
            settle();
        }
        if (targetNs > now) {
            now = targetNs;
            // Calls take no time argument: the engine must hear of the new time first.
            settle();
        }
    }

    /** Fires timers up to {@code limitNs} until jtcp sends something. */
    private void waitForOutput(long limitNs, int line) {
        for (int i = 0; outbox.isEmpty(); i++) {
            if (i == MAX_TIMER_STEPS) {
                throw new Failure(line, "jtcp's timers did not settle (" + MAX_TIMER_STEPS + " expiries)");
            }
            long d = stack.nextDeadlineNs();
            if (d > limitNs) {
                return;
            }
            now = Math.max(now, d);
            settle();
        }
    }

    // ------------------------------------------------------------------ events

    private void step(Event e) {
        Script.Timing t = e.timing();
        boolean anchored = lastEvent != null && isInjected(lastEvent) && isInjected(e);
        long offset = anchored ? lastScriptUs : usOf(now);
        long startUs;
        long endUs;
        switch (t.kind()) {
            case ABSOLUTE:
            case ABSOLUTE_RANGE:
                startUs = t.startUs();
                endUs = t.endUs();
                break;
            case ANY:
                startUs = usOf(now);
                endUs = startUs;
                break;
            default:
                startUs = offset + t.startUs();
                endUs = offset + t.endUs();
        }
        if (e.isSegment() && !e.segment().inbound()) {
            expect(e, startUs, endUs);
        } else {
            advanceTo(nsOf(startUs), e.line());
            unexpected(e.line());
            if (e.isSegment()) {
                inject(e);
            } else {
                call(e);
            }
            settle();
        }
        lastScriptUs = startUs;
    }

    private static boolean isInjected(Event e) {
        return e.isSegment() && e.segment().inbound();
    }

    private void unexpected(int line) {
        Out o = outbox.poll();
        if (o != null) {
            history.add(row(usOf(o.atNs), 0, "FAIL", "unexpected " + actual(o)));
            history.add(PAD + "trace  out " + trace(o.bytes));
            throw new Failure(line, "jtcp sent a segment no line expects before this one: " + actual(o));
        }
    }

    private void call(Event e) {
        int at = history.size();
        ScriptSockets.Result r = sockets.call(e.call());
        boolean ok = r.matches(e.call());
        // The call's line goes before the state changes it caused.
        history.add(at, row(usOf(now), e.line(), ok ? "ok" : "FAIL", e.text()));
        if (!ok) {
            history.add(PAD + "actual = " + r);
            throw new Failure(
                    e.line(),
                    e.call().name() + ": expected " + e.call().result()
                            + (e.call().errno() == null ? "" : " " + e.call().errno()) + " but got " + r);
        }
    }

    private void connected(TcpConnection c) {
        current = flow(c.localPort(), c.remotePort());
    }

    /** What jtcp's sequence numbers count from on {@code f}: its ISN, or 0 with absolute_seq. */
    private int base(Flow f) {
        return settings.absoluteSeq ? 0 : f.localIsn;
    }

    private Flow flow(int localPort, int remotePort) {
        return flows.computeIfAbsent(((long) localPort << 16) | remotePort, k -> new Flow(localPort, remotePort));
    }

    // ------------------------------------------------------------------ injected segments

    private void inject(Event e) {
        SegmentSpec s = e.segment();
        int src;
        int dst;
        if (s.srcPort() != null) {
            src = s.srcPort();
            dst = s.dstPort();
        } else if (current != null) {
            src = current.remotePort;
            dst = current.localPort;
        } else {
            src = settings.remotePort;
            dst = sockets.lastListenPort != 0 ? sockets.lastListenPort : settings.bindPort;
        }
        Flow f = flow(dst, src);
        current = f;
        final int isn = base(f);
        long ack = s.ack() == null ? 0 : s.ack();
        byte[] options = Segments.optionBytes(s.options(), edge -> edge + isn, this::liveEcr);
        byte[] p = Segments.build(
                settings.remoteAddr,
                settings.localAddr,
                src,
                dst,
                (int) s.seq(),
                (int) (ack + isn),
                s.flags(),
                s.window(),
                options,
                s.length());
        history.add(row(usOf(now), e.line(), "in", e.text()));
        history.add(PAD + "trace  in  " + trace(p));
        stack.onPacket(now, new UnsafeBuffer(p), 0, p.length);
    }

    /** packetdrill's TS ecr rule: the script echoes a TS val it expected; send the live one. */
    private long liveEcr(long scriptEcr) {
        Long live = tsValues.get(scriptEcr);
        if (live != null) {
            return live;
        }
        if (scriptEcr == 0 || tsOffset == null) {
            return scriptEcr;
        }
        return (scriptEcr + tsOffset) & 0xFFFF_FFFFL;
    }

    // ------------------------------------------------------------------ expected segments

    private void expect(Event e, long startUs, long endUs) {
        TimeKind kind = e.timing().kind();
        long lo;
        long hi;
        if (kind == TimeKind.ANY) {
            lo = usOf(now);
            hi = lo + ANY_TIME_LIMIT_US;
        } else {
            long tol = Math.max(
                    settings.toleranceUs, (long) (settings.tolerancePercent / 100.0 * (startUs - lastScriptUs)));
            lo = startUs - tol;
            hi = endUs + tol;
        }
        if (outbox.isEmpty()) {
            waitForOutput(nsOf(hi), e.line());
        }
        if (outbox.isEmpty()) {
            // Failing either way: look further ahead to tell "late" from "never".
            waitForOutput(nsOf(hi) + LATE_LOOKAHEAD_NS, e.line());
            Out late = outbox.poll();
            history.add(row(late == null ? usOf(now) : usOf(late.atNs), e.line(), "FAIL", e.text()));
            if (late == null) {
                throw new Failure(
                        e.line(),
                        "expected segment missing: jtcp sent nothing by " + secs(hi) + " s (nor in "
                                + LATE_LOOKAHEAD_NS / 1_000_000_000L + " s more)");
            }
            history.add(PAD + "actual " + actual(late));
            history.add(PAD + "trace  out " + trace(late.bytes));
            throw new Failure(
                    e.line(),
                    "late: expected " + when(kind, startUs, endUs) + " (latest " + secs(hi)
                            + " s with the tolerance) but jtcp sent it at " + secs(usOf(late.atNs)) + " s: "
                            + actual(late));
        }
        Out o = outbox.poll();
        Seen seen = Segments.parse(o.bytes);
        Flow f = seen.notTcp() == null ? flow(seen.srcPort(), seen.dstPort()) : null;
        if (f != null && (seen.flags() & TcpHeader.SYN) != 0) {
            f.localIsn = seen.seq();
        }
        List<String> wrong = compare(e.segment(), seen, f);
        long at = usOf(o.atNs);
        if (wrong.isEmpty() && kind != TimeKind.ANY && (at < lo || at > hi)) {
            wrong.add("timing: expected " + when(kind, startUs, endUs) + " but sent at " + secs(at) + " s (tolerance "
                    + secs((hi - lo - (endUs - startUs)) / 2) + " s)");
        }
        boolean ok = wrong.isEmpty();
        history.add(row(at, e.line(), ok ? "ok" : "FAIL", e.text()));
        if (!ok) {
            history.add(PAD + "actual " + actual(o));
        }
        history.add(PAD + "trace  out " + trace(o.bytes));
        if (!ok) {
            throw new Failure(e.line(), String.join("; ", wrong));
        }
        current = f;
        rememberTsVal(e.segment(), seen);
    }

    private static String when(TimeKind kind, long startUs, long endUs) {
        return kind == TimeKind.ABSOLUTE_RANGE || kind == TimeKind.RELATIVE_RANGE
                ? "between " + secs(startUs) + " and " + secs(endUs) + " s"
                : "at " + secs(startUs) + " s";
    }

    private List<String> compare(SegmentSpec s, Seen a, Flow f) {
        List<String> wrong = new ArrayList<>();
        if (a.notTcp() != null) {
            wrong.add("expected a TCP segment but jtcp sent a packet of " + a.notTcp());
            return wrong;
        }
        if (s.srcPort() != null && (s.srcPort() != a.srcPort() || s.dstPort() != a.dstPort())) {
            wrong.add("ports: expected " + s.srcPort() + ">" + s.dstPort() + " but got " + a.srcPort() + ">"
                    + a.dstPort());
        }
        if (s.flags() != a.flags()) {
            wrong.add("flags: expected " + Segments.flags(s.flags()) + " but got " + Segments.flags(a.flags()));
        }
        long seq = (a.seq() - base(f)) & 0xFFFF_FFFFL;
        if (seq != s.seq()) {
            wrong.add("seq: expected " + s.seq() + " but got " + seq);
        }
        if (s.length() != a.payloadLength()) {
            wrong.add("length: expected " + s.length() + " but got " + a.payloadLength());
        }
        if (s.ack() != null && s.ack() != (a.ack() & 0xFFFF_FFFFL)) {
            wrong.add("ack: expected " + s.ack() + " but got " + (a.ack() & 0xFFFF_FFFFL));
        }
        if (s.window() != null && s.window() != a.window()) {
            wrong.add("win: expected " + s.window() + " but got " + a.window());
        }
        if (s.options() != null && !sameOptions(s.options(), a.options())) {
            wrong.add(
                    "options: expected " + Segments.options(s.options()) + " but got " + Segments.options(a.options()));
        }
        return wrong;
    }

    /**
     * Options compare by kind and value, not byte for byte: NOP and EOL padding and the order are
     * left out (jtcp lays its SYN options out differently from Linux), and TS val is not compared
     * (it is jtcp's clock; the script's value is mapped to it for later echoes).
     */
    private static boolean sameOptions(List<TcpOpt> expected, List<TcpOpt> actual) {
        List<TcpOpt> e = meaningful(expected);
        List<TcpOpt> a = meaningful(actual);
        if (e.size() != a.size()) {
            return false;
        }
        for (TcpOpt x : e) {
            TcpOpt y = a.stream().filter(o -> o.kind() == x.kind()).findFirst().orElse(null);
            if (y == null) {
                return false;
            }
            boolean same;
            switch (x.kind()) {
                case TS:
                    same = x.b() == y.b();
                    break;
                case SACK:
                    same = Arrays.equals(x.edges(), y.edges());
                    break;
                default:
                    same = x.a() == y.a();
            }
            if (!same) {
                return false;
            }
        }
        return true;
    }

    private static List<TcpOpt> meaningful(List<TcpOpt> options) {
        List<TcpOpt> out = new ArrayList<>();
        for (TcpOpt o : options) {
            if (o.kind() != OptKind.NOP && o.kind() != OptKind.EOL) {
                out.add(o);
            }
        }
        return out;
    }

    private void rememberTsVal(SegmentSpec s, Seen a) {
        if (s.options() == null) {
            return;
        }
        TcpOpt want = s.options().stream()
                .filter(o -> o.kind() == OptKind.TS)
                .findFirst()
                .orElse(null);
        TcpOpt got = a.options().stream()
                .filter(o -> o.kind() == OptKind.TS)
                .findFirst()
                .orElse(null);
        if (want != null && got != null) {
            tsValues.put(want.a(), got.a());
            tsOffset = (got.a() - want.a()) & 0xFFFF_FFFFL;
        }
    }

    /** What jtcp sent, in script syntax with its numbers relative (the flow's ISN as 0). */
    private String actual(Out o) {
        Seen a = Segments.parse(o.bytes);
        if (a.notTcp() != null) {
            return "a packet of " + a.notTcp();
        }
        Flow f = flows.get(((long) a.srcPort() << 16) | a.dstPort());
        int isn = settings.absoluteSeq ? 0 : f != null ? f.localIsn : (a.flags() & TcpHeader.SYN) != 0 ? a.seq() : 0;
        String ports = Objects.equals(f, current) ? "" : a.srcPort() + ">" + a.dstPort() + " ";
        return "> " + ports
                + Segments.render(
                                false,
                                a.flags(),
                                (a.seq() - isn) & 0xFFFF_FFFFL,
                                a.payloadLength(),
                                (a.flags() & TcpHeader.ACK) != 0 ? a.ack() & 0xFFFF_FFFFL : null,
                                a.window(),
                                a.options())
                        .substring(2);
    }

    private static String trace(byte[] p) {
        return TraceFormatter.describe(new UnsafeBuffer(p), 0, p.length);
    }

    // ------------------------------------------------------------------ engine hooks

    private void record(DirectBuffer buffer, int offset, int length) {
        byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        outbox.add(new Out(now, copy));
    }

    private final class Tracer implements StackTracer {
        @Override
        public void onStateChange(long nowNs, TcpConnection c, TcpState from, TcpState to) {
            history.add(row(
                    usOf(nowNs), 0, "", "state " + c.localPort() + "<>" + c.remotePort() + " " + from + " -> " + to));
        }

        @Override
        public void onDrop(long nowNs, DropReason reason, DirectBuffer buffer, int offset, int length) {
            history.add(row(usOf(nowNs), 0, "", "drop " + reason));
        }
    }
}
