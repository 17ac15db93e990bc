package io.jtcp.tun.cli;

import io.jtcp.stack.tcp.TcpState;
import io.jtcp.viz.capture.TcpSegment;
import io.jtcp.viz.ladder.Ladder;
import io.jtcp.viz.ladder.LadderBuilder;
import io.jtcp.viz.tcp.Connection;
import io.jtcp.viz.tcp.ConnectionAnalysis;
import io.jtcp.viz.tcp.SegmentView;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A ladder whose jtcp lifeline carries jtcp's own states, read from its trace ({@link DemoTrace}),
 * while the kernel's stay inferred from the segments as {@code jtcp ladder} does. A change goes on
 * the segment that caused it: the next segment jtcp sent for a change its own call made (SYN_SENT,
 * FIN_WAIT_1, LAST_ACK, an abort's RST), else the segment it received just before (a received
 * segment changes the state as it is processed, before any answer leaves). Changes no segment
 * caused (the 2·MSL timer) get a row of their own after the last segment, or a footnote.
 */
final class TracedLadder {
    private static final Set<TcpState> BY_OUR_CALL =
            EnumSet.of(TcpState.SYN_SENT, TcpState.FIN_WAIT_1, TcpState.LAST_ACK);

    private TracedLadder() {}

    static Ladder build(Connection c, List<Connection> all, int jtcpAddr, DemoTrace trace, boolean absolute) {
        ConnectionAnalysis an = ConnectionAnalysis.of(c);
        boolean jtcpIsA = c.a().addr() == jtcpAddr;
        var jtcp = jtcpIsA ? c.a() : c.b();
        var peer = jtcpIsA ? c.b() : c.a();
        String key = DemoTrace.key(jtcp.port(), peer.addr(), peer.port());
        // Earlier connections with the same 4-tuple (a port reused) hold the first packets.
        int offset = 0;
        for (Connection o : all) {
            if (o.number() < c.number() && o.a().equals(c.a()) && o.b().equals(c.b())
                    || o.number() < c.number() && o.a().equals(c.b()) && o.b().equals(c.a())) {
                offset += o.segments().size();
            }
        }
        List<SegmentView> views = new ArrayList<>(an.segments());
        TcpState[] mine = new TcpState[views.size()];
        List<DemoTrace.StateEvent> events = trace.events(key);
        List<DemoTrace.StateEvent> timers = new ArrayList<>();
        TcpState initial = null;
        TcpState last = null;
        for (DemoTrace.StateEvent e : events) {
            int k = e.index() - offset;
            if (k < 0 || k > views.size()) {
                continue; // another incarnation's
            }
            if (initial == null) {
                initial = e.from();
            }
            last = e.to();
            int at = -1;
            if (e.to() == TcpState.CLOSED && k > 0 && sentRst(views.get(k - 1), jtcpIsA)) {
                at = k - 1; // an abort: the RST went out just before the state changed
            } else if (BY_OUR_CALL.contains(e.to()) || e.to() == TcpState.CLOSED && nextSentIsRst(views, k, jtcpIsA)) {
                for (int i = k; i < views.size() && at < 0; i++) {
                    if (views.get(i).fromA() == jtcpIsA) {
                        at = i;
                    }
                }
            } else if (e.from() != TcpState.TIME_WAIT
                    && k > 0
                    && views.get(k - 1).fromA() != jtcpIsA) {
                // A segment jtcp received changes its state as it is processed: before any answer goes out.
                at = k - 1;
            }
            if (at >= 0) {
                mine[at] = e.to();
            } else {
                timers.add(e);
            }
        }
        for (int i = 0; i < views.size(); i++) {
            SegmentView v = views.get(i);
            boolean sentByJtcp = v.fromA() == jtcpIsA;
            views.set(
                    i,
                    new SegmentView(
                            v.segment(),
                            v.fromA(),
                            v.relSeq(),
                            v.relAck(),
                            v.window(),
                            v.marks(),
                            v.dupAckNumber(),
                            sentByJtcp ? mine[i] : v.senderState(),
                            sentByJtcp ? v.receiverState() : mine[i]));
        }
        // No event at all: jtcp had no connection for these segments (it answered them with RST).
        TcpState init = initial != null ? initial : TcpState.CLOSED;
        TcpState fin = last != null ? last : TcpState.CLOSED;
        if (init == TcpState.CLOSED
                && !views.isEmpty()
                && views.get(0).fromA() != jtcpIsA
                && views.get(0).segment().has(TcpSegment.SYN)
                && initial != null) {
            init = TcpState.LISTEN; // a passive open: the listener's state (its connection starts CLOSED)
        }
        ConnectionAnalysis traced = new ConnectionAnalysis(
                c,
                an.isnA(),
                an.isnB(),
                an.synA(),
                an.synB(),
                an.windowScaling(),
                jtcpIsA ? init : an.initialA(),
                jtcpIsA ? an.initialB() : init,
                jtcpIsA ? fin : an.finalA(),
                jtcpIsA ? an.finalB() : fin,
                List.copyOf(views),
                jtcpIsA ? ConnectionAnalysis.StateSource.TRACED_A : ConnectionAnalysis.StateSource.TRACED_B);
        Ladder l = new LadderBuilder(absolute, 300).build(traced, all.size());
        List<String> notes = new ArrayList<>();
        for (String n : l.notes()) {
            notes.add(
                    n.startsWith("states inferred")
                            ? "jtcp's states (" + jtcp + ") from its own trace; the kernel's (" + peer
                                    + ") inferred from the segments by the RFC 9293 state machine (3.3.2)"
                            : n);
        }
        List<Ladder.Row> rows = new ArrayList<>(l.rows());
        List<String> foot = new ArrayList<>(l.footnotes());
        int n = views.size();
        long lastPacketNs = trace.packetTime(key, offset + n - 1);
        for (DemoTrace.StateEvent e : timers) {
            String what = e.from() == TcpState.TIME_WAIT && e.to() == TcpState.CLOSED
                    ? "the 2*MSL timer, no segment"
                    : "no segment: a timer, or the demo stopping jtcp";
            if (e.index() - offset >= n && lastPacketNs >= 0) {
                double s = (e.timeNs() - lastPacketNs) / 1e9;
                rows.add(new Ladder.Gap(
                        String.format(Locale.ROOT, "%.3f s later: jtcp %s -> %s (%s)", s, e.from(), e.to(), what), s));
            } else {
                foot.add("jtcp " + e.from() + " -> " + e.to() + " after segment " + (e.index() - offset) + " (" + what
                        + ")");
            }
        }
        return new Ladder(
                l.title(),
                notes,
                l.left(),
                l.right(),
                l.initialLeft(),
                l.initialRight(),
                rows,
                l.finalLeft(),
                l.finalRight(),
                foot,
                l.tracedLeft(),
                l.tracedRight());
    }

    private static boolean sentRst(SegmentView v, boolean jtcpIsA) {
        return v.fromA() == jtcpIsA && v.segment().has(TcpSegment.RST);
    }

    private static boolean nextSentIsRst(List<SegmentView> views, int k, boolean jtcpIsA) {
        for (int i = k; i < views.size(); i++) {
            if (views.get(i).fromA() == jtcpIsA) {
                return views.get(i).segment().has(TcpSegment.RST);
            }
        }
        return false;
    }
}
