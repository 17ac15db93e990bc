package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.StackConfig;
import io.jtcp.stack.StackCounters;
import io.jtcp.stack.fault.FaultSpec;
import io.jtcp.tun.TunTestSupport.TestNetns;
import io.jtcp.tun.service.BytesPattern;
import io.jtcp.tun.service.HttpService;
import io.jtcp.tun.service.ShardStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A real multi-queue TUN device: two queues, two loops, two stacks, the kernel steering flows between them. */
@Tag("tun")
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class MultiQueueKernelTest {
    private static final int BYTES = 24 << 20;

    @TempDir
    Path tmp;

    @BeforeEach
    void requireTun() {
        TunTestSupport.requireTun();
    }

    private static String deviceName() {
        return "tunmq" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 16));
    }

    @ParameterizedTest(name = "offloads {0}")
    @ValueSource(booleans = {true, false})
    void shouldCarryFourDownloadsAndFourUploadsAtOnceOverTwoQueues(boolean offload) throws Exception {
        TunConfig tun = new TunConfig().name(deviceName()).queues(2).vnetHeader(offload);
        try (JtcpFixture f = JtcpFixture.start("mq", null, null, tun)) {
            assertEquals(2, f.host.shardCount(), "multi-queue refused: " + f.host.multiQueueRefusal());
            assertTrue(f.ns.exec(10, "ip", "-d", "link", "show", tun.name())
                    .output()
                    .contains("numqueues 2"));
            List<String> ups = new ArrayList<>();
            StringBuilder script = new StringBuilder("cd " + tmp + "; ");
            for (int i = 0; i < 4; i++) {
                ups.add(KernelPeerTest.randomFile(tmp.resolve("up" + i), BYTES, 100 + i) + " " + BYTES);
                script.append("(curl -sS --fail -m 100 -o down")
                        .append(i)
                        .append(" http://10.7.0.2/bytes/")
                        .append(BYTES)
                        .append(") & ");
                script.append("(timeout 100 nc -N 10.7.0.2 ")
                        .append(JtcpFixture.HASH_PORT)
                        .append(" < up")
                        .append(i)
                        .append(") & ");
            }
            script.append("wait && sha256sum down0 down1 down2 down3");
            String sums = f.ns.exec(120, "sh", "-c", script.toString())
                    .expectSuccess()
                    .output();
            String want = BytesPattern.sha256(BYTES);
            for (int i = 0; i < 4; i++) {
                assertTrue(sums.contains(want + "  down" + i), "download " + i + ": " + sums);
            }
            Set<String> got = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                got.add(f.uploads.poll(20, TimeUnit.SECONDS));
            }
            assertEquals(new HashSet<>(ups), got, "the four uploads by SHA-256");
            // Eight connections hash to both shards but for a chance of 2^-7; a few short
            // requests more make "both carried connections" certain rather than likely.
            for (int i = 0; i < 20 && minAccepted(f.host.shardStatus()) == 0; i++) {
                f.ns.exec(20, "curl", "-sS", "--fail", "-m", "10", "-o", "/dev/null", "http://10.7.0.2/bytes/1")
                        .expectSuccess();
            }
            ShardStatus shards = f.host.shardStatus();
            assertTrue(minAccepted(shards) > 0, "both shards accepted connections");
            // Only the first packets of a flow cross between shards: the owner's writes steer
            // the rest to its own queue (the kernel's flow table).
            long handedOff = shards.link(0).handedOff + shards.link(1).handedOff;
            long packetsIn = f.host.counters().ipPacketsIn;
            assertTrue(handedOff > 0, "a SYN read on the other queue was handed to its owner");
            assertTrue(handedOff * 20 < packetsIn, handedOff + " of " + packetsIn + " packets handed off");
            f.ns.exec(10, "ping", "-c", "2", "-W", "2", "10.7.0.2").expectSuccess();
            f.ns.exec(10, "ping", "-c", "1", "-s", "4000", "-W", "2", "10.7.0.2")
                    .expectSuccess(); // fragments
        }
    }

    /**
     * The kernel forgets a flow's queue when jtcp has not written on it for about 3 s (its flow
     * table ages entries out) and then picks a queue by its own hash, which is not ours. A
     * connection jtcp opened lives on the shard that sent its SYN; when the kernel speaks first
     * after the idle time, about half of them come back on the other queue, and only the hand-off
     * keeps them alive (without it they are reset).
     */
    @Test
    void shouldKeepActiveOpensAliveWhenTheKernelForgotTheirQueue() throws Exception {
        TunConfig tun = new TunConfig().name(deviceName()).queues(2);
        try (JtcpFixture f = JtcpFixture.start("mqidle", null, null, tun)) {
            String server = String.join(
                    "\n",
                    "import socket, threading, time",
                    "l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
                    "l.bind(('10.7.0.1', 7007)); l.listen(64); print('listening', flush=True)",
                    "def serve(c):",
                    "    c.sendall(c.recv(100)); time.sleep(8); c.sendall(b'later'); c.close()",
                    "for _ in range(12):",
                    "    threading.Thread(target=serve, args=(l.accept()[0],)).start()");
            Process p = new ProcessBuilder(f.ns.command("timeout", "60", "python3", "-c", server))
                    .redirectErrorStream(true)
                    .start();
            try {
                p.getInputStream().read(new byte[16]); // "listening"
                io.jtcp.tun.socket.JtcpSockets sockets = io.jtcp.tun.socket.JtcpSockets.of(f.host);
                List<io.jtcp.tun.socket.JtcpConnection> connections = new ArrayList<>();
                int kernel = io.jtcp.stack.wire.Ipv4Header.parseAddress("10.7.0.1");
                for (int i = 0; i < 12; i++) {
                    io.jtcp.tun.socket.JtcpConnection c = sockets.connect(kernel, 7007, 5000);
                    c.setSoTimeout(20_000);
                    c.write(new byte[] {(byte) i}, 0, 1);
                    assertEquals(i, c.getInputStream().read());
                    connections.add(c);
                }
                for (int i = 0; i < 2; i++) {
                    assertTrue(f.host.shardStatus().stackForReading(i).counters().tcpConnectionsOpened > 0);
                }
                int later = 0;
                for (io.jtcp.tun.socket.JtcpConnection c : connections) {
                    later += new String(c.getInputStream().readAllBytes()).equals("later") ? 1 : 0;
                    c.close();
                }
                assertEquals(12, later, "connections that heard the kernel after 8 s of silence");
            } finally {
                p.destroy();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** Each shard its own seeded injector: 1 % loss both ways, content intact, both shards recovering. */
    @Test
    void shouldRecoverFromLossOnEveryQueue() throws Exception {
        TunConfig tun = new TunConfig().name(deviceName()).queues(2);
        try (JtcpFixture f = JtcpFixture.start("mqloss", null, FaultSpec.parse("drop=0.01,seed=3"), tun)) {
            int bytes = 4 << 20;
            StringBuilder script = new StringBuilder("cd " + tmp + "; ");
            for (int i = 0; i < 6; i++) {
                script.append("(curl -sS --fail -m 80 -o d")
                        .append(i)
                        .append(" http://10.7.0.2/bytes/")
                        .append(bytes)
                        .append(") & ");
            }
            script.append("wait && sha256sum d0 d1 d2 d3 d4 d5");
            String sums = f.ns.exec(100, "sh", "-c", script.toString())
                    .expectSuccess()
                    .output();
            for (int i = 0; i < 6; i++) {
                assertTrue(sums.contains(BytesPattern.sha256(bytes) + "  d" + i), sums);
            }
            for (int i = 0; i < 2; i++) {
                StackCounters c = f.host.shardStatus().stackForReading(i).counters();
                if (c.tcpConnectionsAccepted > 0) {
                    assertTrue(c.tcpRetransmits > 0, "shard " + i + " resent what its injector dropped");
                }
            }
            assertEquals(6, f.host.counters().tcpConnectionsAccepted);
        }
    }

    /**
     * Whichever queue the kernel hands a page request to, the status page lists the open
     * connections of both: each shard walks its own table on its own loop and hands its rows to
     * the shard serving the page.
     */
    @Test
    void shouldListTheConnectionsOfEveryQueueOnTheStatusPage() throws Exception {
        TunConfig tun = new TunConfig().name(deviceName()).queues(2);
        try (JtcpFixture f = JtcpFixture.start("mqpage", null, null, tun)) {
            String client = String.join(
                    "\n",
                    "import socket",
                    "held = []",
                    "for _ in range(16):",
                    "    s = socket.create_connection(('10.7.0.2', 7), timeout=10)",
                    "    s.sendall(b'x'); assert s.recv(1) == b'x'",
                    "    held.append(s); print('port', s.getsockname()[1])",
                    "seen = set()",
                    "for _ in range(24):",
                    "    if len(seen) == 2: break",
                    "    h = socket.create_connection(('10.7.0.2', 80), timeout=10)",
                    "    h.sendall(b'GET / HTTP/1.0\\r\\n\\r\\n'); page = b''",
                    "    while True:",
                    "        b = h.recv(65536)",
                    "        if not b: break",
                    "        page += b",
                    "    page = page.decode()",
                    "    seen.add(page.split('this page from queue ')[1][0])",
                    "    print('=====PAGE'); print(page)",
                    "for s in held: s.close()");
            String out = f.ns.exec(60, "timeout", "50", "python3", "-c", client)
                    .expectSuccess()
                    .output();
            List<String> ports = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (line.startsWith("port ")) {
                    ports.add(line.substring(5).trim());
                }
            }
            assertEquals(16, ports.size(), out);
            String[] pages = out.split("=====PAGE");
            Set<String> servedBy = new HashSet<>();
            for (int p = 1; p < pages.length; p++) {
                String page = pages[p];
                servedBy.add(page.split("this page from queue ")[1].substring(0, 1));
                Set<String> queues = new HashSet<>();
                for (String port : ports) {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                                    "<tr><td>(\\d)</td><td>10\\.7\\.0\\.2:7</td><td>10\\.7\\.0\\.1:" + port
                                            + "</td><td>ESTABLISHED</td>")
                            .matcher(page);
                    assertTrue(m.find(), "echo connection from port " + port + " listed: " + page);
                    queues.add(m.group(1));
                }
                // 16 connections all on one queue: a chance of 2^-15.
                assertEquals(Set.of("0", "1"), queues, "the held connections live on both queues");
            }
            assertEquals(Set.of("0", "1"), servedBy, "pages served by both queues");
        }
    }

    private static long minAccepted(ShardStatus shards) {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < shards.shardCount(); i++) {
            min = Math.min(min, shards.stackForReading(i).counters().tcpConnectionsAccepted);
        }
        return min;
    }

    @Test
    void shouldFallBackToOneQueueWhenTheDeviceWasMadeWithoutMultiQueue() throws Exception {
        String name = deviceName();
        try (TestNetns ns = new TestNetns("mqfb")) {
            ns.exec(10, "ip", "tuntap", "add", "dev", name, "mode", "tun").expectSuccess();
            TunConfig tun = new TunConfig().name(name).queues(2).netns(ns.name());
            try (JtcpHost host = JtcpHost.start(tun, new StackConfig())) {
                assertEquals(1, host.shardCount());
                assertTrue(host.multiQueueRefusal().contains("IFF_MULTI_QUEUE"), host.multiQueueRefusal());
                assertNull(host.shardStatus());
                host.run(() -> host.stack().listen(80, new HttpService(() -> "ok")));
                String sum = ns.exec(30, "sh", "-c", "curl -sS --fail -m 20 http://10.7.0.2/bytes/1000000 | sha256sum")
                        .expectSuccess()
                        .output();
                assertTrue(sum.startsWith(BytesPattern.sha256(1_000_000)), sum);
                StackCounters c = host.call(() -> host.stack().counters());
                assertEquals(1, c.tcpConnectionsAccepted);
            }
        }
    }
}
