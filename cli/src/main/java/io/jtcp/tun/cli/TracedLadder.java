package io.jtcp.tun.cli;

import io.jtcp.stack.tcp.TcpState;
import io.jtcp.viz.ladder.Ladder;
import io.jtcp.viz.ladder.LadderBuilder;
import io.jtcp.viz.tcp.Connection;
import io.jtcp.viz.tcp.ConnectionAnalysis;
import io.jtcp.viz.tcp.TracedPlacement;
import io.jtcp.viz.tcp.TracedState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A ladder whose jtcp lifeline carries jtcp's own states, read from its trace ({@link DemoTrace}),
 * while the kernel's stay inferred from the segments as {@code jtcp ladder} does. The changes are
 * placed on the segments by {@link TracedPlacement}, as {@code jtcp serve --ladder} places them;
 * changes no segment caused (the 2·MSL timer) get a row of their own after the last segment, or a
 * footnote.
 */
final class TracedLadder {
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
        int n = an.segments().size();
        // Only this incarnation's changes, numbered from its first segment.
        List<TracedState> changes = new ArrayList<>();
        List<DemoTrace.StateEvent> events = new ArrayList<>();
        for (DemoTrace.StateEvent e : trace.events(key)) {
            int k = e.index() - offset;
            if (k >= 0 && k <= n) {
                changes.add(new TracedState(k, e.from(), e.to()));
                events.add(e);
            }
        }
        TracedPlacement placed = TracedPlacement.of(an, jtcpIsA, changes);
        ConnectionAnalysis traced = placed.analysis();
        List<DemoTrace.StateEvent> timers = new ArrayList<>();
        // timerOnly() holds the very TracedState objects passed in, in order.
        for (int i = 0, t = 0; i < changes.size() && t < placed.timerOnly().size(); i++) {
            if (changes.get(i) == placed.timerOnly().get(t)) {
                timers.add(events.get(i));
                t++;
            }
        }
        Ladder l = new LadderBuilder(absolute, 300).build(traced, all.size());
        // LadderBuilder's notes already say whose states are traced (the analysis's StateSource).
        List<String> notes = l.notes();
        List<Ladder.Row> rows = new ArrayList<>(l.rows());
        List<String> foot = new ArrayList<>(l.footnotes());
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
}
