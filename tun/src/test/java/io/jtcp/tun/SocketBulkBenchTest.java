package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jtcp.stack.tcp.CloseReason;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.tun.socket.JtcpAcceptor;
import io.jtcp.tun.socket.JtcpConnection;
import io.jtcp.tun.socket.JtcpSockets;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Bulk transfer over TUN against the kernel, the blocking streams ({@code io.jtcp.tun.socket})
 * against the loop-thread callback API in the same run, both directions. Runs only with
 * JTCP_SOCKET_BENCH_MIB set (src/bench/sockets.sh); prints a table. Timed transfers count bytes
 * but do not hash them (a SHA-256 would cap both sides at its own speed); the content checks are
 * SocketKernelTest's.
 */
@Tag("tun")
class SocketBulkBenchTest {
    static final int PORT = 7200;
    static final int KERNEL_PORT = 8200;
    static final int CHUNK = 256 * 1024;

    @Test
    void blockingStreamsAgainstCallbacks() throws Exception {
        String mibEnv = System.getenv("JTCP_SOCKET_BENCH_MIB");
        Assumptions.assumeTrue(mibEnv != null, "set JTCP_SOCKET_BENCH_MIB to run");
        TunTestSupport.requireTun();
        final long bytes = Long.parseLong(mibEnv) << 20;
        final int rounds = Integer.parseInt(System.getenv().getOrDefault("JTCP_SOCKET_BENCH_ROUNDS", "3"));
        try (JtcpFixture f = JtcpFixture.start("sockbench", null)) {
            JtcpSockets sockets = JtcpSockets.of(f.host);
            JtcpAcceptor acceptor = sockets.listen(PORT);
            f.host.run(() -> f.host.stack().listen(PORT + 1, c -> new CallbackSink()));
            // Warm-up (JIT), untimed.
            receiveBlocking(f, acceptor, 256L << 20);
            receiveCallback(f, 256L << 20);
            sendBlocking(f, sockets, 256L << 20);
            sendCallback(f, 256L << 20);
            List<double[]> results = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                results.add(new double[] {
                    receiveCallback(f, bytes),
                    receiveBlocking(f, acceptor, bytes),
                    sendCallback(f, bytes),
                    sendBlocking(f, sockets, bytes)
                });
            }
            double[] best = new double[4];
            for (double[] r : results) {
                for (int i = 0; i < 4; i++) {
                    best[i] = Math.max(best[i], r[i]);
                }
            }
            System.out.printf(
                    "%n| %d MiB over TUN, best of %d | callback API | blocking streams | ratio |%n"
                            + "|---|---|---|---|%n"
                            + "| kernel -> jtcp (jtcp reads) | %.2f Gbit/s | %.2f Gbit/s | %.2f |%n"
                            + "| jtcp -> kernel (jtcp writes) | %.2f Gbit/s | %.2f Gbit/s | %.2f |%n",
                    bytes >> 20, rounds, best[0], best[1], best[1] / best[0], best[2], best[3], best[3] / best[2]);
            for (double[] r : results) {
                System.out.printf("round: %.2f %.2f %.2f %.2f%n", r[0], r[1], r[2], r[3]);
            }
            handoff(f, sockets, acceptor);
            acceptor.close();
        }
    }

    /**
     * The handoff through the real StackLoop (task queue, eventfd wake, ppoll): {@code available()}
     * is one operation to the loop and back, nothing else.
     */
    private static void handoff(JtcpFixture f, JtcpSockets sockets, JtcpAcceptor acceptor) throws Exception {
        Process p = kernelSender(f, PORT, 1);
        try (JtcpConnection c = acceptor.accept()) {
            for (int i = 0; i < 20_000; i++) {
                c.available(); // warm-up
            }
            final int n = 100_000;
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                c.available();
            }
            System.out.printf(
                    "handoff to the StackLoop and back (available()): %.1f us/op%n",
                    (System.nanoTime() - start) / 1000.0 / n);
        } finally {
            p.destroyForcibly();
        }
    }

    private static double gbit(long bytes, long ns) {
        return bytes * 8.0 / ns;
    }

    /** A kernel sender in the namespace: {@code bytes} of zeros to {@code port}. */
    private static Process kernelSender(JtcpFixture f, int port, long bytes) throws Exception {
        String script = "import socket\n"
                + "s = socket.create_connection(('10.7.0.2', " + port + "))\n"
                + "b = memoryview(bytes(1 << 20)); left = " + bytes + "\n"
                + "while left > 0:\n"
                + "    n = min(left, len(b)); s.sendall(b[:n]); left -= n\n"
                + "s.shutdown(socket.SHUT_WR); s.recv(1); s.close()\n";
        return new ProcessBuilder(f.ns.command("python3", "-c", script))
                .redirectErrorStream(true)
                .start();
    }

    private double receiveBlocking(JtcpFixture f, JtcpAcceptor acceptor, long bytes) throws Exception {
        Process p = kernelSender(f, PORT, bytes);
        try (JtcpConnection c = acceptor.accept()) {
            long start = System.nanoTime();
            byte[] buf = new byte[CHUNK];
            long got = 0;
            int n;
            while ((n = c.read(buf, 0, buf.length)) >= 0) {
                got += n;
            }
            long ns = System.nanoTime() - start;
            assertEquals(bytes, got);
            return gbit(bytes, ns);
        } finally {
            p.waitFor(30, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
    }

    /** The callback API's receiver: reads everything in onReadable, as a zero-copy user would copy once. */
    static final class CallbackSink implements TcpHandler {
        static volatile CompletableFuture<long[]> done = new CompletableFuture<>();
        private final byte[] buf = new byte[CHUNK];
        private long got;
        private long start;

        @Override
        public void onConnected(TcpConnection c) {
            start = System.nanoTime();
        }

        @Override
        public void onReadable(TcpConnection c) {
            int n;
            while ((n = c.read(buf, 0, buf.length)) > 0) {
                got += n;
            }
        }

        @Override
        public void onPeerClosed(TcpConnection c) {
            onReadable(c);
            done.complete(new long[] {got, System.nanoTime() - start});
            c.close();
        }

        @Override
        public void onClosed(TcpConnection c, CloseReason reason) {
            done.complete(new long[] {got, -1});
        }
    }

    private double receiveCallback(JtcpFixture f, long bytes) throws Exception {
        CallbackSink.done = new CompletableFuture<>();
        Process p = kernelSender(f, PORT + 1, bytes);
        try {
            long[] r = CallbackSink.done.get(120, TimeUnit.SECONDS);
            assertEquals(bytes, r[0]);
            return gbit(bytes, r[1]);
        } finally {
            p.waitFor(30, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
    }

    /** A kernel receiver in the namespace; prints READY, then the byte count at EOF. */
    private static Process kernelReceiver(JtcpFixture f) throws Exception {
        String script = "import socket\n"
                + "l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
                + "l.bind(('0.0.0.0', " + KERNEL_PORT + ")); l.listen(1); print('READY', flush=True)\n"
                + "c, _ = l.accept(); n = 0; b = bytearray(1 << 20)\n"
                + "while True:\n"
                + "    k = c.recv_into(b)\n"
                + "    if k == 0: break\n"
                + "    n += k\n"
                + "print(n, flush=True)\n";
        return new ProcessBuilder(f.ns.command("python3", "-c", script))
                .redirectErrorStream(true)
                .start();
    }

    private static long awaitCount(BufferedReader out) throws Exception {
        return Long.parseLong(out.readLine().strip());
    }

    private double sendBlocking(JtcpFixture f, JtcpSockets sockets, long bytes) throws Exception {
        Process p = kernelReceiver(f);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("READY", out.readLine());
            byte[] buf = new byte[CHUNK];
            long start = System.nanoTime();
            try (JtcpConnection c = sockets.connect(Ipv4Header.parseAddress("10.7.0.1"), KERNEL_PORT, 5000)) {
                for (long left = bytes; left > 0; left -= CHUNK) {
                    c.write(buf, 0, (int) Math.min(left, CHUNK));
                }
            }
            assertEquals(bytes, awaitCount(out));
            return gbit(bytes, System.nanoTime() - start);
        } finally {
            p.destroyForcibly();
        }
    }

    private double sendCallback(JtcpFixture f, long bytes) throws Exception {
        Process p = kernelReceiver(f);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("READY", out.readLine());
            byte[] buf = new byte[CHUNK];
            long start = System.nanoTime();
            f.host.run(() -> f.host.stack()
                    .connect(System.nanoTime(), Ipv4Header.parseAddress("10.7.0.1"), KERNEL_PORT, new TcpHandler() {
                        long left = bytes;

                        @Override
                        public void onConnected(TcpConnection c) {
                            onWritable(c);
                        }

                        @Override
                        public void onWritable(TcpConnection c) {
                            while (left > 0) {
                                int n = c.write(buf, 0, (int) Math.min(left, CHUNK));
                                left -= n;
                                if (n == 0) {
                                    return;
                                }
                            }
                            c.close();
                        }
                    }));
            assertEquals(bytes, awaitCount(out));
            return gbit(bytes, System.nanoTime() - start);
        } finally {
            p.destroyForcibly();
        }
    }
}
