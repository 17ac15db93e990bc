package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.tun.TunTestSupport.TestNetns;
import io.jtcp.tun.service.BytesPattern;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP/1.0 clients (jtcp closes first, so every connection leaves a TIME_WAIT on jtcp's side)
 * against {@code jtcp serve --max-connections 16}: TIME_WAIT records are not connections, so the
 * 17th and every later connection is accepted while 60 s of TIME_WAITs pile up.
 */
@Tag("tun")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TimeWaitKernelTest {
    private static final int REQUESTS = 300;

    /** Sequential HTTP/1.0 GETs, 2 s each at most; prints "ok N of M" (body checked by SHA-256). */
    private static final String CLIENT = String.join(
            "\n",
            "import hashlib, socket, sys, time",
            "n, size, want = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]",
            "ok, end = 0, time.monotonic() + 40",
            "for i in range(n):",
            "    if time.monotonic() > end: break",
            "    s = socket.socket(); s.settimeout(2)",
            "    try:",
            "        s.connect(('10.7.0.2', 80))",
            "        s.sendall(b'GET /bytes/%d HTTP/1.0\\r\\n\\r\\n' % size)",
            "        data = b''",
            "        while True:",
            "            chunk = s.recv(65536)",
            "            if not chunk: break",
            "            data += chunk",
            "        body = data.split(b'\\r\\n\\r\\n', 1)[1]",
            "        ok += hashlib.sha256(body).hexdigest() == want",
            "    except (OSError, IndexError) as e:",
            "        print('request', i, 'failed:', e)",
            "    finally:",
            "        s.close()",
            "print('ok', ok, 'of', n)");

    @BeforeEach
    void requireTun() {
        TunTestSupport.requireTun();
    }

    @Test
    void shouldKeepAcceptingCloseFirstClientsPastMaxConnectionsWhileTimeWaitsPileUp() throws Exception {
        try (TestNetns ns = new TestNetns("twcli")) {
            Process serve = new ProcessBuilder(CliKernelTest.jtcp(
                            "serve",
                            "--netns",
                            ns.name(),
                            "--http",
                            "80",
                            "--max-connections",
                            "16",
                            "--duration",
                            "60"))
                    .redirectErrorStream(true)
                    .start();
            List<String> lines = new ArrayList<>();
            try {
                ServeOutput reader = ServeOutput.awaitReady(serve, lines);
                String result = ns.exec(
                                60,
                                "python3",
                                "-c",
                                CLIENT,
                                String.valueOf(REQUESTS),
                                "1000",
                                BytesPattern.sha256(1000))
                        .output();
                assertTrue(result.contains("ok " + REQUESTS + " of " + REQUESTS), result);
                TunTestSupport.run(5, "kill", "-TERM", String.valueOf(serve.pid()));
                assertTrue(serve.waitFor(10, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
                reader.join(5000);
            } finally {
                serve.destroyForcibly();
            }
            synchronized (lines) {
                String all = String.join("\n", lines);
                assertTrue(all.contains("jtcp: stopped."), all);
                assertTrue(!all.contains("drop.tcp_table_full"), "no SYN refused for a full table: " + all);
            }
        }
    }
}
