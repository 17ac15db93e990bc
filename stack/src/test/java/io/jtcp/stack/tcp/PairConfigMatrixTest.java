package io.jtcp.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jtcp.stack.StackConfig;
import io.jtcp.stack.harness.Pair;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Mismatched peers: each option is negotiated only when both SYNs carry it (RFC 7323 §1.3 window
 * scale, §3.2 timestamps; RFC 2018 §2 SACK), and each side sends at most the other's MSS (RFC
 * 9293 §3.7.1). Every pairing must still move the data intact under loss.
 */
class PairConfigMatrixTest {

    private static Consumer<StackConfig> config(boolean sack, boolean timestamps, boolean nagle, int mtu) {
        return c ->
                c.sack(sack).timestamps(timestamps).nagle(nagle).mtuBytes(mtu).mslNs(300_000_000_000L);
    }

    @ParameterizedTest(name = "A sack={0} ts={1} nagle={2} mtu={3} / B sack={4} ts={5} nagle={6} mtu={7}")
    @CsvSource({
        "true,  true,  false, 1500, true,  true,  false, 1500",
        "true,  true,  false, 1500, false, false, false, 1500",
        "false, true,  false, 1500, true,  false, false, 1500",
        "true,  false, true,  9000, true,  true,  false, 576",
        "false, false, true,  576,  false, false, true,  65535",
        "true,  true,  true,  1500, false, true,  true,  9000",
        "true,  true,  true,  1500, true,  true,  true,  1500",
        "false, false, true,  1500, false, false, false, 1500",
        "true,  true,  false, 9000, true,  true,  false, 576",
        "false, false, false, 576,  false, false, false, 65535",
        "false, false, false, 1500, false, false, false, 9000"
    })
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldDeliverIntactWhenPeersNegotiateDifferentOptions(
            boolean sackA,
            boolean tsA,
            boolean nagleA,
            int mtuA,
            boolean sackB,
            boolean tsB,
            boolean nagleB,
            int mtuB) {
        for (long seed = 1; seed <= Integer.getInteger("jtcp.matrix.seeds", 5); seed++) {
            Pair.Link link = new Pair.Link()
                    .loss(0.05)
                    .duplicate(0.01)
                    .jitter(2 * Pair.MS)
                    .seed(seed * 31 + mtuA);
            PairTransferTest.Run r = new PairTransferTest.Run(
                    link, 300_000, config(sackA, tsA, nagleA, mtuA), config(sackB, tsB, nagleB, mtuB));
            r.run();
            assertEquals(r.client.sentSha256(), r.server.receivedSha256(), "SHA-256 B→A, seed " + seed);
            assertEquals(r.server.sentSha256(), r.client.receivedSha256(), "SHA-256 A→B, seed " + seed);
            assertEquals(CloseReason.NORMAL, r.server.closeReason(), "A's close reason, seed " + seed);
            assertEquals(CloseReason.NORMAL, r.client.closeReason(), "B's close reason, seed " + seed);
        }
    }
}
