package io.jtcp.tun.script;

import java.util.List;

/**
 * A parsed packetdrill-style script: its settings ({@code // jtcp: key=value} lines and {@code
 * --option=value} lines) and its events in order. Immutable; built by {@link ScriptParser}.
 */
public final class Script {
    private final String name;
    private final List<Setting> settings;
    private final List<Event> events;

    Script(String name, List<Setting> settings, List<Event> events) {
        this.name = name;
        this.settings = List.copyOf(settings);
        this.events = List.copyOf(events);
    }

    /** The file name used in messages. */
    public String name() {
        return name;
    }

    /** The settings in the order they appear. */
    public List<Setting> settings() {
        return settings;
    }

    /** The events in the order they appear. */
    public List<Event> events() {
        return events;
    }

    /** One {@code key=value} setting and the line it came from. */
    public record Setting(int line, String key, String value) {}

    /** How an event's time prefix reads (packetdrill's event_time). */
    public enum TimeKind {
        /** {@code 0.100}: seconds since the script started. */
        ABSOLUTE,
        /** {@code +0.1}: seconds after the previous event. */
        RELATIVE,
        /** {@code *}: any time (expected segments only). */
        ANY,
        /** {@code 0.1~0.2}: between two absolute times (expected segments only). */
        ABSOLUTE_RANGE,
        /** {@code +0.1~+0.2}: between two relative times (expected segments only). */
        RELATIVE_RANGE
    }

    /** An event's time prefix; microseconds, as packetdrill keeps them. */
    public record Timing(TimeKind kind, long startUs, long endUs) {}

    /**
     * One line of the script: a segment injected ({@code <}), a segment expected ({@code >}) or a
     * socket call. Exactly one of {@code segment} and {@code call} is set.
     */
    public record Event(int line, String text, Timing timing, SegmentSpec segment, Call call) {
        public boolean isSegment() {
            return segment != null;
        }
    }

    /**
     * A TCP segment as a script writes it: {@code < S 0:0(0) win 32792 <mss 1000,sackOK>}.
     * Nullable fields are "not given": not checked on expected segments, defaulted on injected
     * ones. {@code options} null means {@code <...>} (any options).
     */
    public record SegmentSpec(
            boolean inbound,
            Integer srcPort,
            Integer dstPort,
            int flags,
            long seq,
            int length,
            Long ack,
            Integer window,
            List<TcpOpt> options) {}

    /** Kinds of TCP option a script can write. */
    public enum OptKind {
        NOP,
        EOL,
        MSS,
        WSCALE,
        SACK_OK,
        TS,
        SACK
    }

    /**
     * One TCP option: {@code a} is the MSS, the shift or TS val; {@code b} TS ecr; {@code edges}
     * the SACK blocks' left/right edges in pairs.
     */
    public record TcpOpt(OptKind kind, long a, long b, long[] edges) {
        static TcpOpt of(OptKind kind) {
            return new TcpOpt(kind, 0, 0, new long[0]);
        }
    }

    /**
     * A socket call: {@code write(4, ..., 1000) = 1000} or {@code read(4, ..., 10) = -1 EAGAIN}.
     * {@code errno} is null when the script names none.
     */
    public record Call(String name, List<String> args, long result, String errno) {}
}
