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
 * RFC 6675 §5 conservative SACK-based loss recovery: slow start overshoots a 1-BDP drop-tail queue
 * at 100 Mbit/s and 100 ms RTT and loses hundreds of segments in one window. A controller that
 * does not inflate cwnd in recovery (CUBIC, BBR; RFC 6675 sets cwnd = ssthresh) must still repair
 * them at the rate cwnd − pipe allows, not one hole per round trip (the lab measured 2 % of the
 * link for CUBIC before).
 */
class SackPipeRecoveryTest {
    /** Room for the BDP plus the queue twice over, as the lab sizes it: the windows never limit. */
    private static final int BUFFER = 8 << 20;
    /** The lab cell's 0.001 % random loss. */
    private static final double LOSS = 0.00001;

    @ParameterizedTest(name = "{0}, queue {1} packets")
    @CsvSource({"cubic, 833, 0.35", "newreno, 833, 0.35"})
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldRepairASlowStartOvershootAtTheRatePipeAllows(String cc, int queue, double floor) {
        int bytes = 24_000_000;
        long mbps = 100;
        // queue 833: one BDP of 1500-byte packets at 100 Mbit/s · 100 ms
        CongestionControl.Factory factory = CongestionControls.byName(cc);
        Pair.Link link = new Pair.Link()
                .delay(50 * Pair.MS)
                .bottleneck(mbps * 1_000_000L, queue)
                .loss(LOSS)
                .seed(11);
        Pair pair = new Pair(
                        link,
                        a -> a.congestionControl(factory)
                                .sendBufferBytes(BUFFER)
                                .initialSendBufferBytes(BUFFER),
                        b -> b.receiveBufferBytes(BUFFER).initialReceiveBufferBytes(BUFFER))
                .traceTraffic(false);
        BulkApp server = new BulkApp(bytes, 1);
        BulkApp client = new BulkApp(0, 2);
        server.expectFrom(client);
        client.expectFrom(server);
        pair.a.listen(5001, c -> server);
        pair.b.connect(pair.now(), A_ADDR, 5001, client);
        pair.service();
        long start = pair.now();
        assertTrue(
                pair.runUntil(() -> client.eof(), 600_000_000_000L, 20_000_000),
                "transfer finished: " + server + " / " + client);
        long elapsed = pair.now() - start;
        assertEquals(server.sentSha256(), client.receivedSha256(), "SHA-256 A→B");
        double utilisation = bytes * 8.0 / (mbps * 1e6) * 1e9 / elapsed;
        System.out.printf(
                "%s overshoot: %.2f s virtual, utilisation %.0f%%, retransmits %d, queue drops %d%n",
                cc, elapsed / 1e9, 100 * utilisation, pair.a.counters().tcpRetransmits, pair.packetsQueueDropped);
        assertTrue(pair.packetsQueueDropped > 100, "slow start overshot the queue: the test exercises recovery");
        assertTrue(utilisation > floor, cc + " utilisation " + utilisation + " above " + floor);
    }
}
