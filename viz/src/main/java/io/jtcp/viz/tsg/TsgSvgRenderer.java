package io.jtcp.viz.tsg;

import io.jtcp.viz.svg.Xml;
import io.jtcp.viz.tsg.TimeSequence.AckSample;
import io.jtcp.viz.tsg.TimeSequence.Bar;
import io.jtcp.viz.tsg.TimeSequence.BarKind;
import io.jtcp.viz.tsg.TimeSequence.Marker;
import io.jtcp.viz.tsg.TimeSequence.MarkerKind;
import io.jtcp.viz.tsg.TimeSequence.SackBlock;
import io.jtcp.viz.tsg.TimeSequence.Sample;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A time-sequence graph as one self-contained SVG (no script, no external font): time running to
 * the right, sequence numbers up. The bars of one kind are one {@code <path>} and each line one
 * {@code <path>}, so the file stays small however many elements a decimated graph has. With bytes
 * in flight or cwnd, a second panel below shares the time axis.
 */
public final class TsgSvgRenderer {
    /** Plot width in pixels: the default number of decimation columns matches it. */
    public static final int PLOT_WIDTH = 1060;

    private static final int WIDTH = 1200;
    private static final int LEFT = 100;
    private static final int PLOT_H = 560;
    private static final int PANEL_H = 150;
    private static final String FONT = "font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\"";
    /** The window edge may rise this far (as a share of the data's span) above the data before it is clipped. */
    private static final double WINDOW_HEADROOM = 0.5;

    static final Map<BarKind, String> BAR_COLOURS = new EnumMap<>(Map.of(
            BarKind.DATA, "#1f4e9c",
            BarKind.RETRANSMISSION, "#d62728",
            BarKind.OUT_OF_ORDER, "#e67700",
            BarKind.PROBE, "#8c564b",
            BarKind.SYN, "#111111",
            BarKind.FIN, "#111111"));

    static final String ACK_COLOUR = "#2e7d32";
    static final String WINDOW_COLOUR = "#b8860b";
    static final String SACK_COLOUR = "#9c36b5";
    static final String DUP_COLOUR = "#f08c00";
    static final String ZERO_COLOUR = "#b00020";
    static final String FLIGHT_COLOUR = "#1971c2";
    static final String CWND_COLOUR = "#a61e4d";

    private TsgSvgRenderer() {}

    /** Maps data coordinates to the pixels of one panel. */
    private record Frame(double x0, double y0, double w, double h, double start, double end, double lo, double hi) {
        double x(double t) {
            return x0 + (t - start) / (end - start) * w;
        }

        double y(double v) {
            return y0 + h - (v - lo) / (hi - lo) * h;
        }
    }

    /** The graph as SVG text: title and notes, the plot with its axes, the lower panel when there is one, a legend. */
    public static String render(TimeSequence g) {
        StringBuilder body = new StringBuilder();
        double y = 24;
        text(body, 16, y, g.title(), "font-size=\"14\" font-weight=\"bold\" fill=\"#111\"");
        for (String n : g.notes()) {
            y += 16;
            text(body, 16, y, n, "font-size=\"11\" fill=\"#444\"");
        }
        double top = y + 26;
        double start = g.startS();
        double end = g.durationS() > start ? g.durationS() : start + 1e-3;
        double duration = end - start;

        long lo = g.minSeq();
        long hi = Math.max(g.maxSeq(), lo + 1);
        long maxEdge = g.acks().stream().mapToLong(AckSample::windowEdge).max().orElse(hi);
        long allowed = hi + (long) Math.ceil((hi - lo) * WINDOW_HEADROOM);
        boolean clipped = maxEdge > allowed;
        hi = Math.max(hi, Math.min(maxEdge, allowed));
        double pad = (hi - lo) * 0.03;
        Frame f = new Frame(LEFT, top, PLOT_WIDTH, PLOT_H, start, end, lo - pad, hi + pad);
        if (clipped) {
            text(
                    body,
                    LEFT + PLOT_WIDTH,
                    top - 6,
                    "window edge above the top is clipped (up to " + seqLabel(g, maxEdge) + ")",
                    "font-size=\"11\" fill=\"" + WINDOW_COLOUR + "\" text-anchor=\"end\"");
        }
        body.append(String.format(
                Locale.ROOT,
                "<clipPath id=\"plot\"><rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%d\"/></clipPath>\n",
                LEFT,
                top,
                PLOT_WIDTH,
                PLOT_H));
        Units.Unit tu = Units.time(duration);
        double tStep = Units.step(duration / tu.size(), 10);
        seqAxis(body, g, f);
        timeAxis(body, f, tu, tStep, true);
        body.append("<g clip-path=\"url(#plot)\">\n");
        steps(body, f, g.acks(), true, WINDOW_COLOUR, "1.2", "window");
        sacks(body, f, g.sacks());
        bars(body, f, g.bars(), false);
        steps(body, f, g.acks(), false, ACK_COLOUR, "1.6", "ack");
        markers(body, f, g.markers());
        bars(body, f, g.bars(), true); // retransmissions last and wider: what one looks for
        body.append("</g>\n");
        frame(body, f);

        double bottom = top + PLOT_H + 40;
        if (!g.inFlight().isEmpty() || !g.cwnd().isEmpty()) {
            double ptop = bottom + 20;
            long max = 1;
            for (Sample s : g.inFlight()) {
                max = Math.max(max, s.value());
            }
            for (Sample s : g.cwnd()) {
                max = Math.max(max, s.value());
            }
            Frame p = new Frame(LEFT, ptop, PLOT_WIDTH, PANEL_H, start, end, 0, max * 1.08);
            Units.Unit bu = Units.byteUnit(max);
            double bStep = Units.step(max / bu.size(), 4);
            for (double v : Units.ticks(0, max / bu.size(), bStep)) {
                double py = p.y(v * bu.size());
                line(body, LEFT, py, LEFT + PLOT_WIDTH, py, "stroke=\"#eeeeee\"");
                line(body, LEFT - 5, py, LEFT, py, "stroke=\"#333\"");
                text(
                        body,
                        LEFT - 8,
                        py + 4,
                        Units.label(v, bStep),
                        "font-size=\"11\" fill=\"#333\" text-anchor=\"end\"");
            }
            vertical(body, 22, ptop + PANEL_H / 2.0, "bytes (" + bu.name() + ")");
            timeAxis(body, p, tu, tStep, false);
            body.append(String.format(
                    Locale.ROOT,
                    "<clipPath id=\"panel\"><rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%d\"/></clipPath>\n",
                    LEFT,
                    ptop,
                    PLOT_WIDTH,
                    PANEL_H));
            body.append("<g clip-path=\"url(#panel)\">\n");
            if (!g.inFlight().isEmpty()) {
                polyline(body, p, g.inFlight(), true, FLIGHT_COLOUR, "in-flight");
            }
            if (!g.cwnd().isEmpty()) {
                polyline(body, p, g.cwnd(), true, CWND_COLOUR, "cwnd");
            }
            body.append("</g>\n");
            frame(body, p);
            StringBuilder what = new StringBuilder();
            if (!g.inFlight().isEmpty()) {
                what.append("<tspan fill=\"")
                        .append(FLIGHT_COLOUR)
                        .append("\">■ bytes in flight (highest seq sent - ACK)</tspan>");
            }
            if (!g.cwnd().isEmpty()) {
                what.append(what.length() > 0 ? "  " : "")
                        .append("<tspan fill=\"")
                        .append(CWND_COLOUR)
                        .append("\">■ cwnd (sender's congestion log)</tspan>");
            }
            body.append(String.format(
                    Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\">%s</text>\n", LEFT, ptop - 6, what));
            bottom = ptop + PANEL_H + 40;
        }
        double ly = bottom + 14;
        legend(body, ly);
        double height = ly + 16;

        StringBuilder svg = new StringBuilder(body.length() + 512);
        svg.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\" viewBox=\"0 0 %d %.0f\" %s>\n",
                WIDTH,
                height,
                WIDTH,
                height,
                FONT));
        svg.append("<title>").append(Xml.esc(g.title())).append("</title>\n");
        svg.append(String.format(
                Locale.ROOT, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%.0f\" fill=\"#ffffff\"/>\n", WIDTH, height));
        svg.append(body);
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static final String[][] LEGEND = {
        {"data", "#1f4e9c"},
        {"retransmission", "#d62728"},
        {"out of order", "#e67700"},
        {"probe/keep-alive", "#8c564b"},
        {"ACK", ACK_COLOUR},
        {"window edge", WINDOW_COLOUR},
        {"SACK", SACK_COLOUR},
        {"◆ dup ACK", DUP_COLOUR},
        {"□ zero window", ZERO_COLOUR}
    };

    private static void legend(StringBuilder sb, double y) {
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\">", LEFT, y));
        for (int i = 0; i < LEGEND.length; i++) {
            String label = LEGEND[i][0];
            sb.append(i == 0 ? "" : "  ")
                    .append("<tspan fill=\"")
                    .append(LEGEND[i][1])
                    .append("\">")
                    .append(label.startsWith("◆") || label.startsWith("□") ? "" : "■ ")
                    .append(Xml.esc(label))
                    .append("</tspan>");
        }
        sb.append("</text>\n");
    }

    private static String seqLabel(TimeSequence g, long rel) {
        return g.absolute() ? Long.toString((g.seqBase() + rel) & 0xffffffffL) : Units.bytes(rel);
    }

    private static void seqAxis(StringBuilder sb, TimeSequence g, Frame f) {
        String title;
        if (g.absolute()) {
            // Ticks at round raw numbers; labels wrap at 2^32 like the field itself.
            double step = Units.step(f.hi() - f.lo(), 10);
            for (double v : Units.ticks(g.seqBase() + f.lo(), g.seqBase() + f.hi(), step)) {
                double py = f.y(v - g.seqBase());
                seqTick(sb, py, Long.toString(((long) v) & 0xffffffffL));
            }
            title = "sequence number (absolute)";
        } else {
            Units.Unit u = Units.byteUnit(f.hi() - f.lo());
            double step = Units.step((f.hi() - f.lo()) / u.size(), 10);
            for (double v : Units.ticks(f.lo() / u.size(), f.hi() / u.size(), step)) {
                seqTick(sb, f.y(v * u.size()), Units.label(v, step));
            }
            title = "sequence number (" + u.name() + ", relative)";
        }
        vertical(sb, 22, f.y0() + f.h() / 2, title);
    }

    private static void seqTick(StringBuilder sb, double py, String label) {
        line(sb, LEFT, py, LEFT + PLOT_WIDTH, py, "stroke=\"#eeeeee\"");
        line(sb, LEFT - 5, py, LEFT, py, "stroke=\"#333\"");
        text(sb, LEFT - 8, py + 4, label, "font-size=\"11\" fill=\"#333\" text-anchor=\"end\"");
    }

    private static void timeAxis(StringBuilder sb, Frame f, Units.Unit u, double step, boolean grid) {
        double base = f.y0() + f.h();
        for (double v : Units.ticks(f.start() / u.size(), f.end() / u.size(), step)) {
            double px = f.x(v * u.size());
            if (grid) {
                line(sb, px, f.y0(), px, base, "stroke=\"#eeeeee\"");
            }
            line(sb, px, base, px, base + 5, "stroke=\"#333\"");
            text(sb, px, base + 18, Units.label(v, step), "font-size=\"11\" fill=\"#333\" text-anchor=\"middle\"");
        }
        text(
                sb,
                f.x0() + f.w() / 2,
                base + 34,
                "time (" + u.name() + ")",
                "font-size=\"12\" fill=\"#333\" text-anchor=\"middle\"");
    }

    private static void frame(StringBuilder sb, Frame f) {
        sb.append(String.format(
                Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#333\"/>\n",
                f.x0(),
                f.y0(),
                f.w(),
                f.h()));
    }

    /** The ACK line or the window edge as a step: each value holds until the next ACK. */
    private static void steps(
            StringBuilder sb, Frame f, List<AckSample> acks, boolean window, String colour, String width, String cls) {
        if (acks.isEmpty()) {
            return;
        }
        StringBuilder d = new StringBuilder();
        AckSample first = acks.get(0);
        d.append(String.format(
                Locale.ROOT, "M%.1f %.1f", f.x(first.t()), f.y(window ? first.windowEdge() : first.ack())));
        for (int i = 1; i < acks.size(); i++) {
            AckSample a = acks.get(i);
            d.append(String.format(Locale.ROOT, "H%.1fV%.1f", f.x(a.t()), f.y(window ? a.windowEdge() : a.ack())));
        }
        d.append(String.format(Locale.ROOT, "H%.1f", f.x(f.end())));
        sb.append("<path class=\"")
                .append(cls)
                .append("\" d=\"")
                .append(d)
                .append("\" fill=\"none\" stroke=\"")
                .append(colour)
                .append("\" stroke-width=\"")
                .append(width)
                .append("\"/>\n");
    }

    private static void sacks(StringBuilder sb, Frame f, List<SackBlock> sacks) {
        if (sacks.isEmpty()) {
            return;
        }
        StringBuilder d = new StringBuilder();
        for (SackBlock s : sacks) {
            double y1 = f.y(s.from());
            double y2 = Math.min(f.y(s.to()), y1 - 1);
            d.append(String.format(Locale.ROOT, "M%.1f %.1fV%.1f", f.x(s.t()) + 3, y1, y2));
        }
        sb.append("<path class=\"sack\" d=\"")
                .append(d)
                .append("\" stroke=\"")
                .append(SACK_COLOUR)
                .append("\" stroke-width=\"4\" stroke-opacity=\"0.6\" fill=\"none\"/>\n");
    }

    private static void bars(StringBuilder sb, Frame f, List<Bar> bars, boolean retransmissions) {
        Map<BarKind, StringBuilder> paths = new EnumMap<>(BarKind.class);
        StringBuilder labels = new StringBuilder();
        for (Bar b : bars) {
            if ((b.kind() == BarKind.RETRANSMISSION) != retransmissions) {
                continue;
            }
            double x = f.x(b.t());
            double y1 = f.y(b.from());
            double y2 = Math.min(f.y(b.to()), y1 - 1);
            StringBuilder d = paths.computeIfAbsent(b.kind(), k -> new StringBuilder());
            d.append(String.format(
                    Locale.ROOT, "M%.1f %.1fV%.1fM%.1f %.1fh4M%.1f %.1fh4", x, y1, y2, x - 2, y1, x - 2, y2));
            if (b.kind() == BarKind.SYN || b.kind() == BarKind.FIN) {
                boolean right = x > f.x0() + f.w() - 30; // near the right edge the label goes to the left
                text(
                        labels,
                        right ? x - 4 : x + 4,
                        y2 - 3,
                        b.kind().name(),
                        "font-size=\"10\" fill=\"#111\"" + (right ? " text-anchor=\"end\"" : ""));
            }
        }
        for (Map.Entry<BarKind, StringBuilder> e : paths.entrySet()) {
            sb.append("<path class=\"bar-")
                    .append(e.getKey().name().toLowerCase(Locale.ROOT))
                    .append("\" d=\"")
                    .append(e.getValue())
                    .append("\" stroke=\"")
                    .append(BAR_COLOURS.get(e.getKey()))
                    .append("\" stroke-width=\"")
                    .append(retransmissions ? "2.4" : "1.4")
                    .append("\" fill=\"none\"/>\n");
        }
        sb.append(labels);
    }

    private static void markers(StringBuilder sb, Frame f, List<Marker> markers) {
        StringBuilder dup = new StringBuilder();
        StringBuilder zero = new StringBuilder();
        StringBuilder counts = new StringBuilder();
        for (Marker m : markers) {
            double x = f.x(m.t());
            double y = f.y(m.y());
            if (m.kind() == MarkerKind.DUP_ACK) {
                dup.append(String.format(Locale.ROOT, "M%.1f %.1fl4 4l-4 4l-4 -4z", x, y - 4));
            } else {
                zero.append(String.format(Locale.ROOT, "M%.1f %.1fh8v8h-8z", x - 4, y - 4));
            }
            // Counts only where marks are few: a decimated bulk transfer would be covered in them.
            if (m.count() > 1 && markers.size() <= 150) {
                text(counts, x + 5, y + 12, "×" + m.count(), "font-size=\"9\" fill=\"#555\"");
            }
        }
        if (dup.length() > 0) {
            sb.append("<path class=\"dup-ack\" d=\"")
                    .append(dup)
                    .append("\" fill=\"")
                    .append(DUP_COLOUR)
                    .append("\"/>\n");
        }
        if (zero.length() > 0) {
            sb.append("<path class=\"zero-window\" d=\"")
                    .append(zero)
                    .append("\" fill=\"none\" stroke=\"")
                    .append(ZERO_COLOUR)
                    .append("\" stroke-width=\"1.6\"/>\n");
        }
        sb.append(counts);
    }

    private static void polyline(
            StringBuilder sb, Frame f, List<Sample> samples, boolean step, String colour, String cls) {
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            if (i == 0) {
                d.append(String.format(Locale.ROOT, "M%.1f %.1f", f.x(s.t()), f.y(s.value())));
            } else if (step) {
                d.append(String.format(Locale.ROOT, "H%.1fV%.1f", f.x(s.t()), f.y(s.value())));
            } else {
                d.append(String.format(Locale.ROOT, "L%.1f %.1f", f.x(s.t()), f.y(s.value())));
            }
        }
        sb.append("<path class=\"")
                .append(cls)
                .append("\" d=\"")
                .append(d)
                .append("\" fill=\"none\" stroke=\"")
                .append(colour)
                .append("\" stroke-width=\"1.4\"/>\n");
    }

    private static void vertical(StringBuilder sb, double x, double y, String s) {
        sb.append(String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"#333\" text-anchor=\"middle\""
                        + " transform=\"rotate(-90 %.1f %.1f)\">%s</text>\n",
                x,
                y,
                x,
                y,
                Xml.esc(s)));
    }

    private static void line(StringBuilder sb, double x1, double y1, double x2, double y2, String style) {
        sb.append(String.format(
                Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" %s/>\n", x1, y1, x2, y2, style));
    }

    private static void text(StringBuilder sb, double x, double y, String s, String attrs) {
        sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" %s>%s</text>\n", x, y, attrs, Xml.esc(s)));
    }
}
