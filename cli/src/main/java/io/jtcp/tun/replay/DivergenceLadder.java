package io.jtcp.tun.replay;

import io.jtcp.viz.capture.TcpSegment;
import io.jtcp.viz.ladder.Ladder;
import io.jtcp.viz.ladder.LadderBuilder;
import io.jtcp.viz.ladder.SvgRenderer;
import io.jtcp.viz.ladder.TextRenderer;
import io.jtcp.viz.tcp.Connection;
import io.jtcp.viz.tcp.ConnectionAnalysis;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two-column picture of a replay: on the left the connection as recorded, on the right the
 * same inbound segments with jtcp's answers in place of the recorded side's, each drawn by the
 * {@code viz} ladder ({@link LadderBuilder}, then {@link TextRenderer} or {@link SvgRenderer}) and
 * set side by side.
 */
public final class DivergenceLadder {
    private static final Pattern SIZE = Pattern.compile("<svg[^>]*?width=\"([0-9.]+)\"[^>]*?height=\"([0-9.]+)\"");

    private DivergenceLadder() {}

    /**
     * The replayed connection: {@code recorded}'s segments from the other side, and {@code answers}
     * (jtcp's, already mapped to the capture's clock) from {@code jtcpSide}, merged by time.
     */
    public static Connection replayed(Connection recorded, boolean jtcpIsA, List<TcpSegment> answers) {
        List<TcpSegment> all = new ArrayList<>();
        for (TcpSegment s : recorded.segments()) {
            if (recorded.fromA(s) != jtcpIsA) {
                all.add(s);
            }
        }
        all.addAll(answers);
        all.sort(Comparator.comparingLong(TcpSegment::timeNs));
        return new Connection(recorded.number(), recorded.a(), recorded.b(), all);
    }

    /** Both ladders as text, side by side under one title line each. */
    public static String text(Connection recorded, Connection replayed, int connections) {
        String[] l =
                TextRenderer.render(ladder(recorded, connections, "recorded")).split("\n");
        String[] r = TextRenderer.render(ladder(replayed, connections, "jtcp's answer"))
                .split("\n");
        int w = 0;
        for (String s : l) {
            w = Math.max(w, s.length());
        }
        StringBuilder sb = new StringBuilder();
        sb.append(pad("RECORDED", w)).append(" | JTCP'S ANSWER (replayed)\n");
        for (int i = 0; i < Math.max(l.length, r.length); i++) {
            sb.append(pad(i < l.length ? l[i] : "", w))
                    .append(" | ")
                    .append(i < r.length ? r[i] : "")
                    .append('\n');
        }
        return sb.toString();
    }

    /** Both ladders as one self-contained SVG: two nested drawings side by side. */
    public static String svg(Connection recorded, Connection replayed, int connections) {
        String left = SvgRenderer.render(ladder(recorded, connections, "recorded"));
        String right = SvgRenderer.render(ladder(replayed, connections, "jtcp's answer"));
        double[] ls = size(left);
        double[] rs = size(right);
        double head = 28;
        double w = ls[0] + rs[0] + 20;
        double h = Math.max(ls[1], rs[1]) + head;
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(w) + "\" height=\"" + num(h)
                + "\" viewBox=\"0 0 " + num(w) + " " + num(h) + "\">\n"
                + "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
                + "<text x=\"10\" y=\"20\" font-family=\"monospace\" font-size=\"15\" font-weight=\"bold\">recorded</text>\n"
                + "<text x=\"" + num(ls[0] + 30) + "\" y=\"20\" font-family=\"monospace\" font-size=\"15\""
                + " font-weight=\"bold\">jtcp's answer (replayed)</text>\n"
                + nest(left, 0, head) + nest(right, ls[0] + 20, head) + "</svg>\n";
    }

    private static Ladder ladder(Connection c, int connections, String what) {
        return new LadderBuilder(false, 300).build(ConnectionAnalysis.of(c), connections);
    }

    private static String nest(String svg, double x, double y) {
        String body = svg.replaceFirst("^<\\?xml[^>]*>\\s*", "");
        return body.replaceFirst("<svg ", "<svg x=\"" + num(x) + "\" y=\"" + num(y) + "\" ") + "\n";
    }

    private static double[] size(String svg) {
        Matcher m = SIZE.matcher(svg);
        return m.find()
                ? new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))}
                : new double[] {800, 600};
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(java.util.Locale.ROOT, "%.1f", v);
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }
}
