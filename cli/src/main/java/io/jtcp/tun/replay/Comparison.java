package io.jtcp.tun.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Recorded against replayed output, in order: where they part, as a list of divergences. Equal
 * pairs advance both sides; at a difference a short look-ahead (at most {@link #LOOK_AHEAD}
 * packets either way) tells a packet one side lacks from one that differs, so one missing segment
 * reads as one divergence, not as every packet after it.
 */
public final class Comparison {
    static final int LOOK_AHEAD = 32;

    /** How one recorded and one replayed packet relate: null when equal, else what differs. */
    @FunctionalInterface
    public interface Judge extends BiFunction<byte[], byte[], String> {}

    /** Recorded {@code a} against replayed {@code b}. */
    public enum Kind {
        /** Both sent a packet here, and they differ. */
        DIFFERENT,
        /** Recorded, but the replay did not send it. */
        MISSING,
        /** Sent by the replay, not in the recording. */
        EXTRA
    }

    /**
     * One place where the outputs part.
     *
     * @param recorded index into the recorded list, or -1 (EXTRA)
     * @param replayed index into the replayed list, or -1 (MISSING)
     */
    public record Divergence(Kind kind, int recorded, int replayed, String detail) {}

    private Comparison() {}

    /** Bit for bit: the first differing byte, named by its header field. */
    public static String bytes(byte[] recorded, byte[] replayed) {
        int d = Replays.firstDifference(recorded, replayed);
        if (d < 0) {
            return null;
        }
        if (d >= recorded.length || d >= replayed.length) {
            return "lengths differ (" + recorded.length + " recorded, " + replayed.length + " replayed)";
        }
        return "first differing byte " + d + " (" + Replays.field(recorded, d) + ")";
    }

    /**
     * As a teacher reads a ladder: flags (PSH aside: stacks push differently), sequence and
     * acknowledgment numbers, payload length, the window field and a SYN's options; not IPv4
     * identification, checksums or timestamp values, which differ between any two stacks.
     */
    public static String fields(byte[] recorded, byte[] replayed) {
        io.jtcp.viz.capture.TcpSegment a = decode(recorded);
        io.jtcp.viz.capture.TcpSegment b = decode(replayed);
        if (a == null || b == null) {
            return a == null && b == null ? bytes(recorded, replayed) : "not both TCP";
        }
        StringBuilder d = new StringBuilder();
        int mask = ~io.jtcp.viz.capture.TcpSegment.PSH & 0xFF;
        if ((a.flags() & mask) != (b.flags() & mask)) {
            d.append("flags [")
                    .append(Replays.flags(a))
                    .append("] vs [")
                    .append(Replays.flags(b))
                    .append("]; ");
        }
        if (a.seq() != b.seq()) {
            d.append("seq ").append(a.seq()).append(" vs ").append(b.seq()).append("; ");
        }
        if (a.ack() != b.ack()
                && (a.has(io.jtcp.viz.capture.TcpSegment.ACK) || b.has(io.jtcp.viz.capture.TcpSegment.ACK))) {
            d.append("ack ").append(a.ack()).append(" vs ").append(b.ack()).append("; ");
        }
        if (a.length() != b.length()) {
            d.append("len ")
                    .append(a.length())
                    .append(" vs ")
                    .append(b.length())
                    .append("; ");
        }
        if (a.window() != b.window()) {
            d.append("win ")
                    .append(a.window())
                    .append(" vs ")
                    .append(b.window())
                    .append("; ");
        }
        if (a.has(io.jtcp.viz.capture.TcpSegment.SYN)
                && a.options() != null
                && b.options() != null
                && !a.options().compact().equals(b.options().compact())) {
            d.append("options <")
                    .append(a.options().compact())
                    .append("> vs <")
                    .append(b.options().compact())
                    .append(">; ");
        }
        return d.length() == 0 ? null : d.substring(0, d.length() - 2) + " (recorded vs jtcp)";
    }

    private static io.jtcp.viz.capture.TcpSegment decode(byte[] ip) {
        return io.jtcp.viz.capture.PacketDecoder.decode(
                io.jtcp.viz.capture.PacketDecoder.RAW, new io.jtcp.viz.capture.Frame(0, 0, ip));
    }

    public static List<Divergence> compare(List<byte[]> recorded, List<byte[]> replayed, Judge judge) {
        List<Divergence> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < recorded.size() || j < replayed.size()) {
            if (i >= recorded.size()) {
                out.add(new Divergence(Kind.EXTRA, -1, j++, "not in the recording"));
                continue;
            }
            if (j >= replayed.size()) {
                out.add(new Divergence(Kind.MISSING, i++, -1, "the replay did not send it"));
                continue;
            }
            String d = judge.apply(recorded.get(i), replayed.get(j));
            if (d == null) {
                i++;
                j++;
                continue;
            }
            int skipReplayed = find(recorded.get(i), replayed, j + 1, judge);
            int skipRecorded = find(replayed.get(j), recorded, i + 1, judge, true);
            if (skipReplayed > 0 && (skipRecorded < 0 || skipReplayed - j <= skipRecorded - i)) {
                while (j < skipReplayed) {
                    out.add(new Divergence(Kind.EXTRA, -1, j++, "not in the recording"));
                }
            } else if (skipRecorded > 0) {
                while (i < skipRecorded) {
                    out.add(new Divergence(Kind.MISSING, i++, -1, "the replay did not send it"));
                }
            } else {
                out.add(new Divergence(Kind.DIFFERENT, i++, j++, d));
            }
        }
        return out;
    }

    /** The first index from {@code from} (within the look-ahead) where {@code list} holds what equals {@code p}, else -1. */
    private static int find(byte[] recorded, List<byte[]> replayed, int from, Judge judge) {
        for (int k = from; k < Math.min(replayed.size(), from + LOOK_AHEAD); k++) {
            if (judge.apply(recorded, replayed.get(k)) == null) {
                return k;
            }
        }
        return -1;
    }

    private static int find(byte[] replayedPacket, List<byte[]> recorded, int from, Judge judge, boolean reversed) {
        for (int k = from; k < Math.min(recorded.size(), from + LOOK_AHEAD); k++) {
            if (judge.apply(recorded.get(k), replayedPacket) == null) {
                return k;
            }
        }
        return -1;
    }
}
