package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.fault.FaultSpec;
import io.jtcp.tun.TunTestSupport.Result;
import io.jtcp.tun.TunTestSupport.TestNetns;
import io.jtcp.tun.service.BytesPattern;
import io.jtcp.tun.socket.JtcpSockets;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The socket API ({@code io.jtcp.tun.socket}) against the kernel's TCP through a TUN device:
 * a jtcp ServerSocket echo with 100 kernel clients at once, OkHttp over the SocketFactory against
 * python's http.server (also through 2 % loss), refusals, timeouts and resets as java.net reports
 * them. Content is checked by SHA-256.
 */
@Tag("tun")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SocketKernelTest {
    static final int ECHO_PORT = 7100;

    @TempDir
    Path tmp;

    @BeforeEach
    void requireTun() {
        TunTestSupport.requireTun();
    }

    /** Python in the namespace: {@code n} connections at once, each sends, reads the echo, compares. */
    static String echoClients(int n, int bytes) {
        return "import socket, threading, hashlib, os\n"
                + "ok = []\n"
                + "def one(i):\n"
                + "    data = os.urandom(" + bytes + " + i * 997)\n"
                + "    s = socket.create_connection(('10.7.0.2', " + ECHO_PORT + "), timeout=60)\n"
                + "    def send():\n"
                + "        for k in range(0, len(data), 1000 + i * 37):\n"
                + "            s.sendall(data[k:k + 1000 + i * 37])\n"
                + "        s.shutdown(socket.SHUT_WR)\n"
                + "    t = threading.Thread(target=send); t.start()\n"
                + "    h = hashlib.sha256(); got = 0\n"
                + "    while True:\n"
                + "        b = s.recv(65536)\n"
                + "        if not b: break\n"
                + "        h.update(b); got += len(b)\n"
                + "    t.join(); s.close()\n"
                + "    if h.digest() == hashlib.sha256(data).digest(): ok.append(i)\n"
                + "    else: print('MISMATCH', i, got, len(data), flush=True)\n"
                + "ts = [threading.Thread(target=one, args=(i,)) for i in range(" + n + ")]\n"
                + "[t.start() for t in ts]; [t.join() for t in ts]\n"
                + "print('OK', len(ok), flush=True)\n";
    }

    @Test
    void hundredKernelClientsAgainstAServerSocketEchoOnThreadsPerConnection() throws Exception {
        try (JtcpFixture f = JtcpFixture.start("sockecho", null)) {
            JtcpSockets sockets = JtcpSockets.of(f.host);
            ExecutorService threads = io.jtcp.tun.socket.SocketTestThreads.perTask();
            ServerSocket server = sockets.serverSocketFactory().createServerSocket(ECHO_PORT, 128);
            try {
                threads.submit(() -> {
                    while (true) {
                        Socket s = server.accept();
                        threads.submit(() -> {
                            try (s) {
                                InputStream in = s.getInputStream();
                                OutputStream out = s.getOutputStream();
                                byte[] buf = new byte[16 * 1024];
                                int n;
                                while ((n = in.read(buf)) >= 0) {
                                    out.write(buf, 0, n);
                                }
                                s.shutdownOutput();
                            }
                            return null;
                        });
                    }
                });
                Result r = f.ns.exec(100, "python3", "-c", echoClients(100, 100_000));
                assertEquals("OK 100", r.expectSuccess().output().strip(), r.output());
            } finally {
                server.close();
                threads.shutdownNow();
            }
        }
    }

    /** python3 -m http.server in the namespace serving one random file; returns its SHA-256. */
    private Process httpServer(TestNetns ns, int bytes) throws Exception {
        Path www = Files.createDirectory(tmp.resolve("www"));
        Files.writeString(tmp.resolve("sha"), KernelPeerTest.randomFile(www.resolve("file.bin"), bytes, 21));
        Process server = ns.httpServer(www, tmp.resolve("http.log"));
        CliKernelTest.awaitListening(ns, 8000);
        return server;
    }

    private void okHttpGet(JtcpFixture f, int bytes) throws Exception {
        Process server = httpServer(f.ns, bytes);
        OkHttpClient client = new OkHttpClient.Builder()
                .socketFactory(JtcpSockets.of(f.host).socketFactory())
                .connectTimeout(10, TimeUnit.SECONDS)
                .readTimeout(30, TimeUnit.SECONDS)
                .build();
        try (Response response = client.newCall(new Request.Builder()
                        .url("http://10.7.0.1:8000/file.bin")
                        .build())
                .execute()) {
            assertEquals(200, response.code());
            MessageDigest md = JtcpFixture.sha256();
            long length = 0;
            try (InputStream in = response.body().byteStream()) {
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    md.update(buf, 0, n);
                    length += n;
                }
            }
            assertEquals(bytes, length);
            assertEquals(Files.readString(tmp.resolve("sha")), BytesPattern.hex(md.digest()));
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
            server.destroyForcibly();
        }
    }

    @Test
    void okHttpGetsTenMebibytesThroughTheSocketFactory() throws Exception {
        try (JtcpFixture f = JtcpFixture.start("okhttp", null)) {
            okHttpGet(f, 10 << 20);
        }
    }

    @Test
    void okHttpGetsThroughTwoPercentLoss() throws Exception {
        try (JtcpFixture f = JtcpFixture.start("okloss", null, FaultSpec.parse("loss=2%,seed=5"))) {
            okHttpGet(f, 4 << 20);
            // The download's data segments come in: the inbound injector is the one that drops them.
            long dropped = f.host.call(() -> f.host.loop().inboundFaults().dropped());
            assertTrue(dropped > 20, "the loss was real: " + dropped + " inbound packets dropped");
        }
    }

    @Test
    void refusalsTimeoutsAndResetsSurfaceAsJavaNetDoes() throws Exception {
        try (JtcpFixture f = JtcpFixture.start("sockerr", null)) {
            JtcpSockets sockets = JtcpSockets.of(f.host);
            // Nothing listens on 8001 in the namespace: the kernel answers RST.
            assertThrows(ConnectException.class, () -> sockets.socketFactory().createSocket("10.7.0.1", 8001));
            String server = "import socket, time\n"
                    + "l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
                    + "l.bind(('0.0.0.0', 8002)); l.listen(5)\n"
                    + "c, _ = l.accept()\n"
                    + "c.recv(1)\n" // the client's go-ahead after its read timed out
                    + "import struct\n"
                    + "c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))\n"
                    + "c.close(); time.sleep(2)\n";
            Process py = new ProcessBuilder(f.ns.command("python3", "-c", server))
                    .redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("py.log").toFile())
                    .start();
            try {
                CliKernelTest.awaitListening(f.ns, 8002);
                try (Socket s = sockets.socket()) {
                    s.connect(new InetSocketAddress("10.7.0.1", 8002), 5000);
                    s.setSoTimeout(200);
                    assertThrows(SocketTimeoutException.class, () -> s.getInputStream()
                            .read());
                    s.getOutputStream().write('x');
                    s.setSoTimeout(5000);
                    SocketException e = assertThrows(
                            SocketException.class, () -> s.getInputStream().read());
                    assertEquals("Connection reset", e.getMessage(), Files.readString(tmp.resolve("py.log")));
                }
            } finally {
                py.destroyForcibly();
            }
        }
    }

    @Test
    void theEngineRefusesCallsFromOtherThreads() {
        try (JtcpFixture f = JtcpFixture.start("sockown", null)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, f.host::stack);
            assertTrue(e.getMessage().contains("event loop thread"), e.getMessage());
            assertTrue(f.host.call(() -> f.host.stack().connectionCount()) >= 0);
        }
    }
}
