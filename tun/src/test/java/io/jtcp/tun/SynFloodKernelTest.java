package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.tun.service.BytesPattern;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SYN flood from spoofed sources (raw socket in the test's namespace, addresses 10.7.200.x that
 * no interface has) against jtcp's port 80, while a kernel client connects to port 80 and to port 7
 * every 50 ms, each connection given 1 s to connect and be answered. SYN cookies (RFC 4987 §3.6)
 * and per-listener SYN queues keep both ports open. The full figure (20,000 SYN/s) is
 * {@code src/bench/synflood.sh}; this is a CI-sized run.
 */
@Tag("tun")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SynFloodKernelTest {
    private static final Path FLOOD = Path.of("..", "src", "bench", "synflood.py");

    @TempDir
    Path tmp;

    @BeforeEach
    void requireTun() {
        TunTestSupport.requireTun();
    }

    @Test
    void shouldKeepAcceptingLegitimateConnectionsOnEveryPortDuringASpoofedSynFlood() throws Exception {
        assertTrue(Files.isRegularFile(FLOOD), "flood generator missing: " + FLOOD.toAbsolutePath());
        try (JtcpFixture f = JtcpFixture.start("synflood", null)) {
            String script = FLOOD.toAbsolutePath().toString();
            // Warm-up without a flood (JIT), then the flood, then the client while it runs.
            f.ns.exec(20, "python3", script, "client", "--ports", "80,7", "--seconds", "1", "--interval", "0.01");
            Process flood = new ProcessBuilder(f.ns.command(
                            "python3", script, "flood", "--ports", "80", "--rate", "5000", "--seconds", "6"))
                    .redirectErrorStream(true)
                    .start();
            try {
                Thread.sleep(1000); // the queues fill within milliseconds; a second lets the flood settle
                TunTestSupport.Result client = f.ns.exec(
                        30, "python3", script, "client", "--ports", "80,7", "--seconds", "4", "--interval", "0.05");
                assertTrue(flood.waitFor(20, TimeUnit.SECONDS), "flood generator did not end");
                String floodOut = new String(flood.getInputStream().readAllBytes());
                long cookies = f.host.call(() -> f.host.stack().counters().tcpSynCookiesSent);
                long valid = f.host.call(() -> f.host.stack().counters().tcpSynCookiesValid);
                String report = client.output() + floodOut + "cookies sent " + cookies + ", valid " + valid;
                Matcher m = Pattern.compile("port 80: (\\d+)/(\\d+)\\s+port 7: (\\d+)/(\\d+)")
                        .matcher(client.output());
                assertTrue(m.find(), report);
                int ok80 = Integer.parseInt(m.group(1));
                int n80 = Integer.parseInt(m.group(2));
                int ok7 = Integer.parseInt(m.group(3));
                int n7 = Integer.parseInt(m.group(4));
                assertTrue(n80 >= 20 && n7 >= 20, "attempts: " + report);
                assertTrue(cookies > 1000, "the flood reached the queue limit: " + report);
                // Timing on a shared CI machine is noisy: one slow attempt per port is tolerated here;
                // the benchmark script measures the 99 % target at 20,000 SYN/s.
                assertTrue(ok80 >= n80 - 1, "flooded port 80: " + report);
                assertTrue(ok7 >= n7 - 1, "other port 7: " + report);
            } finally {
                flood.destroyForcibly();
            }
        }
    }

    /**
     * Connections made from cookies carry real transfers both ways, so the window scales and MSS
     * the cookie brought back (in the TSval echo) are right: 4 MiB down from the flooded HTTP port
     * and 4 MiB up into the flooded hashing sink, each checked by SHA-256.
     */
    @Test
    void shouldMoveDataBothWaysOverConnectionsMadeFromCookies() throws Exception {
        assertTrue(Files.isRegularFile(FLOOD), "flood generator missing: " + FLOOD.toAbsolutePath());
        try (JtcpFixture f = JtcpFixture.start("cookiexfer", null)) {
            String script = FLOOD.toAbsolutePath().toString();
            Path up = tmp.resolve("up");
            String upSha = KernelPeerTest.randomFile(up, 4 << 20, 21);
            Process flood = new ProcessBuilder(f.ns.command(
                            "python3",
                            script,
                            "flood",
                            "--ports",
                            "80," + JtcpFixture.HASH_PORT,
                            "--rate",
                            "3000",
                            "--seconds",
                            "20"))
                    .redirectErrorStream(true)
                    .start();
            try {
                awaitCookies(f);
                // On a loaded machine a legitimate SYN can still find a free queue slot (the flood
                // generator stalls too): each direction is retried until one transfer rode a cookie.
                boolean downByCookie = false;
                boolean upByCookie = false;
                for (int attempt = 0; attempt < 4 && !(downByCookie && upByCookie); attempt++) {
                    if (!downByCookie) {
                        long before = validCookies(f);
                        String down = f.ns.exec(
                                        30,
                                        "sh",
                                        "-c",
                                        "curl -sS --fail -m 20 http://10.7.0.2/bytes/" + (4 << 20) + " | sha256sum")
                                .expectSuccess()
                                .output();
                        assertTrue(down.startsWith(BytesPattern.sha256(4 << 20)), down);
                        downByCookie = validCookies(f) > before;
                    }
                    if (!upByCookie) {
                        long before = validCookies(f);
                        f.ns.exec(30, "sh", "-c", "timeout 20 nc -N 10.7.0.2 " + JtcpFixture.HASH_PORT + " < " + up)
                                .expectSuccess();
                        assertEquals(upSha + " " + (4 << 20), f.uploads.poll(10, TimeUnit.SECONDS));
                        upByCookie = validCookies(f) > before;
                    }
                }
                assertTrue(downByCookie, "the download came in by cookie");
                assertTrue(upByCookie, "the upload came in by cookie");
            } finally {
                flood.destroyForcibly();
            }
        }
    }

    private static long validCookies(JtcpFixture f) throws Exception {
        return f.host.call(() -> f.host.stack().counters().tcpSynCookiesValid);
    }

    /** Until the flood keeps the SYN queue full (cookies going out), at most 10 s. */
    private static void awaitCookies(JtcpFixture f) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        long last = -1;
        while (System.nanoTime() < deadline) {
            long sent = f.host.call(() -> f.host.stack().counters().tcpSynCookiesSent);
            if (last >= 0 && sent - last > 50) {
                return;
            }
            last = sent;
            Thread.sleep(200);
        }
        throw new AssertionError("the flood never filled the SYN queue (cookies sent: " + last + ")");
    }
}
