package io.jtcp.viz.ladder;

/**
 * A ladder for a terminal: fixed-width columns, ASCII arrows, states beside the lifelines. The
 * output is pure ASCII (the folds' arrows and ellipses are spelled out), so it reads the same in a
 * terminal whatever its locale.
 */
public final class TextRenderer {
    private static final int TIME = 10;
    private static final int STATE = 12;

    private TextRenderer() {}

    public static String render(Ladder l) {
        return draw(l);
    }

    private static String ascii(String s) {
        return s.replace("…", "...").replace("→", "->").replace("←", "<-");
    }

    private static String draw(Ladder l) {
        int w = 40;
        for (Ladder.Row r : l.rows()) {
            int len;
            if (r instanceof Ladder.Arrow a) {
                len = inner(a).length() + 6;
            } else if (r instanceof Ladder.Fold f) {
                len = ascii(f.text()).length() + 4;
            } else {
                len = ((Ladder.Gap) r).text().length() + 6;
            }
            w = Math.max(w, len);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(l.title()).append('\n');
        for (String n : l.notes()) {
            sb.append("  ").append(n).append('\n');
        }
        sb.append('\n');
        line(sb, pad("time (s)", TIME), leftAlignRight(l.left(), STATE + 2), " ".repeat(w), l.right(), false);
        line(sb, " ".repeat(TIME), right(l.initialLeft()), " ".repeat(w), l.initialRight(), true);
        for (Ladder.Row r : l.rows()) {
            if (r instanceof Ladder.Arrow a) {
                String leftState = a.leftToRight() ? a.senderState() : a.receiverState();
                String rightState = a.leftToRight() ? a.receiverState() : a.senderState();
                line(sb, pad(a.time(), TIME), right(nz(leftState)), arrow(a, w), nz(rightState), true);
            } else if (r instanceof Ladder.Fold f) {
                line(sb, pad(f.time(), TIME), right(""), center(ascii(f.text()), w, ' '), "", true);
            } else {
                String text = "(" + ((Ladder.Gap) r).text() + ")";
                sb.append(" ".repeat(TIME + 2 + STATE + 1))
                        .append(':')
                        .append(center(text, w, ' '))
                        .append(":\n");
            }
        }
        line(sb, pad("end", TIME), right(l.finalLeft()), " ".repeat(w), l.finalRight(), true);
        for (String f : l.footnotes()) {
            sb.append("  ").append(f).append('\n');
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String time, String left, String mid, String right, boolean bars) {
        String row = time + "  " + left + (bars ? " |" : "  ") + mid + (bars ? "|  " : "   ") + right;
        sb.append(row.stripTrailing()).append('\n');
    }

    private static String inner(Ladder.Arrow a) {
        StringBuilder sb = new StringBuilder(" ").append(ascii(a.label()));
        for (String m : a.marks()) {
            sb.append(" [").append(m).append(']');
        }
        return sb.append(' ').toString();
    }

    private static String arrow(Ladder.Arrow a, int w) {
        String in = inner(a);
        int rest = w - in.length() - 1;
        if (a.leftToRight()) {
            return "--" + in + "-".repeat(Math.max(0, rest - 2)) + ">";
        }
        return "<" + "-".repeat(Math.max(0, rest - 2)) + in + "--";
    }

    private static String center(String s, int w, char fill) {
        int left = Math.max(0, (w - s.length()) / 2);
        int right = Math.max(0, w - s.length() - left);
        return String.valueOf(fill).repeat(left) + s + String.valueOf(fill).repeat(right);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String right(String s) {
        return " ".repeat(Math.max(0, STATE - s.length())) + s;
    }

    private static String leftAlignRight(String s, int w) {
        return s.length() >= w ? s : " ".repeat(w - s.length()) + s;
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s : " ".repeat(w - s.length()) + s;
    }
}
