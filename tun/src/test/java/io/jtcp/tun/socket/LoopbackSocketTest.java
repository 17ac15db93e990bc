package io.jtcp.tun.socket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.StackConfig;
import io.jtcp.stack.wire.Ipv4Header;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The socket layer between two in-memory stacks (no device): content by SHA-256, backpressure,
 * timeouts, resets, close races and the java.net/javax.net views, from many threads at once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoopbackSocketTest {
    static final int B = Ipv4Header.parseAddress(JtcpLoopback.B_ADDR);
    static final int PORT = 7000;

    JtcpLoopback loopback;
    ExecutorService threads;

    @BeforeEach
    void start() {
        loopback = new JtcpLoopback(
                () -> new StackConfig().sendBufferBytes(64 * 1024).receiveBufferBytes(64 * 1024));
        threads = SocketTestThreads.perTask();
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
        loopback.close();
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] sha(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    /** Echoes every accepted connection until its peer closes, each on a thread of its own. */
    void echoServer(JtcpAcceptor acceptor) {
        threads.submit(() -> {
            while (true) {
                JtcpConnection c;
                try {
                    c = acceptor.accept();
                } catch (IOException e) {
                    return null; // closed
                }
                threads.submit(() -> {
                    try (c) {
                        byte[] buf = new byte[8192];
                        int n;
                        while ((n = c.read(buf, 0, buf.length)) >= 0) {
                            c.write(buf, 0, n);
                        }
                        c.shutdownOutput();
                    }
                    return null;
                });
            }
        });
    }

    /** Writes {@code data} in random small pieces while a second thread reads the echo. */
    byte[] echoThrough(JtcpConnection c, byte[] data, long seed) throws Exception {
        Future<byte[]> echoed = threads.submit(() -> {
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[1 + new Random(seed).nextInt(3000)];
            int n;
            while ((n = c.read(buf, 0, buf.length)) >= 0) {
                got.write(buf, 0, n);
            }
            return got.toByteArray();
        });
        Random r = new Random(seed);
        int off = 0;
        while (off < data.length) {
            int n = Math.min(data.length - off, 1 + r.nextInt(r.nextBoolean() ? 64 : 20_000));
            c.write(data, off, n);
            off += n;
        }
        c.shutdownOutput();
        byte[] result = echoed.get(30, TimeUnit.SECONDS);
        c.close();
        return result;
    }

    @Test
    void echoFromManyThreadsKeepsEveryStreamIntact() throws Exception {
        JtcpAcceptor acceptor = loopback.b().listen(PORT, 100);
        echoServer(acceptor);
        List<Future<Boolean>> clients = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            final int seed = i;
            clients.add(threads.submit(() -> {
                byte[] data = random(50_000 + seed * 1000, seed);
                JtcpConnection c = loopback.a().connect(B, PORT, 5000);
                return java.util.Arrays.equals(sha(data), sha(echoThrough(c, data, seed)));
            }));
        }
        for (Future<Boolean> f : clients) {
            assertTrue(f.get(40, TimeUnit.SECONDS));
        }
        acceptor.close();
    }

    /**
     * Every step of a 1-byte ping-pong waits for the other side: each is a park that only the loop's
     * callback ends. With the watchdog off, one lost wake-up hangs the test.
     */
    @Test
    void pingPongOfSingleBytesOnManyConnectionsAtOnce() throws Exception {
        JtcpAcceptor acceptor = loopback.b().listen(PORT, 100);
        List<Future<Integer>> pairs = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            JtcpConnection client = loopback.a().connect(B, PORT, 5000);
            JtcpConnection server = acceptor.accept();
            threads.submit(() -> {
                byte[] b = new byte[1];
                while (server.read(b, 0, 1) == 1) {
                    b[0]++;
                    server.write(b, 0, 1);
                }
                server.close();
                return null;
            });
            pairs.add(threads.submit(() -> {
                byte[] b = new byte[1];
                int answered = 0;
                for (int k = 0; k < 2000; k++) {
                    b[0] = (byte) k;
                    client.write(b, 0, 1);
                    if (client.read(b, 0, 1) == 1 && b[0] == (byte) (k + 1)) {
                        answered++;
                    }
                }
                client.close();
                return answered;
            }));
        }
        for (Future<Integer> f : pairs) {
            assertEquals(2000, f.get(50, TimeUnit.SECONDS));
        }
        acceptor.close();
    }

    @Test
    void aWriterBlocksWhileThePeerDoesNotRead() throws Exception {
        JtcpAcceptor acceptor = loopback.b().listen(PORT);
        JtcpConnection client = loopback.a().connect(B, PORT, 5000);
        JtcpConnection server = acceptor.accept();
        byte[] data = random(4 << 20, 7);
        AtomicLong written = new AtomicLong();
        Future<?> writer = threads.submit(() -> {
            for (int off = 0; off < data.length; off += 16 * 1024) {
                client.write(data, off, 16 * 1024);
                written.addAndGet(16 * 1024);
            }
            client.shutdownOutput();
            return null;
        });
        Thread.sleep(300);
        // Only the two TCP buffers (64 KiB each, plus one write in progress) can hold data.
        assertTrue(written.get() <= 3 * 64 * 1024, "written while nobody reads: " + written.get());
        assertTrue(!writer.isDone());
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        int n;
        while ((n = server.read(buf, 0, buf.length)) >= 0) {
            got.write(buf, 0, n);
        }
        writer.get(10, TimeUnit.SECONDS);
        assertArrayEquals(sha(data), sha(got.toByteArray()));
        server.close();
        client.close();
    }

    @Test
    void connectToAClosedPortIsRefused() {
        IOException e = assertThrows(IOException.class, () -> loopback.a().connect(B, 9, 5000));
        assertTrue(e instanceof ConnectException, e.toString());
        assertTrue(e.getMessage().startsWith("Connection refused"), e.getMessage());
    }

    @Test
    void connectToNobodyTimesOut() {
        long t0 = System.nanoTime();
        assertThrows(SocketTimeoutException.class, () -> loopback.a()
                .connect(Ipv4Header.parseAddress("10.7.0.99"), PORT, 300));
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
    }

    @Test
    void aReadTimesOutAndTheConnectionStaysUsable() throws Exception {
        JtcpAcceptor acceptor = loopback.b().listen(PORT);
        JtcpConnection client = loopback.a().connect(B, PORT, 5000);
        JtcpConnection server = acceptor.accept();
        client.setSoTimeout(100);
        byte[] buf = new byte[10];
        assertThrows(SocketTimeoutException.class, () -> client.read(buf, 0, buf.length));
        server.write(new byte[] {1, 2, 3}, 0, 3);
        assertEquals(3, client.read(buf, 0, buf.length));
        assertEquals(3, buf[2]);
        server.close();
        assertEquals(-1, client.read(buf, 0, buf.length));
        client.close();
    }

    @Test
    void aResetByThePeerFailsTheBlockedReader() throws Exception {
        JtcpAcceptor acceptor = loopback.b().listen(PORT);
        JtcpConnection client = loopback.a().connect(B, PORT, 5000);
        JtcpConnection server = acceptor.accept();
        Future<Integer> reader = threads.submit(() -> client.read(new byte[10], 0, 10));
        Thread.sleep(50);
        server.abort();
        Exception e = assertThrows(Exception.class, () -> reader.get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof SocketException, e.toString());
        assertEquals("Connection reset", e.getCause().getMessage());
        assertThrows(SocketException.class, () -> client.write(new byte[1], 0, 1));
    }

    @Test
    void closeFromAnotherThreadWakesBlockedReadersAndWriters() throws Exception {
        JtcpAcceptor acceptor = loopback.b().listen(PORT, 200);
        Random r = new Random(3);
        for (int i = 0; i < 100; i++) {
            JtcpConnection client = loopback.a().connect(B, PORT, 5000);
            JtcpConnection server = acceptor.accept();
            Future<Integer> reader = threads.submit(() -> client.read(new byte[10], 0, 10));
            Future<?> writer = threads.submit(() -> {
                byte[] big = new byte[1 << 20];
                while (true) {
                    client.write(big, 0, big.length);
                }
            });
            if (r.nextBoolean()) {
                Thread.sleep(r.nextInt(3));
            }
            client.close();
            for (Future<?> f : List.of(reader, writer)) {
                Exception e = assertThrows(Exception.class, () -> f.get(5, TimeUnit.SECONDS));
                assertTrue(e.getCause() instanceof SocketException, "iteration " + i + ": " + e);
            }
            server.abort();
        }
        acceptor.close();
    }

    /**
     * Connect timeouts that race the handshake: each attempt either connects or times out, and a
     * timed-out attempt whose SYN-ACK comes later is aborted, so nothing is left behind.
     */
    @Test
    void connectTimeoutsRacingTheHandshakeLeaveNoConnectionBehind() throws Exception {
        JtcpAcceptor acceptor = loopback.b().listen(PORT, 1000);
        threads.submit(() -> {
            while (true) {
                acceptor.accept().close();
            }
        });
        int connected = 0;
        int timedOut = 0;
        for (int i = 0; i < 300; i++) {
            try {
                loopback.a().connect(B, PORT, 1 + (i % 2)).close();
                connected++;
            } catch (SocketTimeoutException e) {
                timedOut++;
            }
        }
        assertEquals(300, connected + timedOut);
        System.out.println("connect races: " + connected + " connected, " + timedOut + " timed out");
        CompletableFuture<Integer> left = new CompletableFuture<>();
        for (int i = 0; i < 200; i++) {
            CompletableFuture<Integer> count = new CompletableFuture<>();
            loopback.execute((a, b) -> count.complete(a.openConnectionCount() + b.openConnectionCount()));
            if (count.get(5, TimeUnit.SECONDS) == 0) {
                left.complete(0);
                break;
            }
            Thread.sleep(20);
        }
        assertEquals(
                0, left.getNow(-1), "connections left open (" + connected + " connected, " + timedOut + " timed out)");
        acceptor.close();
    }

    @Test
    void acceptTimesOutAndCloseWakesAcceptors() throws Exception {
        JtcpAcceptor acceptor = loopback.b().listen(PORT);
        acceptor.setSoTimeout(100);
        assertThrows(SocketTimeoutException.class, acceptor::accept);
        acceptor.setSoTimeout(0);
        List<Future<JtcpConnection>> waiting = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waiting.add(threads.submit(acceptor::accept));
        }
        Thread.sleep(50);
        acceptor.close();
        for (Future<JtcpConnection> f : waiting) {
            Exception e = assertThrows(Exception.class, () -> f.get(5, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof SocketException, e.toString());
        }
        // The port is free again.
        loopback.b().listen(PORT).close();
    }

    @Test
    void acceptQueueIsBoundedByTheBacklog() throws Exception {
        JtcpAcceptor acceptor = loopback.b().listen(PORT, 2);
        List<JtcpConnection> clients = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            clients.add(loopback.a().connect(B, PORT, 5000));
        }
        Thread.sleep(100);
        assertEquals(3, acceptor.overflows());
        acceptor.accept().close();
        acceptor.accept().close();
        acceptor.close();
        for (JtcpConnection c : clients) {
            c.close();
        }
    }

    @Test
    void blockingCallsOnTheLoopThreadFailFast() throws Exception {
        CompletableFuture<Throwable> seen = new CompletableFuture<>();
        JtcpSockets a = loopback.a();
        loopback.execute((sa, sb) -> {
            try {
                a.connect(B, PORT, 100);
                seen.complete(null);
            } catch (Throwable t) {
                seen.complete(t);
            }
        });
        Throwable t = seen.get(5, TimeUnit.SECONDS);
        assertTrue(t instanceof IllegalStateException, String.valueOf(t));
    }

    @Test
    void javaNetSocketsThroughTheFactories() throws Exception {
        ServerSocket server = loopback.b().serverSocketFactory().createServerSocket(PORT);
        Future<byte[]> served = threads.submit(() -> {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                byte[] all = in.readAllBytes();
                s.getOutputStream().write(sha(all));
                return all;
            }
        });
        byte[] data = random(300_000, 11);
        try (Socket s = loopback.a().socketFactory().createSocket()) {
            s.connect(new InetSocketAddress(JtcpLoopback.B_ADDR, PORT), 2000);
            assertTrue(s.isConnected());
            assertEquals(PORT, s.getPort());
            assertEquals(JtcpLoopback.B_ADDR, s.getInetAddress().getHostAddress());
            assertEquals(JtcpLoopback.A_ADDR, s.getLocalAddress().getHostAddress());
            assertTrue(s.getLocalPort() > 0);
            s.setTcpNoDelay(true);
            s.setSoTimeout(5000);
            assertEquals(5000, s.getSoTimeout());
            OutputStream out = s.getOutputStream();
            out.write(data);
            out.flush();
            s.shutdownOutput();
            assertArrayEquals(sha(data), s.getInputStream().readAllBytes());
        }
        assertArrayEquals(data, served.get(10, TimeUnit.SECONDS));
        server.setSoTimeout(50);
        assertThrows(SocketTimeoutException.class, server::accept);
        server.close();
        assertTrue(server.isClosed());
    }

    @Test
    void javaNetReadTimeoutAndRefusal() throws Exception {
        assertThrows(ConnectException.class, () -> loopback.a().socketFactory().createSocket(JtcpLoopback.B_ADDR, 9));
        ServerSocket server = loopback.b().serverSocket(PORT, 10);
        try (Socket s = loopback.a().socketFactory().createSocket(JtcpLoopback.B_ADDR, PORT)) {
            Socket accepted = server.accept();
            s.setSoTimeout(100);
            assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read());
            accepted.setSoLinger(true, 0);
            accepted.close(); // RST
            SocketException e =
                    assertThrows(SocketException.class, () -> s.getInputStream().read());
            assertEquals("Connection reset", e.getMessage());
        }
        server.close();
    }

    /**
     * Apache HttpClient 5.6 sets TCP_KEEPIDLE/TCP_KEEPINTERVAL/TCP_KEEPCOUNT through {@code
     * jdk.net.Sockets}, that is {@code Socket.setOption}, on every socket it connects: unsupported, they failed every request.
     */
    @Test
    void keepAliveTuningOptionsAreAcceptedAndReportedBack() throws Exception {
        ServerSocket server = loopback.b().serverSocket(PORT, 10);
        try (Socket s = loopback.a().socketFactory().createSocket(JtcpLoopback.B_ADDR, PORT)) {
            assertTrue(s.supportedOptions().contains(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE));
            s.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE, 30);
            s.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL, 5);
            s.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT, 4);
            assertEquals(30, s.getOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE));
            assertEquals(5, s.getOption(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL));
            assertEquals(4, s.getOption(jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT));
            assertThrows(
                    IllegalArgumentException.class, () -> s.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE, 0));
            s.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            assertEquals(true, s.getOption(java.net.StandardSocketOptions.TCP_NODELAY));
            s.setOption(java.net.StandardSocketOptions.SO_LINGER, 3);
            assertEquals(3, s.getSoLinger());
            s.setOption(java.net.StandardSocketOptions.SO_LINGER, -1);
            assertEquals(-1, s.getOption(java.net.StandardSocketOptions.SO_LINGER));
        }
        server.close();
    }

    @Test
    void asyncConnectionCompletesOnTheChosenExecutor() throws Exception {
        JtcpAcceptor acceptor = loopback.b().listen(PORT);
        echoServer(acceptor);
        ExecutorService callbacks = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "callbacks");
            t.setDaemon(true);
            return t;
        });
        try {
            JtcpAsyncConnection c =
                    loopback.a().connectAsync(B, PORT, callbacks).get(5, TimeUnit.SECONDS);
            byte[] data = random(200_000, 5);
            // The executor is held busy, so the write cannot complete before the dependent is attached.
            java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
            callbacks.execute(() -> {
                try {
                    hold.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            CompletableFuture<String> thread = new CompletableFuture<>();
            CompletableFuture<Void> written = c.write(ByteBuffer.wrap(data))
                    .thenAccept(n -> thread.complete(Thread.currentThread().getName()));
            hold.countDown();
            written.get(5, TimeUnit.SECONDS);
            assertEquals("callbacks", thread.get());
            c.shutdownOutput().get(5, TimeUnit.SECONDS);
            ByteBuffer got = ByteBuffer.allocateDirect(data.length + 1);
            while (c.read(got).get(5, TimeUnit.SECONDS) >= 0) {
                // until the echo server's FIN
            }
            got.flip();
            byte[] back = new byte[got.remaining()];
            got.get(back);
            assertArrayEquals(sha(data), sha(back));
            c.close();
            ExecutionException_assert(c.read(ByteBuffer.allocate(1)));
            CompletableFuture<JtcpAsyncConnection> refused = loopback.a().connectAsync(B, 9, null);
            Exception e = assertThrows(Exception.class, () -> refused.get(5, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof ConnectException, e.toString());
        } finally {
            callbacks.shutdownNow();
        }
    }

    private static void ExecutionException_assert(CompletableFuture<Integer> f) {
        Exception e = assertThrows(Exception.class, () -> f.get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof SocketException, e.toString());
    }

    @Test
    void aStoppedLoopFailsWaitersInsteadOfHangingThem() throws Exception {
        JtcpAcceptor acceptor = loopback.b().listen(PORT);
        JtcpConnection client = loopback.a().connect(B, PORT, 5000);
        acceptor.accept();
        Future<Integer> reader = threads.submit(() -> client.read(new byte[10], 0, 10));
        Thread.sleep(50);
        loopback.close();
        Exception e = assertThrows(Exception.class, () -> reader.get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof SocketException, e.toString());
        assertThrows(SocketException.class, () -> client.read(new byte[1], 0, 1));
        assertThrows(SocketException.class, () -> loopback.a().connect(B, PORT, 100));
    }
}
