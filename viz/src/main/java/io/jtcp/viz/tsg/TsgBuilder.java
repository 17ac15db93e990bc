package io.jtcp.viz.tsg;

import io.jtcp.viz.capture.TcpSegment;
import io.jtcp.viz.tcp.Connection;
import io.jtcp.viz.tcp.ConnectionAnalysis;
import io.jtcp.viz.tcp.Mark;
import io.jtcp.viz.tcp.SegmentView;
import io.jtcp.viz.tsg.TimeSequence.AckSample;
import io.jtcp.viz.tsg.TimeSequence.Bar;
import io.jtcp.viz.tsg.TimeSequence.BarKind;
import io.jtcp.viz.tsg.TimeSequence.Marker;
import io.jtcp.viz.tsg.TimeSequence.MarkerKind;
import io.jtcp.viz.tsg.TimeSequence.SackBlock;
import io.jtcp.viz.tsg.TimeSequence.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Builds the {@link TimeSequence} of one direction of an analysed connection.
 *
 * <p>Decimation keeps a graph of any capture bounded: the time axis is cut into {@code columns}
 * equal columns (about one per pixel of the SVG), and within one column consecutive bars of the
 * same kind that touch or overlap merge into one (in-order data merges, a retransmission below
 * it stays apart); at most {@value #MAX_BARS_PER_COLUMN} bars per column survive, beyond which a
 * column's further bars join its last bar of that kind. Per column at most three ACK samples stay
 * (the first, the one with the smallest window, the last), SACK blocks merge where they overlap,
 * duplicate ACKs and zero windows become one counted mark per kind, bytes in flight and cwnd one
 * sample (the column's maximum). So the output grows with the number of columns, not with the
 * capture: a graph of 1 GiB is as big as one of 100 MB. A capture smaller than the columns draws
 * every segment as it is.
 */
public final class TsgBuilder {
    /** Bars one time column keeps before merging further ones (per column, all kinds). */
    public static final int MAX_BARS_PER_COLUMN = 8;

    private static final int MAX_SACKS_PER_COLUMN = 8;

    private final boolean absolute;
    private final int columns;
    private final boolean inFlight;
    private List<CcLog.Point> ccLog = List.of();
    private double fromS = 0;
    private double toS = Double.POSITIVE_INFINITY;

    /**
     * @param absolute label raw sequence numbers instead of relative ones
     * @param columns time columns to decimate into (at least 1)
     * @param inFlight compute bytes in flight over time
     */
    public TsgBuilder(boolean absolute, int columns, boolean inFlight) {
        if (columns < 1) {
            throw new IllegalArgumentException("columns must be at least 1, not " + columns);
        }
        this.absolute = absolute;
        this.columns = columns;
        this.inFlight = inFlight;
    }

    /** The sender's congestion window over time, from its congestion log. */
    public TsgBuilder ccLog(List<CcLog.Point> points) {
        this.ccLog = List.copyOf(points);
        return this;
    }

    /**
     * Draws only [fromS, toS] (seconds since the connection's first segment), decimated into the
     * same number of columns: a zoom into a long capture. The ACK line and the window edge enter
     * at the left with the values they had there.
     */
    public TsgBuilder window(double fromS, double toS) {
        if (!(fromS >= 0) || !(toS > fromS)) {
            throw new IllegalArgumentException("the time window must have 0 <= from < to, not " + fromS + ".." + toS);
        }
        this.fromS = fromS;
        this.toS = toS;
        return this;
    }

    /** Whether side a (the opener) sent at least as much payload as side b: the default direction. */
    public static boolean busierIsA(Connection c) {
        long[] bytes = c.payloadBytes();
        return bytes[0] >= bytes[1];
    }

    /** The graph of the data {@code fromA ? a→b : b→a}. */
    public TimeSequence build(ConnectionAnalysis an, boolean fromA) {
        Connection c = an.connection();
        List<SegmentView> views = an.segments();
        long t0 = views.isEmpty() ? 0 : views.get(0).segment().timeNs();
        long tEnd = views.isEmpty() ? 0 : views.get(views.size() - 1).segment().timeNs();
        double start = fromS;
        // A window past the end of the capture draws an empty axis, not an error.
        double end = Double.isFinite(toS) ? toS : Math.max(start, Math.max(0, (tEnd - t0) / 1e9));
        Columns col = new Columns(start, end, columns);
        long base = base(an, fromA);

        List<Bar> bars = new ArrayList<>();
        List<AckSample> acks = new ArrayList<>();
        List<SackBlock> sacks = new ArrayList<>();
        List<Marker> markers = new ArrayList<>();
        List<Sample> flight = new ArrayList<>();
        BarColumn barCol = new BarColumn(bars);
        AckColumn ackCol = new AckColumn(acks);
        SackColumn sackCol = new SackColumn(sacks);
        MarkerColumn markCol = new MarkerColumn(markers);
        MaxColumn flightCol = new MaxColumn(flight);

        int data = 0;
        int retrans = 0;
        int ackSegs = 0;
        int dups = 0;
        int zeros = 0;
        int sackCount = 0;
        long sndMax = -1;
        long cumAck = -1;
        long bytes = 0;
        AckSample before = null;
        for (SegmentView v : views) {
            TcpSegment s = v.segment();
            double t = Math.max(0, (s.timeNs() - t0) / 1e9);
            if (t > end) {
                break;
            }
            boolean shown = t >= start;
            int column = col.of(t);
            if (!shown) {
                // Before the window: only what the lines need where they enter it.
                if (v.fromA() == fromA && s.seqLength() > 0 && !s.has(TcpSegment.RST)) {
                    sndMax = Math.max(sndMax, v.relSeq() + s.seqLength());
                } else if (v.fromA() != fromA && s.has(TcpSegment.ACK) && !s.has(TcpSegment.RST) && v.relAck() >= 0) {
                    cumAck = Math.max(cumAck, v.relAck());
                    before = new AckSample(start, v.relAck(), v.relAck() + v.window());
                }
                continue;
            }
            if (before != null) {
                ackCol.add(col.of(start), before);
                before = null;
            }
            if (v.fromA() == fromA) {
                int len = s.seqLength();
                if (len > 0 && !s.has(TcpSegment.RST)) {
                    data++;
                    bytes += s.length();
                    BarKind kind = kind(v);
                    if (kind == BarKind.RETRANSMISSION) {
                        retrans++;
                    }
                    barCol.add(column, new Bar(t, v.relSeq(), v.relSeq() + len, kind, 1));
                    sndMax = Math.max(sndMax, v.relSeq() + len);
                }
            } else if (s.has(TcpSegment.ACK) && !s.has(TcpSegment.RST) && v.relAck() >= 0) {
                ackSegs++;
                long ack = v.relAck();
                cumAck = Math.max(cumAck, ack);
                ackCol.add(column, new AckSample(t, ack, ack + v.window()));
                if (v.marks().contains(Mark.DUP_ACK)) {
                    dups++;
                    markCol.add(column, new Marker(t, ack, MarkerKind.DUP_ACK, 1));
                }
                if (v.marks().contains(Mark.ZERO_WINDOW)) {
                    zeros++;
                    markCol.add(column, new Marker(t, ack, MarkerKind.ZERO_WINDOW, 1));
                }
                if (s.options() != null) {
                    for (long[] block : s.options().sack()) {
                        // SACK edges are raw numbers of the sender's space: unwrap them near the ACK.
                        long from = ack + (int) (block[0] - s.ack());
                        long to = ack + (int) (block[1] - s.ack());
                        if (to > from) {
                            sackCount++;
                            sackCol.add(column, new SackBlock(t, from, to));
                        }
                    }
                }
            } else {
                continue;
            }
            if (inFlight && sndMax >= 0) {
                flightCol.add(column, new Sample(t, Math.max(0, sndMax - Math.max(cumAck, 0))));
            }
        }
        if (before != null) {
            ackCol.add(col.of(start), before);
        }
        barCol.flush();
        ackCol.flush();
        sackCol.flush();
        markCol.flush();
        flightCol.flush();

        List<Sample> cwnd = new ArrayList<>();
        MaxColumn cwndCol = new MaxColumn(cwnd);
        Columns ccColumns = new Columns(start, end, columns); // the log's own clock: its order, not the capture's
        double t0s = t0 / 1e9;
        for (CcLog.Point p : ccLog) {
            // Unix times are on the capture's clock; small ones count from the first segment.
            double t = p.tS() > 1e6 ? p.tS() - t0s : p.tS();
            if (t >= start && t <= end) {
                cwndCol.add(ccColumns.of(t), new Sample(t, p.cwnd()));
            }
        }
        cwndCol.flush();

        String sender = (fromA ? c.a() : c.b()).toString();
        String receiver = (fromA ? c.b() : c.a()).toString();
        List<String> notes = new ArrayList<>();
        notes.add(String.format(
                Locale.ROOT,
                "%d segments with data/SYN/FIN (%s of payload, %d retransmitted), %d ACKs back; %.3f s%s",
                data,
                Units.bytes(bytes),
                retrans,
                ackSegs,
                end - start,
                start > 0 || Double.isFinite(toS)
                        ? String.format(Locale.ROOT, " (%.3f to %.3f s after the first segment)", start, end)
                        : ""));
        long isn = fromA ? an.isnA() : an.isnB();
        notes.add(
                absolute
                        ? "absolute sequence numbers"
                        : isn >= 0
                                ? "sequence numbers relative to the sender's ISN " + isn + " (its SYN is 0)"
                                : "sequence numbers relative to the first one captured (" + base
                                        + "): the SYN was not captured");
        notes.add(
                an.windowScaling()
                        ? "window edge = ACK + window << " + (fromA ? an.synB() : an.synA()).windowScale()
                                + " (RFC 7323 window scaling from the SYNs)"
                        : an.isnA() >= 0 && an.isnB() >= 0
                                ? "window edge = ACK + window (no window scaling in the SYNs)"
                                : "window edge = ACK + raw window: the SYNs, and so the window scale, were not captured");
        int drawn = bars.size();
        if (drawn < data) {
            notes.add(String.format(
                    Locale.ROOT,
                    "decimated: %d segments drawn as %d bars (segments that touch merge within each 1/%d of the time axis)",
                    data,
                    drawn,
                    columns));
        }
        String title = "Time-sequence graph: " + sender + " -> " + receiver + " (connection #" + c.number() + ")";
        return new TimeSequence(
                title,
                List.copyOf(notes),
                sender,
                receiver,
                absolute,
                base,
                t0,
                start,
                end,
                List.copyOf(bars),
                List.copyOf(acks),
                List.copyOf(sacks),
                List.copyOf(markers),
                List.copyOf(flight),
                List.copyOf(cwnd),
                new TimeSequence.Stats(data, retrans, ackSegs, dups, zeros, sackCount, columns, bytes));
    }

    /** The raw sequence number that relative 0 stands for in the sender's space. */
    private static long base(ConnectionAnalysis an, boolean fromA) {
        long isn = fromA ? an.isnA() : an.isnB();
        if (isn >= 0) {
            return isn;
        }
        for (SegmentView v : an.segments()) {
            if (v.fromA() == fromA) {
                return (v.segment().seq() - v.relSeq()) & 0xffffffffL;
            }
        }
        for (SegmentView v : an.segments()) {
            if (v.fromA() != fromA && v.relAck() >= 0) {
                return (v.segment().ack() - v.relAck()) & 0xffffffffL;
            }
        }
        return 0;
    }

    private static BarKind kind(SegmentView v) {
        TcpSegment s = v.segment();
        if (v.marks().contains(Mark.RETRANSMISSION)) {
            return BarKind.RETRANSMISSION;
        }
        if (v.marks().contains(Mark.OUT_OF_ORDER)) {
            return BarKind.OUT_OF_ORDER;
        }
        if (v.marks().contains(Mark.ZERO_WINDOW_PROBE) || v.marks().contains(Mark.KEEP_ALIVE)) {
            return BarKind.PROBE;
        }
        if (s.has(TcpSegment.SYN)) {
            return BarKind.SYN;
        }
        if (s.has(TcpSegment.FIN) && s.length() == 0) {
            return BarKind.FIN;
        }
        return BarKind.DATA;
    }

    /** Which of {@code n} equal columns of [start, end] a time falls in; never goes backwards. */
    private static final class Columns {
        private final double start;
        private final double span;
        private final int n;
        private int last;

        Columns(double start, double end, int n) {
            this.start = start;
            this.span = end - start;
            this.n = n;
        }

        int of(double t) {
            int c = span <= 0 ? 0 : (int) Math.max(0, Math.min(n - 1, Math.floor((t - start) / span * n)));
            // Capture order is what counts: a timestamp that steps back stays in the current column.
            last = Math.max(last, c);
            return last;
        }
    }

    private static final class BarColumn {
        private final List<Bar> out;
        private final List<Bar> open = new ArrayList<>();
        private int column = -1;

        BarColumn(List<Bar> out) {
            this.out = out;
        }

        void add(int c, Bar b) {
            if (c != column) {
                flush();
                column = c;
            }
            boolean mergeable = b.kind() != BarKind.SYN && b.kind() != BarKind.FIN;
            for (int i = open.size() - 1; i >= 0 && mergeable; i--) {
                Bar o = open.get(i);
                if (o.kind() != b.kind()) {
                    continue;
                }
                boolean touches = b.from() <= o.to() && b.to() >= o.from();
                if (touches || open.size() >= MAX_BARS_PER_COLUMN) {
                    open.set(
                            i,
                            new Bar(
                                    o.t(),
                                    Math.min(o.from(), b.from()),
                                    Math.max(o.to(), b.to()),
                                    o.kind(),
                                    o.segments() + 1));
                    return;
                }
                break; // only the latest bar of a kind grows: an older one is behind a different bar
            }
            open.add(b);
        }

        void flush() {
            out.addAll(open);
            open.clear();
        }
    }

    private static final class AckColumn {
        private final List<AckSample> out;
        private AckSample first;
        private AckSample narrowest;
        private AckSample last;
        private int column = -1;

        AckColumn(List<AckSample> out) {
            this.out = out;
        }

        void add(int c, AckSample a) {
            if (c != column) {
                flush();
                column = c;
            }
            if (first == null) {
                first = a;
            } else if (narrowest == null || a.windowEdge() - a.ack() < narrowest.windowEdge() - narrowest.ack()) {
                narrowest = a;
            }
            last = a;
        }

        void flush() {
            if (first == null) {
                return;
            }
            out.add(first);
            if (narrowest != null && narrowest != last) {
                out.add(narrowest);
            }
            if (last != first) {
                out.add(last);
            }
            first = null;
            narrowest = null;
            last = null;
        }
    }

    private static final class SackColumn {
        private final List<SackBlock> out;
        private final List<SackBlock> open = new ArrayList<>();
        private int column = -1;

        SackColumn(List<SackBlock> out) {
            this.out = out;
        }

        void add(int c, SackBlock b) {
            if (c != column) {
                flush();
                column = c;
            }
            for (int i = 0; i < open.size(); i++) {
                SackBlock o = open.get(i);
                if ((b.from() <= o.to() && b.to() >= o.from())
                        || (i == open.size() - 1 && open.size() >= MAX_SACKS_PER_COLUMN)) {
                    open.set(i, new SackBlock(o.t(), Math.min(o.from(), b.from()), Math.max(o.to(), b.to())));
                    return;
                }
            }
            open.add(b);
        }

        void flush() {
            out.addAll(open);
            open.clear();
        }
    }

    private static final class MarkerColumn {
        private final List<Marker> out;
        private Marker dup;
        private Marker zero;
        private int column = -1;

        MarkerColumn(List<Marker> out) {
            this.out = out;
        }

        void add(int c, Marker m) {
            if (c != column) {
                flush();
                column = c;
            }
            if (m.kind() == MarkerKind.DUP_ACK) {
                dup = dup == null ? m : new Marker(dup.t(), dup.y(), dup.kind(), dup.count() + 1);
            } else {
                zero = zero == null ? m : new Marker(zero.t(), zero.y(), zero.kind(), zero.count() + 1);
            }
        }

        void flush() {
            if (dup != null && zero != null && zero.t() < dup.t()) {
                out.add(zero);
                out.add(dup);
            } else {
                if (dup != null) {
                    out.add(dup);
                }
                if (zero != null) {
                    out.add(zero);
                }
            }
            dup = null;
            zero = null;
        }
    }

    private static final class MaxColumn {
        private final List<Sample> out;
        private Sample max;
        private int column = -1;

        MaxColumn(List<Sample> out) {
            this.out = out;
        }

        void add(int c, Sample s) {
            if (c != column) {
                flush();
                column = c;
            }
            if (max == null || s.value() > max.value()) {
                max = s;
            }
        }

        void flush() {
            if (max != null) {
                out.add(max);
                max = null;
            }
        }
    }
}
