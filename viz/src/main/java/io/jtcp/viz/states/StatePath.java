package io.jtcp.viz.states;

import io.jtcp.stack.tcp.TcpState;
import io.jtcp.viz.capture.TcpSegment;
import io.jtcp.viz.tcp.Connection;
import io.jtcp.viz.tcp.ConnectionAnalysis;
import io.jtcp.viz.tcp.SegmentView;
import java.util.ArrayList;
import java.util.List;

/**
 * The transitions one side of a connection took, in order, as the arrows of RFC 9293 Figure 5,
 * from the states {@link ConnectionAnalysis} inferred. One segment can take two arrows: an ACK of
 * our FIN that also carries the peer's FIN goes FIN-WAIT-1 → FIN-WAIT-2 → TIME-WAIT, as §3.10.7.4
 * processes the ACK (fifth check) before the FIN (eighth). A change the figure has no arrow for
 * (a reset out of ESTABLISHED, an abort) is a step with a null transition.
 *
 * @param side the endpoint, e.g. {@code 10.7.0.1:40000}
 * @param sideA whether it is the connection's side a (the opener)
 * @param initial its state before the first captured segment
 */
public record StatePath(String side, boolean sideA, TcpState initial, TcpState last, List<Step> steps) {

    /**
     * One transition taken.
     *
     * @param number 1, 2, ... in order
     * @param transition the arrow of Figure 5, or null when the figure has none for this change
     * @param cause what the capture shows: {@code snd SYN}, {@code rcv FIN,ACK}...
     */
    public record Step(
            int number, Transition transition, TcpState from, TcpState to, double timeS, int frame, String cause) {}

    /** The path of side a ({@code sideA}) or b of {@code an}. */
    public static StatePath of(ConnectionAnalysis an, boolean sideA) {
        Connection c = an.connection();
        TcpState st = sideA ? an.initialA() : an.initialB();
        TcpState initial = st;
        List<Step> steps = new ArrayList<>();
        long t0 = an.segments().isEmpty() ? 0 : an.segments().get(0).segment().timeNs();
        for (SegmentView v : an.segments()) {
            boolean sent = v.fromA() == sideA;
            TcpState next = sent ? v.senderState() : v.receiverState();
            if (next == null || next == st) {
                continue;
            }
            TcpSegment s = v.segment();
            String cause = (sent ? "snd " : "rcv ") + flags(s);
            double t = (s.timeNs() - t0) / 1e9;
            for (Transition tr : arrows(st, next, s.has(TcpSegment.RST))) {
                steps.add(new Step(steps.size() + 1, tr, tr.from(), tr.to(), t, s.frame(), cause));
            }
            if (arrows(st, next, s.has(TcpSegment.RST)).isEmpty()) {
                steps.add(new Step(steps.size() + 1, null, st, next, t, s.frame(), cause));
            }
            st = next;
        }
        return new StatePath((sideA ? c.a() : c.b()).toString(), sideA, initial, st, List.copyOf(steps));
    }

    /** The arrows of Figure 5 that lead from {@code from} to {@code to}: one, two, or none. */
    static List<Transition> arrows(TcpState from, TcpState to, boolean reset) {
        if (reset) {
            // Only SYN-RECEIVED's return to LISTEN is drawn; other resets (§3.10.7) are not in the figure.
            return from == TcpState.SYN_RECEIVED && to == TcpState.LISTEN
                    ? List.of(Transition.SYN_RCVD_RCV_RST)
                    : List.of();
        }
        for (Transition t : Transition.values()) {
            if (t.from() == from && t.to() == to) {
                return List.of(t);
            }
        }
        // One segment, two arrows: the ACK is processed before the FIN (§3.10.7.4).
        if (from == TcpState.FIN_WAIT_1 && to == TcpState.TIME_WAIT) {
            return List.of(Transition.FIN_WAIT_1_RCV_ACK, Transition.FIN_WAIT_2_RCV_FIN);
        }
        if (from == TcpState.SYN_RECEIVED && to == TcpState.CLOSE_WAIT) {
            return List.of(Transition.SYN_RCVD_RCV_ACK, Transition.ESTAB_RCV_FIN);
        }
        if (from == TcpState.ESTABLISHED && to == TcpState.CLOSING) {
            // Simultaneous close (Figure 13): our FIN crossed the peer's, which arrives in FIN-WAIT-1.
            return List.of(Transition.ESTAB_CLOSE, Transition.FIN_WAIT_1_RCV_FIN);
        }
        if (from == TcpState.SYN_SENT && to == TcpState.CLOSE_WAIT) {
            return List.of(Transition.SYN_SENT_RCV_SYN_ACK, Transition.ESTAB_RCV_FIN);
        }
        return List.of();
    }

    private static String flags(TcpSegment s) {
        StringBuilder sb = new StringBuilder();
        if (s.has(TcpSegment.SYN)) {
            sb.append("SYN,");
        }
        if (s.has(TcpSegment.FIN)) {
            sb.append("FIN,");
        }
        if (s.has(TcpSegment.RST)) {
            sb.append("RST,");
        }
        if (s.has(TcpSegment.ACK)) {
            sb.append("ACK,");
        }
        if (sb.length() == 0) {
            sb.append("segment,");
        }
        sb.setLength(sb.length() - 1);
        if (s.length() > 0) {
            sb.append(" (").append(s.length()).append(" bytes)");
        }
        return sb.toString();
    }

    /** The transitions in order, without the off-figure ones: what the figure highlights. */
    public List<Transition> transitions() {
        List<Transition> out = new ArrayList<>();
        for (Step s : steps) {
            if (s.transition() != null) {
                out.add(s.transition());
            }
        }
        return out;
    }
}
