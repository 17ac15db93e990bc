package io.jtcp.tun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.tun.TunTestSupport;
import io.jtcp.tun.TunTestSupport.Result;
import io.jtcp.tun.TunTestSupport.TestNetns;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #13 goal 5: what a {@code jtcp get} loads on its way to the network, checked from the
 * JVM's class-load log of a real run (a fresh JVM), never from a clock: no picocli model (built
 * by reflection over annotated fields, most of start-up), no process started (a fork of {@code
 * ip} to set up the device), no SecureRandom or temporary file, and a bound on the classes loaded.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GetStartPathTest {
    /** Today about 1,380 with the device opened, 1,180 without; picocli's path was about 1,750. */
    private static final int MAX_CLASSES = 1_550;

    @TempDir
    Path tmp;

    /**
     * Runs {@code jtcp args} in a new JVM as {@code ./jtcp} does, JNA's native library unpacked
     * beforehand (src/cds.sh); the classes it loaded, one a line, in {@code log}.
     */
    private Result jtcp(Path log, String... args) throws Exception {
        Path jna = Files.createDirectories(tmp.resolve("jna"));
        String lib = com.sun.jna.Platform.RESOURCE_PREFIX + "/libjnidispatch.so";
        try (InputStream in = com.sun.jna.Native.class.getResourceAsStream("/com/sun/jna/" + lib)) {
            assertNotNull(in, lib);
            Files.copy(in, jna.resolve("libjnidispatch.so"), StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Djna.boot.library.path=" + jna);
        cmd.add("-Xshare:off"); // every class in the log, whatever archive the JDK has
        cmd.add("-Xlog:class+load=info:file=" + log + ":none");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        return TunTestSupport.run(60, cmd.toArray(new String[0]));
    }

    private static void assertLean(Path log) throws Exception {
        List<String> classes = Files.readAllLines(log);
        List<String> picocliModels = classes.stream()
                .filter(l -> l.startsWith("picocli.CommandLine$Model$CommandSpec ")
                        || l.startsWith("picocli.CommandLine$Model$OptionSpec "))
                .toList();
        assertEquals(List.of(), picocliModels, "picocli's model built on the start path");
        List<String> processes = classes.stream()
                .filter(l -> l.startsWith("java.lang.ProcessBuilder ") || l.startsWith("java.lang.ProcessImpl "))
                .toList();
        assertEquals(List.of(), processes, "a process started on the start path");
        // The JDK's security providers, set up for one 16-byte ISN secret (IsnSecret reads the
        // kernel's), or for a temporary file's name: JNA unpacking its library again.
        assertEquals(
                List.of(),
                classes.stream()
                        .filter(l -> l.startsWith("java.security.SecureRandom ")
                                || l.startsWith("java.io.File$TempDirectory "))
                        .toList(),
                "SecureRandom or a temporary file on the start path");
        assertTrue(
                classes.size() < MAX_CLASSES, classes.size() + " classes loaded, at most " + MAX_CLASSES + " expected");
    }

    /** No root needed: the run stops at the namespace, after the command line and JNA. */
    @Test
    void shouldReachTheNamespaceWithoutPicocli() throws Exception {
        Path log = tmp.resolve("classes.log");
        Result r = jtcp(
                log,
                "get",
                "--netns",
                "jtcp-startup-absent",
                "-o",
                tmp.resolve("out").toString(),
                "http://10.7.0.1:9/");
        assertEquals(1, r.exitCode(), r.output());
        assertEquals(
                "jtcp: error: no network namespace 'jtcp-startup-absent' (create it with: ip netns add jtcp-startup-absent)",
                r.output().strip());
        assertLean(log);
    }

    /** The whole path: device created in the namespace, SYN, the kernel's RST, device removed. */
    @Test
    @Tag("tun")
    void shouldOpenTheDeviceWithoutForkingOrPicocli() throws Exception {
        TunTestSupport.requireTun();
        try (TestNetns ns = new TestNetns("startup-get")) {
            Path log = tmp.resolve("classes.log");
            Result r = jtcp(
                    log, "get", "--netns", ns.name(), "-o", tmp.resolve("out").toString(), "http://10.7.0.1:9/");
            assertEquals(1, r.exitCode(), r.output());
            assertEquals(
                    "jtcp: error: http://10.7.0.1:9/: connection refused",
                    r.output().strip());
            assertLean(log);
        }
    }
}
