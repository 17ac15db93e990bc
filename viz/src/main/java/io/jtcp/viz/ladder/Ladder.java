package io.jtcp.viz.ladder;

import java.util.List;

/**
 * A ladder diagram laid out, independent of the output format: a title, the two lifelines, and the
 * rows from top to bottom. Renderers only draw it.
 *
 * @param title one line naming the connection
 * @param notes lines under the title (ISNs, options, how numbers and states are meant)
 * @param left the left lifeline's heading (the active opener)
 * @param right the right lifeline's heading
 * @param tracedLeft whether the left side's states come from a stack's own state trace (facts)
 *     rather than inferred from the segments
 * @param tracedRight the same for the right side
 */
public record Ladder(
        String title,
        List<String> notes,
        String left,
        String right,
        String initialLeft,
        String initialRight,
        List<Row> rows,
        String finalLeft,
        String finalRight,
        List<String> footnotes,
        boolean tracedLeft,
        boolean tracedRight) {

    /** Whether the states of the left side ({@code left}) or the right side are traced. */
    public boolean traced(boolean leftSide) {
        return leftSide ? tracedLeft : tracedRight;
    }

    /** One row of the diagram. */
    public sealed interface Row permits Arrow, Fold, Gap {}

    /**
     * One segment.
     *
     * @param time seconds since the connection's first segment, formatted
     * @param marks the analysis marks (retransmission...), already worded
     * @param senderState the sender's state after sending it, or null when unchanged
     * @param receiverState the receiver's state after receiving it, or null when unchanged
     * @param kind what the arrow's colour says
     */
    public record Arrow(
            String time,
            boolean leftToRight,
            String label,
            List<String> marks,
            String senderState,
            String receiverState,
            Kind kind)
            implements Row {}

    /** Segments folded away, with what they carried: {@code … 812 segments, 1.2 MB …}. */
    public record Fold(String time, String text) implements Row {}

    /** A pause in the capture longer than the ladder shows by spacing alone. */
    public record Gap(String text, double seconds) implements Row {}

    /** How an arrow is drawn. */
    public enum Kind {
        /** SYN or FIN: opening and closing. */
        CONTROL,
        /** A reset. */
        RESET,
        /** Payload. */
        DATA,
        /** A pure ACK. */
        ACK,
        /** Retransmitted, out of order, duplicate ACK, zero window... */
        ANOMALY
    }
}
