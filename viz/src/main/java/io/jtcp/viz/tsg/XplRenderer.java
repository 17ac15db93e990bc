package io.jtcp.viz.tsg;

import io.jtcp.viz.tsg.TimeSequence.AckSample;
import io.jtcp.viz.tsg.TimeSequence.Bar;
import io.jtcp.viz.tsg.TimeSequence.BarKind;
import io.jtcp.viz.tsg.TimeSequence.Marker;
import io.jtcp.viz.tsg.TimeSequence.MarkerKind;
import io.jtcp.viz.tsg.TimeSequence.SackBlock;
import java.util.List;
import java.util.Locale;

/**
 * A time-sequence graph in xplot's text format, as tcptrace writes it ({@code a2b_tsg.xpl}): a
 * {@code timeval double} header, {@code title}/{@code xlabel}/{@code ylabel} each followed by its
 * text line, then drawing commands, each after the colour command it is drawn in, and {@code go}.
 * x is seconds since the connection's first segment, y the sequence number (relative, or the
 * unwrapped raw number with {@code --absolute}). The same colours as tcptrace: data white (xplot
 * draws on black), retransmissions red, the ACK line green, the window edge yellow, SACK blocks
 * purple; a bar is a {@code line} with a {@code darrow} at its start and an {@code uarrow} at its
 * end; duplicate ACKs are {@code diamond}s and zero windows {@code box}es on the ACK line; SYN and
 * FIN carry a {@code utext} label. Bytes in flight and cwnd, the SVG's lower panel, are a graph
 * of their own ({@link #renderOutstanding}), as tcptrace's {@code a2b_owin.xpl}: xplot draws one
 * graph per file.
 */
public final class XplRenderer {
    private XplRenderer() {}

    static String colour(BarKind k) {
        return switch (k) {
            case DATA -> "white";
            case RETRANSMISSION -> "red";
            case OUT_OF_ORDER -> "orange";
            case PROBE -> "pink";
            case SYN, FIN -> "blue";
        };
    }

    /** The graph as xplot text, ending with {@code go}. */
    public static String render(TimeSequence g) {
        StringBuilder sb =
                new StringBuilder(64 + g.bars().size() * 120 + g.acks().size() * 80);
        sb.append("timeval double\n");
        sb.append("title\n")
                .append(g.sender())
                .append("_==>_")
                .append(g.receiver())
                .append(" (time sequence graph)\n");
        sb.append("xlabel\ntime (s since the first segment)\n");
        sb.append("ylabel\n")
                .append(g.absolute() ? "sequence number" : "sequence number (relative)")
                .append('\n');
        long off = g.absolute() ? g.seqBase() : 0;
        String current = null;
        for (BarKind kind : BarKind.values()) {
            for (Bar b : g.bars()) {
                if (b.kind() != kind) {
                    continue;
                }
                current = colour(sb, current, colour(kind));
                String t = t(b.t());
                sb.append("line ").append(t).append(' ').append(b.from() + off).append(' ');
                sb.append(t).append(' ').append(b.to() + off).append('\n');
                sb.append("darrow ")
                        .append(t)
                        .append(' ')
                        .append(b.from() + off)
                        .append('\n');
                sb.append("uarrow ").append(t).append(' ').append(b.to() + off).append('\n');
                if (kind == BarKind.SYN || kind == BarKind.FIN) {
                    sb.append("utext ")
                            .append(t)
                            .append(' ')
                            .append(b.to() + off)
                            .append('\n');
                    sb.append(kind.name()).append('\n');
                }
            }
        }
        steps(sb, g, current, off);
        current = g.acks().isEmpty() ? current : "green";
        List<SackBlock> sacks = g.sacks();
        for (SackBlock s : sacks) {
            current = colour(sb, current, "purple");
            String t = t(s.t());
            sb.append("line ").append(t).append(' ').append(s.from() + off).append(' ');
            sb.append(t).append(' ').append(s.to() + off).append('\n');
        }
        for (Marker m : g.markers()) {
            current = colour(sb, current, m.kind() == MarkerKind.DUP_ACK ? "orange" : "red");
            sb.append(m.kind() == MarkerKind.DUP_ACK ? "diamond " : "box ")
                    .append(t(m.t()))
                    .append(' ')
                    .append(m.y() + off)
                    .append('\n');
        }
        sb.append("go\n");
        return sb.toString();
    }

    /**
     * The SVG's lower panel as an xplot graph of its own, like tcptrace's outstanding-data graph
     * ({@code a2b_owin.xpl}): bytes in flight (red) and the sender's cwnd from its congestion log
     * (yellow), each a step line over time, with a {@code dot} at each sample. Null when the graph
     * has neither.
     */
    public static String renderOutstanding(TimeSequence g) {
        if (g.inFlight().isEmpty() && g.cwnd().isEmpty()) {
            return null;
        }
        StringBuilder sb =
                new StringBuilder(64 + (g.inFlight().size() + g.cwnd().size()) * 90);
        sb.append("timeval double\n");
        sb.append("title\n")
                .append(g.sender())
                .append("_==>_")
                .append(g.receiver())
                .append(" (outstanding data)\n");
        sb.append("xlabel\ntime (s since the first segment)\n");
        sb.append("ylabel\nbytes\n");
        String current = null;
        for (int pass = 0; pass < 2; pass++) {
            List<TimeSequence.Sample> samples = pass == 0 ? g.inFlight() : g.cwnd();
            if (samples.isEmpty()) {
                continue;
            }
            current = colour(sb, current, pass == 0 ? "red" : "yellow");
            for (int i = 0; i < samples.size(); i++) {
                TimeSequence.Sample a = samples.get(i);
                String t = t(a.t());
                long v = a.value();
                sb.append("dot ").append(t).append(' ').append(v).append('\n');
                if (i + 1 < samples.size()) {
                    TimeSequence.Sample n = samples.get(i + 1);
                    String tn = t(n.t());
                    long nv = n.value();
                    sb.append("line ").append(t).append(' ').append(v).append(' ');
                    sb.append(tn).append(' ').append(v).append('\n');
                    if (nv != v) {
                        sb.append("line ").append(tn).append(' ').append(v).append(' ');
                        sb.append(tn).append(' ').append(nv).append('\n');
                    }
                }
            }
        }
        sb.append("go\n");
        return sb.toString();
    }

    /** The window edge (yellow), then the ACK line (green), each as steps of horizontal and vertical lines. */
    private static void steps(StringBuilder sb, TimeSequence g, String current, long off) {
        List<AckSample> acks = g.acks();
        for (int pass = 0; pass < 2 && !acks.isEmpty(); pass++) {
            boolean window = pass == 0;
            current = colour(sb, current, window ? "yellow" : "green");
            for (int i = 0; i < acks.size(); i++) {
                AckSample a = acks.get(i);
                long v = (window ? a.windowEdge() : a.ack()) + off;
                String t = t(a.t());
                double tNext = i + 1 < acks.size() ? acks.get(i + 1).t() : g.durationS(); // the axis end
                sb.append("line ").append(t).append(' ').append(v).append(' ');
                sb.append(t(tNext)).append(' ').append(v).append('\n');
                if (i + 1 < acks.size()) {
                    AckSample n = acks.get(i + 1);
                    long nv = (window ? n.windowEdge() : n.ack()) + off;
                    if (nv != v) {
                        sb.append("line ")
                                .append(t(tNext))
                                .append(' ')
                                .append(v)
                                .append(' ');
                        sb.append(t(tNext)).append(' ').append(nv).append('\n');
                    }
                }
            }
        }
    }

    private static String colour(StringBuilder sb, String current, String wanted) {
        if (!wanted.equals(current)) {
            sb.append(wanted).append('\n');
        }
        return wanted;
    }

    private static String t(double s) {
        return String.format(Locale.ROOT, "%.6f", s);
    }
}
