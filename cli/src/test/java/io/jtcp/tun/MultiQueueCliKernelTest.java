package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.tun.TunTestSupport.Result;
import io.jtcp.tun.TunTestSupport.TestNetns;
import io.jtcp.tun.service.BytesPattern;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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
        String name = "tunmqs" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 12));
        Path pcap = tmp.resolve("serve.pcap");
        Path csv = tmp.resolve("cc.csv");
        try (TestNetns ns = new TestNetns("mqobs")) {
            Process serve = new ProcessBuilder(CliKernelTest.jtcp(
                            "serve",
                            "--netns",
                            ns.name(),
                            "--tun",
                            name,
                            "--queues",
                            "2",
                            "--pcap",
                            pcap.toString(),
                            "--trace",
                            "--cc-log",
                            csv.toString()))
                    .redirectErrorStream(true)
                    .start();
            List<String> output = new ArrayList<>();
            try {
                ServeOutput drain = ServeOutput.awaitReady(serve, output);
                synchronized (output) {
                    org.junit.jupiter.api.Assumptions.assumeFalse(
                            output.stream().anyMatch(l -> l.contains("refused IFF_MULTI_QUEUE")),
                            "the kernel refused multi-queue: " + output);
                }
                assertTrue(drain.readyLine().contains(", 2 queues)"), drain.readyLine());
                synchronized (output) {
                    assertTrue(
                            output.contains("jtcp: --pcap with --queues 2: capturing every queue, without the replay"
                                    + " journal (it follows one engine; jtcp replay takes this capture as another stack's,"
                                    + " one connection at a time)"),
                            output.toString());
                }
                StringBuilder script = new StringBuilder("cd " + tmp + "; ");
                for (int i = 0; i < DOWNLOADS; i++) {
                    script.append("(curl -sS --fail -m 30 -o d").append(i).append(" http://10.7.0.2/bytes/300000) & ");
                }
                script.append("wait && sha256sum");
                for (int i = 0; i < DOWNLOADS; i++) {
                    script.append(" d").append(i);
                }
                String sums = ns.exec(60, "sh", "-c", script.toString())
                        .expectSuccess()
                        .output();
                for (int i = 0; i < DOWNLOADS; i++) {
                    assertTrue(sums.contains(BytesPattern.sha256(300_000) + "  d" + i), sums);
                }
                TunTestSupport.run(5, "kill", "-TERM", String.valueOf(serve.pid()));
                assertTrue(serve.waitFor(15, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
                drain.join(5000);
            } finally {
                serve.destroyForcibly();
            }
            assertEquals(128 + 15, serve.exitValue(), "ended by the SIGTERM");
            List<String> lines;
            synchronized (output) {
                lines = new ArrayList<>(output);
            }
            // The stop report has a line per queue; all the downloads on one queue: a chance of 2^-15.
            long queuesServing = lines.stream()
                    .filter(l -> l.matches("jtcp: queue \\d: opened=\\d+ accepted=[1-9].*"))
                    .count();
            assertEquals(2, queuesServing, String.join("\n", lines));
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
