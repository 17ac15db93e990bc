package io.jtcp.tun.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.cc.CongestionControls;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.tcp.TcpListener;
import io.jtcp.stack.tcp.TcpState;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.tun.MemoryWire;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The status page with thousands of connections stays small and cheap: rows capped, TIME_WAIT
 * counted and never listed, counts per state, every counter and every drop reason shown.
 */
class StatusPageTest {
    private static final int SERVER = Ipv4Header.parseAddress("10.7.0.2");
    private static final int CLIENT = Ipv4Header.parseAddress("10.7.0.1");
    private static final int ESTABLISHED = 2000;
    private static final int TIME_WAIT = 1000;

    private final MemoryWire wire = new MemoryWire();
    private long now = 1_000_000_000L;

    private static StackConfig config(int addr, int seed) {
        return config(addr, seed, null);
    }

    private static StackConfig config(int addr, int seed, CongestionControl.Factory cc) {
        byte[] secret = new byte[16];
        secret[0] = (byte) seed;
        // Small rings: thousands of connections in a unit test's heap.
        return new StackConfig()
                .localAddr(addr)
                .isnSecret(secret)
                .sendBufferBytes(4096)
                .receiveBufferBytes(4096)
                .mslNs(600_000_000_000L)
                .congestionControl(cc);
    }

    private void run(NetworkStack server, NetworkStack client) {
        now = wire.settle(server, client, now, 100_000);
    }

    private static int count(Pattern p, String s) {
        Matcher m = p.matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** A server stack with {@code established} connections and {@code timeWait} in TIME_WAIT. */
    private NetworkStack build(int established, int timeWait) {
        return build(established, timeWait, null);
    }

    private NetworkStack build(int established, int timeWait, CongestionControl.Factory cc) {
        NetworkStack server = new NetworkStack(config(SERVER, 1, cc), wire.serverSink());
        NetworkStack client = new NetworkStack(config(CLIENT, 2), wire.clientSink());
        List<TcpConnection> accepted = new ArrayList<>();
        TcpListener listener = c -> {
            accepted.add(c);
            return new TcpHandler() {};
        };
        TcpHandler closesBack = new TcpHandler() {
            @Override
            public void onPeerClosed(TcpConnection c) {
                c.close();
            }
        };
        int total = established + timeWait;
        // 10 000 per server port: the client's ephemeral ports are per remote port.
        for (int port = 80; port < 80 + (total + 9_999) / 10_000; port++) {
            server.listen(port, listener);
        }
        for (int i = 0; i < total; i++) {
            client.connect(now, SERVER, 80 + i / 10_000, closesBack);
            if (i % 100 == 99) {
                run(server, client);
            }
        }
        run(server, client);
        assertEquals(total, accepted.size());
        for (int i = 0; i < timeWait; i++) {
            accepted.get(i).close(); // the server closes first: its side ends in TIME_WAIT
            if (i % 100 == 99) {
                run(server, client);
            }
        }
        run(server, client);
        assertEquals(timeWait, server.connectionCount(TcpState.TIME_WAIT));
        assertEquals(established, server.connectionCount(TcpState.ESTABLISHED));
        return server;
    }

    @Test
    void shouldStayBoundedWithThousandsOfConnections() {
        NetworkStack server = build(ESTABLISHED, TIME_WAIT);
        server.counters().drop(DropReason.values()[DropReason.values().length - 1]);

        ServiceTimers timers = new ServiceTimers();
        timers.httpHeadTimeouts = 7;
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        StatusPage.of(server, timers).get(); // warm-up: class loading, reflection caches
        long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
        String page = StatusPage.of(server, timers).get();
        long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;

        int rows = count(Pattern.compile("<tr><td>10\\.7\\.0\\.2:80</td>"), page);
        assertEquals(StatusPage.MAX_ROWS, rows, "rows capped");
        assertEquals(0, count(Pattern.compile(":\\d+</td><td>TIME_WAIT</td>"), page), "TIME_WAIT not listed");
        assertTrue(page.contains("<tr><td>TIME_WAIT</td><td>" + TIME_WAIT + "</td></tr>"), "counted per state");
        assertTrue(page.contains("<tr><td>ESTABLISHED</td><td>" + ESTABLISHED + "</td></tr>"), "counted per state");
        assertTrue(page.contains("<h2>Connections (" + ESTABLISHED + " open, " + TIME_WAIT + " in TIME_WAIT)</h2>"));
        assertTrue(page.contains("&hellip; and " + (ESTABLISHED - StatusPage.MAX_ROWS) + " more"), "the rest counted");
        // Every counter and drop reason, including ones added after this page was written.
        assertTrue(page.contains("<tr><td>tcpConnectionsAccepted</td><td>" + (ESTABLISHED + TIME_WAIT) + "</td>"));
        assertTrue(page.contains("<tr><td>httpHeadTimeouts</td><td>7</td>"));
        for (DropReason r : DropReason.values()) {
            if (r != DropReason.NONE) {
                assertTrue(page.contains("<tr><td>" + StatusPage.escape(r.description()) + "</td>"), r.name());
            }
        }
        System.out.println("status page with " + server.connectionCount() + " connections: " + page.length()
                + " chars, " + allocated + " bytes allocated to render");
        assertTrue(page.length() < 64 * 1024, "page of " + page.length() + " chars");
        // Counted work, not time: the render allocates in proportion to the rows it prints, not
        // to the table (the old page copied the table and printed a row per connection).
        assertTrue(allocated < 256 * 1024, "allocated " + allocated + " B to render");
    }

    /** Each row names its congestion controller and phase, with cwnd and ssthresh (issue #10 §4). */
    @Test
    void shouldShowEachConnectionsAlgorithmAndPhase() {
        NetworkStack server = build(3, 0, CongestionControls.byName("cubic"));
        String page = StatusPage.of(server).get();
        assertTrue(page.contains("<th>cwnd</th><th>ssthresh</th><th>cc</th><th>phase</th>"), "the header names them");
        // RFC 6928's initial window of 10 segments; ssthresh unknown before a loss.
        int rows = count(Pattern.compile("<td>14600</td><td>-</td><td>cubic</td><td>slow-start</td>"), page);
        assertEquals(3, rows, page);

        NetworkStack reno = build(2, 0, CongestionControls.byName("newreno"));
        String renoPage = StatusPage.of(reno).get();
        assertEquals(
                2,
                count(Pattern.compile("<td>14600</td><td>-</td><td>newreno</td><td>slow-start</td>"), renoPage),
                renoPage);
    }

    /**
     * Figures at scale, not run in CI: {@code JTCP_STATUS_SCALE=50000 mvn -pl tun -am test
     * -Dtest=StatusPageTest -Dsurefire.failIfNoSpecifiedTests=false} builds that many connections
     * (a fifth in TIME_WAIT) and prints the capped page against one listing every connection (what
     * the page did before), side by side in one run.
     */
    @Test
    void figuresAtScale() {
        String n = System.getenv("JTCP_STATUS_SCALE");
        Assumptions.assumeTrue(n != null, "set JTCP_STATUS_SCALE=N to measure");
        int total = Integer.parseInt(n);
        NetworkStack server = build(total - total / 5, total / 5);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        for (int rows : new int[] {StatusPage.MAX_ROWS, Integer.MAX_VALUE}) {
            String page = "";
            long bestNs = Long.MAX_VALUE;
            long allocated = 0;
            for (int round = 0; round < 7; round++) {
                long a = mx.getThreadAllocatedBytes(tid);
                long t = System.nanoTime();
                page = StatusPage.render(server, null, rows);
                bestNs = Math.min(bestNs, System.nanoTime() - t);
                allocated = mx.getThreadAllocatedBytes(tid) - a;
            }
            System.out.printf(
                    "status page, %d connections (%d TIME_WAIT), rows %s: %d chars, %d bytes allocated, best of 7 %.3f ms%n",
                    server.connectionCount(),
                    server.connectionCount(TcpState.TIME_WAIT),
                    rows == Integer.MAX_VALUE ? "all" : Integer.toString(rows),
                    page.length(),
                    allocated,
                    bestNs / 1e6);
        }
    }
}
