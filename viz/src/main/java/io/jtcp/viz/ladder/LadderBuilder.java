package io.jtcp.viz.ladder;

import io.jtcp.stack.tcp.TcpState;
import io.jtcp.viz.capture.TcpSegment;
import io.jtcp.viz.tcp.ConnectionAnalysis;
import io.jtcp.viz.tcp.Mark;
import io.jtcp.viz.tcp.SegmentView;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lays out one analysed connection as a {@link Ladder}: one arrow per segment, except that long
 * runs of unremarkable segments (bulk data and its ACKs: no flags but ACK/PSH, no state change, no
 * mark) fold into one row that counts them, keeping a few at each end so the pattern shows. When a
 * capture is so long that the folded ladder still exceeds {@link #maxRows}, marked segments fold
 * too (counted by mark). Pauses of at least {@link #GAP_SECONDS} get a row saying how long.
 */
public final class LadderBuilder {
    /** Runs longer than this fold. */
    static final int FOLD_MIN = 12;

    static final int KEEP_HEAD = 4;
    static final int KEEP_TAIL = 2;
    static final double GAP_SECONDS = 0.2;
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern(
                    "yyyy-MM-dd HH:mm:ss.SSS 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final boolean absolute;
    private final int maxRows;

    /**
     * @param absolute raw sequence numbers instead of numbers relative to each side's ISN
     * @param maxRows rows beyond which marked segments fold too
     */
    public LadderBuilder(boolean absolute, int maxRows) {
        this.absolute = absolute;
        this.maxRows = maxRows;
    }

    /** The ladder of {@code an}; {@code of} is the number of connections in the capture. */
    public Ladder build(ConnectionAnalysis an, int of) {
        List<SegmentView> views = an.segments();
        long t0 = views.isEmpty() ? 0 : views.get(0).segment().timeNs();
        List<int[]> spans = spans(views, 0);
        if (spans.size() > maxRows) {
            spans = spans(views, 1);
        }
        List<Ladder.Row> rows = new ArrayList<>();
        long prevEnd = t0;
        for (int[] span : spans) {
            long start = views.get(span[0]).segment().timeNs();
            double pause = (start - prevEnd) / 1e9;
            if (pause >= GAP_SECONDS) {
                rows.add(new Ladder.Gap(String.format(Locale.ROOT, "%.3f s later", pause), pause));
            }
            rows.add(span[1] - span[0] == 1 ? arrow(views.get(span[0]), t0) : fold(views, span[0], span[1], t0));
            prevEnd = views.get(span[1] - 1).segment().timeNs();
        }
        String left = an.connection().a().toString();
        String right = an.connection().b().toString();
        long ns = views.isEmpty() ? 0 : views.get(views.size() - 1).segment().timeNs() - t0;
        String title = String.format(
                Locale.ROOT,
                "TCP connection #%d of %d: %s -> %s, %d segments in %.3f s, from %s",
                an.connection().number(),
                of,
                left,
                right,
                views.size(),
                ns / 1e9,
                WHEN.format(Instant.ofEpochSecond(0, t0)));
        List<String> notes = new ArrayList<>();
        notes.add(sideNote(left, an.isnA(), an.synA() == null ? null : an.synA().compact()));
        notes.add(
                sideNote(right, an.isnB(), an.synB() == null ? null : an.synB().compact()));
        notes.add((absolute ? "raw sequence numbers" : "seq/ack relative to each side's ISN (--absolute for raw)")
                + (an.windowScaling() ? "; windows scaled (RFC 7323)" : "; windows as sent"));
        notes.add(
                switch (an.stateSource()) {
                    case INFERRED -> "states inferred from the segments by the RFC 9293 state machine (3.3.2),"
                            + " not read from a stack";
                    case TRACED_A -> left + "'s states from its own state trace; " + right
                            + "'s inferred by the RFC 9293 state machine (3.3.2)";
                    case TRACED_B -> right + "'s states from its own state trace; " + left
                            + "'s inferred by the RFC 9293 state machine (3.3.2)";
                });
        List<String> foot = new ArrayList<>();
        if (an.finalA() == TcpState.TIME_WAIT || an.finalB() == TcpState.TIME_WAIT) {
            foot.add("TIME_WAIT lasts 2*MSL after the last ACK (RFC 9293 3.10.7.4: MSL 2 min; Linux: 60 s in all);"
                    + " the capture ends before it does");
        }
        return new Ladder(
                title,
                notes,
                left,
                right,
                an.initialA().name(),
                an.initialB().name(),
                rows,
                an.finalA().name(),
                an.finalB().name(),
                foot,
                an.stateSource() == ConnectionAnalysis.StateSource.TRACED_A,
                an.stateSource() == ConnectionAnalysis.StateSource.TRACED_B);
    }

    private static String sideNote(String who, long isn, String options) {
        StringBuilder sb = new StringBuilder(who).append(": ");
        sb.append(isn >= 0 ? "ISN " + isn : "no SYN captured");
        if (options != null && !options.isEmpty()) {
            sb.append(", SYN options <").append(options).append('>');
        }
        return sb.toString();
    }

    /**
     * Spans [from, to) of segments: singletons, and folded runs of segments at or below {@code
     * level} (0: unremarkable; 1: also marked ones).
     */
    private static List<int[]> spans(List<SegmentView> views, int level) {
        List<int[]> out = new ArrayList<>();
        int i = 0;
        while (i < views.size()) {
            if (level(views.get(i)) > level) {
                out.add(new int[] {i, i + 1});
                i++;
                continue;
            }
            int j = i;
            while (j < views.size() && level(views.get(j)) <= level) {
                j++;
            }
            if (j - i > FOLD_MIN) {
                for (int k = i; k < i + KEEP_HEAD; k++) {
                    out.add(new int[] {k, k + 1});
                }
                out.add(new int[] {i + KEEP_HEAD, j - KEEP_TAIL});
                for (int k = j - KEEP_TAIL; k < j; k++) {
                    out.add(new int[] {k, k + 1});
                }
            } else {
                for (int k = i; k < j; k++) {
                    out.add(new int[] {k, k + 1});
                }
            }
            i = j;
        }
        return out;
    }

    /** 2: always drawn (SYN, FIN, RST, a state change, a message start); 1: marked; 0: plain. */
    private static int level(SegmentView v) {
        TcpSegment s = v.segment();
        if (s.has(TcpSegment.SYN | TcpSegment.FIN | TcpSegment.RST)
                || v.senderState() != null
                || v.receiverState() != null
                || s.text() != null) {
            return 2;
        }
        return v.marks().isEmpty() ? 0 : 1;
    }

    private Ladder.Arrow arrow(SegmentView v, long t0) {
        TcpSegment s = v.segment();
        Ladder.Kind kind;
        if (s.has(TcpSegment.RST)) {
            kind = Ladder.Kind.RESET;
        } else if (!v.marks().isEmpty()) {
            kind = Ladder.Kind.ANOMALY;
        } else if (s.has(TcpSegment.SYN | TcpSegment.FIN)) {
            kind = Ladder.Kind.CONTROL;
        } else {
            kind = s.length() > 0 ? Ladder.Kind.DATA : Ladder.Kind.ACK;
        }
        return new Ladder.Arrow(
                seconds(s.timeNs() - t0),
                v.fromA(),
                SegmentLabel.of(v, absolute),
                SegmentLabel.marks(v),
                v.senderState() == null ? null : v.senderState().name(),
                v.receiverState() == null ? null : v.receiverState().name(),
                kind);
    }

    private static Ladder.Fold fold(List<SegmentView> views, int from, int to, long t0) {
        int[] count = new int[2];
        long[] bytes = new long[2];
        int[] marks = new int[Mark.values().length];
        for (int i = from; i < to; i++) {
            SegmentView v = views.get(i);
            int side = v.fromA() ? 0 : 1;
            count[side]++;
            bytes[side] += v.segment().length();
            for (Mark m : v.marks()) {
                marks[m.ordinal()]++;
            }
        }
        long first = views.get(from).segment().timeNs();
        long last = views.get(to - 1).segment().timeNs();
        StringBuilder sb = new StringBuilder(
                String.format(Locale.ROOT, "… %d segments in %.3f s: ", to - from, (last - first) / 1e9));
        sb.append(count[0]).append(" → ").append(bytes[0] > 0 ? bytes(bytes[0]) : "no data");
        sb.append(", ").append(count[1]).append(" ← ").append(bytes[1] > 0 ? bytes(bytes[1]) : "no data");
        for (Mark m : Mark.values()) {
            if (marks[m.ordinal()] > 0) {
                sb.append(", ").append(m.label()).append(" x").append(marks[m.ordinal()]);
            }
        }
        return new Ladder.Fold(seconds(first - t0), sb.append(" …").toString());
    }

    /** Decimal units, one decimal: 812 B, 1.2 kB, 1.2 MB, 1.1 GB. */
    static String bytes(long n) {
        if (n < 1000) {
            return n + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double v = n;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static String seconds(long ns) {
        return String.format(Locale.ROOT, "%.6f", ns / 1e9);
    }
}
