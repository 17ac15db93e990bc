package io.jtcp.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.harness.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Breadth over depth: many seeds, smaller transfers (256 kB each way), loss from 2 % to 30 % with
 * duplication and reordering. Each seed is a different interleaving of losses, so this finds the
 * rare stalls the 10 MB matrix can miss (RFC 9293 §3.8 reliability, §3.6 closing).
 */
class PairSeedSweepTest {
    private static final int SEEDS = Integer.getInteger("jtcp.sweep.seeds", 40);

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldDeliverIntactAndCloseCleanlyForEverySeedWhenLinkIsLossy() {
        double[] losses = {0.02, 0.10, 0.30};
        List<String> failures = new ArrayList<>();
        int runs = 0;
        for (double loss : losses) {
            for (long seed = 1; seed <= SEEDS; seed++) {
                Pair.Link link = new Pair.Link()
                        .loss(loss)
                        .duplicate(0.02)
                        .jitter(4 * Pair.MS)
                        .seed(seed * 7919 + (long) (loss * 1000));
                // 2·MSL must span several maximum RTOs, or a lost last ACK under heavy loss meets
                // a closed port and a RST (seen at 30 % loss with Linux's 60 s TIME-WAIT = 60 s
                // max RTO). RFC 9293 §3.4.2's own MSL is 2 minutes.
                PairTransferTest.Run r = new PairTransferTest.Run(link, 256_000, c -> c.mslNs(300_000_000_000L));
                runs++;
                try {
                    r.run();
                    assertEquals(r.client.sentSha256(), r.server.receivedSha256(), "SHA-256 B→A");
                    assertEquals(r.server.sentSha256(), r.client.receivedSha256(), "SHA-256 A→B");
                    assertEquals(CloseReason.NORMAL, r.server.closeReason(), "A's close reason");
                    assertEquals(CloseReason.NORMAL, r.client.closeReason(), "B's close reason");
                    assertEquals(0, r.pair.a.connectionCount() + r.pair.b.connectionCount(), "tables empty");
                } catch (AssertionError e) {
                    String msg = e.getMessage();
                    failures.add(link + ": " + msg.substring(0, Math.min(msg.length(), 1500)));
                }
            }
        }
        System.out.printf("seed sweep: %d runs, %d failed%n", runs, failures.size());
        assertTrue(
                failures.isEmpty(),
                failures.size() + " of " + runs + " runs failed:\n" + String.join("\n\n", failures));
    }

    /**
     * Slow readers behind 4 KiB receive buffers: windows close and reopen all the time, so the
     * persist timer (RFC 9293 §3.8.6.1), window updates (§3.8.6.2.2) and sender SWS avoidance
     * (§3.8.6.2.1) carry the transfer, with loss on top.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldDeliverIntactWhenReceiversAreSlowAndWindowsClose() {
        double[] losses = {0.0, 0.05, 0.15};
        List<String> failures = new ArrayList<>();
        int runs = 0;
        long zeroWindows = 0;
        for (double loss : losses) {
            for (long seed = 1; seed <= Math.max(4, SEEDS / 4); seed++) {
                Pair.Link link = new Pair.Link()
                        .loss(loss)
                        .duplicate(loss > 0 ? 0.02 : 0)
                        .jitter(loss > 0 ? 3 * Pair.MS : 0)
                        .seed(seed * 104_729 + (long) (loss * 1000));
                PairTransferTest.Run r = new PairTransferTest.Run(link, 100_000, c -> c.receiveBufferBytes(4096)
                        .sendBufferBytes(8192)
                        .mslNs(300_000_000_000L));
                r.server.readLimit(200);
                r.client.readLimit(200);
                r.pair.betweenSteps(() -> r.server.tick() | r.client.tick());
                runs++;
                try {
                    r.run();
                    zeroWindows += r.pair.zeroWindowSegments();
                    assertEquals(r.client.sentSha256(), r.server.receivedSha256(), "SHA-256 B→A");
                    assertEquals(r.server.sentSha256(), r.client.receivedSha256(), "SHA-256 A→B");
                    assertEquals(CloseReason.NORMAL, r.server.closeReason(), "A's close reason");
                    assertEquals(CloseReason.NORMAL, r.client.closeReason(), "B's close reason");
                } catch (AssertionError e) {
                    String msg = e.getMessage();
                    failures.add(link + ": " + msg.substring(0, Math.min(msg.length(), 3000)));
                }
            }
        }
        System.out.printf(
                "slow-reader sweep: %d runs, %d failed, %d zero-window segments delivered%n",
                runs, failures.size(), zeroWindows);
        assertTrue(zeroWindows > 0, "the slow readers never closed a window: the test tests nothing");
        assertTrue(
                failures.isEmpty(),
                failures.size() + " of " + runs + " runs failed:\n" + String.join("\n\n", failures));
    }

    /**
     * The HTTP/1.0 server pattern: A writes its response and calls close() (RFC 9293 §3.10.4),
     * discarding whatever B still sends (TcpConnection.close contract); B reads to EOF. A's bytes
     * arrive intact and both ends close NORMAL.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldDeliverEverythingBeforeFinWhenSenderFullyCloses() {
        List<String> failures = new ArrayList<>();
        int runs = 0;
        for (long seed = 1; seed <= SEEDS / 2; seed++) {
            Pair.Link link = new Pair.Link()
                    .loss(0.05 * (seed % 4))
                    .jitter(2 * Pair.MS)
                    .duplicate(0.01)
                    .seed(seed * 15_485_863L);
            PairTransferTest.Run r = new PairTransferTest.Run(link, 200_000, c -> c.mslNs(300_000_000_000L));
            r.server.fullClose();
            runs++;
            try {
                r.run();
                assertEquals(r.server.sentSha256(), r.client.receivedSha256(), "SHA-256 A→B");
                assertEquals(CloseReason.NORMAL, r.server.closeReason(), "A's close reason");
                assertEquals(CloseReason.NORMAL, r.client.closeReason(), "B's close reason");
            } catch (AssertionError e) {
                String msg = e.getMessage();
                failures.add(link + ": " + msg.substring(0, Math.min(msg.length(), 3000)));
            }
        }
        assertTrue(
                failures.isEmpty(),
                failures.size() + " of " + runs + " runs failed:\n" + String.join("\n\n", failures));
    }
}
