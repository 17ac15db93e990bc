package io.jtcp.stack.harness;

import io.jtcp.stack.tcp.TcpState;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Which (state, event) pairs the scripted tests reached, collected by every {@link TcpScript} in
 * the JVM. Printed as a table so gaps show (see TransitionCoverageTest).
 */
public final class Coverage {
    /**
     * Event columns, in print order: the kind of segment injected (every one counts in its kind),
     * then ✗SEQ / ✗RST when the engine also found it unacceptable (§3.10.7.4 first step, RFC 5961
     * §3), then clock and application events.
     */
    public static final List<String> EVENTS =
            List.of("SYN", "SYN-ACK", "ACK", "DATA", "FIN", "RST", "no-ACK", "✗SEQ", "✗RST", "TIMER", "CLOSE", "ABORT");

    private static final Map<TcpState, Map<String, LongAdder>> HITS = new ConcurrentHashMap<>();

    private Coverage() {}

    public static void record(TcpState state, String event) {
        HITS.computeIfAbsent(state, s -> new ConcurrentHashMap<>())
                .computeIfAbsent(event, e -> new LongAdder())
                .increment();
    }

    public static long hits(TcpState state, String event) {
        Map<String, LongAdder> row = HITS.get(state);
        if (row == null) {
            return 0;
        }
        LongAdder a = row.get(event);
        return a == null ? 0 : a.sum();
    }

    public static boolean isEmpty() {
        return HITS.isEmpty();
    }

    /** The table: one row per state, one column per event, hit counts ("." for none). */
    public static String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-13s", "state\\event"));
        for (String e : EVENTS) {
            sb.append(String.format("%8s", e));
        }
        sb.append('\n');
        for (TcpState s : TcpState.values()) {
            sb.append(String.format("%-13s", s));
            for (String e : EVENTS) {
                long h = hits(s, e);
                sb.append(String.format("%8s", h == 0 ? "." : Long.toString(h)));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Cells among {@code required} that no test reached. */
    public static List<String> gaps(Map<TcpState, List<String>> required) {
        List<String> gaps = new ArrayList<>();
        for (Map.Entry<TcpState, List<String>> r : new EnumMap<>(required).entrySet()) {
            for (String e : r.getValue()) {
                if (hits(r.getKey(), e) == 0) {
                    gaps.add(r.getKey() + " × " + e);
                }
            }
        }
        return gaps;
    }
}
