package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Pair.A_ADDR;
import static io.jtcp.stack.harness.Pair.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.harness.BulkApp;
import io.jtcp.stack.harness.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Two engines end to end over a lossy in-memory link: 10 MB each
 * way at once, content checked by SHA-256, both ends closing cleanly (RFC 9293 §3.6: the side that
 * closes first ends in TIME-WAIT, then CLOSED after 2·MSL).
 */
class PairTransferTest {
    private static final int MB = 1_000_000;
    private static final long MAX_VIRTUAL_NS = 4L * 3600 * 1_000_000_000L;
    private static final long MAX_STEPS = 20_000_000L;
    private static final List<String> RESULTS = new ArrayList<>();

    static final class Run {
        final Pair pair;
        final BulkApp server;
        final BulkApp client;
        long virtualNs;
        long realMs;

        Run(Pair.Link link, int bytes) {
            this(link, bytes, c -> {});
        }

        Run(Pair.Link link, int bytes, java.util.function.Consumer<io.jtcp.stack.StackConfig> both) {
            this(link, bytes, both, both);
        }

        Run(
                Pair.Link link,
                int bytes,
                java.util.function.Consumer<io.jtcp.stack.StackConfig> configA,
                java.util.function.Consumer<io.jtcp.stack.StackConfig> configB) {
            pair = new Pair(link, configA, configB);
            server = new BulkApp(bytes, link.seed * 31 + 1);
            client = new BulkApp(bytes, link.seed * 31 + 2);
            server.expectFrom(client);
            client.expectFrom(server);
        }

        boolean corrupt() {
            return server.firstMismatch() >= 0 || client.firstMismatch() >= 0;
        }

        /** B (10.7.0.1) connects to A (10.7.0.2):5001; both send at once, then half-close. */
        void run() {
            long realStart = System.nanoTime();
            pair.a.listen(5001, c -> server);
            pair.b.connect(pair.now(), A_ADDR, 5001, client);
            pair.service();
            long start = pair.now();
            boolean done =
                    pair.runUntil(() -> server.finished() && client.finished() || corrupt(), MAX_VIRTUAL_NS, MAX_STEPS);
            virtualNs = pair.now() - start;
            assertTrue(
                    !corrupt(),
                    "stream corrupted: A's first bad byte at " + server.firstMismatch() + ", B's at "
                            + client.firstMismatch() + " (virtual " + virtualNs / 1e9 + " s)\nlast packets:\n"
                            + pair.recentTraffic());
            assertTrue(
                    done,
                    "transfer did not finish within the budget: server " + server + "; client " + client + "; steps "
                            + pair.steps() + "; virtual " + virtualNs / 1e9 + " s; A "
                            + pair.a.counters().describe() + " B "
                            + pair.b.counters().describe() + " path A "
                            + pair.path("A") + " path B " + pair.path("B") + "\nlast packets:\n"
                            + pair.recentTraffic());
            // TIME-WAIT (2·MSL) and any last retransmissions run out; then both tables are empty.
            assertTrue(pair.runToIdle(MAX_VIRTUAL_NS, MAX_STEPS), "engines went idle");
            realMs = (System.nanoTime() - realStart) / 1_000_000;
        }
    }

    @AfterAll
    static void printMatrix() {
        System.out.println("Pair transfer matrix (each row: both directions at once)");
        RESULTS.forEach(System.out::println);
    }

    /**
     * 10 MB each way at 0, 1, 5 and 20 % loss (plus 1 % duplication and 2 ms jitter when lossy):
     * RFC 9293 §3.8 reliability (retransmission until acknowledged) and §3.6 closing.
     */
    @ParameterizedTest(name = "loss {0}%")
    @CsvSource({"0, 10", "1, 10", "5, 10", "20, 10"})
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldDeliverTenMegabytesEachWayIntactWhenLinkLosesPackets(int lossPercent, int megabytes) {
        Pair.Link link = new Pair.Link().loss(lossPercent / 100.0).seed(1000 + lossPercent);
        if (lossPercent > 0) {
            link.duplicate(0.01).jitter(2 * MS);
        }
        Run r = new Run(link, megabytes * MB);
        r.run();
        assertNull(r.server.error(), "server app error");
        assertNull(r.client.error(), "client app error");
        assertEquals(r.client.size(), r.server.received(), "bytes B→A");
        assertEquals(r.server.size(), r.client.received(), "bytes A→B");
        assertEquals(r.client.sentSha256(), r.server.receivedSha256(), "SHA-256 B→A");
        assertEquals(r.server.sentSha256(), r.client.receivedSha256(), "SHA-256 A→B");
        assertEquals(CloseReason.NORMAL, r.server.closeReason(), "A's close reason");
        assertEquals(CloseReason.NORMAL, r.client.closeReason(), "B's close reason");
        assertEquals(1, r.server.closedCalls(), "A onClosed once");
        assertEquals(1, r.client.closedCalls(), "B onClosed once");
        assertEquals(0, r.pair.a.connectionCount(), "A's table empty at the end");
        assertEquals(0, r.pair.b.connectionCount(), "B's table empty at the end");
        boolean someoneTimeWaited = r.pair.path("A").contains(TcpState.TIME_WAIT)
                || r.pair.path("B").contains(TcpState.TIME_WAIT);
        assertTrue(someoneTimeWaited, "the first closer goes through TIME-WAIT: " + r.pair.transitions());
        String line = String.format(
                "loss %2d%% %s | A→B %d B, B→A %d B | virtual %.3f s | retransmits A %d B %d | packets %d lost %d dup %d"
                        + " | steps %d | real %d ms | SHA-256 ok",
                lossPercent,
                link,
                r.client.received(),
                r.server.received(),
                r.virtualNs / 1e9,
                r.pair.a.counters().tcpRetransmits,
                r.pair.b.counters().tcpRetransmits,
                r.pair.packetsSent,
                r.pair.packetsLost,
                r.pair.packetsDuplicated,
                r.pair.steps(),
                r.realMs);
        System.out.println(line);
        synchronized (RESULTS) {
            RESULTS.add(line);
        }
    }

    /** RFC 9293 §3.4 / §3.10.7.4: heavy reordering and duplication alone must not corrupt the stream. */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldDeliverIntactWhenLinkReordersAndDuplicatesHeavily() {
        Pair.Link link = new Pair.Link().duplicate(0.10).jitter(20 * MS).seed(77);
        Run r = new Run(link, 2 * MB);
        r.run();
        assertEquals(r.client.sentSha256(), r.server.receivedSha256(), "SHA-256 B→A");
        assertEquals(r.server.sentSha256(), r.client.receivedSha256(), "SHA-256 A→B");
        assertEquals(CloseReason.NORMAL, r.server.closeReason(), "A's close reason");
        assertEquals(CloseReason.NORMAL, r.client.closeReason(), "B's close reason");
        synchronized (RESULTS) {
            RESULTS.add(String.format(
                    "reorder  %s | 2 MB each way | virtual %.3f s | retransmits A %d B %d | real %d ms | SHA-256 ok",
                    link,
                    r.virtualNs / 1e9,
                    r.pair.a.counters().tcpRetransmits,
                    r.pair.b.counters().tcpRetransmits,
                    r.realMs));
        }
    }
}
