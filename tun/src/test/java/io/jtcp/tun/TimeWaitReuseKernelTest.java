package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.StackConfig;
import io.jtcp.tun.TunTestSupport.TestNetns;
import io.jtcp.tun.socket.JtcpConnection;
import io.jtcp.tun.socket.JtcpSockets;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * jtcp as a client reusing 4-tuples the Linux kernel still holds in TIME_WAIT (the kernel's server
 * closes first). With only four ephemeral ports, 24 sequential connections reuse each port pair six
 * times within seconds. Linux accepts a SYN for a TIME_WAIT tuple when its TSval is newer than the
 * last one seen (RFC 7323 §5.3, RFC 6191); that holds only when our TSval clock is per address
 * pair, not per connection (RFC 7323 §5.4). A rejected SYN costs the client a 1 s retransmission
 * timeout, and the kernel counts it as {@code TcpExt PAWSTimewait}.
 */
@Tag("tun")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TimeWaitReuseKernelTest {
    private static final int PORT = 7010;
    private static final int CONNECTIONS = 24;
    private static final int REPLY = 1000;
    private static final long SLOW_MS = 600;

    /** Reads the request, answers {@value #REPLY} bytes and closes first, so the kernel holds TIME_WAIT. */
    private static final String SERVER = String.join(
            "\n",
            "import socket",
            "s = socket.socket()",
            "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "s.bind(('10.7.0.1', " + PORT + "))",
            "s.listen(16)",
            "s.settimeout(60)",
            "for _ in range(" + CONNECTIONS + "):",
            "    c, _ = s.accept()",
            "    c.settimeout(10)",
            "    c.recv(100)",
            "    c.sendall(b'x' * " + REPLY + ")",
            "    c.close()",
            "");

    @Test
    void shouldReuseFourTuplesTheKernelHoldsInTimeWaitWithoutSynTimeouts() throws Exception {
        TunTestSupport.requireTun();
        try (TestNetns ns = new TestNetns("twreuse");
                JtcpHost host = JtcpHost.start(
                        new TunConfig().netns(ns.name()), new StackConfig().ephemeralPorts(50000, 50003))) {
            Process server = new ProcessBuilder(ns.command("python3", "-c", SERVER))
                    .redirectErrorStream(true)
                    .start();
            try {
                TunTestSupport.awaitListening(ns, PORT);
                JtcpSockets sockets = JtcpSockets.of(host);
                InetAddress kernel = InetAddress.getByName("10.7.0.1");
                List<String> slow = new ArrayList<>();
                for (int i = 0; i < CONNECTIONS; i++) {
                    long start = System.nanoTime();
                    int got = 0;
                    int localPort;
                    try (JtcpConnection c = sockets.connect(kernel, PORT, 5000)) {
                        localPort = c.localPort();
                        c.setSoTimeout(5000);
                        c.write(new byte[] {'?'}, 0, 1);
                        InputStream in = c.getInputStream();
                        byte[] buf = new byte[4096];
                        for (int n; (n = in.read(buf)) > 0; ) {
                            got += n;
                        }
                    }
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    assertEquals(REPLY, got, "connection " + i + " from port " + localPort + ": reply length");
                    if (ms > SLOW_MS) {
                        slow.add("#" + i + " port " + localPort + ": " + ms + " ms");
                    }
                }
                long paws = pawsTimewait(ns);
                assertEquals(0, paws, "SYNs the kernel dropped under PAWS in TIME_WAIT; slow connections: " + slow);
                assertTrue(slow.isEmpty(), "connections slower than " + SLOW_MS + " ms: " + slow);
            } finally {
                server.destroyForcibly();
                server.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** The namespace's {@code TcpExt PAWSTimewait} counter from /proc/net/netstat. */
    private static long pawsTimewait(TestNetns ns) {
        String[] lines = ns.exec(5, "cat", "/proc/net/netstat").output().split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith("TcpExt:") && lines[i + 1].startsWith("TcpExt:")) {
                String[] names = lines[i].trim().split("\\s+");
                String[] values = lines[i + 1].trim().split("\\s+");
                for (int k = 1; k < names.length && k < values.length; k++) {
                    if (names[k].equals("PAWSTimewait")) {
                        return Long.parseLong(values[k]);
                    }
                }
            }
        }
        throw new AssertionError("no TcpExt PAWSTimewait in /proc/net/netstat");
    }
}
