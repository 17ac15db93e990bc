package io.jtcp.lab;

import java.util.Arrays;

/**
 * One flow's time series, sampled from its sending {@code TcpConnection} at a fixed interval of
 * virtual time: growable primitive columns (a 60 s run at 10 ms is 6,000 rows).
 */
public final class Series {
    /** The columns, in CSV order after {@code t_s,flow}. */
    public enum Column {
        CWND("cwnd"),
        BYTES_IN_FLIGHT("bytes_in_flight"),
        SRTT_MS("srtt_ms"),
        RTO_MS("rto_ms"),
        RETRANSMITS("retransmits"),
        DELIVERED_BYTES("delivered_bytes"),
        ACKED_BYTES("acked_bytes");

        public final String header;

        Column(String header) {
            this.header = header;
        }
    }

    private double[] t = new double[256];
    private final double[][] columns = new double[Column.values().length][256];
    private static final String[] NO_CC_COLUMNS = {"", "", "", ""};
    private String[][] cc = new String[256][];
    private int rows;

    /** Appends a row: the time, the numeric columns in {@link Column} order (no congestion-controller columns). */
    public void add(double tSeconds, double... values) {
        add(tSeconds, NO_CC_COLUMNS, values);
    }

    /**
     * Appends a row: the time, the congestion controller's columns as {@link CcColumns#of} gives
     * them, and the numeric columns in {@link Column} order.
     */
    public void add(double tSeconds, String[] ccColumns, double... values) {
        if (values.length != columns.length) {
            throw new IllegalArgumentException("expected " + columns.length + " values");
        }
        if (rows == t.length) {
            t = Arrays.copyOf(t, rows * 2);
            cc = Arrays.copyOf(cc, rows * 2);
            for (int c = 0; c < columns.length; c++) {
                columns[c] = Arrays.copyOf(columns[c], rows * 2);
            }
        }
        t[rows] = tSeconds;
        cc[rows] = ccColumns;
        for (int c = 0; c < columns.length; c++) {
            columns[c][rows] = values[c];
        }
        rows++;
    }

    public int rows() {
        return rows;
    }

    public double t(int row) {
        return t[row];
    }

    public double get(Column column, int row) {
        return columns[column.ordinal()][row];
    }

    /** The row's congestion-controller columns ({@link SeriesCsv#CC_COLUMNS} order). */
    public String[] ccColumns(int row) {
        return cc[row];
    }
}
