package io.jtcp.viz.tcp;

import io.jtcp.viz.capture.Endpoint;
import io.jtcp.viz.capture.TcpSegment;
import java.util.List;

/**
 * One TCP connection found in a capture: its two endpoints and its segments in capture order.
 * {@code a} is the side that sent the first SYN (the active opener), or the first sender when the
 * capture starts mid-connection; pictures draw it on the left.
 *
 * @param number 1-based, in the order the connections first appear in the capture
 */
public record Connection(int number, Endpoint a, Endpoint b, List<TcpSegment> segments) {
    /** Whether this segment was sent by {@link #a()}. */
    public boolean fromA(TcpSegment s) {
        return s.srcAddr() == a.addr() && s.srcPort() == a.port();
    }

    /** Bytes of payload each way, a→b then b→a (retransmissions counted each time). */
    public long[] payloadBytes() {
        long[] bytes = new long[2];
        for (TcpSegment s : segments) {
            bytes[fromA(s) ? 0 : 1] += s.length();
        }
        return bytes;
    }

    /** One line for a list: {@code #1 10.7.0.1:40312 -> 10.7.0.2:80, 12 segments, 0.004 s}. */
    public String summary() {
        long ns = segments.isEmpty()
                ? 0
                : segments.get(segments.size() - 1).timeNs() - segments.get(0).timeNs();
        return String.format(
                java.util.Locale.ROOT, "#%d %s -> %s, %d segments, %.3f s", number, a, b, segments.size(), ns / 1e9);
    }
}
