package io.jtcp.tun.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.tcp.TcpState;
import io.jtcp.stack.wire.Ipv4Header;
import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
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

    private final ArrayDeque<byte[]> toServer = new ArrayDeque<>();
    private final ArrayDeque<byte[]> toClient = new ArrayDeque<>();
    private long now = 1_000_000_000L;

    private static byte[] copy(DirectBuffer b, int off, int len) {
        byte[] p = new byte[len];
        b.getBytes(off, p);
        return p;
    }

    private static StackConfig config(int addr, int seed) {
        byte[] secret = new byte[16];
        secret[0] = (byte) seed;
        // Small rings: thousands of connections in a unit test's heap.
        return new StackConfig()
                .localAddr(addr)
                .isnSecret(secret)
                .sendBufferBytes(4096)
                .receiveBufferBytes(4096)
                .mslNs(600_000_000_000L);
    }

    private void run(NetworkStack server, NetworkStack client) {
        for (int guard = 0; guard < 100_000; guard++) {
            server.flush(now);
            client.flush(now);
            if (toServer.isEmpty() && toClient.isEmpty()) {
                return;
            }
            now += 1_000;
            byte[] p;
            while ((p = toServer.poll()) != null) {
                server.onPacket(now, new UnsafeBuffer(p), 0, p.length);
            }
            while ((p = toClient.poll()) != null) {
                client.onPacket(now, new UnsafeBuffer(p), 0, p.length);
            }
        }
        throw new AssertionError("did not settle");
    }

    private static int count(Pattern p, String s) {
        Matcher m = p.matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void shouldStayBoundedWithThousandsOfConnections() {
        NetworkStack server = new NetworkStack(config(SERVER, 1), (b, o, l) -> toClient.add(copy(b, o, l)));
        NetworkStack client = new NetworkStack(config(CLIENT, 2), (b, o, l) -> toServer.add(copy(b, o, l)));
        List<TcpConnection> accepted = new ArrayList<>();
        server.listen(80, c -> {
            accepted.add(c);
            return new TcpHandler() {};
        });
        TcpHandler closesBack = new TcpHandler() {
            @Override
            public void onPeerClosed(TcpConnection c) {
                c.close();
            }
        };
        for (int i = 0; i < ESTABLISHED + TIME_WAIT; i++) {
            client.connect(now, SERVER, 80, closesBack);
            if (i % 100 == 99) {
                run(server, client);
            }
        }
        run(server, client);
        assertEquals(ESTABLISHED + TIME_WAIT, accepted.size());
        for (int i = 0; i < TIME_WAIT; i++) {
            accepted.get(i).close(); // the server closes first: its side ends in TIME_WAIT
        }
        run(server, client);
        assertEquals(TIME_WAIT, server.connectionCount(TcpState.TIME_WAIT));
        assertEquals(ESTABLISHED, server.connectionCount(TcpState.ESTABLISHED));
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
        assertTrue(page.contains("… and " + (ESTABLISHED - StatusPage.MAX_ROWS) + " more"), "the rest counted");
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
        assertTrue(allocated < 512 * 1024, "allocated " + allocated + " B to render");
    }
}
