package io.jtcp.tun.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jtcp.stack.StackConfig;
import io.jtcp.tun.JtcpHost;
import io.jtcp.tun.TunConfig;
import io.jtcp.tun.TunTestSupport;
import io.jtcp.tun.TunTestSupport.TestNetns;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's "Use as a library" example, run as written against nc in a namespace. */
@Tag("tun")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadmeExampleKernelTest {
    /** The example: an uppercase echo on port 7000, one thread per connection. */
    static void upperEcho(JtcpHost host, ExecutorService threads) throws Exception {
        try (ServerSocket server = JtcpSockets.of(host).serverSocket(7000, 50)) {
            while (true) {
                Socket s = server.accept();
                threads.submit(() -> {
                    try (s;
                            BufferedReader in = new BufferedReader(
                                    new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                            PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
                        for (String line; (line = in.readLine()) != null; ) {
                            out.println(line.toUpperCase());
                        }
                    }
                    return null;
                });
            }
        }
    }

    @Test
    void upperEchoAnswersNc() throws Exception {
        TunTestSupport.requireTun();
        try (TestNetns ns = new TestNetns("readme");
                JtcpHost host = JtcpHost.start(new TunConfig().netns(ns.name()), new StackConfig())) {
            ExecutorService threads = SocketTestThreads.perTask();
            try {
                threads.submit(() -> {
                    upperEcho(host, threads);
                    return null;
                });
                TunTestSupport.Result r = null;
                for (int i = 0; i < 50; i++) {
                    r = ns.exec(10, "sh", "-c", "printf 'hello\\nworld\\n' | nc -N -w 5 10.7.0.2 7000");
                    if (r.exitCode() == 0) {
                        break;
                    }
                    Thread.sleep(50); // until the server listens
                }
                assertEquals("HELLO\nWORLD\n", r.expectSuccess().output());
            } finally {
                threads.shutdownNow();
            }
        }
    }
}
