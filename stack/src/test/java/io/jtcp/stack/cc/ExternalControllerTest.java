package io.jtcp.stack.cc;

import static io.jtcp.stack.harness.Pair.A_ADDR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.harness.BulkApp;
import io.jtcp.stack.harness.Pair;
import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/RESEARCH.md's worked example, {@code docs/research/Aimd.java}, compiled outside the build
 * (as a researcher would, against the stack's classes only), loaded by its class name through the
 * context class loader, and run through a lossy bottleneck: the documented path works as written.
 */
class ExternalControllerTest {
    @TempDir
    Path out;

    @Test
    void theDocumentedExampleShouldCompileLoadByNameAndCarryATransfer() throws Exception {
        Path source = Path.of("..", "docs", "research", "Aimd.java");
        assertTrue(Files.isRegularFile(source), "the example exists at " + source.toAbsolutePath());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "tests run on a JDK");
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(
                null,
                diagnostics,
                diagnostics,
                List.of(
                                "-d",
                                out.toString(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                "--release",
                                "17",
                                source.toString())
                        .toArray(new String[0]));
        assertEquals(0, rc, diagnostics.toString());

        ClassLoader before = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader loader =
                new URLClassLoader(new URL[] {out.toUri().toURL()}, getClass().getClassLoader())) {
            Thread.currentThread().setContextClassLoader(loader);
            CongestionControl.Factory factory = CongestionControls.byName("com.example.Aimd");
            assertEquals("aimd", factory.name());

            int bytes = 8_000_000; // several sawtooth cycles: additive increase overflows the queue again and again
            Pair.Link link = new Pair.Link()
                    .delay(10 * Pair.MS)
                    .bottleneck(20_000_000L, 10)
                    .seed(3);
            Pair pair = new Pair(link, a -> a.congestionControl(factory), b -> {}).traceTraffic(false);
            BulkApp server = new BulkApp(bytes, 1);
            BulkApp client = new BulkApp(0, 2);
            server.expectFrom(client);
            client.expectFrom(server);
            pair.a.listen(5001, c -> server);
            pair.b.connect(pair.now(), A_ADDR, 5001, client);
            pair.service();
            assertTrue(pair.runUntil(client::eof, 600_000_000_000L, 10_000_000), "transfer finished");
            assertEquals(server.sentSha256(), client.receivedSha256(), "SHA-256 A→B");
            assertEquals("aimd", server.connection().congestionControl().name());
            assertTrue(pair.packetsQueueDropped > 0, "the queue overflowed, so the controller saw losses");
            System.out.println("AIMD: " + pair.a.counters().describe() + " cwnd "
                    + server.connection().congestionWindowBytes());
            assertTrue(
                    server.connection().slowStartThresholdBytes() < Long.MAX_VALUE,
                    "a congestion event reached the controller");
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }
    }
}
