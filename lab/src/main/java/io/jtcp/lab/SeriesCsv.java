package io.jtcp.lab;

import java.util.List;

/**
 * {@code series/<cell>.csv}: every flow's samples, ordered by time then flow. Columns: {@code t_s}
 * (virtual seconds since the flows started), {@code flow}, {@code cwnd} (bytes), {@code
 * bytes_in_flight}, {@code srtt_ms}, {@code rto_ms}, {@code retransmits} (cumulative), {@code
 * delivered_bytes} (read by the receiving application, cumulative), {@code acked_bytes}
 * (acknowledged to the sender, cumulative), then {@code ssthresh}, {@code pacing_rate}, {@code
 * phase} and {@code delivery_rate} ({@link #CC_COLUMNS}) as {@link CcColumns} reads them: empty
 * until the engine exposes its congestion controller per connection.
 */
public final class SeriesCsv {
    /** Columns the congestion controller will fill; empty for now. */
    public static final String CC_COLUMNS = "ssthresh,pacing_rate,phase,delivery_rate";

    private SeriesCsv() {}

    public static String header() {
        StringBuilder sb = new StringBuilder("t_s,flow");
        for (Series.Column c : Series.Column.values()) {
            sb.append(',').append(c.header);
        }
        return sb.append(',').append(CC_COLUMNS).toString();
    }

    public static String render(List<Series> flows) {
        StringBuilder sb = new StringBuilder(header()).append('\n');
        int rows = 0;
        for (Series s : flows) {
            rows = Math.max(rows, s.rows());
        }
        for (int row = 0; row < rows; row++) {
            for (int f = 0; f < flows.size(); f++) {
                Series s = flows.get(f);
                if (row >= s.rows()) {
                    continue;
                }
                sb.append(ResultsCsv.num(Math.round(s.t(row) * 1e6) / 1e6))
                        .append(',')
                        .append(f);
                for (Series.Column c : Series.Column.values()) {
                    double v = s.get(c, row);
                    sb.append(',')
                            .append(
                                    c == Series.Column.SRTT_MS || c == Series.Column.RTO_MS
                                            ? ResultsCsv.num(Math.round(v * 1000) / 1000.0)
                                            : Long.toString((long) v));
                }
                for (String v : s.ccColumns(row)) {
                    sb.append(',').append(v);
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }
}
