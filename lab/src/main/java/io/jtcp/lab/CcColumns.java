package io.jtcp.lab;

import io.jtcp.stack.tcp.TcpConnection;

/**
 * The time series' congestion-controller columns, {@code ssthresh,pacing_rate,phase,delivery_rate}
 * ({@link SeriesCsv#CC_COLUMNS}), read from one connection. {@link TcpConnection} does not expose
 * its controller yet, so they are empty: this is the one place that fills them once it does.
 */
public final class CcColumns {
    private static final String[] EMPTY = {"", "", "", ""};

    private CcColumns() {}

    /** ssthresh (bytes), pacing rate (bytes/s, 0 = unpaced), phase name, delivery rate (bytes/s). */
    public static String[] of(TcpConnection connection) {
        return EMPTY;
    }
}
