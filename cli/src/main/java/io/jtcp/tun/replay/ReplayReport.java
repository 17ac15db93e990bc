package io.jtcp.tun.replay;

import io.jtcp.viz.capture.PacketDecoder;
import io.jtcp.viz.capture.TcpSegment;
import io.jtcp.viz.tcp.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Compares a replay's output with the recording, optionally restricted to one connection, and
 * words the result: identical, or the first divergence and then all of them.
 */
public final class ReplayReport {
    /** Divergences listed in full; the rest are counted. */
    public static final int MAX_LISTED = 200;

    private final List<byte[]> recorded = new ArrayList<>();
    private final List<Long> recordedTimes = new ArrayList<>();
    private final List<Integer> recordedFrames = new ArrayList<>();
    private final List<byte[]> replayed = new ArrayList<>();
    private final List<Long> replayedTimes = new ArrayList<>();
    private final List<Comparison.Divergence> divergences;

    /**
     * @param conn null: every outbound packet; else only the segments of that connection (the
     *     recorded ones by frame, the replayed ones by 4-tuple)
     * @param clockOffsetNs added to a replayed packet's engine time to place it on the capture's clock
     */
    public ReplayReport(
            List<CapturedPacket> recordedOut,
            List<OwnReplay.Sent> sent,
            Connection conn,
            long clockOffsetNs,
            Comparison.Judge judge) {
        Set<Integer> frames = new HashSet<>();
        if (conn != null) {
            conn.segments().forEach(s -> frames.add(s.frame()));
        }
        for (CapturedPacket p : recordedOut) {
            if (conn == null || frames.contains(p.frame())) {
                recorded.add(p.ip());
                recordedTimes.add(p.timeNs());
                recordedFrames.add(p.frame());
            }
        }
        for (OwnReplay.Sent s : sent) {
            if (conn == null || inConnection(s.ip(), conn)) {
                replayed.add(s.ip());
                replayedTimes.add(Math.max(s.nowNs() + clockOffsetNs, s.afterNs() + 1_000));
            }
        }
        this.divergences = Comparison.compare(recorded, replayed, judge);
    }

    static boolean inConnection(byte[] ip, Connection c) {
        TcpSegment s = PacketDecoder.decode(PacketDecoder.RAW, new io.jtcp.viz.capture.Frame(0, 0, ip));
        if (s == null) {
            return false;
        }
        return (s.srcAddr() == c.a().addr()
                        && s.srcPort() == c.a().port()
                        && s.dstAddr() == c.b().addr()
                        && s.dstPort() == c.b().port())
                || (s.srcAddr() == c.b().addr()
                        && s.srcPort() == c.b().port()
                        && s.dstAddr() == c.a().addr()
                        && s.dstPort() == c.a().port());
    }

    public boolean identical() {
        return divergences.isEmpty();
    }

    public List<Comparison.Divergence> divergences() {
        return divergences;
    }

    public int recordedCount() {
        return recorded.size();
    }

    public int replayedCount() {
        return replayed.size();
    }

    /** jtcp's answers as segments on the capture's clock, for the two-column ladder. */
    public List<TcpSegment> replayedSegments() {
        List<TcpSegment> out = new ArrayList<>();
        for (int i = 0; i < replayed.size(); i++) {
            TcpSegment s = PacketDecoder.decode(
                    PacketDecoder.RAW, new io.jtcp.viz.capture.Frame(-(i + 1), replayedTimes.get(i), replayed.get(i)));
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** The wording: counts, then identical or the first divergence and all of them. */
    public String describe(long startNs, String what) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT, "%s: recorded %d packets, jtcp sent %d%n", what, recorded.size(), replayed.size()));
        if (divergences.isEmpty()) {
            sb.append("identical: every packet bit for bit, in order (checksums and timestamp options included)\n");
            return sb.toString();
        }
        sb.append("DIVERGED: ").append(divergences.size()).append(" divergence(s)\n");
        sb.append("first divergence:\n");
        line(sb, divergences.get(0), startNs);
        sb.append("all divergences:\n");
        for (int k = 0; k < Math.min(MAX_LISTED, divergences.size()); k++) {
            line(sb, divergences.get(k), startNs);
        }
        if (divergences.size() > MAX_LISTED) {
            sb.append("  ... and ").append(divergences.size() - MAX_LISTED).append(" more\n");
        }
        return sb.toString();
    }

    private void line(StringBuilder sb, Comparison.Divergence d, long startNs) {
        String where = d.recorded() >= 0
                ? String.format(
                        Locale.ROOT,
                        "packet %d (frame %d, %.6f s)",
                        d.recorded() + 1,
                        recordedFrames.get(d.recorded()),
                        (recordedTimes.get(d.recorded()) - startNs) / 1e9)
                : String.format(
                        Locale.ROOT,
                        "jtcp's packet %d (%.6f s)",
                        d.replayed() + 1,
                        (replayedTimes.get(d.replayed()) - startNs) / 1e9);
        sb.append("  ")
                .append(d.kind())
                .append(" at ")
                .append(where)
                .append(": ")
                .append(d.detail())
                .append('\n');
        if (d.recorded() >= 0) {
            sb.append("    recorded: ")
                    .append(Replays.describe(recorded.get(d.recorded())))
                    .append('\n');
        }
        if (d.replayed() >= 0) {
            sb.append("    jtcp:     ")
                    .append(Replays.describe(replayed.get(d.replayed())))
                    .append('\n');
        }
    }
}
