package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Pair.A_ADDR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.harness.BulkApp;
import io.jtcp.stack.harness.Pair;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many connections at once between two engines over a lossy link: demultiplexing by 4-tuple (RFC
 * 9293 §3.4, one TCB per connection), distinct ephemeral ports (RFC 6056), and per-connection
 * timers that do not disturb each other.
 */
class PairManyConnectionsTest {
    private static final int CONNECTIONS = 64;
    private static final int BYTES = 64_000;

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldKeepEveryStreamIntactWhenManyConnectionsShareALossyLink() {
        Pair pair = new Pair(
                new Pair.Link().loss(0.03).duplicate(0.01).jitter(3 * Pair.MS).seed(4242),
                c -> c.mslNs(300_000_000_000L),
                c -> c.mslNs(300_000_000_000L));
        Map<Integer, BulkApp> servers = new HashMap<>(); // by the client's port
        Map<Integer, BulkApp> clients = new HashMap<>();
        pair.a.listen(5001, c -> {
            BulkApp server = new BulkApp(BYTES, 100_000 + c.remotePort());
            servers.put(c.remotePort(), server);
            return server;
        });
        for (int i = 0; i < CONNECTIONS; i++) {
            BulkApp client = new BulkApp(BYTES, 200_000 + i);
            TcpConnection c = pair.b.connect(pair.now(), A_ADDR, 5001, client);
            assertTrue(clients.put(c.localPort(), client) == null, "ephemeral port reused: " + c.localPort());
        }
        pair.service();
        boolean done = pair.runUntil(
                () -> servers.size() == CONNECTIONS
                        && servers.values().stream().allMatch(BulkApp::finished)
                        && clients.values().stream().allMatch(BulkApp::finished),
                3_600_000_000_000L,
                5_000_000);
        assertTrue(
                done,
                "all connections finished; A " + pair.a.counters().describe() + " B "
                        + pair.b.counters().describe());
        for (Map.Entry<Integer, BulkApp> e : clients.entrySet()) {
            BulkApp client = e.getValue();
            BulkApp server = servers.get(e.getKey());
            assertNotNull(server, "accepted connection from port " + e.getKey());
            assertEquals(client.sentSha256(), server.receivedSha256(), "B→A on port " + e.getKey());
            assertEquals(server.sentSha256(), client.receivedSha256(), "A→B on port " + e.getKey());
            assertEquals(CloseReason.NORMAL, server.closeReason(), "A side of port " + e.getKey());
            assertEquals(CloseReason.NORMAL, client.closeReason(), "B side of port " + e.getKey());
        }
        assertTrue(pair.runToIdle(3_600_000_000_000L, 5_000_000), "went idle");
        assertEquals(0, pair.a.connectionCount() + pair.b.connectionCount(), "tables empty");
        System.out.printf(
                "many connections: %d × %d B each way, virtual %.1f s, retransmits A %d B %d%n",
                CONNECTIONS,
                BYTES,
                (pair.now() - io.jtcp.stack.harness.TcpScript.T0) / 1e9,
                pair.a.counters().tcpRetransmits,
                pair.b.counters().tcpRetransmits);
    }

    /**
     * RFC 9293 §3.10.5 ABORT mid-transfer: the aborting side sends RST; if the RST is lost, the
     * peer's next segment meets a closed port and gets one (§3.10.7.1). Either way the peer hears
     * "reset" and both tables empty.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldResetPeerWhenOneSideAbortsMidTransfer() {
        for (long seed = 1; seed <= 30; seed++) {
            Pair pair = new Pair(new Pair.Link()
                    .loss(seed % 2 == 0 ? 0.2 : 0)
                    .jitter(Pair.MS)
                    .seed(seed));
            BulkApp server = new BulkApp(2_000_000, seed);
            BulkApp client = new BulkApp(2_000_000, seed + 1);
            pair.a.listen(5001, c -> server);
            pair.b.connect(pair.now(), A_ADDR, 5001, client);
            pair.service();
            assertTrue(
                    pair.runUntil(() -> server.received() > 100_000, 600_000_000_000L, 1_000_000),
                    "transfer under way");
            server.connection().abort();
            pair.service();
            assertTrue(
                    pair.runUntil(() -> client.closeReason() != null, 3_600_000_000_000L, 1_000_000),
                    "B told, seed " + seed);
            assertEquals(CloseReason.ABORTED, server.closeReason(), "A, seed " + seed);
            assertEquals(CloseReason.RESET_BY_PEER, client.closeReason(), "B, seed " + seed);
            assertTrue(pair.runToIdle(3_600_000_000_000L, 1_000_000), "went idle, seed " + seed);
            assertEquals(0, pair.a.connectionCount() + pair.b.connectionCount(), "tables empty, seed " + seed);
        }
    }
}
