package io.jtcp.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client examples' {@code main}s, as a user runs them (their own host, {@code -Djtcp.netns}),
 * against {@code python3 -m http.server} in the namespace; their output checked.
 */
@Tag("tun")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientExamplesTest {
    @TempDir
    Path www;

    private Process httpServer(Netns ns) throws Exception {
        // 0.0.0.0: it listens before the example's TUN device (and 10.7.0.1) exists.
        Process p = new ProcessBuilder(ns.command(
                        "python3", "-m", "http.server", "8000", "--bind", "0.0.0.0", "--directory", www.toString()))
                .redirectErrorStream(true)
                .redirectOutput(www.resolveSibling(www.getFileName() + ".log").toFile())
                .start();
        ns.awaitListening(8000);
        return p;
    }

    private static String withNetns(Netns ns, Netns.ThrowingRunnable main) throws Exception {
        System.setProperty("jtcp.netns", ns.name);
        try {
            return Netns.stdoutOf(main);
        } finally {
            System.clearProperty("jtcp.netns");
        }
    }

    @Test
    void blockingClientPrintsTheResponse() throws Exception {
        Netns.requireTun();
        Files.writeString(www.resolve("hello.txt"), "hello from the kernel's side\n", StandardCharsets.UTF_8);
        try (Netns ns = new Netns("block")) {
            Process server = httpServer(ns);
            try {
                String out = withNetns(ns, () -> BlockingClient.main(new String[] {"10.7.0.1", "8000", "/hello.txt"}));
                assertTrue(out.startsWith("HTTP/1.0 200 OK\r\n"), out);
                assertTrue(out.endsWith("\r\n\r\nhello from the kernel's side\n"), out);
            } finally {
                server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void okHttpOverJtcpPrintsLengthAndSha256() throws Exception {
        Netns.requireTun();
        byte[] data = new byte[3 << 20];
        new Random(7).nextBytes(data);
        Files.write(www.resolve("file.bin"), data);
        String sha =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        try (Netns ns = new Netns("okhttp")) {
            Process server = httpServer(ns);
            try {
                String out = withNetns(ns, () -> OkHttpOverJtcp.main(new String[] {"http://10.7.0.1:8000/file.bin"}));
                assertEquals("HTTP 200, " + data.length + " bytes, sha256 " + sha + "\n", out);
            } finally {
                server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
