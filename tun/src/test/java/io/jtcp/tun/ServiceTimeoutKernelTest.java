package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.StackConfig;
import io.jtcp.tun.TunTestSupport.TestNetns;
import io.jtcp.tun.service.EchoService;
import io.jtcp.tun.service.HttpService;
import io.jtcp.tun.service.ServiceTimers;
import io.jtcp.tun.service.StatusPage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The services' timeouts against kernel clients (python3 sockets in the namespace), with the
 * timeouts shortened to a second: a slowloris client trickling one header byte every 100 ms is cut
 * at the head timeout, an idle keep-alive connection at the idle timeout, an idle echo connection
 * at its idle timeout, and a client that keeps sending real requests is never cut. All four run at
 * once, so the test takes about five seconds.
 */
@Tag("tun")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServiceTimeoutKernelTest {
    private static final long S = 1_000_000_000L;

    @TempDir
    Path tmp;

    @BeforeEach
    void requireTun() {
        TunTestSupport.requireTun();
    }

    private static final String CLIENTS =
            """
            import socket, threading, time
            T0 = time.monotonic()
            out = {}
            def until_eof(s, limit):
                data = b""
                s.settimeout(0.05)
                while time.monotonic() < limit:
                    try:
                        b = s.recv(65536)
                    except socket.timeout:
                        continue
                    except ConnectionResetError:
                        return data, "rst"
                    if not b:
                        return data, "eof"
                    data += b
                return data, "open"
            def slowloris():
                s = socket.create_connection(("10.7.0.2", 80))
                start = time.monotonic()
                s.sendall(b"GET / HTTP/1.1\\r\\nHost: x\\r\\n")
                status = "open"
                data = b""
                while time.monotonic() - start < 6:
                    try:
                        s.sendall(b"X")
                    except OSError:
                        status = "send-failed"
                        break
                    d, status = until_eof(s, time.monotonic() + 0.1)
                    data += d
                    if status != "open":
                        break
                out["slowloris"] = "%s %.2f %s" % (status, time.monotonic() - start, data[:12].decode())
            def idle():
                s = socket.create_connection(("10.7.0.2", 80))
                s.sendall(b"GET /bytes/10 HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
                data = b""
                while not data.endswith(b"\\r\\n\\r\\n" + bytes(10)) and len(data) < 200:
                    data += s.recv(1000)
                    if b"\\r\\n\\r\\n" in data and len(data.split(b"\\r\\n\\r\\n", 1)[1]) >= 10:
                        break
                end = time.monotonic()
                d, status = until_eof(s, end + 6)
                out["idle"] = "%s %.2f" % (status, time.monotonic() - end)
            def echo():
                s = socket.create_connection(("10.7.0.2", 7))
                s.sendall(b"hello")
                got = b""
                while len(got) < 5:
                    got += s.recv(100)
                end = time.monotonic()
                d, status = until_eof(s, end + 6)
                out["echo"] = "%s %.2f %s" % (status, time.monotonic() - end, got.decode())
            def active():
                s = socket.create_connection(("10.7.0.2", 80))
                start = time.monotonic()
                n = 0
                while time.monotonic() - start < 4.5:
                    s.sendall(b"GET /bytes/100 HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
                    data = b""
                    while True:
                        b = s.recv(1000)
                        if not b:
                            out["active"] = "cut after %d" % n
                            return
                        data += b
                        if b"\\r\\n\\r\\n" in data and len(data.split(b"\\r\\n\\r\\n", 1)[1]) >= 100:
                            break
                    n += 1
                    time.sleep(0.25)
                out["active"] = "open %d" % n
            ts = [threading.Thread(target=f) for f in (slowloris, idle, echo, active)]
            for t in ts: t.start()
            for t in ts: t.join(15)
            for k in sorted(out): print(k, out[k])
            """;

    @Test
    void shouldCutSlowAndIdleClientsButNeverABusyOne() throws Exception {
        try (TestNetns ns = new TestNetns("timeouts")) {
            JtcpHost host = JtcpHost.start(new TunConfig().netns(ns.name()), new StackConfig());
            try {
                ServiceTimers timers = host.serviceTimers();
                host.run(() -> {
                    host.stack()
                            .listen(80, new HttpService(StatusPage.of(host.stack(), timers), timers, 1 * S, 3 * S / 2));
                    host.stack().listen(7, new EchoService(timers, 1 * S));
                });
                Path script = tmp.resolve("clients.py");
                Files.writeString(script, CLIENTS);
                String out = ns.exec(30, "python3", script.toString())
                        .expectSuccess()
                        .output();
                System.out.println(out);
                String slowloris = line(out, "slowloris");
                assertTrue(slowloris.startsWith("eof "), out);
                double cutAfter = Double.parseDouble(slowloris.split(" ")[1]);
                assertTrue(cutAfter >= 0.8 && cutAfter < 4, "cut at the 1 s head timeout: " + out);
                assertTrue(slowloris.endsWith("HTTP/1.1 408"), "a partial head gets a 408: " + out);
                String idle = line(out, "idle");
                assertTrue(idle.startsWith("eof "), out);
                double idleFor = Double.parseDouble(idle.split(" ")[1]);
                assertTrue(idleFor >= 1.2 && idleFor < 5, "closed at the 1.5 s idle timeout: " + out);
                String echo = line(out, "echo");
                assertTrue(echo.startsWith("eof ") && echo.endsWith(" hello"), out);
                String active = line(out, "active");
                assertTrue(active.startsWith("open "), "a busy keep-alive client is never cut: " + out);
                assertTrue(Integer.parseInt(active.split(" ")[1]) >= 10, out);
                long[] counts = host.call(() -> new long[] {
                    timers.httpHeadTimeouts, timers.httpIdleTimeouts, timers.httpSendTimeouts, timers.idleTimeouts
                });
                assertEquals(1, counts[0], "head timeouts: " + out);
                assertEquals(1, counts[1], "idle timeouts (the active client's close comes later): " + out);
                assertEquals(0, counts[2]);
                assertEquals(1, counts[3]);
            } finally {
                host.close();
            }
        }
    }

    private static String line(String out, String key) {
        return out.lines()
                .filter(l -> l.startsWith(key + " "))
                .map(l -> l.substring(key.length() + 1))
                .findFirst()
                .orElse("missing: " + out);
    }
}
