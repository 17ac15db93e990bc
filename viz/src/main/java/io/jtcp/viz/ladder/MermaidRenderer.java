package io.jtcp.viz.ladder;

/**
 * A ladder as a Mermaid {@code sequenceDiagram}, to paste into Markdown (GitHub, GitLab and most
 * wikis draw it). States become notes beside the lifelines; resets end in a cross, anomalies are
 * dotted. Mermaid has no italics, so when one side's states are traced (facts), the other side's
 * inferred states say so in their notes; when neither is traced the notes stay bare (the comment
 * lines above the diagram say the states are inferred).
 */
public final class MermaidRenderer {
    private MermaidRenderer() {}

    public static String render(Ladder l) {
        StringBuilder sb = new StringBuilder("sequenceDiagram\n");
        sb.append("    %% ").append(comment(l.title())).append('\n');
        for (String n : l.notes()) {
            sb.append("    %% ").append(comment(n)).append('\n');
        }
        sb.append("    participant A as ").append(text(l.left())).append('\n');
        sb.append("    participant B as ").append(text(l.right())).append('\n');
        note(sb, "A", l.initialLeft(), l);
        note(sb, "B", l.initialRight(), l);
        for (Ladder.Row r : l.rows()) {
            if (r instanceof Ladder.Arrow a) {
                String from = a.leftToRight() ? "A" : "B";
                String to = a.leftToRight() ? "B" : "A";
                String op =
                        switch (a.kind()) {
                            case RESET -> "-x";
                            case ANOMALY -> "-->>";
                            default -> "->>";
                        };
                StringBuilder label = new StringBuilder(a.time()).append(" ").append(a.label());
                for (String m : a.marks()) {
                    label.append(" [").append(m).append(']');
                }
                sb.append("    ")
                        .append(from)
                        .append(op)
                        .append(to)
                        .append(": ")
                        .append(text(label.toString()))
                        .append('\n');
                if (a.senderState() != null) {
                    note(sb, from, a.senderState(), l);
                }
                if (a.receiverState() != null) {
                    note(sb, to, a.receiverState(), l);
                }
            } else if (r instanceof Ladder.Fold f) {
                sb.append("    Note over A,B: ").append(text(f.text())).append('\n');
            } else {
                sb.append("    Note over A,B: ")
                        .append(text(((Ladder.Gap) r).text()))
                        .append('\n');
            }
        }
        note(sb, "A", l.finalLeft(), l);
        note(sb, "B", l.finalRight(), l);
        for (String f : l.footnotes()) {
            sb.append("    %% ").append(comment(f)).append('\n');
        }
        return sb.toString();
    }

    private static void note(StringBuilder sb, String who, String state, Ladder l) {
        boolean left = who.equals("A");
        boolean marked = (l.tracedLeft() || l.tracedRight()) && !l.traced(left);
        sb.append("    Note ")
                .append(left ? "left of A" : "right of B")
                .append(": ")
                .append(state)
                .append(marked ? " (inferred)" : "")
                .append('\n');
    }

    /** Mermaid's entity codes for the characters its parser would take as syntax. */
    private static String text(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '#' -> sb.append("#35;");
                case ';' -> sb.append("#59;");
                case '<' -> sb.append("#lt;");
                case '>' -> sb.append("#gt;");
                case '\n', '\r' -> sb.append(' ');
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String comment(String s) {
        return s.replace('\n', ' ').replace('\r', ' ');
    }
}
