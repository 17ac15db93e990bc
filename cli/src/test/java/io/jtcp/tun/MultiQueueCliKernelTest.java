package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jtcp.tun.TunTestSupport.Result;
import io.jtcp.tun.TunTestSupport.TestNetns;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code jtcp get --queues 2}: over a multi-queue device, and one line and one queue where the kernel refuses it. */
@Tag("tun")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MultiQueueCliKernelTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void requireTun() {
        TunTestSupport.requireTun();
    }

    @Test
    void shouldGetOverTwoQueuesAndFallBackToOneWithOneLine() throws Exception {
        String name = "tunmqc" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 12));
        try (TestNetns ns = new TestNetns("mqcli")) {
            String sha = KernelPeerTest.randomFile(tmp.resolve("file.bin"), 3 << 20, 41);
            Process server = ns.httpServer(tmp, tmp.resolve("http.log"));
            try {
                CliKernelTest.awaitListening(ns, 8000);
                String url = "http://10.7.0.1:8000/file.bin";
                Result two = get(ns, name, url, tmp.resolve("a"));
                assertEquals(0, two.exitCode(), two.output());
                assertEquals(
                        "jtcp: HTTP/1.0 200 OK, 3145728 bytes", two.output().strip());
                assertEquals(sha, KernelPeerTest.sha256Of(tmp.resolve("a")));
                // A device made without multi_queue: TUNSETIFF with IFF_MULTI_QUEUE says EINVAL.
                ns.exec(10, "ip", "tuntap", "add", "dev", name, "mode", "tun").expectSuccess();
                Result one = get(ns, name, url, tmp.resolve("b"));
                assertEquals(0, one.exitCode(), one.output());
                assertEquals(
                        "jtcp: the kernel refused IFF_MULTI_QUEUE on " + name
                                + " (the device exists without multi_queue); running one queue (as --queues 1)\n"
                                + "jtcp: HTTP/1.0 200 OK, 3145728 bytes",
                        one.output().strip());
                assertEquals(sha, KernelPeerTest.sha256Of(tmp.resolve("b")));
            } finally {
                server.destroy();
                server.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private static Result get(TestNetns ns, String device, String url, Path out) {
        return TunTestSupport.run(
                60,
                CliKernelTest.jtcp(
                                "get",
                                "--netns",
                                ns.name(),
                                "--tun",
                                device,
                                "--queues",
                                "2",
                                url,
                                "-o",
                                out.toString())
                        .toArray(new String[0]));
    }
}
