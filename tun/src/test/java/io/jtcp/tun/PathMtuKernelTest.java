package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.tun.TunTestSupport.TestNetns;
import io.jtcp.tun.service.BytesPattern;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Path MTU discovery and IPv4 fragments against the Linux kernel (issue #9, problems 9 and 10).
 * The fixture's namespace A holds tun0 (10.7.0.1, jtcp 10.7.0.2) and routes (ip_forward on) to a
 * client namespace B over a veth, 10.7.1.1 ↔ 10.7.1.2, so the kernel in A is a real router: it
 * sends fragmentation-needed for jtcp's DF segments that do not fit, and fragments what B sends
 * without DF.
 */
@Tag("tun")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PathMtuKernelTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void requireTun() {
        TunTestSupport.requireTun();
    }

    /** Namespace B behind A: veth with the given MTUs on A's and B's end, default route via A. */
    private static TestNetns clientBehindRouter(JtcpFixture f, int mtuOnA, int mtuOnB) {
        TestNetns b = new TestNetns("pmtu-b");
        try {
            String a = f.ns.name();
            f.ns.exec(10, "ip", "link", "add", "vA", "type", "veth", "peer", "name", "vB", "netns", b.name())
                    .expectSuccess();
            f.ns.exec(10, "ip", "addr", "add", "10.7.1.1/24", "dev", "vA").expectSuccess();
            f.ns.exec(10, "ip", "link", "set", "vA", "mtu", Integer.toString(mtuOnA), "up")
                    .expectSuccess();
            f.ns.exec(10, "sysctl", "-qw", "net.ipv4.ip_forward=1").expectSuccess();
            b.exec(10, "ip", "addr", "add", "10.7.1.2/24", "dev", "vB").expectSuccess();
            b.exec(10, "ip", "link", "set", "vB", "mtu", Integer.toString(mtuOnB), "up")
                    .expectSuccess();
            b.exec(10, "ip", "route", "add", "default", "via", "10.7.1.1").expectSuccess();
            assertTrue(a.startsWith("jtcp-"), a);
            return b;
        } catch (RuntimeException | Error e) {
            b.close();
            throw e;
        }
    }

    /**
     * RFC 1191: B advertises MSS 1460 (its link is 1500), but A's link towards B is 1000. jtcp's
     * full-size DF segments are answered by A with fragmentation-needed (MTU 1000); without path MTU
     * discovery the download black-holes, with it it completes, intact.
     */
    @Test
    void shouldCompleteDownloadThroughSmallerMtuRouter() {
        try (JtcpFixture f = JtcpFixture.start("pmtu", null);
                TestNetns b = clientBehindRouter(f, 1000, 1500)) {
            int size = 2 << 20;
            String out = b.exec(
                            40,
                            "sh",
                            "-c",
                            "cd " + tmp + " && curl -sS --fail -m 30 -w '%{size_download}\\n' -o body"
                                    + " http://10.7.0.2/bytes/" + size + " && sha256sum body")
                    .expectSuccess()
                    .output();
            assertTrue(out.startsWith(size + "\n"), out);
            assertTrue(out.contains(BytesPattern.sha256(size)), out + " expected " + BytesPattern.sha256(size));
            int learned = f.host.call(() ->
                    f.host.stack().pathMtu(io.jtcp.stack.wire.Ipv4Header.parseAddress("10.7.1.2"), System.nanoTime()));
            assertEquals(1000, learned, "path MTU learned from the kernel router's ICMP");
            long reductions = f.host.call(() -> f.host.stack().counters().icmpPathMtuReductions);
            assertTrue(reductions >= 1, "MSS lowered: " + reductions);
        }
    }

    /** RFC 791 reassembly: a 4000-byte ping arrives in fragments; the reply leaves in fragments. */
    @Test
    void shouldAnswerFragmentedPing() {
        try (JtcpFixture f = JtcpFixture.start("frag-ping", null)) {
            String out = f.ns.exec(20, "ping", "-c", "3", "-i", "0.2", "-W", "2", "-s", "4000", "10.7.0.2")
                    .expectSuccess()
                    .output();
            assertTrue(out.contains("3 received"), out);
            assertTrue(out.contains("4008 bytes from 10.7.0.2"), out);
            long reassembled = f.host.call(() -> f.host.stack().counters().ipDatagramsReassembled);
            long fragmentsOut = f.host.call(() -> f.host.stack().counters().ipFragmentsOut);
            assertEquals(3L, reassembled, "reassembled");
            assertEquals(9L, fragmentsOut, "reply fragments (4028 bytes at MTU 1500)");
        }
    }

    /**
     * A TCP upload whose segments reach jtcp fragmented: B sends without DF (ip_no_pmtu_disc=1) on a
     * 1500-byte link, and A's tun0 is only 1000, so the kernel in A fragments every full segment.
     */
    @Test
    void shouldReceiveFragmentedTcpUploadIntact() throws Exception {
        try (JtcpFixture f = JtcpFixture.start("frag-tcp", null);
                TestNetns b = clientBehindRouter(f, 1500, 1500)) {
            f.ns.exec(10, "ip", "link", "set", "tun0", "mtu", "1000").expectSuccess();
            b.exec(10, "sysctl", "-qw", "net.ipv4.ip_no_pmtu_disc=1").expectSuccess();
            int size = 2 << 20;
            String sha = KernelPeerTest.randomFile(tmp.resolve("up"), size, 9);
            b.exec(40, "sh", "-c", "timeout 30 nc -N 10.7.0.2 " + JtcpFixture.HASH_PORT + " < " + tmp.resolve("up"))
                    .expectSuccess();
            assertEquals(sha + " " + size, f.uploads.poll(10, TimeUnit.SECONDS));
            long reassembled = f.host.call(() -> f.host.stack().counters().ipDatagramsReassembled);
            assertTrue(reassembled > 1000, "segments arrived fragmented: " + reassembled);
            // A ping B fragments at 1500 and A fragments again at 1000: still one datagram to jtcp.
            String ping = b.exec(20, "ping", "-c", "2", "-i", "0.2", "-W", "2", "-s", "4000", "10.7.0.2")
                    .expectSuccess()
                    .output();
            assertTrue(ping.contains("2 received"), ping);
        }
    }
}
