package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Pair.A_ADDR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jtcp.stack.StackConfig;
import io.jtcp.stack.StackCounters;
import io.jtcp.stack.cc.CongestionControls;
import io.jtcp.stack.harness.BulkApp;
import io.jtcp.stack.harness.Pair;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The guard for moving congestion control and loss recovery out of {@code Tcb} (issue #10): the
 * seeded {@link Pair} runs of {@code PairSeedSweepTest}, {@code PairCongestionTest}, {@code
 * PairConfigMatrixTest} and {@code PairTransferTest} (the same seeds and sizes) must reproduce their recorded fingerprints exactly: virtual completion time, the
 * link's packet counts, each engine's retransmission, timeout, fast-retransmit, SACK-recovery,
 * tail-loss-probe and recovery-probe counts, both final congestion windows, and a hash over every
 * packet handed to the link (virtual time, direction, all bytes). Any change of behaviour on the
 * wire changes at least the hash.
 *
 * <p>A deliberate change of behaviour re-records the file (and the commit says which fingerprints
 * changed and why):
 *
 * <pre>
 * mvn -B -ntp -q -pl stack test -Dtest=CongestionGoldenTest -Djtcp.golden.record=true
 * </pre>
 *
 * which writes {@code stack/src/test/resources/golden/congestion-fingerprints.txt} (run from the
 * repository root; {@code -Djtcp.golden.file=PATH} writes elsewhere).
 */
class CongestionGoldenTest {
    private static final String RESOURCE = "/golden/congestion-fingerprints.txt";
    private static final String SOURCE_FILE = "src/test/resources/golden/congestion-fingerprints.txt";
    private static final long MAX_VIRTUAL_NS = 4L * 3600 * 1_000_000_000L;
    private static final long MAX_STEPS = 20_000_000L;

    /** One run's outcome; {@link #toString()} is its line in the golden file. */
    record Fingerprint(String name, String value) {
        @Override
        public String toString() {
            return name + " = " + value;
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldReproduceRecordedFingerprintsOfSeededPairRuns() throws IOException {
        List<Fingerprint> now = runAll();
        if (Boolean.getBoolean("jtcp.golden.record")) {
            Path out = Path.of(System.getProperty("jtcp.golden.file", SOURCE_FILE));
            StringBuilder sb = new StringBuilder();
            sb.append("# Fingerprints of seeded Pair runs (CongestionGoldenTest). Re-record with\n")
                    .append("# mvn -B -ntp -q -pl stack test -Dtest=CongestionGoldenTest -Djtcp.golden.record=true\n")
                    .append("# fields: virtual ns | link sent/lost/dup/qdrop | A rtx/rto/frtx/sackrec/tlp/probe cwnd")
                    .append(" | B same | packet hash\n");
            for (Fingerprint f : now) {
                sb.append(f).append('\n');
            }
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, sb.toString(), StandardCharsets.UTF_8);
            System.out.println("golden fingerprints recorded to " + out.toAbsolutePath() + " (" + now.size() + ")");
            return;
        }
        Map<String, String> golden = load();
        List<String> diffs = new ArrayList<>();
        for (Fingerprint f : now) {
            String want = golden.remove(f.name());
            if (want == null) {
                diffs.add("new run (not recorded): " + f);
            } else if (!want.equals(f.value())) {
                diffs.add(f.name() + "\n   recorded " + want + "\n   now      " + f.value());
            }
        }
        golden.keySet().forEach(k -> diffs.add("recorded run no longer produced: " + k));
        assertTrue(
                diffs.isEmpty(),
                diffs.size() + " of " + now.size() + " fingerprints differ (re-record with"
                        + " -Djtcp.golden.record=true if the change is deliberate):\n" + String.join("\n", diffs));
    }

    private static Map<String, String> load() throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        try (InputStream in = CongestionGoldenTest.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                fail("no golden file " + RESOURCE + ": record it with -Djtcp.golden.record=true");
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int eq = line.indexOf(" = ");
                m.put(line.substring(0, eq), line.substring(eq + 3));
            }
        }
        return m;
    }

    /** The fingerprints pin NewReno (the controller they were recorded with), whatever the default. */
    private static final Consumer<StackConfig> NEWRENO = c -> c.congestionControl(CongestionControls.byName("newreno"));

    static List<Fingerprint> runAll() {
        List<Fingerprint> out = new ArrayList<>();
        Consumer<StackConfig> longMsl = c -> c.mslNs(300_000_000_000L);
        // PairSeedSweepTest: lossy links, both directions at once.
        for (double loss : new double[] {0.02, 0.10, 0.30}) {
            for (long seed = 1; seed <= 40; seed++) {
                Pair.Link link = new Pair.Link()
                        .loss(loss)
                        .duplicate(0.02)
                        .jitter(4 * Pair.MS)
                        .seed(seed * 7919 + (long) (loss * 1000));
                out.add(transfer("sweep " + link, link, 256_000, longMsl, longMsl, null));
            }
        }
        // PairSeedSweepTest: slow readers, windows closing.
        for (double loss : new double[] {0.0, 0.05, 0.15}) {
            for (long seed = 1; seed <= 10; seed++) {
                Pair.Link link = new Pair.Link()
                        .loss(loss)
                        .duplicate(loss > 0 ? 0.02 : 0)
                        .jitter(loss > 0 ? 3 * Pair.MS : 0)
                        .seed(seed * 104_729 + (long) (loss * 1000));
                Consumer<StackConfig> small =
                        c -> c.receiveBufferBytes(4096).sendBufferBytes(8192).mslNs(300_000_000_000L);
                out.add(transfer("slow-reader " + link, link, 100_000, small, small, r -> {
                    r.server.readLimit(200);
                    r.client.readLimit(200);
                    r.pair.betweenSteps(() -> r.server.tick() | r.client.tick());
                }));
            }
        }
        // PairSeedSweepTest: the sender closes fully (the HTTP/1.0 server pattern).
        for (long seed = 1; seed <= 20; seed++) {
            Pair.Link link = new Pair.Link()
                    .loss(0.05 * (seed % 4))
                    .jitter(2 * Pair.MS)
                    .duplicate(0.01)
                    .seed(seed * 15_485_863L);
            out.add(transfer("full-close " + link, link, 200_000, longMsl, longMsl, r -> r.server.fullClose()));
        }
        // PairConfigMatrixTest: mismatched options.
        String[] matrix = {
            "true,true,false,1500,true,true,false,1500",
            "true,true,false,1500,false,false,false,1500",
            "false,true,false,1500,true,false,false,1500",
            "true,false,true,9000,true,true,false,576",
            "false,false,true,576,false,false,true,65535",
            "true,true,true,1500,false,true,true,9000",
            "true,true,true,1500,true,true,true,1500",
            "false,false,true,1500,false,false,false,1500",
            "true,true,false,9000,true,true,false,576",
            "false,false,false,576,false,false,false,65535",
            "false,false,false,1500,false,false,false,9000"
        };
        for (String row : matrix) {
            String[] v = row.split(",");
            int mtuA = Integer.parseInt(v[3]);
            for (long seed = 1; seed <= 5; seed++) {
                Pair.Link link = new Pair.Link()
                        .loss(0.05)
                        .duplicate(0.01)
                        .jitter(2 * Pair.MS)
                        .seed(seed * 31 + mtuA);
                out.add(transfer("matrix " + row + " " + link, link, 300_000, config(v, 0), config(v, 4), null));
            }
        }
        // PairTransferTest: 0/1/5/20 % loss, 10 MB each way, and reordering.
        for (int lossPercent : new int[] {0, 1, 5, 20}) {
            Pair.Link link = new Pair.Link().loss(lossPercent / 100.0).seed(1000 + lossPercent);
            if (lossPercent > 0) {
                link.duplicate(0.01).jitter(2 * Pair.MS);
            }
            out.add(transfer("transfer " + link, link, 10_000_000, c -> {}, c -> {}, null));
        }
        Pair.Link reorder = new Pair.Link().duplicate(0.10).jitter(20 * Pair.MS).seed(77);
        out.add(transfer("reorder " + reorder, reorder, 2_000_000, c -> {}, c -> {}, null));
        // PairCongestionTest: bottlenecks with a drop-tail queue, one direction, 10 MB as there.
        for (int[] p : new int[][] {{100, 10, 100}, {100, 10, 20}, {20, 40, 50}, {1000, 1, 200}}) {
            out.add(bottleneck(p[0], p[1], p[2], 10_000_000));
        }
        return out;
    }

    private static Consumer<StackConfig> config(String[] v, int at) {
        boolean sack = Boolean.parseBoolean(v[at]);
        boolean ts = Boolean.parseBoolean(v[at + 1]);
        boolean nagle = Boolean.parseBoolean(v[at + 2]);
        int mtu = Integer.parseInt(v[at + 3]);
        return c -> c.sack(sack).timestamps(ts).nagle(nagle).mtuBytes(mtu).mslNs(300_000_000_000L);
    }

    /** Packet hash over (virtual time, direction, bytes) of everything handed to the link. */
    private static final class PacketHash {
        long h = 0xcbf2_9ce4_8422_2325L;

        void add(long nowNs, boolean toA, byte[] bytes) {
            mix(nowNs);
            mix(toA ? 1 : 2);
            for (byte b : bytes) {
                h ^= b & 0xff;
                h *= 0x1000_0000_01b3L;
            }
        }

        private void mix(long v) {
            for (int i = 0; i < 8; i++) {
                h ^= (v >>> (8 * i)) & 0xff;
                h *= 0x1000_0000_01b3L;
            }
        }
    }

    private static Fingerprint transfer(
            String name,
            Pair.Link link,
            int bytes,
            Consumer<StackConfig> configA,
            Consumer<StackConfig> configB,
            Consumer<PairTransferTest.Run> tweak) {
        PairTransferTest.Run r =
                new PairTransferTest.Run(link, bytes, configA.andThen(NEWRENO), configB.andThen(NEWRENO));
        if (tweak != null) {
            tweak.accept(r);
        }
        PacketHash hash = new PacketHash();
        r.pair.traceTraffic(false);
        r.pair.sendHook((toA, b) -> hash.add(r.pair.now(), toA, b));
        r.pair.a.listen(5001, c -> r.server);
        r.pair.b.connect(r.pair.now(), A_ADDR, 5001, r.client);
        r.pair.service();
        long start = r.pair.now();
        boolean done = r.pair.runUntil(() -> r.server.finished() && r.client.finished(), MAX_VIRTUAL_NS, MAX_STEPS);
        assertTrue(done, name + ": transfer finished");
        long elapsed = r.pair.now() - start;
        long cwndA = r.server.connection().congestionWindowBytes();
        long cwndB = r.client.connection().congestionWindowBytes();
        assertTrue(r.pair.runToIdle(MAX_VIRTUAL_NS, MAX_STEPS), name + ": engines went idle");
        if (!name.startsWith("full-close")) { // A's close() discards what B still sends
            assertEquals(r.client.sentSha256(), r.server.receivedSha256(), name + ": SHA-256 B→A");
        }
        assertEquals(r.server.sentSha256(), r.client.receivedSha256(), name + ": SHA-256 A→B");
        return new Fingerprint(name, describe(r.pair, elapsed, cwndA, cwndB, hash.h));
    }

    private static Fingerprint bottleneck(int mbps, int delayMs, int queue, int bytes) {
        Pair.Link link = new Pair.Link()
                .delay(delayMs * Pair.MS)
                .bottleneck(mbps * 1_000_000L, queue)
                .seed(mbps + delayMs + queue);
        Pair pair = new Pair(link, NEWRENO, NEWRENO).traceTraffic(false);
        PacketHash hash = new PacketHash();
        pair.sendHook((toA, b) -> hash.add(pair.now(), toA, b));
        BulkApp server = new BulkApp(bytes, 1);
        BulkApp client = new BulkApp(0, 2);
        pair.a.listen(5001, c -> server);
        pair.b.connect(pair.now(), A_ADDR, 5001, client);
        pair.service();
        long start = pair.now();
        String name = "bottleneck " + link;
        assertTrue(pair.runUntil(client::eof, MAX_VIRTUAL_NS, MAX_STEPS), name + ": transfer finished");
        long elapsed = pair.now() - start;
        assertEquals(server.sentSha256(), client.receivedSha256(), name + ": SHA-256 A→B");
        return new Fingerprint(
                name,
                describe(
                        pair,
                        elapsed,
                        server.connection().congestionWindowBytes(),
                        client.connection().congestionWindowBytes(),
                        hash.h));
    }

    private static String describe(Pair pair, long elapsedNs, long cwndA, long cwndB, long hash) {
        return elapsedNs + " | " + pair.packetsSent + "/" + pair.packetsLost + "/" + pair.packetsDuplicated + "/"
                + pair.packetsQueueDropped + " | " + counters(pair.a.counters()) + " " + cwndA + " | "
                + counters(pair.b.counters()) + " " + cwndB + " | " + Long.toHexString(hash);
    }

    private static String counters(StackCounters c) {
        return c.tcpRetransmits + "/" + c.tcpTimeouts + "/" + c.tcpFastRetransmits + "/" + c.tcpSackRecoveries + "/"
                + c.tcpTailLossProbes + "/" + c.tcpRecoveryProbes;
    }
}
