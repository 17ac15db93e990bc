package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Pair.A_ADDR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.cc.CongestionControls;
import io.jtcp.stack.harness.BulkApp;
import io.jtcp.stack.harness.Pair;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The delivery-rate records are kept only when something reads them ({@link
 * io.jtcp.stack.cc.CongestionControl#readsDeliveryRate()}, SACK loss recovery, a tracer), and taken
 * up again mid-connection when a controller that reads them replaces one that did not.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DeliveryRecordsKeptTest {
    private static final int BYTES = 2_000_000;

    @Test
    void shouldKeepNoRecordsForNewRenoWithoutSack() {
        final Tcb sender = transfer(false, CongestionControls.byName("newreno"), null);
        assertNull(sender.tx.sampler.deliveryRate, "records for a controller that reads none, without SACK");
        assertEquals(0, sender.deliveryRateBytesPerSecond(), "no rate measured");
    }

    @Test
    void shouldKeepTheRecordsForSackRecovery() {
        final Tcb sender = transfer(true, CongestionControls.byName("newreno"), null);
        assertNotNull(sender.tx.sampler.deliveryRate, "RACK's RTT comes from the records");
        assertTrue(sender.deliveryRateBytesPerSecond() > 0, "rate measured");
    }

    @Test
    void shouldTakeTheRecordsUpAgainWhenBbrReplacesNewRenoMidFlight() {
        final Tcb sender = transfer(false, CongestionControls.byName("newreno"), CongestionControls.byName("bbr"));
        final DeliveryRateEstimator records = sender.tx.sampler.deliveryRate;
        assertNotNull(records, "BBR reads the records");
        assertTrue(sender.deliveryRateBytesPerSecond() > 0, "BBR got rate samples");
        // What was acknowledged after the switch (about half, and the flight outstanding at it), once.
        assertTrue(records.delivered() > BYTES / 4 && records.delivered() <= BYTES, "delivered " + records.delivered());
    }

    /**
     * 2 MB from A to B through a 20 Mbit/s, 20 ms path, with or without SACK, under {@code cc};
     * {@code switchTo} replaces A's controller at 1 MB.
     */
    private static Tcb transfer(boolean sack, CongestionControl.Factory cc, CongestionControl.Factory switchTo) {
        final Pair.Link link =
                new Pair.Link().delay(10 * Pair.MS).bottleneck(20_000_000L, 50).seed(3);
        final Pair pair =
                new Pair(link, a -> a.sack(sack).congestionControl(cc), b -> b.sack(sack)).traceTraffic(false);
        return bulk(pair, BYTES, switchTo == null ? null : c -> c.congestionControl(switchTo));
    }

    /**
     * {@code bytes} from A (port 5001) to B, content checked by SHA-256; {@code atHalf}, if given, is
     * applied to A's connection once half is sent. Returns A's connection.
     */
    static Tcb bulk(Pair pair, int bytes, Consumer<TcpConnection> atHalf) {
        final BulkApp server = new BulkApp(bytes, 1);
        final BulkApp client = new BulkApp(0, 2);
        server.expectFrom(client);
        client.expectFrom(server);
        pair.a.listen(5001, c -> server);
        pair.b.connect(pair.now(), A_ADDR, 5001, client);
        pair.service();
        if (atHalf != null) {
            assertTrue(pair.runUntil(
                    () -> server.connection() != null && server.connection().bytesSent() > bytes / 2,
                    60_000_000_000L,
                    1_000_000));
            atHalf.accept(server.connection());
        }
        assertTrue(pair.runUntil(() -> client.eof(), 120_000_000_000L, 10_000_000), "transfer finished");
        assertEquals(server.sentSha256(), client.receivedSha256(), "SHA-256 A→B");
        return (Tcb) server.connection();
    }
}
