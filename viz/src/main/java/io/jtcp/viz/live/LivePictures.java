package io.jtcp.viz.live;

import io.jtcp.viz.ladder.Ladder;
import io.jtcp.viz.ladder.LadderBuilder;
import io.jtcp.viz.ladder.SvgRenderer;
import io.jtcp.viz.states.StateDiagramSvg;
import io.jtcp.viz.states.StatePath;
import io.jtcp.viz.tcp.Connection;
import io.jtcp.viz.tcp.ConnectionAnalysis;
import io.jtcp.viz.tsg.TimeSequence;
import io.jtcp.viz.tsg.TsgBuilder;
import io.jtcp.viz.tsg.TsgSvgRenderer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The three pictures of a {@link Recording}, drawn by the renderers {@code jtcp ladder}, {@code
 * jtcp states} and {@code jtcp tsg} use, with jtcp's states from its own trace and a note where
 * the record dropped the middle of a long connection.
 */
public final class LivePictures {
    /** Rows beyond which the ladder folds marked segments too, as {@code jtcp ladder}'s default. */
    public static final int MAX_ROWS = 300;

    private LivePictures() {}

    /** The ladder diagram as a self-contained SVG. */
    public static String ladder(Recording r) {
        ConnectionAnalysis an = r.analysis();
        Ladder l = new LadderBuilder(false, MAX_ROWS).build(an, 1);
        String title =
                l.title().replaceFirst("^TCP connection #\\d+ of \\d+", "TCP connection #" + r.id() + " of jtcp");
        List<String> notes = new ArrayList<>(l.notes());
        String elided = elidedNote(r);
        if (elided != null) {
            notes.add(elided);
        }
        return SvgRenderer.render(new Ladder(
                title,
                notes,
                l.left(),
                l.right(),
                l.initialLeft(),
                l.initialRight(),
                l.rows(),
                l.finalLeft(),
                l.finalRight(),
                l.footnotes(),
                l.tracedLeft(),
                l.tracedRight()));
    }

    /** RFC 9293 Figure 5 with the transitions jtcp's side took. */
    public static String states(Recording r) {
        ConnectionAnalysis an = r.analysis();
        StatePath path = StatePath.of(an, r.localOpened());
        List<String> notes = new ArrayList<>();
        notes.add(an.connection().summary());
        notes.add("jtcp's side (" + r.local() + "), states from its own state trace"
                + (r.closed() ? "" : "; the connection is still open"));
        String elided = elidedNote(r);
        if (elided != null) {
            notes.add(elided);
        }
        return StateDiagramSvg.render(
                path, "RFC 9293 Figure 5: the states jtcp went through (connection #" + r.id() + ")", notes);
    }

    /** The time-sequence graph of the busier direction, with bytes in flight. */
    public static String tsg(Recording r) {
        ConnectionAnalysis an = r.analysis();
        Connection c = an.connection();
        TimeSequence g = new TsgBuilder(false, TsgSvgRenderer.PLOT_WIDTH, true).build(an, TsgBuilder.busierIsA(c));
        return TsgSvgRenderer.render(g);
    }

    /** One line on what the record dropped, or null. */
    static String elidedNote(Recording r) {
        if (r.elidedSegments() == 0) {
            return null;
        }
        long[] bytes = r.elidedBytes();
        return String.format(
                Locale.ROOT,
                "record capped at %d segments: %d in the middle not kept (%d B sent by jtcp, %d B received);"
                        + " the segment after them is marked 'previous segment not captured'",
                r.keptSegments(),
                r.elidedSegments(),
                bytes[0],
                bytes[1]);
    }
}
