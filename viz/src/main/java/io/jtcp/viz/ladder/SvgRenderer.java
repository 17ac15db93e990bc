package io.jtcp.viz.ladder;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A ladder as one self-contained SVG file (no script, no external font or stylesheet): lifelines
 * with the endpoints at the top, slanted arrows (a segment takes time to cross), labels above the
 * arrows, states in boxes beside the lifelines where they change (upright on solid blue where they
 * come from the stack's own state trace, italic in a dashed outline where they are inferred from
 * the segments), folds as grey bands and pauses as broken lifelines. Text widths are estimated for a monospace font, so nothing needs
 * measuring.
 */
public final class SvgRenderer {
    private static final double CHAR = 7.3; // DejaVu Sans Mono at 12 px advances 7.22 px
    private static final double SMALL_CHAR = 6.7; // at 11 px
    private static final int PAD = 16;
    private static final int TIME_W = 84;
    private static final int STATE_W = 118;
    private static final int ROW = 38;
    private static final int SLANT = 14;
    private static final String FONT = "font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\"";

    private SvgRenderer() {}

    private static String color(Ladder.Kind k) {
        return switch (k) {
            case CONTROL -> "#1f4e9c";
            case RESET -> "#b00020";
            case DATA -> "#2e7d32";
            case ACK -> "#555555";
            case ANOMALY -> "#d9480f";
        };
    }

    public static String render(Ladder l) {
        int maxChars = 40;
        for (Ladder.Row r : l.rows()) {
            if (r instanceof Ladder.Arrow a) {
                maxChars = Math.max(maxChars, labelChars(a));
            } else if (r instanceof Ladder.Fold f) {
                maxChars = Math.max(maxChars, f.text().length() + 4);
            }
        }
        double xa = PAD + TIME_W + STATE_W;
        double arrowW = Math.max(480, maxChars * CHAR + 48);
        double xb = xa + arrowW;
        int headerW = Math.max(l.left().length(), l.right().length());
        double width = Math.max(xb + STATE_W + PAD + 20, xb + headerW * CHAR / 2 + PAD + 16);
        for (String n : l.notes()) {
            width = Math.max(width, PAD * 2 + n.length() * SMALL_CHAR);
        }
        width = Math.max(width, PAD * 2 + l.title().length() * CHAR);
        List<String[]> legend = legend(l);
        int legendChars = 0;
        for (String[] item : legend) {
            legendChars += item[0].length() + 7;
        }
        width = Math.max(width, PAD * 2 + legendChars * SMALL_CHAR);
        for (String f : l.footnotes()) {
            width = Math.max(width, PAD * 2 + f.length() * SMALL_CHAR);
        }

        StringBuilder body = new StringBuilder();
        double y = PAD + 14;
        text(body, PAD, y, l.title(), "font-size=\"13\" font-weight=\"bold\" fill=\"#111\"");
        for (String n : l.notes()) {
            y += 16;
            text(body, PAD, y, n, "font-size=\"11\" fill=\"#444\"");
        }
        y += 30;
        double top = y + 22;
        box(body, xa, y, l.left());
        box(body, xb, y, l.right());
        text(body, PAD, top + 4, "time (s)", "font-size=\"11\" fill=\"#777\"");
        y = top + 22;
        state(body, xa, y, l.initialLeft(), true, l.tracedLeft());
        state(body, xb, y, l.initialRight(), false, l.tracedRight());
        List<double[]> gaps = new ArrayList<>();
        y += ROW;
        for (Ladder.Row r : l.rows()) {
            if (r instanceof Ladder.Arrow a) {
                arrow(body, xa, xb, y, a, l);
                y += ROW;
            } else if (r instanceof Ladder.Fold f) {
                text(body, PAD, y + 4, f.time(), "font-size=\"11\" fill=\"#777\"");
                body.append(String.format(
                        Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"24\" rx=\"4\" fill=\"#f1f3f5\""
                                + " stroke=\"#adb5bd\" stroke-dasharray=\"4 3\"/>\n",
                        xa + 8,
                        y - 12,
                        xb - xa - 16));
                text(body, (xa + xb) / 2, y + 4, f.text(), "font-size=\"12\" fill=\"#343a40\" text-anchor=\"middle\"");
                y += ROW;
            } else {
                Ladder.Gap g = (Ladder.Gap) r;
                gaps.add(new double[] {y - 14, y + 14});
                text(
                        body,
                        (xa + xb) / 2,
                        y + 4,
                        g.text(),
                        "font-size=\"12\" fill=\"#868e96\" text-anchor=\"middle\" font-style=\"italic\"");
                y += ROW;
            }
        }
        double bottom = y - ROW / 2.0;
        y += 10;
        state(body, xa, y, l.finalLeft(), true, l.tracedLeft());
        state(body, xb, y, l.finalRight(), false, l.tracedRight());
        text(body, PAD, y + 4, "end", "font-size=\"11\" fill=\"#777\"");
        y += 34;
        legend(body, y, legend);
        for (String f : l.footnotes()) {
            y += 16;
            text(body, PAD, y, f, "font-size=\"11\" fill=\"#555\"");
        }
        double height = y + PAD;

        StringBuilder svg = new StringBuilder();
        svg.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" %s>\n",
                width,
                height,
                width,
                height,
                FONT));
        svg.append("<title>").append(esc(l.title())).append("</title>\n");
        svg.append("<defs>\n");
        for (Ladder.Kind k : Ladder.Kind.values()) {
            svg.append("<marker id=\"head-")
                    .append(k.name().toLowerCase(Locale.ROOT))
                    .append("\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"9\" markerHeight=\"9\""
                            + " markerUnits=\"userSpaceOnUse\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"")
                    .append(color(k))
                    .append("\"/></marker>\n");
        }
        svg.append("</defs>\n");
        svg.append(String.format(
                Locale.ROOT,
                "<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n",
                width,
                height));
        lifeline(svg, xa, top, bottom, gaps);
        lifeline(svg, xb, top, bottom, gaps);
        svg.append(body);
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static final String STATE_INK = "#1c3d6e";
    private static final String[][] ARROWS = {
        {"SYN/FIN", "#1f4e9c"},
        {"data", "#2e7d32"},
        {"ACK", "#555555"},
        {"retransmission, dup ACK, out of order, zero window (dashed)", "#d9480f"},
        {"RST", "#b00020"}
    };

    /**
     * The legend's entries: the arrow colours, then one entry per kind of state the ladder draws,
     * so a reader can tell a stack's own trace (a fact) from what the segments suggest.
     */
    private static List<String[]> legend(Ladder l) {
        List<String[]> items = new ArrayList<>(List.of(ARROWS));
        if (l.tracedLeft() || l.tracedRight()) {
            items.add(new String[] {"traced state (jtcp's own trace)", STATE_INK, ""});
        }
        if (!l.tracedLeft() || !l.tracedRight()) {
            items.add(new String[] {"inferred state", STATE_INK, " font-style=\"italic\""});
        }
        return items;
    }

    private static void legend(StringBuilder sb, double y, List<String[]> items) {
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\">", PAD, y));
        for (int i = 0; i < items.size(); i++) {
            String[] item = items.get(i);
            sb.append(i == 0 ? "" : "  ·  ")
                    .append("<tspan fill=\"")
                    .append(item[1])
                    .append('"');
            sb.append(item.length > 2 ? item[2] : "").append(">■ ");
            sb.append(esc(item[0])).append("</tspan>");
        }
        sb.append("</text>\n");
    }

    private static int labelChars(Ladder.Arrow a) {
        int n = a.label().length();
        for (String m : a.marks()) {
            n += m.length() + 3;
        }
        return n;
    }

    private static void lifeline(StringBuilder sb, double x, double top, double bottom, List<double[]> gaps) {
        double from = top;
        for (double[] g : gaps) {
            line(sb, x, from, x, g[0], "stroke=\"#333\" stroke-width=\"1.5\"");
            line(sb, x, g[0], x, g[1], "stroke=\"#333\" stroke-width=\"1.5\" stroke-dasharray=\"2 4\"");
            line(sb, x - 6, g[0] + 2, x + 6, g[0] - 2, "stroke=\"#333\" stroke-width=\"1.5\"");
            line(sb, x - 6, g[1] + 2, x + 6, g[1] - 2, "stroke=\"#333\" stroke-width=\"1.5\"");
            from = g[1];
        }
        line(sb, x, from, x, bottom, "stroke=\"#333\" stroke-width=\"1.5\"");
    }

    private static void arrow(StringBuilder sb, double xa, double xb, double y, Ladder.Arrow a, Ladder l) {
        String c = color(a.kind());
        double x1 = a.leftToRight() ? xa : xb;
        double x2 = a.leftToRight() ? xb : xa;
        double inset = a.leftToRight() ? -1 : 1;
        String style = "stroke=\"" + c + "\" stroke-width=\"" + (a.kind() == Ladder.Kind.CONTROL ? "2" : "1.4") + "\""
                + (a.kind() == Ladder.Kind.ANOMALY ? " stroke-dasharray=\"6 3\"" : "")
                + " marker-end=\"url(#head-" + a.kind().name().toLowerCase(Locale.ROOT) + ")\"";
        line(sb, x1, y, x2 + inset, y + SLANT, style);
        text(sb, PAD, y + 4, a.time(), "font-size=\"11\" fill=\"#777\"");
        sb.append(String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" text-anchor=\"middle\" fill=\"%s\">%s",
                (xa + xb) / 2,
                y - 4,
                a.kind() == Ladder.Kind.ANOMALY ? "#222" : c,
                esc(a.label())));
        for (String m : a.marks()) {
            sb.append(" <tspan fill=\"#d9480f\" font-weight=\"bold\">[")
                    .append(esc(m))
                    .append("]</tspan>");
        }
        sb.append("</text>\n");
        if (a.senderState() != null) {
            state(sb, a.leftToRight() ? xa : xb, y, a.senderState(), a.leftToRight(), l.traced(a.leftToRight()));
        }
        if (a.receiverState() != null) {
            state(
                    sb,
                    a.leftToRight() ? xb : xa,
                    y + SLANT,
                    a.receiverState(),
                    !a.leftToRight(),
                    l.traced(!a.leftToRight()));
        }
    }

    /**
     * A state in a box beside a lifeline: to its left for the left one, else to its right. A traced
     * state is a fact and looks like one (upright, white on solid blue); an inferred one is italic in
     * a pale box with a dashed outline.
     */
    private static void state(StringBuilder sb, double x, double y, String name, boolean leftSide, boolean traced) {
        double w = name.length() * SMALL_CHAR + 12;
        double bx = leftSide ? x - 8 - w : x + 8;
        sb.append(String.format(
                Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"18\" rx=\"5\" %s/>\n",
                bx,
                y - 9,
                w,
                traced
                        ? "fill=\"" + STATE_INK + "\" stroke=\"" + STATE_INK + "\""
                        : "fill=\"#e7f0fd\" stroke=\"#4a6fa5\" stroke-dasharray=\"3 2\""));
        text(
                sb,
                bx + w / 2,
                y + 4,
                name,
                traced
                        ? "font-size=\"11\" fill=\"#ffffff\" text-anchor=\"middle\""
                        : "font-size=\"11\" font-style=\"italic\" fill=\"" + STATE_INK + "\" text-anchor=\"middle\"");
    }

    /** An endpoint's heading: a box centred on its lifeline. */
    private static void box(StringBuilder sb, double x, double y, String name) {
        double w = name.length() * CHAR + 20;
        sb.append(String.format(
                Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"24\" rx=\"4\" fill=\"#343a40\"/>\n",
                x - w / 2,
                y - 2,
                w));
        text(sb, x, y + 14, name, "font-size=\"12\" font-weight=\"bold\" fill=\"#ffffff\" text-anchor=\"middle\"");
    }

    private static void line(StringBuilder sb, double x1, double y1, double x2, double y2, String style) {
        sb.append(String.format(
                Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" %s/>\n", x1, y1, x2, y2, style));
    }

    private static void text(StringBuilder sb, double x, double y, String s, String attrs) {
        sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" %s>%s</text>\n", x, y, attrs, esc(s)));
    }

    /** XML text and attribute escaping. */
    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                default -> {
                    if (c >= 0x20 || c == '\t') {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
