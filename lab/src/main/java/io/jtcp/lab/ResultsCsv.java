package io.jtcp.lab;

import java.util.List;
import java.util.Locale;

/**
 * {@code results.csv}: one row per cell with {@code flow=all} (goodput summed over the flows, RTTs
 * over all their packets, Jain's index), followed, when the cell has more than one flow, by one
 * row per flow ({@code flow=0..N-1}, jain empty). The first twelve columns are fixed; more may be
 * appended after them, never inserted.
 */
public final class ResultsCsv {
    public static final String HEADER = "cc,rate_mbit,rtt_ms,loss,queue_bdp,flows,seconds,goodput_mbit,retransmits,"
            + "mean_rtt_ms,p99_rtt_ms,jain,flow,goodput_last_half_mbit,random_losses,queue_drops,queue_bytes,seed,"
            + "real_s";

    private ResultsCsv() {}

    /** The header line and every cell's rows, each line ending in a newline. */
    public static String render(List<CellResult> results) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (CellResult r : results) {
            row(sb, r, r.total(), "all", r.jain());
            if (r.flows().size() > 1) {
                for (FlowResult f : r.flows()) {
                    row(sb, r, f, Integer.toString(f.flow()), Double.NaN);
                }
            }
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, CellResult r, FlowResult f, String flow, double jain) {
        Cell c = r.cell();
        sb.append(c.cc()).append(',');
        sb.append(num(c.rateBitsPerSec() / 1e6)).append(',');
        sb.append(num(c.rttNs() / 1e6)).append(',');
        sb.append(num(c.loss())).append(',');
        sb.append(num(c.queueBdp())).append(',');
        sb.append(c.flows()).append(',');
        sb.append(c.seconds()).append(',');
        sb.append(num(f.goodputMbit())).append(',');
        sb.append(f.retransmits()).append(',');
        sb.append(num(f.meanRttMs())).append(',');
        sb.append(num(f.p99RttMs())).append(',');
        sb.append(num(jain)).append(',');
        sb.append(flow).append(',');
        sb.append(num(f.goodputLastHalfMbit())).append(',');
        sb.append(r.randomLosses()).append(',');
        sb.append(r.queueDrops()).append(',');
        sb.append(c.queueBytes()).append(',');
        sb.append(c.seed()).append(',');
        sb.append(num(r.realSeconds())).append('\n');
    }

    /** Up to six significant digits, no exponent for everyday values; NaN as an empty field. */
    static String num(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        String s = String.format(Locale.ROOT, "%.6g", v);
        if (s.contains("e")) {
            return s;
        }
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "");
            if (s.endsWith(".")) {
                s = s.substring(0, s.length() - 1);
            }
        }
        return s;
    }
}
