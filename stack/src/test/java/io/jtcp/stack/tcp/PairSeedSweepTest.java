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
}
