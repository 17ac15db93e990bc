package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Pair.A_ADDR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.harness.BulkApp;
import io.jtcp.stack.harness.Pair;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Memory bounded by design: idle connections hold no buffer storage, the budget refuses new
 * connections cleanly (counted) while the admitted ones keep moving data, {@code connect} fails
 * with a clear exception, and a listener's own limit refuses SYNs beyond it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MemoryBudgetTest {
    private static final long MIB = 1 << 20;
    private static final long VIRTUAL_LIMIT = 3_600_000_000_000L;

    private static final class Idle implements TcpHandler {
        CloseReason closed;
        boolean connected;

        @Override
        public void onConnected(TcpConnection c) {
            connected = true;
        }

        @Override
        public void onPeerClosed(TcpConnection c) {
            c.close();
        }

        @Override
        public void onClosed(TcpConnection c, CloseReason reason) {
            closed = reason;
        }
    }

    private static long heapUsedAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(
                    used,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /**
     * Before: every connection took a 1 MiB send ring and a 1 MiB receive ring at once (400 MiB for
     * 100 connections at both ends); now an idle connection holds no ring storage at all.
     */
    @Test
    void shouldCostOnlyAFewKilobytesPerIdleEstablishedConnection() {
        final int n = 100;
        Pair pair = new Pair(new Pair.Link());
        List<TcpConnection> servers = new ArrayList<>();
        pair.a.listen(5001, c -> {
            servers.add(c);
            return new Idle();
        });
        // Warm up: one connection that moved data, so code paths and the pool are initialised.
        BulkApp warmServer = new BulkApp(10_000, 1);
        pair.a.listen(5002, c -> warmServer);
        BulkApp warmClient = new BulkApp(10_000, 2);
        pair.b.connect(pair.now(), A_ADDR, 5002, warmClient);
        pair.service();
        assertTrue(pair.runUntil(() -> warmClient.eof() && warmServer.eof(), VIRTUAL_LIMIT, 100_000), "warm-up");
        long before = heapUsedAfterGc();
        List<Idle> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Idle h = new Idle();
            clients.add(h);
            pair.b.connect(pair.now(), A_ADDR, 5001, h);
        }
        pair.service();
        assertTrue(pair.runUntil(
                () -> clients.stream().allMatch(h -> h.connected) && servers.size() == n, VIRTUAL_LIMIT, 100_000));
        pair.runToIdle(VIRTUAL_LIMIT, 100_000);
        long after = heapUsedAfterGc();
        double perEndpoint = (after - before) / (2.0 * n);
        System.out.printf("idle connection: %.0f B of heap per endpoint (%d connections, both ends)%n", perEndpoint, n);
        for (var stack : List.of(pair.a, pair.b)) {
            assertEquals(
                    0L,
                    stack.counters().memRingBytes - stack.counters().memRingBytesPooled,
                    "no ring storage attached to an idle connection");
        }
        assertTrue(perEndpoint < 4096, "an idle connection costs a few KB, not " + perEndpoint + " B");
    }

    /**
     * A 1 MiB budget admits about 380 connections (2 KiB each counted; refusal from 3/4 of the
     * budget on): further SYNs are dropped and counted, nothing throws, and the admitted ones
     * still transfer data intact.
     */
    @Test
    void shouldRefuseSynsBeyondTheBudgetAndKeepServingTheAdmittedConnections() {
        final int n = 500;
        Pair pair = new Pair(new Pair.Link(), c -> c.memoryBudgetBytes(MIB), c -> {});
        List<BulkApp> servers = new ArrayList<>();
        pair.a.listen(5001, c -> new Idle());
        pair.a.listen(5002, c -> {
            BulkApp s = new BulkApp(200_000, 10 + servers.size());
            servers.add(s);
            return s;
        });
        List<Idle> idle = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Idle h = new Idle();
            idle.add(h);
            pair.b.connect(pair.now(), A_ADDR, 5001, h);
        }
        pair.service();
        // Long enough for the refused SYNs' first retries too.
        pair.runUntil(() -> false, 10_000_000_000L, 200_000);
        long refused = pair.a.counters().drops(DropReason.TCP_MEMORY_PRESSURE);
        // Counted on A: past the SYN queue a client may see a cookie SYN-ACK and believe itself
        // connected while A, short of memory by the time its ACK comes, drops that ACK too.
        long admitted = pair.a.counters().tcpConnectionsAccepted;
        System.out.printf("budget 1 MiB: %d admitted, %d SYNs refused%n", admitted, refused);
        assertTrue(refused > 0, "SYNs beyond the budget were refused and counted");
        assertTrue(admitted > 300 && admitted < n, "admitted " + admitted);
        assertTrue(pair.a.memoryUsedBytes() > MIB / 2, "the budget is what stopped them");

        // Make room for a few transfers: the refused attempts give up, and some idle connections
        // close (B closes, A follows).
        pair.b.forEachConnection(c -> {
            if (c.state() == TcpState.SYN_SENT) {
                c.abort();
            }
        });
        pair.b.forEachConnection(c -> {
            if (c.localPort() % 10 == 0 && c.state() == TcpState.ESTABLISHED) {
                c.close();
            }
        });
        pair.service();
        pair.runUntil(() -> false, 5_000_000_000L, 200_000);
        List<BulkApp> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            BulkApp c = new BulkApp(200_000, 100 + i);
            clients.add(c);
            pair.b.connect(pair.now(), A_ADDR, 5002, c);
        }
        pair.service();
        assertTrue(
                pair.runUntil(
                        () -> servers.size() == 4
                                && clients.stream().allMatch(BulkApp::eof)
                                && servers.stream().allMatch(BulkApp::eof),
                        VIRTUAL_LIMIT,
                        2_000_000),
                "transfers under a tight budget finished; A "
                        + pair.a.counters().describe());
        for (int i = 0; i < 4; i++) {
            assertEquals(clients.get(i).sentSha256(), servers.get(i).receivedSha256(), "B→A " + i);
            assertEquals(servers.get(i).sentSha256(), clients.get(i).receivedSha256(), "A→B " + i);
        }
        assertTrue(
                pair.a.counters().memRingBytes <= MIB,
                "ring storage within the budget: " + pair.a.counters().memRingBytes);
    }

    @Test
    void shouldFailConnectWithAClearExceptionUnderMemoryPressure() {
        Pair pair = new Pair(new Pair.Link(), c -> {}, c -> c.memoryBudgetBytes(MIB));
        pair.a.listen(5001, c -> new Idle());
        ResourceLimitException e = assertThrows(ResourceLimitException.class, () -> {
            for (int i = 0; i < 1000; i++) {
                pair.b.connect(pair.now(), A_ADDR, 5001, new Idle());
            }
        });
        assertTrue(e.getMessage().contains("memory budget"), e.getMessage());
        assertEquals(1L, pair.b.counters().memConnectsRefused);
        assertTrue(pair.b.connectionCount() > 300, "connections before the refusal stand");
    }

    @Test
    void shouldRefuseSynsBeyondAListenersLimitAndCountThem() {
        Pair pair = new Pair(new Pair.Link(), c -> c.maxConnectionsPerListener(3), c -> {});
        pair.a.listen(5001, c -> new Idle());
        pair.a.listen(5002, c -> new Idle());
        List<Idle> limited = new ArrayList<>();
        List<Idle> other = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Idle h = new Idle();
            limited.add(h);
            pair.b.connect(pair.now(), A_ADDR, 5001, h);
            if (i < 2) {
                Idle o = new Idle();
                other.add(o);
                pair.b.connect(pair.now(), A_ADDR, 5002, o);
            }
        }
        pair.service();
        pair.runUntil(() -> false, 2_000_000_000L, 100_000);
        assertEquals(3L, limited.stream().filter(h -> h.connected).count(), "the listener's limit");
        assertEquals(
                2L,
                other.stream().filter(h -> h.connected).count(),
                "another listener is not affected: " + pair.a.counters().describe());
        assertTrue(pair.a.counters().drops(DropReason.TCP_LISTENER_FULL) >= 2, "refusals counted");
        // A connection that ends makes room: a refused peer's retransmitted SYN gets in.
        boolean[] aborted = {false};
        pair.b.forEachConnection(c -> {
            if (!aborted[0] && c.remotePort() == 5001 && c.state() == TcpState.ESTABLISHED) {
                aborted[0] = true;
                c.abort();
            }
        });
        pair.service();
        pair.runUntil(() -> limited.stream().filter(h -> h.connected).count() == 4, 30_000_000_000L, 100_000);
        assertEquals(4L, limited.stream().filter(h -> h.connected).count(), "a slot freed up");
    }

    /**
     * At the budget a write may find no storage even though the buffer has room; with nothing in
     * flight no ACK would ever report "writable" again. The engine tells such writers when storage
     * frees up, so every transfer still completes, intact.
     */
    @Test
    void shouldWakeWritersThatFoundNoStorageOnceSomeFreesUp() {
        Pair pair = new Pair(new Pair.Link(), c -> c.memoryBudgetBytes(MIB), c -> {});
        pair.a.listen(5001, c -> new Idle());
        for (int i = 0; i < 360; i++) {
            pair.b.connect(pair.now(), A_ADDR, 5001, new Idle());
        }
        pair.service();
        pair.runUntil(() -> false, 5_000_000_000L, 200_000);
        List<BulkApp> servers = new ArrayList<>();
        pair.a.listen(5002, c -> {
            BulkApp s = new BulkApp(300_000, 50 + servers.size());
            servers.add(s);
            return s;
        });
        List<BulkApp> clients = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            BulkApp c = new BulkApp(0, 500 + i);
            clients.add(c);
            pair.b.connect(pair.now(), A_ADDR, 5002, c);
        }
        pair.service();
        boolean done = pair.runUntil(
                () -> servers.size() == 20 && clients.stream().allMatch(BulkApp::eof), VIRTUAL_LIMIT, 2_000_000);
        assertTrue(
                pair.a.counters().memAllocationFailures > 0,
                "the budget was spent: " + pair.a.counters().describe());
        assertTrue(done, "every transfer finished; A " + pair.a.counters().describe());
        for (int i = 0; i < 20; i++) {
            assertEquals(servers.get(i).sentSha256(), clients.get(i).receivedSha256(), "A→B " + i);
        }
    }
}
