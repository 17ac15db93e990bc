package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Pair.A_ADDR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.harness.BulkApp;
import io.jtcp.stack.harness.Pair;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RFC 8985 §7.2: the tail loss probe must not fire on a lossless path just because the peer delays
 * its ACKs (RFC 5681 §4.2; Linux waits 40 ms and more before acknowledging a lone segment). A
 * probe there is a spurious retransmission, as the 100 MB download over TUN showed (tcp.tlp=9 with
 * nothing lost).
 */
class TailLossProbeTest {

    @ParameterizedTest(name = "peer delays ACKs {0} ms, one-way delay {1} ms")
    @CsvSource({"40, 5", "40, 1", "200, 1", "100, 20"})
    void shouldSendNoTailLossProbeWhenLinkIsLosslessAndPeerDelaysAcks(int delayedAckMs, int delayMs) {
        int bytes = 3_000_000;
        Pair.Link link = new Pair.Link().delay(delayMs * Pair.MS).seed(3);
        Pair pair = new Pair(link, c -> {}, c -> c.delayedAckNs(delayedAckMs * Pair.MS)).traceTraffic(false);
        BulkApp server = new BulkApp(bytes, 1);
        BulkApp client = new BulkApp(0, 2);
        client.expectFrom(server);
        pair.a.listen(5001, c -> server);
        pair.b.connect(pair.now(), A_ADDR, 5001, client);
        pair.service();
        assertTrue(pair.runUntil(client::eof, 600_000_000_000L, 5_000_000), "transfer finished");
        assertEquals(server.sentSha256(), client.receivedSha256(), "SHA-256 A→B");
        assertEquals(0, pair.packetsLost, "lossless");
        var c = pair.a.counters();
        assertEquals(
                0,
                c.tcpTailLossProbes + c.tcpRetransmits,
                "no probe and no retransmission without loss: " + c.describe());
    }

    /**
     * Over TUN at ~100 µs of SRTT a probe after max(2·SRTT, 2 ms) fired whenever the event loop or
     * the device queue held packets a few ms (a busy 2-core machine). Here 1 % of the packets, and
     * those behind them, arrive up to 4 ms late in each direction (a round trip up to 8 ms late):
     * the PTO's 10 ms floor leaves the scheduler that much room.
     */
    @ParameterizedTest(name = "one-way delay {0} µs, 1 % of packets held {1} ms")
    @CsvSource({"50, 2", "50, 4", "500, 4"})
    void shouldSendNoTailLossProbeWhenAShortPathStallsForAFewMs(int delayUs, int stallMs) {
        int bytes = 3_000_000;
        Pair.Link link = new Pair.Link()
                .delay(delayUs * 1_000L)
                .stall(0.01, stallMs * Pair.MS)
                .seed(5);
        Pair pair = new Pair(link, c -> {}, c -> {}).traceTraffic(false);
        BulkApp server = new BulkApp(bytes, 1);
        BulkApp client = new BulkApp(0, 2);
        client.expectFrom(server);
        pair.a.listen(5001, c -> server);
        pair.b.connect(pair.now(), A_ADDR, 5001, client);
        pair.service();
        assertTrue(pair.runUntil(client::eof, 600_000_000_000L, 5_000_000), "transfer finished");
        assertEquals(server.sentSha256(), client.receivedSha256(), "SHA-256 A→B");
        assertEquals(0, pair.packetsLost, "lossless");
        var c = pair.a.counters();
        assertEquals(
                0,
                c.tcpTailLossProbes + c.tcpRetransmits,
                "no probe and no retransmission without loss: " + c.describe());
    }
}
