package io.jtcp.tun.service;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.StackCounters;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.wire.Ipv4Header;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** The HTML of {@code GET /}: the live connection table and the counters. */
public final class StatusPage {
    private StatusPage() {}

    public static Supplier<String> of(NetworkStack stack) {
        return () -> {
            List<TcpConnection> connections = new ArrayList<>();
            stack.forEachConnection(connections::add);
            return render(connections, stack.counters());
        };
    }

    public static String render(List<TcpConnection> connections, StackCounters counters) {
        StringBuilder sb = new StringBuilder(4096);
        sb.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>jtcp</title></head><body>\n");
        sb.append("<h1>jtcp</h1>\n<p>A user-space TCP/IPv4 stack in Java, answering through a TUN device.</p>\n");
        sb.append("<h2>Connections (").append(connections.size()).append(")</h2>\n");
        sb.append(
                "<table border=\"1\">\n<tr><th>local</th><th>remote</th><th>state</th><th>bytes in</th>"
                        + "<th>bytes out</th><th>in flight</th><th>cwnd</th><th>retransmits</th><th>RTO ms</th><th>SRTT ms</th></tr>\n");
        for (TcpConnection c : connections) {
            sb.append("<tr><td>")
                    .append(Ipv4Header.addressToString(c.localAddr()))
                    .append(':')
                    .append(c.localPort());
            sb.append("</td><td>")
                    .append(Ipv4Header.addressToString(c.remoteAddr()))
                    .append(':')
                    .append(c.remotePort());
            sb.append("</td><td>").append(c.state());
            sb.append("</td><td>").append(c.bytesReceived());
            sb.append("</td><td>").append(c.bytesSent());
            sb.append("</td><td>").append(c.bytesInFlight());
            sb.append("</td><td>").append(c.congestionWindowBytes());
            sb.append("</td><td>").append(c.retransmits());
            sb.append("</td><td>").append(c.rtoNs() / 1_000_000);
            sb.append("</td><td>").append(String.format("%.3f", c.srttNs() / 1e6));
            sb.append("</td></tr>\n");
        }
        sb.append("</table>\n<h2>Counters</h2>\n<table border=\"1\">\n");
        row(sb, "IPv4 packets in / out", counters.ipPacketsIn + " / " + counters.ipPacketsOut);
        row(sb, "IPv4 bytes in / out", counters.ipBytesIn + " / " + counters.ipBytesOut);
        row(sb, "TCP segments in / out", counters.tcpSegmentsIn + " / " + counters.tcpSegmentsOut);
        row(sb, "TCP retransmits", Long.toString(counters.tcpRetransmits));
        row(
                sb,
                "TCP timeouts / fast retransmits / SACK recoveries / tail loss probes",
                counters.tcpTimeouts + " / " + counters.tcpFastRetransmits + " / " + counters.tcpSackRecoveries + " / "
                        + counters.tcpTailLossProbes);
        row(sb, "TCP RSTs sent", Long.toString(counters.tcpRstsSent));
        row(
                sb,
                "TCP connections opened / accepted / failed",
                counters.tcpConnectionsOpened + " / " + counters.tcpConnectionsAccepted + " / "
                        + counters.tcpConnectionsFailed);
        row(sb, "ICMP echo replies", Long.toString(counters.icmpEchoReplies));
        // ---- memory budget and fault isolation (issue #9, bounded memory) ----
        row(
                sb,
                "memory: ring bytes held / pooled / peak",
                counters.memRingBytes + " / " + counters.memRingBytesPooled + " / " + counters.memRingBytesPeak);
        row(
                sb,
                "memory: connections counted / buffer growths / growths refused / allocations refused",
                counters.memConnections + " / " + counters.memBufferGrowths + " / " + counters.memGrowthsRefused + " / "
                        + counters.memAllocationFailures);
        row(sb, "memory: connects refused", Long.toString(counters.memConnectsRefused));
        row(
                sb,
                "connections aborted after their work failed / of them OutOfMemoryError",
                counters.tcpConnectionErrors + " / " + counters.tcpOutOfMemoryErrors);
        sb.append("</table>\n<h2>Drops</h2>\n<table border=\"1\">\n<tr><th>reason</th><th>count</th></tr>\n");
        for (DropReason r : DropReason.values()) {
            if (r != DropReason.NONE) {
                sb.append("<tr><td>")
                        .append(escape(r.description()))
                        .append("</td><td>")
                        .append(counters.drops(r));
                sb.append("</td></tr>\n");
            }
        }
        sb.append("</table>\n</body></html>\n");
        return sb.toString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static void row(StringBuilder sb, String name, String value) {
        sb.append("<tr><td>").append(name).append("</td><td>").append(value).append("</td></tr>\n");
    }
}
