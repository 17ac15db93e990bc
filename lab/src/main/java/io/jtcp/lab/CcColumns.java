package io.jtcp.lab;

import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.tcp.TcpConnection;

/**
 * The time series' congestion-controller columns, {@code ssthresh,pacing_rate,phase,delivery_rate}
 * ({@link SeriesCsv#CC_COLUMNS}), read from one connection's controller.
 */
public final class CcColumns {
    private CcColumns() {}

    /** ssthresh (bytes, empty while unknown), pacing rate (bytes/s, 0 = unpaced), phase name, delivery rate (bytes/s). */
    public static String[] of(TcpConnection connection) {
        final CongestionControl cc = connection.congestionControl();
        if (cc == null) {
            return new String[] {"", "", "", ""};
        }
        final long ssthresh = cc.ssthresh();
        return new String[] {
            ssthresh == Long.MAX_VALUE ? "" : Long.toString(ssthresh),
            Long.toString(cc.pacingRate()),
            cc.phase(),
            Long.toString(connection.deliveryRateBytesPerSecond())
        };
    }
}
