package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Pair.A_ADDR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.cc.CongestionControls;
import io.jtcp.stack.harness.BulkApp;
import io.jtcp.stack.harness.Pair;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every built-in congestion controller, plugged into the engine, moves 4 MB through a 20 Mbit/s
 * bottleneck with a 40 ms RTT and a drop-tail queue, with and without 1 % random loss: content
 * intact (SHA-256), the controller the one asked for, and the link used at least as well as the
 * floor says. Floors are against collapse, not performance targets (the lab measures those).
 */
class PairAlgorithmTest {

    @ParameterizedTest(name = "{0}, loss {1}")
    @CsvSource({
        "newreno, 0, 0.5",
        "cubic, 0, 0.5",
        "bbr, 0, 0.5",
        "newreno, 0.01, 0.05",
        "cubic, 0.01, 0.05",
        "bbr, 0.01, 0.3",
    })
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldCarryTheTransferIntactThroughABottleneck(String cc, double loss, double floor) {
        int bytes = 4_000_000;
        long mbps = 20;
        CongestionControl.Factory factory = CongestionControls.byName(cc);
        Pair.Link link = new Pair.Link()
                .delay(20 * Pair.MS)
                .bottleneck(mbps * 1_000_000L, 70)
                .loss(loss)
                .seed(7);
        Pair pair = new Pair(link, a -> a.congestionControl(factory), b -> {}).traceTraffic(false);
        BulkApp server = new BulkApp(bytes, 1);
        BulkApp client = new BulkApp(0, 2);
        server.expectFrom(client);
        client.expectFrom(server);
        pair.a.listen(5001, c -> server);
        pair.b.connect(pair.now(), A_ADDR, 5001, client);
        pair.service();
        long start = pair.now();
        assertTrue(
                pair.runUntil(() -> client.eof(), 600_000_000_000L, 10_000_000),
                "transfer finished: " + server + " / " + client);
        long elapsed = pair.now() - start;
        assertEquals(server.sentSha256(), client.receivedSha256(), "SHA-256 A→B");
        assertEquals(cc, server.connection().congestionControl().name(), "the controller asked for");
        double utilisation = bytes * 8.0 / (mbps * 1e6) * 1e9 / elapsed;
        System.out.printf(
                "%s loss %.2f%%: %.2f s virtual, utilisation %.0f%%, retransmits %d, queue drops %d%n",
                cc,
                loss * 100,
                elapsed / 1e9,
                100 * utilisation,
                pair.a.counters().tcpRetransmits,
                pair.packetsQueueDropped);
        assertTrue(utilisation > floor, cc + " utilisation " + utilisation + " above " + floor);
    }
}
