package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.tun.TunTestSupport.Result;
import io.jtcp.tun.TunTestSupport.TestNetns;
import io.jtcp.tun.service.BytesPattern;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code jtcp get --queues 2}: over a multi-queue device, and one line and one queue where the kernel refuses it. */
@Tag("tun")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MultiQueueCliKernelTest {
    private static final int DOWNLOADS = 16;

    @TempDir
    Path tmp;

    @BeforeEach
    void requireTun() {
        TunTestSupport.requireTun();
    }

    @Test
    void shouldGetOverTwoQueuesAndFallBackToOneWithOneLine() throws Exception {
        String name = "tunmqc" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 12));
        try (TestNetns ns = new TestNetns("mqcli")) {
            String sha = KernelPeerTest.randomFile(tmp.resolve("file.bin"), 3 << 20, 41);
            Process server = ns.httpServer(tmp, tmp.resolve("http.log"));
            try {
                CliKernelTest.awaitListening(ns, 8000);
                String url = "http://10.7.0.1:8000/file.bin";
                Result two = get(ns, name, url, tmp.resolve("a"));
                assertEquals(0, two.exitCode(), two.output());
                assertEquals(
                        "jtcp: HTTP/1.0 200 OK, 3145728 bytes", two.output().strip());
                assertEquals(sha, KernelPeerTest.sha256Of(tmp.resolve("a")));
                // A device made without multi_queue: TUNSETIFF with IFF_MULTI_QUEUE says EINVAL.
                ns.exec(10, "ip", "tuntap", "add", "dev", name, "mode", "tun").expectSuccess();
                Result one = get(ns, name, url, tmp.resolve("b"));
                assertEquals(0, one.exitCode(), one.output());
                assertEquals(
                        "jtcp: the kernel refused IFF_MULTI_QUEUE on " + name
                                + " (the device exists without multi_queue); running one queue (as --queues 1)\n"
                                + "jtcp: HTTP/1.0 200 OK, 3145728 bytes",
                        one.output().strip());
                assertEquals(sha, KernelPeerTest.sha256Of(tmp.resolve("b")));
            } finally {
                server.destroy();
                server.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * {@code serve --queues 2 --pcap F --trace --cc-log C} (issue #13 §6): it starts, says in one
     * line that the replay journal is left out, and records the connections of every queue.
     */
    @Test
    void shouldServeTwoQueuesWithCaptureTraceAndCcLog() throws Exception {
        Path pcap = tmp.resolve("serve.pcap");
        Path csv = tmp.resolve("cc.csv");
        try (TestNetns ns = new TestNetns("mqobs")) {
            List<String> lines;
            try (TwoQueueServe serve = TwoQueueServe.start(
                    ns, "tunmqs", "--pcap", pcap.toString(), "--trace", "--cc-log", csv.toString())) {
                assertTrue(
                        serve.output()
                                .contains("jtcp: --pcap with --queues 2: capturing every queue, without the replay"
                                        + " journal (it follows one engine; jtcp replay takes this capture as another stack's,"
                                        + " one connection at a time)"),
                        serve.output().toString());
                downloads(ns, "http://10.7.0.2/bytes/300000", 300_000);
                lines = serve.stop();
            }
            assertTrue(lines.stream().filter(l -> l.contains(" in  10.7.0.1.")).count() >= DOWNLOADS, "trace lines");
            int[] frames = {0};
            io.jtcp.viz.capture.CaptureReader.read(pcap, (type, frame) -> {
                assertTrue(frame.data().length <= 1500, "a wire packet: " + frame.data().length);
                frames[0]++;
            });
            assertTrue(frames[0] > DOWNLOADS * 200, frames[0] + " packets captured");
            assertTrue(!Files.exists(io.jtcp.tun.trace.EngineJournal.sidecarOf(pcap)), "no replay journal");
            List<String> rows = Files.readAllLines(csv);
            assertEquals(io.jtcp.tun.trace.CcLogWriter.HEADER, rows.get(0));
            assertTrue(rows.size() > DOWNLOADS * 20, rows.size() + " congestion rows");
            for (String row : rows.subList(1, rows.size())) {
                assertEquals(13, row.split(",", -1).length, "one whole row per line: " + row);
            }
        }
    }

    /**
     * {@code serve --queues 2 --ladder DIR}: one record for both queues. Every download gets its
     * ladder file whichever queue served it, the status page (itself served by either queue)
     * lists and links all of them, and each of the links, fetched over new connections spread
     * over both queues, is drawn and answered on the loop of the queue that asked.
     */
    @Test
    void shouldDrawPicturesOfTheConnectionsOfEveryQueue() throws Exception {
        Path dir = tmp.resolve("ladders");
        try (TestNetns ns = new TestNetns("mqpic")) {
            List<String> lines;
            // --pictures-recent 200: every connection of the test stays linked (the link fetches too).
            try (TwoQueueServe serve = TwoQueueServe.start(
                    ns, "tunmqp", "--http", "8080", "--ladder", dir.toString(), "--pictures-recent", "200")) {
                downloads(ns, "http://10.7.0.2:8080/bytes/5000", 5000);
                List<Path> files = List.of();
                for (int i = 0; i < 100 && files.size() < DOWNLOADS; i++) {
                    Thread.sleep(100);
                    files = LivePicturesKernelTest.svgs(dir);
                }
                assertEquals(DOWNLOADS, files.size(), files.toString());
                Set<String> clientPorts = new HashSet<>();
                Pattern fileName = Pattern.compile("\\d{6}_10\\.7\\.0\\.1-(\\d+)_10\\.7\\.0\\.2-8080\\.svg");
                for (Path f : files) {
                    Matcher m = fileName.matcher(f.getFileName().toString());
                    assertTrue(m.matches(), f.toString());
                    clientPorts.add(m.group(1));
                    String svg = Files.readString(f);
                    LivePicturesKernelTest.wellFormed(svg);
                    for (String label :
                            List.of("GET /bytes/5000 HTTP/1.1", "HTTP/1.1 200 OK", "FIN-ACK", "TIME_WAIT")) {
                        assertTrue(svg.contains(label), f + " lacks " + label);
                    }
                }
                assertEquals(DOWNLOADS, clientPorts.size(), "one ladder per connection: " + clientPorts);
                String page = LivePicturesKernelTest.curl(ns, "/");
                assertTrue(LivePicturesKernelTest.status(page).startsWith("200 text/html"), page);
                Matcher links = Pattern.compile("href=\"(/conn/(\\d+)/(ladder|states|tsg)\\.svg)\"")
                        .matcher(LivePicturesKernelTest.body(page));
                Set<String> ids = new LinkedHashSet<>();
                List<String> paths = new ArrayList<>();
                while (links.find()) {
                    ids.add(links.group(2));
                    paths.add(links.group(1));
                }
                assertTrue(ids.size() >= DOWNLOADS + 1, "the downloads and the page's own: " + ids);
                for (String path : paths) {
                    String got = LivePicturesKernelTest.curl(ns, path);
                    assertEquals("200 image/svg+xml", LivePicturesKernelTest.status(got), path);
                    LivePicturesKernelTest.wellFormed(LivePicturesKernelTest.body(got));
                }
                lines = serve.stop();
            }
            assertTrue(
                    lines.stream().anyMatch(l -> l.matches("jtcp: pictures: recorded=[1-9]\\d+ skipped=0 .*")),
                    String.join("\n", lines));
        }
    }

    /** {@link #DOWNLOADS} parallel curls of {@code url} in {@code ns}, each checked by its SHA-256. */
    private void downloads(TestNetns ns, String url, int bytes) {
        StringBuilder script = new StringBuilder("cd " + tmp + "; ");
        for (int i = 0; i < DOWNLOADS; i++) {
            script.append("(curl -sS --fail -m 30 -o d")
                    .append(i)
                    .append(' ')
                    .append(url)
                    .append(") & ");
        }
        script.append("wait && sha256sum");
        for (int i = 0; i < DOWNLOADS; i++) {
            script.append(" d").append(i);
        }
        String sums = ns.exec(60, "sh", "-c", script.toString()).expectSuccess().output();
        for (int i = 0; i < DOWNLOADS; i++) {
            assertTrue(sums.contains(BytesPattern.sha256(bytes) + "  d" + i), sums);
        }
    }

    /** {@code jtcp serve --queues 2} in a namespace, skipped where the kernel refuses multi-queue. */
    private record TwoQueueServe(Process process, ServeOutput drain, List<String> lines) implements AutoCloseable {
        static TwoQueueServe start(TestNetns ns, String devicePrefix, String... extra) throws Exception {
            String name = devicePrefix
                    + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 12));
            List<String> args = new ArrayList<>(List.of("serve", "--netns", ns.name(), "--tun", name, "--queues", "2"));
            args.addAll(List.of(extra));
            Process process = new ProcessBuilder(CliKernelTest.jtcp(args.toArray(new String[0])))
                    .redirectErrorStream(true)
                    .start();
            List<String> lines = new ArrayList<>();
            try {
                ServeOutput drain = ServeOutput.awaitReady(process, lines);
                synchronized (lines) {
                    org.junit.jupiter.api.Assumptions.assumeFalse(
                            lines.stream().anyMatch(l -> l.contains("refused IFF_MULTI_QUEUE")),
                            "the kernel refused multi-queue: " + lines);
                }
                assertTrue(drain.readyLine().contains(", 2 queues)"), drain.readyLine());
                return new TwoQueueServe(process, drain, lines);
            } catch (Throwable e) {
                process.destroyForcibly();
                throw e;
            }
        }

        /** The output so far, copied. */
        List<String> output() {
            synchronized (lines) {
                return new ArrayList<>(lines);
            }
        }

        /**
         * Stops it with SIGTERM and returns its whole output, checking that both queues accepted
         * connections (all of 16 or more on one queue: a chance of 2^-15).
         */
        List<String> stop() throws Exception {
            TunTestSupport.run(5, "kill", "-TERM", String.valueOf(process.pid()));
            assertTrue(process.waitFor(15, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
            drain.join(5000);
            assertEquals(128 + 15, process.exitValue(), "ended by the SIGTERM");
            List<String> all = output();
            long queuesServing = all.stream()
                    .filter(l -> l.matches("jtcp: queue \\d: opened=\\d+ accepted=[1-9].*"))
                    .count();
            assertEquals(2, queuesServing, String.join("\n", all));
            return all;
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    private static Result get(TestNetns ns, String device, String url, Path out) {
        return TunTestSupport.run(
                60,
                CliKernelTest.jtcp(
                                "get",
                                "--netns",
                                ns.name(),
                                "--tun",
                                device,
                                "--queues",
                                "2",
                                url,
                                "-o",
                                out.toString())
                        .toArray(new String[0]));
    }
}
