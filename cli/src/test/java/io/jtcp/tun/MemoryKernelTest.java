package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.tun.TunTestSupport.Result;
import io.jtcp.tun.TunTestSupport.TestNetns;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Memory bounded by design, against the kernel: {@code jtcp serve} in a 96 MiB heap holds 2,500
 * idle kernel connections and still echoes on them and serves its status page. Before, every
 * connection took 2 MiB of rings at once: about 40 of them exhausted the heap, the
 * OutOfMemoryError escaped the event loop and the process died.
 */
@Tag("tun")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MemoryKernelTest {
    private static final int CONNECTIONS = 2_500;

    @BeforeEach
    void requireTun() {
        TunTestSupport.requireTun();
    }

    private static int field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\": (\\d+)").matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return Integer.parseInt(m.group(1));
    }

    @Test
    void shouldHoldThousandsOfIdleKernelConnectionsInASmallHeap() throws Exception {
        Path client = Path.of("..", "src", "bench", "conn_client.py").toAbsolutePath();
        assertTrue(Files.exists(client), client.toString());
        try (TestNetns ns = new TestNetns("memidle")) {
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx96m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    "io.jtcp.tun.cli.Main",
                    "serve",
                    "--netns",
                    ns.name(),
                    "--echo",
                    "7",
                    "--http",
                    "80"));
            Process serve = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            List<String> lines = new ArrayList<>();
            try {
                ServeOutput reader = ServeOutput.awaitReady(serve, lines);
                Result r = ns.exec(
                        90,
                        "python3",
                        client.toString(),
                        "idle",
                        "--count",
                        Integer.toString(CONNECTIONS),
                        "--concurrency",
                        "200",
                        "--probe",
                        "25",
                        "--status-port",
                        "80",
                        "--timeout",
                        "60");
                String json = r.output()
                        .lines()
                        .filter(l -> l.startsWith("{"))
                        .findFirst()
                        .orElse("");
                String log;
                synchronized (lines) {
                    log = String.join("\n", lines);
                }
                assertTrue(serve.isAlive(), "jtcp serve is still running: " + r.output() + "\n" + log);
                assertEquals(CONNECTIONS, field(json, "established"), json + "\n" + log);
                assertEquals(25, field(json, "echo_ok"), "echo answers on the idle connections: " + json);
                assertEquals(CONNECTIONS, field(json, "alive"), "none was reset: " + json);
                assertTrue(json.contains("\"status\": {\"ok\": true"), "the status page answers: " + json);
                assertEquals(0, r.exitCode(), r.output());
                TunTestSupport.run(5, "kill", "-TERM", String.valueOf(serve.pid()));
                assertTrue(serve.waitFor(20, TimeUnit.SECONDS), "serve stops on SIGTERM");
                reader.join(5000);
            } finally {
                serve.destroyForcibly();
            }
            synchronized (lines) {
                assertTrue(lines.stream().noneMatch(l -> l.contains("OutOfMemoryError")), String.join("\n", lines));
            }
        }
    }

    /**
     * A budget too small for the load: past 3/4 of it jtcp drops new SYNs (counted), says so in
     * one line, and keeps serving the connections it holds; nothing crashes.
     */
    @Test
    void shouldRefuseConnectionsBeyondTheMemoryBudgetAndKeepServingTheOthers() throws Exception {
        Path client = Path.of("..", "src", "bench", "conn_client.py").toAbsolutePath();
        try (TestNetns ns = new TestNetns("membudget")) {
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx96m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    "io.jtcp.tun.cli.Main",
                    "serve",
                    "--netns",
                    ns.name(),
                    "--echo",
                    "7",
                    "--memory-budget",
                    "2"));
            Process serve = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            List<String> lines = new ArrayList<>();
            try {
                ServeOutput reader = ServeOutput.awaitReady(serve, lines);
                // 2 MiB: refusals from 1.5 MiB on, at about 760 connections of 2 KiB each.
                Result r = ns.exec(
                        60,
                        "python3",
                        client.toString(),
                        "idle",
                        "--count",
                        "1000",
                        "--concurrency",
                        "100",
                        "--probe",
                        "20",
                        "--timeout",
                        "6");
                String json = r.output()
                        .lines()
                        .filter(l -> l.startsWith("{"))
                        .findFirst()
                        .orElse("");
                assertTrue(serve.isAlive(), "jtcp serve is still running: " + r.output());
                int established = field(json, "established");
                assertTrue(established > 600 && established < 1000, "refused beyond the budget: " + json);
                assertEquals(20, field(json, "echo_ok"), "the admitted connections still echo: " + json);
                assertEquals(established, field(json, "alive"), "none was reset: " + json);
                TunTestSupport.run(5, "kill", "-TERM", String.valueOf(serve.pid()));
                assertTrue(serve.waitFor(20, TimeUnit.SECONDS), "serve stops on SIGTERM");
                reader.join(5000);
            } finally {
                serve.destroyForcibly();
            }
            synchronized (lines) {
                String log = String.join("\n", lines);
                assertTrue(log.contains("jtcp: memory budget under pressure ("), log);
                assertTrue(log.contains("drop.tcp_memory_pressure="), log);
            }
        }
    }
}
