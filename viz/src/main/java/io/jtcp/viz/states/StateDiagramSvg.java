package io.jtcp.viz.states;

import io.jtcp.stack.tcp.TcpState;
import io.jtcp.viz.svg.Xml;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * RFC 9293 §3.3.2 Figure 5 as one self-contained SVG (no script), laid out like the RFC's ASCII
 * figure: CLOSED at the top, LISTEN below it, SYN-RCVD left and SYN-SENT right, ESTAB in the
 * middle, the closing states in two rows below, TIME-WAIT and a second CLOSED at the bottom. Each
 * arrow carries the figure's event over its action. With a {@link StatePath}, the arrows that
 * side took are drawn thick and numbered in order, the states it passed through are filled, and a
 * list below gives each step's time, segment and cause.
 */
public final class StateDiagramSvg {
    private static final int WIDTH = 1210;
    private static final int BOX_W = 130;
    private static final int BOX_H = 44;
    private static final String FONT = "font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\"";
    static final String TAKEN = "#d9480f";

    private record Box(String id, String label, TcpState state, double x, double y) {}

    /**
     * One arrow: its polyline, where its two-line label goes and how it is anchored.
     *
     * @param boxFrom the box it leaves ({@code closed} or {@code closed2} for the two CLOSEDs)
     */
    private record Arrow(String boxFrom, String boxTo, double[] points, double lx, double ly, String anchor) {}

    private static final Map<String, Box> BOXES = new LinkedHashMap<>();
    private static final Map<Transition, Arrow> ARROWS = new EnumMap<>(Transition.class);

    private static void box(String id, String label, TcpState st, double x, double y) {
        BOXES.put(id, new Box(id, label, st, x, y));
    }

    private static void arrow(Transition t, String from, String to, double lx, double ly, String anchor, double... p) {
        ARROWS.put(t, new Arrow(from, to, p, lx, ly, anchor));
    }

    static {
        double l = 180;
        double c = 600;
        double r = 1020;
        box("closed", "CLOSED", TcpState.CLOSED, c, 70);
        box("listen", "LISTEN", TcpState.LISTEN, c, 220);
        box("synrcvd", "SYN-RCVD", TcpState.SYN_RECEIVED, l, 380);
        box("synsent", "SYN-SENT", TcpState.SYN_SENT, r, 380);
        box("estab", "ESTAB", TcpState.ESTABLISHED, c, 540);
        box("finwait1", "FIN-WAIT-1", TcpState.FIN_WAIT_1, l, 700);
        box("closewait", "CLOSE-WAIT", TcpState.CLOSE_WAIT, r, 700);
        box("finwait2", "FIN-WAIT-2", TcpState.FIN_WAIT_2, l, 860);
        box("closing", "CLOSING", TcpState.CLOSING, c, 860);
        box("lastack", "LAST-ACK", TcpState.LAST_ACK, r, 860);
        box("timewait", "TIME-WAIT", TcpState.TIME_WAIT, c, 1010);
        box("closed2", "CLOSED", TcpState.CLOSED, r, 1010);

        arrow(Transition.PASSIVE_OPEN, "closed", "listen", 570, 132, "end", 580, 92, 580, 198);
        arrow(Transition.LISTEN_CLOSE, "listen", "closed", 630, 132, "start", 620, 198, 620, 92);
        arrow(Transition.ACTIVE_OPEN, "closed", "synsent", 1068, 190, "start", 665, 60, 1060, 60, 1060, 358);
        arrow(Transition.SYN_SENT_CLOSE, "synsent", "closed", 970, 190, "end", 980, 358, 980, 80, 665, 80);
        arrow(Transition.LISTEN_SEND, "listen", "synsent", 800, 300, "middle", 640, 242, 700, 366, 955, 366);
        arrow(Transition.LISTEN_RCV_SYN, "listen", "synrcvd", 400, 300, "middle", 560, 242, 500, 366, 245, 366);
        arrow(Transition.SYN_RCVD_RCV_RST, "synrcvd", "listen", 200, 200, "start", 180, 358, 180, 220, 535, 220);
        arrow(Transition.SIMULTANEOUS_OPEN, "synsent", "synrcvd", 600, 415, "middle", 955, 392, 245, 392);
        arrow(
                Transition.SYN_RCVD_RCV_ACK,
                "synrcvd",
                "estab",
                400,
                450,
                "middle",
                230,
                402,
                230,
                480,
                575,
                480,
                575,
                518);
        arrow(
                Transition.SYN_SENT_RCV_SYN_ACK,
                "synsent",
                "estab",
                800,
                450,
                "middle",
                970,
                402,
                970,
                480,
                625,
                480,
                625,
                518);
        arrow(Transition.SYN_RCVD_CLOSE, "synrcvd", "finwait1", 130, 560, "end", 140, 402, 140, 678);
        arrow(Transition.ESTAB_CLOSE, "estab", "finwait1", 410, 650, "middle", 575, 562, 575, 688, 245, 688);
        arrow(Transition.ESTAB_RCV_FIN, "estab", "closewait", 800, 650, "middle", 625, 562, 625, 688, 955, 688);
        arrow(Transition.FIN_WAIT_1_RCV_ACK, "finwait1", "finwait2", 198, 775, "start", 180, 722, 180, 838);
        arrow(Transition.FIN_WAIT_1_RCV_FIN, "finwait1", "closing", 420, 745, "middle", 245, 712, 590, 712, 590, 838);
        arrow(Transition.CLOSE_WAIT_CLOSE, "closewait", "lastack", 1038, 775, "start", 1020, 722, 1020, 838);
        arrow(
                Transition.FIN_WAIT_2_RCV_FIN,
                "finwait2",
                "timewait",
                360,
                975,
                "middle",
                180,
                882,
                180,
                1010,
                535,
                1010);
        arrow(Transition.CLOSING_RCV_ACK, "closing", "timewait", 618, 935, "start", 600, 882, 600, 988);
        arrow(Transition.LAST_ACK_RCV_ACK, "lastack", "closed2", 1038, 935, "start", 1020, 882, 1020, 988);
        arrow(Transition.TIME_WAIT_TIMEOUT, "timewait", "closed2", 810, 975, "middle", 665, 1010, 955, 1010);
    }

    private StateDiagramSvg() {}

    /** The figure without highlights, for teaching. */
    public static String blank() {
        return render(null, "RFC 9293 Figure 5: TCP connection state diagram", List.of());
    }

    /**
     * The figure with {@code path}'s arrows highlighted and numbered.
     *
     * @param title the first line, e.g. which connection and side
     * @param notes lines under the title
     */
    public static String render(StatePath path, String title, List<String> notes) {
        Map<Transition, List<Integer>> numbers = new EnumMap<>(Transition.class);
        Set<String> visited = new HashSet<>();
        String startBox = null;
        String endBox = null;
        if (path != null) {
            startBox = boxOf(path.initial(), true);
            visited.add(startBox);
            endBox = startBox;
            for (StatePath.Step s : path.steps()) {
                if (s.transition() != null) {
                    numbers.computeIfAbsent(s.transition(), k -> new ArrayList<>())
                            .add(s.number());
                    Arrow a = ARROWS.get(s.transition());
                    visited.add(a.boxTo());
                    endBox = a.boxTo();
                } else {
                    // A change Figure 5 has no arrow for (a reset): the state it reached still counts.
                    endBox = boxOf(s.to(), false);
                    visited.add(endBox);
                }
            }
        }
        double top = 40 + 16 * (notes.size() + 1);
        StringBuilder body = new StringBuilder();
        text(body, 16, 24, title, "font-size=\"14\" font-weight=\"bold\" fill=\"#111\"");
        double ny = 24;
        for (String n : notes) {
            ny += 16;
            text(body, 16, ny, n, "font-size=\"11\" fill=\"#444\"");
        }
        body.append(String.format(Locale.ROOT, "<g transform=\"translate(0 %.0f)\">\n", top));
        for (Map.Entry<Transition, Arrow> e : ARROWS.entrySet()) {
            if (!numbers.containsKey(e.getKey())) {
                drawArrow(body, e.getKey(), e.getValue(), null);
            }
        }
        for (Map.Entry<Transition, Arrow> e : ARROWS.entrySet()) {
            if (numbers.containsKey(e.getKey())) {
                drawArrow(body, e.getKey(), e.getValue(), numbers.get(e.getKey()));
            }
        }
        for (Box b : BOXES.values()) {
            drawBox(body, b, visited.contains(b.id()), b.id().equals(startBox), b.id().equals(endBox));
        }
        body.append("</g>\n");
        double y = top + 1060;
        if (path != null) {
            text(
                    body,
                    16,
                    y,
                    "Transitions taken by " + path.side() + ", in order:",
                    "font-size=\"12\" font-weight=\"bold\" fill=\"#111\"");
            for (StatePath.Step s : path.steps()) {
                y += 17;
                String arrow = s.transition() == null
                        ? "(not in Figure 5: " + s.cause() + ")"
                        : s.transition().label();
                String line = String.format(
                        Locale.ROOT,
                        "%2d.  %9.6f s  frame %-5d %-22s %s -> %s   %s",
                        s.number(),
                        s.timeS(),
                        s.frame(),
                        s.cause(),
                        name(s.from()),
                        name(s.to()),
                        arrow);
                text(
                        body,
                        16,
                        y,
                        line,
                        "font-size=\"11\" fill=\"" + (s.transition() == null ? "#b00020" : "#222")
                                + "\" xml:space=\"preserve\"");
            }
            if (path.steps().isEmpty()) {
                y += 17;
                text(
                        body,
                        16,
                        y,
                        "(none: the capture shows no change of state for this side)",
                        "font-size=\"11\" fill=\"#222\"");
            }
            y += 24;
            text(
                    body,
                    16,
                    y,
                    "States are inferred by running the RFC 9293 state machine over the captured segments;"
                            + " the 2 MSL timeout out of TIME-WAIT is not visible in a capture.",
                    "font-size=\"11\" fill=\"#555\"");
        } else {
            text(
                    body,
                    16,
                    y,
                    "x = no action. Note 1: a reset in SYN-RCVD returns to LISTEN only if the connection came"
                            + " from LISTEN (a passive open), else to CLOSED.",
                    "font-size=\"11\" fill=\"#555\"");
            y += 16;
            text(
                    body,
                    16,
                    y,
                    "Not drawn (as in the RFC): resets out of the synchronized states, and timeouts other than 2 MSL"
                            + " (RFC 9293 §3.10.7, §3.10.8).",
                    "font-size=\"11\" fill=\"#555\"");
        }
        double height = y + 20;
        StringBuilder svg = new StringBuilder(body.length() + 1024);
        svg.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\" viewBox=\"0 0 %d %.0f\" %s>\n",
                WIDTH,
                height,
                WIDTH,
                height,
                FONT));
        svg.append("<title>").append(Xml.esc(title)).append("</title>\n<defs>\n");
        svg.append(
                "<marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"9\" markerHeight=\"9\""
                        + " markerUnits=\"userSpaceOnUse\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#444\"/></marker>\n");
        svg.append("<marker id=\"head-taken\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"13\""
                + " markerHeight=\"13\" markerUnits=\"userSpaceOnUse\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\""
                + TAKEN + "\"/></marker>\n</defs>\n");
        svg.append(String.format(
                Locale.ROOT, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%.0f\" fill=\"#ffffff\"/>\n", WIDTH, height));
        svg.append(body).append("</svg>\n");
        return svg.toString();
    }

    /** RFC 9293's spelling of a state in the figure. */
    static String name(TcpState s) {
        return switch (s) {
            case SYN_RECEIVED -> "SYN-RCVD";
            case ESTABLISHED -> "ESTAB";
            default -> s.name().replace('_', '-');
        };
    }

    private static String boxOf(TcpState s, boolean initial) {
        for (Box b : BOXES.values()) {
            if (b.state() == s && (s != TcpState.CLOSED || b.id().equals(initial ? "closed" : "closed2"))) {
                return b.id();
            }
        }
        throw new IllegalStateException("no box for " + s);
    }

    private static void drawArrow(StringBuilder sb, Transition t, Arrow a, List<Integer> taken) {
        double[] p = a.points();
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < p.length; i += 2) {
            d.append(i == 0 ? "M" : "L").append(fmt(p[i])).append(' ').append(fmt(p[i + 1]));
        }
        boolean on = taken != null;
        String id = t.name().toLowerCase(Locale.ROOT).replace('_', '-');
        sb.append("<g id=\"")
                .append(id)
                .append("\" class=\"")
                .append(on ? "transition taken" : "transition")
                .append('"');
        if (on) {
            sb.append(" data-steps=\"").append(join(taken)).append('"');
        }
        sb.append(">\n");
        sb.append("<path d=\"")
                .append(d)
                .append("\" fill=\"none\" stroke=\"")
                .append(on ? TAKEN : "#444")
                .append("\" stroke-width=\"")
                .append(on ? "3.5" : "1.3")
                .append("\" marker-end=\"url(#")
                .append(on ? "head-taken" : "head")
                .append(")\"/>\n");
        String colour = on ? TAKEN : "#222";
        String weight = on ? " font-weight=\"bold\"" : "";
        double w = Math.max(t.event().length(), t.action().length()) * 6.7;
        double x0 =
                switch (a.anchor()) {
                    case "end" -> a.lx() - w;
                    case "middle" -> a.lx() - w / 2;
                    default -> a.lx();
                };
        text(
                sb,
                a.lx(),
                a.ly(),
                t.event(),
                "font-size=\"11\" fill=\"" + colour + "\" text-anchor=\"" + a.anchor() + "\"" + weight);
        if (!t.action().isEmpty()) {
            line(sb, x0, a.ly() + 4, x0 + w, a.ly() + 4, "stroke=\"" + colour + "\" stroke-width=\"0.8\"");
            text(
                    sb,
                    a.lx(),
                    a.ly() + 16,
                    t.action(),
                    "font-size=\"11\" fill=\"" + colour + "\" text-anchor=\"" + a.anchor() + "\"" + weight);
        }
        if (on) {
            // Numbered badges in the middle of the arrow's longest leg.
            int leg = 0;
            double best = -1;
            for (int i = 0; i + 3 < p.length; i += 2) {
                double len = Math.hypot(p[i + 2] - p[i], p[i + 3] - p[i + 1]);
                if (len > best) {
                    best = len;
                    leg = i;
                }
            }
            double mx = (p[leg] + p[leg + 2]) / 2;
            double my = (p[leg + 1] + p[leg + 3]) / 2;
            boolean horizontal = Math.abs(p[leg + 3] - p[leg + 1]) < Math.abs(p[leg + 2] - p[leg]);
            for (int k = 0; k < taken.size(); k++) {
                double bx = mx + (horizontal ? (k - (taken.size() - 1) / 2.0) * 24 : 0);
                double by = my + (horizontal ? 0 : (k - (taken.size() - 1) / 2.0) * 24);
                sb.append(String.format(
                        Locale.ROOT,
                        "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"10\" fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"1.5\"/>\n",
                        bx,
                        by,
                        TAKEN));
                text(
                        sb,
                        bx,
                        by + 4,
                        Integer.toString(taken.get(k)),
                        "class=\"step\" font-size=\"11\" font-weight=\"bold\" fill=\"#ffffff\" text-anchor=\"middle\"");
            }
        }
        sb.append("</g>\n");
    }

    private static void drawBox(StringBuilder sb, Box b, boolean visited, boolean start, boolean end) {
        sb.append(String.format(
                Locale.ROOT,
                "<rect id=\"state-%s\" x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"%d\" rx=\"4\" fill=\"%s\" stroke=\"%s\""
                        + " stroke-width=\"%s\"/>\n",
                b.id(),
                b.x() - BOX_W / 2.0,
                b.y() - BOX_H / 2.0,
                BOX_W,
                BOX_H,
                visited ? "#ffe8cc" : "#f8f9fa",
                visited ? TAKEN : "#222",
                visited ? "2.5" : "1.5"));
        text(
                sb,
                b.x(),
                b.y() + 5,
                b.label(),
                "font-size=\"14\" font-weight=\"bold\" fill=\"#111\" text-anchor=\"middle\"");
        if (start || end) {
            String tag = start && end ? "start, end" : start ? "start" : "end";
            text(
                    sb,
                    b.x() + BOX_W / 2.0 - 4,
                    b.y() + BOX_H / 2.0 + 12,
                    tag,
                    "font-size=\"10\" font-style=\"italic\" fill=\"" + TAKEN + "\" text-anchor=\"end\"");
        }
    }

    private static String join(List<Integer> xs) {
        StringBuilder sb = new StringBuilder();
        for (int x : xs) {
            sb.append(sb.length() > 0 ? " " : "").append(x);
        }
        return sb.toString();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static void line(StringBuilder sb, double x1, double y1, double x2, double y2, String style) {
        sb.append(String.format(
                Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" %s/>\n", x1, y1, x2, y2, style));
    }

    private static void text(StringBuilder sb, double x, double y, String s, String attrs) {
        sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" %s>%s</text>\n", x, y, attrs, Xml.esc(s)));
    }
}
