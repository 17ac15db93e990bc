package io.jtcp.viz.tcp;

import io.jtcp.stack.tcp.TcpState;
import io.jtcp.viz.capture.TcpSegment;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One side's own state trace placed on a connection's segments: each change goes on the segment
 * that caused it, the other side's states stay inferred. A change the side's own call made
 * (SYN_SENT, FIN_WAIT_1, LAST_ACK, an abort's CLOSED) goes on the next segment it sent (for an
 * abort whose RST left just before the change, on that RST); any other on the segment it had just
 * received, since a received segment changes the state as it is processed, before any answer
 * leaves. A change no segment caused (the 2·MSL timer, a stack stopped) is not glued to a segment
 * but returned in {@link #timerOnly()}, for the caller to show as a pause or a footnote.
 *
 * @param analysis the connection with the side's traced states on its lifeline
 * @param timerOnly the changes no segment caused, in order
 */
public record TracedPlacement(ConnectionAnalysis analysis, List<TracedState> timerOnly) {
    private static final Set<TcpState> BY_OWN_CALL =
            EnumSet.of(TcpState.SYN_SENT, TcpState.FIN_WAIT_1, TcpState.LAST_ACK);

    /**
     * Places {@code changes} (in the order they happened, each with the number of segments before
     * it) on {@code an}'s segments as side a's ({@code sideA}) or side b's states. With no change
     * at all the side had no connection for these segments: its lifeline stays CLOSED.
     */
    public static TracedPlacement of(ConnectionAnalysis an, boolean sideA, List<TracedState> changes) {
        List<SegmentView> segs = an.segments();
        int n = segs.size();
        TcpState[] mine = new TcpState[n];
        List<TracedState> timers = new ArrayList<>();
        for (TracedState c : changes) {
            int k = Math.max(0, Math.min(c.before(), n));
            int at = -1;
            if (c.to() == TcpState.CLOSED && k > 0 && sentRst(segs.get(k - 1), sideA)) {
                at = k - 1; // an abort: the RST went out just before the state changed
            } else if (BY_OWN_CALL.contains(c.to()) || c.to() == TcpState.CLOSED && nextSentIsRst(segs, k, sideA)) {
                for (int i = k; i < n && at < 0; i++) {
                    if (segs.get(i).fromA() == sideA) {
                        at = i;
                    }
                }
            } else if (c.from() != TcpState.TIME_WAIT
                    && k > 0
                    && segs.get(k - 1).fromA() != sideA) {
                at = k - 1;
            }
            if (at >= 0) {
                mine[at] = c.to(); // several on one segment keep the last, as the inference does
            } else {
                timers.add(c);
            }
        }
        List<SegmentView> views = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            SegmentView v = segs.get(i);
            boolean sentBySide = v.fromA() == sideA;
            views.add(new SegmentView(
                    v.segment(),
                    v.fromA(),
                    v.relSeq(),
                    v.relAck(),
                    v.window(),
                    v.marks(),
                    v.dupAckNumber(),
                    sentBySide ? mine[i] : v.senderState(),
                    sentBySide ? v.receiverState() : mine[i]));
        }
        TcpState first = changes.isEmpty() ? TcpState.CLOSED : changes.get(0).from();
        TcpState last = changes.isEmpty()
                ? TcpState.CLOSED
                : changes.get(changes.size() - 1).to();
        if (first == TcpState.CLOSED
                && !changes.isEmpty()
                && n > 0
                && segs.get(0).fromA() != sideA
                && segs.get(0).segment().has(TcpSegment.SYN)) {
            first = TcpState.LISTEN; // a passive open: the listener's state (its connection starts CLOSED)
        }
        ConnectionAnalysis traced = new ConnectionAnalysis(
                an.connection(),
                an.isnA(),
                an.isnB(),
                an.synA(),
                an.synB(),
                an.windowScaling(),
                sideA ? first : an.initialA(),
                sideA ? an.initialB() : first,
                sideA ? last : an.finalA(),
                sideA ? an.finalB() : last,
                List.copyOf(views),
                sideA ? ConnectionAnalysis.StateSource.TRACED_A : ConnectionAnalysis.StateSource.TRACED_B);
        return new TracedPlacement(traced, List.copyOf(timers));
    }

    private static boolean sentRst(SegmentView v, boolean sideA) {
        return v.fromA() == sideA && v.segment().has(TcpSegment.RST);
    }

    private static boolean nextSentIsRst(List<SegmentView> segs, int k, boolean sideA) {
        for (int i = k; i < segs.size(); i++) {
            if (segs.get(i).fromA() == sideA) {
                return segs.get(i).segment().has(TcpSegment.RST);
            }
        }
        return false;
    }
}
