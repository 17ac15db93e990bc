package io.jtcp.viz.tcp;

import io.jtcp.stack.tcp.TcpState;
import io.jtcp.viz.capture.TcpOptionsSeen;
import io.jtcp.viz.capture.TcpSegment;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * A connection analysed: each segment with relative numbers, scaled window, marks and the state
 * changes it caused on both sides. Computed once; renderers and (later) time-sequence graphs read
 * it.
 *
 * @param isnA the ISN of side a from its SYN, or -1 when the capture missed it (likewise isnB)
 * @param synA side a's SYN options, or null (likewise synB)
 */
public record ConnectionAnalysis(
        Connection connection,
        long isnA,
        long isnB,
        TcpOptionsSeen synA,
        TcpOptionsSeen synB,
        boolean windowScaling,
        TcpState initialA,
        TcpState initialB,
        TcpState finalA,
        TcpState finalB,
        List<SegmentView> segments,
        StateSource stateSource) {

    /** Where the states on the lifelines come from. */
    public enum StateSource {
        /** Both sides' states inferred from the segments by the RFC 9293 state machine. */
        INFERRED,
        /** Side a's states from its own state trace, side b's inferred. */
        TRACED_A,
        /** Side b's states from its own state trace, side a's inferred. */
        TRACED_B
    }

    /** Analyses {@code c}: sequence bookkeeping and the RFC 9293 state machine of each side. */
    public static ConnectionAnalysis of(Connection c) {
        Side a = new Side();
        Side b = new Side();
        TcpOptionsSeen synA = null;
        TcpOptionsSeen synB = null;
        for (TcpSegment s : c.segments()) {
            if (s.has(TcpSegment.SYN)) {
                Side side = c.fromA(s) ? a : b;
                if (!side.synSeen) {
                    side.synSeen = true;
                    side.base = s.seq();
                    side.offeredShift = s.options() == null ? -1 : s.options().windowScale();
                    if (c.fromA(s)) {
                        synA = s.options();
                    } else {
                        synB = s.options();
                    }
                }
            }
        }
        // RFC 7323 §2.2: scaling is in effect only when both SYNs carried the option.
        boolean scaling = a.offeredShift >= 0 && b.offeredShift >= 0;
        if (scaling) {
            a.windowShift = Math.min(a.offeredShift, 14);
            b.windowShift = Math.min(b.offeredShift, 14);
        }
        StateInference states = new StateInference(c, a, b);
        TcpState initialA = states.stateA();
        TcpState initialB = states.stateB();
        List<SegmentView> views = new ArrayList<>(c.segments().size());
        for (int i = 0; i < c.segments().size(); i++) {
            TcpSegment s = c.segments().get(i);
            boolean fromA = c.fromA(s);
            Side snd = fromA ? a : b;
            Side rcv = fromA ? b : a;
            if (snd.base < 0) {
                snd.base = s.seq(); // mid-stream capture: numbers relative to the first one seen
            }
            long seq = snd.unwrap(s.seq(), snd.sndMax);
            EnumSet<Mark> marks = sequenceMarks(s, snd, rcv, seq);
            long ack = -1;
            if (s.has(TcpSegment.ACK)) {
                if (rcv.base < 0) {
                    rcv.base = s.ack();
                }
                ack = rcv.unwrap(s.ack(), rcv.sndMax);
            }
            long window = s.has(TcpSegment.SYN) ? s.window() : ((long) s.window()) << snd.windowShift;
            int dup = ackMarks(s, snd, rcv, ack, window, marks);
            TcpState[] change = states.apply(i, fromA, s, ack);
            views.add(new SegmentView(s, fromA, seq, ack, window, marks, dup, change[0], change[1]));
        }
        return new ConnectionAnalysis(
                c,
                a.synSeen ? a.base : -1,
                b.synSeen ? b.base : -1,
                synA,
                synB,
                scaling,
                initialA,
                initialB,
                states.stateA(),
                states.stateB(),
                List.copyOf(views),
                StateSource.INFERRED);
    }

    /**
     * This analysis with one side's states replaced by what that side reported itself (jtcp's
     * state trace), the other side's still inferred, placed by {@link TracedPlacement}'s rules;
     * changes no segment caused (the 2·MSL timer) are left off the segments but still set the
     * final state.
     *
     * @param sideA whose states {@code changes} are: side a (the opener) or b
     * @param changes in the order they happened; none leaves the analysis as it is
     */
    public ConnectionAnalysis withTracedStates(boolean sideA, List<TracedState> changes) {
        if (changes.isEmpty() || segments.isEmpty()) {
            return this;
        }
        return TracedPlacement.of(this, sideA, changes).analysis();
    }

    private static EnumSet<Mark> sequenceMarks(TcpSegment s, Side snd, Side rcv, long seq) {
        EnumSet<Mark> marks = EnumSet.noneOf(Mark.class);
        int len = s.seqLength();
        long end = seq + len;
        if (s.has(TcpSegment.RST)) {
            return marks;
        }
        if (len > 0) {
            if (seq > snd.sndMax && snd.sndMax > 0) {
                marks.add(Mark.PREVIOUS_NOT_CAPTURED);
                snd.addHole(snd.sndMax, seq);
            } else if (seq < snd.sndMax) {
                if (snd.fill(seq, Math.min(end, snd.sndMax))) {
                    marks.add(Mark.OUT_OF_ORDER);
                } else if (s.length() <= 1 && end == snd.sndMax && !s.has(TcpSegment.SYN | TcpSegment.FIN)) {
                    // A zero window probe carries the next byte; a keep-alive repeats the last one.
                    marks.add(rcv.lastWindow == 0 ? Mark.ZERO_WINDOW_PROBE : Mark.KEEP_ALIVE);
                } else {
                    marks.add(Mark.RETRANSMISSION);
                }
            } else if (rcv.lastWindow == 0 && s.length() > 0 && !s.has(TcpSegment.SYN)) {
                marks.add(Mark.ZERO_WINDOW_PROBE);
            }
            if (end > snd.sndMax) {
                snd.sndMax = end;
            }
        } else if (snd.sndMax == 0) {
            snd.sndMax = seq;
        }
        if (s.has(TcpSegment.FIN) && snd.finSeq < 0) {
            snd.finSeq = end - 1;
        }
        return marks;
    }

    private static int ackMarks(TcpSegment s, Side snd, Side rcv, long ack, long window, EnumSet<Mark> marks) {
        if (s.has(TcpSegment.RST)) {
            return 0;
        }
        if (window == 0) {
            marks.add(Mark.ZERO_WINDOW);
        }
        int dup = 0;
        boolean pureAck = s.has(TcpSegment.ACK) && s.seqLength() == 0;
        if (pureAck && ack == snd.lastAck && s.window() == snd.lastWindowRaw && rcv.sndMax > ack) {
            dup = ++snd.dupAcks;
            marks.add(Mark.DUP_ACK);
        } else if (s.has(TcpSegment.ACK)) {
            snd.dupAcks = 0;
        }
        if (s.has(TcpSegment.ACK)) {
            snd.lastAck = ack;
        }
        snd.lastWindowRaw = s.window();
        snd.lastWindow = window;
        return dup;
    }
}
