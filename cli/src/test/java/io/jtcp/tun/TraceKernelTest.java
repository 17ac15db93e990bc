package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.tun.TunTestSupport.TestNetns;
import io.jtcp.tun.service.BytesPattern;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue #11: {@code jtcp serve --trace} as a student runs it, with curl in the namespace: the
 * handshake reads "seq 0" / "seq 0, ack 1", segments the fault injector drops are marked both
 * ways, and {@code --trace-states} prints the transitions without a line per segment.
 */
@Tag("tun")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TraceKernelTest {
    @BeforeEach
    void requireTun() {
        TunTestSupport.requireTun();
    }

    /** Runs serve with {@code traceArgs}, downloads {@code bytes} with curl, and returns serve's output. */
    private static List<String> serveAndCurl(TestNetns ns, int bytes, String... traceArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("serve", "--netns", ns.name(), "--http", "8080"));
        args.addAll(List.of(traceArgs));
        Process serve = new ProcessBuilder(CliKernelTest.jtcp(args.toArray(String[]::new)))
                .redirectErrorStream(true)
                .start();
        List<String> lines = new ArrayList<>();
        try {
            ServeOutput reader = ServeOutput.awaitReady(serve, lines);
            String got = ns.exec(
                            60,
                            "sh",
                            "-c",
                            "curl -sS --fail -m 50 http://10.7.0.2:8080/bytes/" + bytes + " | sha256sum")
                    .expectSuccess()
                    .output();
            assertTrue(got.startsWith(BytesPattern.sha256(bytes)), got);
            Thread.sleep(300); // the last ACK and FIN lines
            TunTestSupport.run(5, "kill", "-TERM", String.valueOf(serve.pid()));
            assertTrue(serve.waitFor(10, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
            reader.join(5000);
        } finally {
            serve.destroyForcibly();
        }
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    @Test
    void shouldTraceCurlWithRelativeNumbersAndMarkLostSegments() throws Exception {
        try (TestNetns ns = new TestNetns("trread")) {
            // 3 % loss each way over ~700 data segments and their ACKs: losses both ways for certain.
            List<String> lines = serveAndCurl(ns, 1 << 20, "--trace", "--fault", "drop=0.03,seed=11");
            String all = String.join("\n", lines.subList(0, Math.min(lines.size(), 40)));
            assertTrue(
                    lines.stream()
                            .anyMatch(l -> l.contains(" in  10.7.0.1.")
                                    && l.contains(" > 10.7.0.2.8080: Flags [S], seq 0, win ")
                                    && l.contains("options [mss ")),
                    all);
            assertTrue(
                    lines.stream()
                            .anyMatch(l -> l.contains(" out 10.7.0.2.8080 > 10.7.0.1.")
                                    && l.contains(": Flags [S.], seq 0, ack 1, win ")),
                    all);
            // The request: curl's first data segment starts at relative 1 and acknowledges jtcp's SYN.
            assertTrue(
                    lines.stream()
                            .anyMatch(
                                    l -> l.contains(" > 10.7.0.2.8080: Flags [P.], seq 1:") && l.contains(", ack 1, ")),
                    all);
            // Compact options: no timestamps after the handshake.
            assertTrue(lines.stream().filter(l -> l.contains("TS val")).allMatch(l -> l.contains("Flags [S")), all);
            assertTrue(
                    lines.stream().anyMatch(l -> l.contains(" out 10.7.0.2.8080 ") && l.endsWith("[lost by --fault]")),
                    "no outbound loss marked");
            assertTrue(
                    lines.stream().anyMatch(l -> l.contains(" in  10.7.0.1.") && l.endsWith("[lost by --fault]")),
                    "no inbound loss marked");
            assertTrue(lines.stream().anyMatch(l -> l.endsWith("[retransmission]")), "no retransmission marked");
        }
    }

    /** A 10 MB download (about 7,200 segments) reads as a few dozen lines, and they add up. */
    @Test
    void shouldFoldABulkDownload() throws Exception {
        try (TestNetns ns = new TestNetns("trfold")) {
            int size = 10 << 20;
            List<String> lines = serveAndCurl(ns, size, "--trace");
            String all = String.join("\n", lines);
            long segmentLines =
                    lines.stream().filter(l -> l.contains("Flags [")).count();
            assertTrue(segmentLines < 1000, segmentLines + " segment lines:\n" + all);
            long bytes = 0;
            Matcher printed = Pattern.compile(" out 10\\.7\\.0\\.2\\.8080 > .*, length (\\d+)")
                    .matcher(all);
            while (printed.find()) {
                bytes += Long.parseLong(printed.group(1));
            }
            Matcher folded = Pattern.compile(
                            "fold 10\\.7\\.0\\.2\\.8080 > [^:]*: … \\d+ segments?, [^(]* \\(seq (\\d+):(\\d+)\\)")
                    .matcher(all);
            int folds = 0;
            while (folded.find()) {
                bytes += Long.parseLong(folded.group(2)) - Long.parseLong(folded.group(1));
                folds++;
            }
            assertTrue(folds > 0, all);
            // The response's header and body, each byte in a printed or a folded segment
            // (more when something was sent twice).
            assertTrue(bytes >= size, bytes + " bytes in the trace:\n" + all);
        }
    }

    @Test
    void shouldTraceOnlyStatesWhenAsked() throws Exception {
        try (TestNetns ns = new TestNetns("trstate")) {
            List<String> lines = serveAndCurl(ns, 2000, "--trace-states");
            assertTrue(
                    lines.stream()
                            .anyMatch(l -> l.contains("state 10.7.0.2:8080 <> 10.7.0.1:")
                                    && l.endsWith("SYN_RECEIVED -> ESTABLISHED")),
                    lines.toString());
            assertEquals(0, lines.stream().filter(l -> l.contains("Flags [")).count(), lines.toString());
        }
    }
}
