package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Pair.A_ADDR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.cc.Bbr;
import io.jtcp.stack.harness.BulkApp;
import io.jtcp.stack.harness.Pair;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * BBR in the engine fills a long fat pipe without loss: 100 Mbit/s, 100 ms RTT (a flight of ~860
 * segments), a 1-BDP queue. Its bandwidth filter lives on the delivery-rate samples; with a fixed
 * ring of 128 records the oldest merged so often that the samples came out a third of the truth
 * and BBR settled at ~31 % of the link (the lab's figure): the ring must follow the flight.
 */
class BbrRateTest {
    private static final int BUFFER = 8 << 20;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void bbrShouldFillALongFatPipeWithoutLoss() {
        int bytes = 60_000_000;
        long mbps = 100;
        Pair.Link link = new Pair.Link()
                .delay(50 * Pair.MS)
                .bottleneck(mbps * 1_000_000L, 833)
                .seed(5);
        Pair pair = new Pair(
                        link,
                        a -> a.congestionControl(Bbr.factory())
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
        assertTrue(pair.runUntil(client::eof, 600_000_000_000L, 20_000_000), "transfer finished");
        long elapsed = pair.now() - start;
        assertEquals(server.sentSha256(), client.receivedSha256(), "SHA-256 A→B");
        double utilisation = bytes * 8.0 / (mbps * 1e6) * 1e9 / elapsed;
        System.out.printf(
                "bbr 100 Mbit/s, 100 ms: %.2f s virtual, utilisation %.0f%%, retransmits %d, queue drops %d,"
                        + " delivery rate %d B/s%n",
                elapsed / 1e9,
                100 * utilisation,
                pair.a.counters().tcpRetransmits,
                pair.packetsQueueDropped,
                server.connection().deliveryRateBytesPerSecond());
        assertTrue(utilisation > 0.6, "bbr utilisation " + utilisation + " above 0.6");
    }
}
