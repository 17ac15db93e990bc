package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.tun.TunTestSupport.Result;
import io.jtcp.tun.TunTestSupport.TestNetns;
import io.jtcp.tun.service.BytesPattern;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jtcp command line as a user runs it (a separate JVM, {@code --netns} to enter the test's
 * namespace), against kernel servers: nc -l, python3 -m http.server, and curl against serve.
 */
@Tag("tun")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CliKernelTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void requireTun() {
        TunTestSupport.requireTun();
    }

    static List<String> jtcp(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.jtcp.tun.cli.Main");
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Waits until something in the namespace listens on {@code port}. */
    static void awaitListening(TestNetns ns, int port) throws InterruptedException {
        TunTestSupport.awaitListening(ns, port);
    }

    @Test
    void shouldUploadAndDownloadWithConnectAndCloseActivelyIntoTimeWait() throws Exception {
        try (TestNetns ns = new TestNetns("cliconn")) {
            String upSha = KernelPeerTest.randomFile(tmp.resolve("up"), 2 << 20, 10);
            String downSha = KernelPeerTest.randomFile(tmp.resolve("down"), 256 << 10, 11);
            Process server = new ProcessBuilder(ns.command("nc", "-l", "5000"))
                    .redirectInput(tmp.resolve("down").toFile())
                    .redirectOutput(tmp.resolve("received").toFile())
                    .redirectError(tmp.resolve("nc.err").toFile())
                    .start();
            try {
                awaitListening(ns, 5000);
                Process client = new ProcessBuilder(
                                jtcp("connect", "--netns", ns.name(), "--trace", "10.7.0.1", "5000"))
                        .redirectInput(tmp.resolve("up").toFile())
                        .redirectOutput(tmp.resolve("got").toFile())
                        .redirectError(tmp.resolve("trace").toFile())
                        .start();
                assertTrue(client.waitFor(60, TimeUnit.SECONDS), "jtcp connect did not finish");
                String trace = Files.readString(tmp.resolve("trace"));
                assertEquals(
                        0,
                        client.exitValue(),
                        trace.lines()
                                .skip(Math.max(0, trace.lines().count() - 30))
                                .reduce("", (a, b) -> a + "\n" + b));
                assertTrue(server.waitFor(10, TimeUnit.SECONDS));
                assertEquals(upSha, KernelPeerTest.sha256Of(tmp.resolve("received")));
                assertEquals(downSha, KernelPeerTest.sha256Of(tmp.resolve("got")));
                // End of stdin sent our FIN first: jtcp is the active closer (RFC 9293 §3.6).
                List<String> states = trace.lines()
                        .filter(l -> l.contains(" state "))
                        .map(l -> l.replaceAll("^.*-> ", ""))
                        .toList();
                assertEquals(
                        List.of("SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT"),
                        states.subList(0, Math.min(5, states.size())),
                        trace.lines()
                                .filter(l -> l.contains(" state "))
                                .toList()
                                .toString());
            } finally {
                server.destroyForcibly();
            }
        }
    }

    /**
     * SIGTERM to {@code jtcp connect} with the connection idle and stdin still open: the peer hears
     * the close (FIN, or RST after the grace) instead of staying ESTABLISHED with a dead partner,
     * and the exit status is the conventional 128 + 15.
     */
    @Test
    void shouldCloseTheConnectionWhenConnectIsTerminated() throws Exception {
        try (TestNetns ns = new TestNetns("cliterm")) {
            String listener = String.join(
                    "\n",
                    "import socket, sys",
                    "l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
                    "l.bind(('0.0.0.0', 5003)); l.listen(1)",
                    "c, _ = l.accept(); print('accepted', flush=True)",
                    "c.settimeout(8)",
                    "try:",
                    "    while True:",
                    "        b = c.recv(1000)",
                    "        if not b:",
                    "            print('eof', flush=True); break",
                    "except ConnectionResetError:",
                    "    print('rst', flush=True)",
                    "except socket.timeout:",
                    "    print('still established', flush=True)");
            Process server = new ProcessBuilder(ns.command("python3", "-c", listener))
                    .redirectErrorStream(true)
                    .start();
            Process client = null;
            try {
                awaitListening(ns, 5003);
                client = new ProcessBuilder(jtcp("connect", "--netns", ns.name(), "10.7.0.1", "5003"))
                        .redirectErrorStream(true)
                        .redirectOutput(tmp.resolve("connect.out").toFile())
                        .start(); // stdin stays open: the connection is idle, not half-closed
                BufferedReader out =
                        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
                assertEquals("accepted", out.readLine());
                TunTestSupport.run(5, "kill", "-TERM", String.valueOf(client.pid()));
                assertTrue(client.waitFor(10, TimeUnit.SECONDS), "jtcp connect did not stop on SIGTERM");
                String seen = out.readLine();
                assertTrue(
                        "eof".equals(seen) || "rst".equals(seen),
                        "the peer saw: " + seen + "; jtcp said: " + Files.readString(tmp.resolve("connect.out")));
                assertEquals(128 + 15, client.exitValue(), Files.readString(tmp.resolve("connect.out")));
                assertEquals("", Files.readString(tmp.resolve("connect.out")), "nothing printed");
            } finally {
                server.destroyForcibly();
                if (client != null) {
                    client.destroyForcibly();
                }
            }
        }
    }

    @Test
    void shouldReportRefusedConnectionInOneLine() {
        try (TestNetns ns = new TestNetns("clirefuse")) {
            Result r = TunTestSupport.run(
                    30,
                    jtcp("connect", "--netns", ns.name(), "10.7.0.1", "5001").toArray(new String[0]));
            assertEquals(1, r.exitCode(), r.output());
            assertEquals(
                    "jtcp: error: connection to 10.7.0.1:5001: connection refused",
                    r.output().strip());
        }
    }

    @Test
    void shouldGetFileFromPythonHttpServer() throws Exception {
        try (TestNetns ns = new TestNetns("cliget")) {
            Path www = Files.createDirectory(tmp.resolve("www"));
            String sha = KernelPeerTest.randomFile(www.resolve("file.bin"), 5 << 20, 12);
            Process server = ns.httpServer(www, tmp.resolve("http.log"));
            try {
                try {
                    awaitListening(ns, 8000);
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + ": " + Files.readString(tmp.resolve("http.log")));
                }
                Result ok = TunTestSupport.run(
                        60,
                        jtcp(
                                        "get",
                                        "--netns",
                                        ns.name(),
                                        "http://10.7.0.1:8000/file.bin",
                                        "-o",
                                        tmp.resolve("out").toString())
                                .toArray(new String[0]));
                assertEquals(0, ok.exitCode(), ok.output());
                assertEquals("jtcp: HTTP/1.0 200 OK, 5242880 bytes", ok.output().strip());
                assertEquals(sha, KernelPeerTest.sha256Of(tmp.resolve("out")));
                Result missing = TunTestSupport.run(
                        60,
                        jtcp("get", "--netns", ns.name(), "http://10.7.0.1:8000/nope")
                                .toArray(new String[0]));
                assertEquals(1, missing.exitCode(), missing.output());
                assertTrue(
                        missing.output()
                                .strip()
                                .endsWith("jtcp: error: http://10.7.0.1:8000/nope: HTTP/1.0 404 File not found"),
                        missing.output());
            } finally {
                server.destroyForcibly();
            }
        }
    }

    @Test
    void shouldServeUntilSigtermThenRemoveDeviceAndLeavePcap() throws Exception {
        try (TestNetns ns = new TestNetns("cliserve")) {
            Path pcap = tmp.resolve("serve.pcap");
            Process serve = new ProcessBuilder(
                            jtcp("serve", "--netns", ns.name(), "--pcap", pcap.toString(), "--trace", "--http", "8080"))
                    .redirectErrorStream(true)
                    .start();
            List<String> lines = new ArrayList<>();
            try {
                ServeOutput reader = ServeOutput.awaitReady(serve, lines);
                assertEquals(
                        "jtcp: ready on 10.7.0.2 via tun0 (kernel side 10.7.0.1/24, MTU 1500, netns " + ns.name()
                                + "): http 8080",
                        reader.readyLine());
                String got = ns.exec(
                                30, "sh", "-c", "curl -sS --fail -m 20 http://10.7.0.2:8080/bytes/100000 | sha256sum")
                        .expectSuccess()
                        .output();
                assertTrue(got.startsWith(BytesPattern.sha256(100_000)), got);
                // SIGTERM by kill(1): Process.destroy() would also close our end of its output.
                TunTestSupport.run(5, "kill", "-TERM", String.valueOf(serve.pid()));
                assertTrue(serve.waitFor(10, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
                reader.join(5000);
            } finally {
                serve.destroyForcibly();
            }
            assertTrue(ns.exec(10, "ip", "link", "show", "tun0").exitCode() != 0, "the device it created is gone");
            synchronized (lines) {
                assertTrue(
                        lines.stream()
                                .anyMatch(l -> l.contains("state 10.7.0.2:8080 <> 10.7.0.1:")
                                        && l.endsWith("SYN_RECEIVED -> ESTABLISHED")),
                        lines.toString());
                assertTrue(
                        lines.stream()
                                .anyMatch(l ->
                                        l.contains(" in  10.7.0.1.") && l.contains("> 10.7.0.2.8080: Flags [S], seq ")),
                        lines.toString());
                assertTrue(lines.stream().anyMatch(l -> l.startsWith("jtcp: stopped.")), lines.toString());
            }
            Result read = TunTestSupport.run(20, "tcpdump", "-n", "-r", pcap.toString(), "tcp port 8080");
            assertEquals(0, read.exitCode(), read.output());
            assertTrue(
                    read.output().lines().filter(l -> l.contains("Flags [S]")).count() == 1, read.output());
            assertTrue(read.output().lines().count() > 70, "100 kB is at least 69 segments: " + read.output());
        }
    }

    @Test
    void shouldRunDemoAndCleanUp() {
        Result r = TunTestSupport.run(90, jtcp("demo").toArray(new String[0]));
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("demo: all steps passed"), r.output());
        assertTrue(r.output().contains("FIN_WAIT_2 -> TIME_WAIT"), r.output());
        // Issue #11: TIME_WAIT is kept to its end (2*MSL with the demo's --msl 1), not cut short by the stop.
        assertTrue(r.output().contains("TIME_WAIT -> CLOSED"), r.output());
        assertTrue(r.output().contains("TIME_WAIT ended after"), r.output());
        String ns = r.output().replaceAll("(?s).*namespace (jtcp-demo-\\d+) removed.*", "$1");
        assertTrue(
                !TunTestSupport.run(10, "ip", "netns", "list").output().contains(ns), "namespace " + ns + " removed");
    }

    @Test
    void shouldFailInOneLineWithoutPrivileges() throws Exception {
        failsInOneLineWithoutPrivileges(
                "600", "jtcp: error: permission denied opening /dev/net/tun: run as root, grant CAP_NET_ADMIN");
    }

    /** Where /dev/net/tun is 0666 (Debian's udev rule) the open works and creating the device does not. */
    @Test
    void shouldFailInOneLineWithoutPrivilegesWhenTheTunNodeIsOpenToAll() throws Exception {
        failsInOneLineWithoutPrivileges("666", "jtcp: error: permission denied creating tun0");
    }

    private void failsInOneLineWithoutPrivileges(String nodeMode, String expectedStart) throws Exception {
        Path cp = readableClasspath();
        try (TestNetns ns = new TestNetns("clinopriv")) {
            // `ip netns exec` enters the namespace as root, in a mount namespace of its own: there
            // /dev/net/tun gets the mode under test (distributions ship 0600 or 0666; installing
            // udev turns it to 0666), then runuser drops every privilege.
            List<String> cmd = new ArrayList<>(ns.command(
                    "sh",
                    "-c",
                    "mount -t tmpfs -o mode=755 tmpfs /dev/net && mknod -m " + nodeMode + " /dev/net/tun c 10 200"
                            + " && exec runuser -u nobody -- \"$@\"",
                    "sh"));
            cmd.addAll(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    cp.resolve("*").toString() + File.pathSeparator + cp.resolve("classes"),
                    "io.jtcp.tun.cli.Main",
                    "serve"));
            Result r = TunTestSupport.run(30, cmd.toArray(new String[0]));
            assertEquals(1, r.exitCode(), r.output());
            assertTrue(r.output().strip().startsWith(expectedStart), r.output());
            assertEquals(1, r.output().strip().lines().count(), r.output());
        } finally {
            deleteTree(cp);
        }
    }

    /**
     * The documented non-root path: root pre-creates the device for the user (owner, address, up),
     * and an unprivileged {@code jtcp serve} attaches to it. It cannot raise the txqueuelen (that
     * needs CAP_NET_ADMIN): one warning line, and it serves. /dev/net/tun is mode 0600 on this
     * machine, so the test gives its own mount namespace (the one `ip netns exec` makes) a 0666
     * node, as most distributions ship it.
     */
    @Test
    void shouldServeAsNonRootOnADevicePreCreatedForTheUser() throws Exception {
        Path cp = readableClasspath();
        try (TestNetns ns = new TestNetns("clinonroot")) {
            ns.exec(10, "ip", "tuntap", "add", "dev", "tun0", "mode", "tun", "user", "nobody")
                    .expectSuccess();
            ns.exec(10, "ip", "addr", "add", "10.7.0.1/24", "dev", "tun0").expectSuccess();
            ns.exec(10, "ip", "link", "set", "tun0", "up").expectSuccess();
            List<String> cmd = new ArrayList<>(ns.command(
                    "sh",
                    "-c",
                    "mount -t tmpfs -o mode=755 tmpfs /dev/net && mknod -m 666 /dev/net/tun c 10 200"
                            + " && exec setpriv --reuid=65534 --regid=65534 --clear-groups -- \"$@\"",
                    "sh"));
            cmd.addAll(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    cp.resolve("*").toString() + File.pathSeparator + cp.resolve("classes"),
                    "io.jtcp.tun.cli.Main",
                    "serve",
                    "--echo",
                    "7"));
            Process serve = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            List<String> lines = new ArrayList<>();
            try {
                BufferedReader out =
                        new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = out.readLine()) != null && !line.startsWith("jtcp: ready")) {
                    lines.add(line);
                }
                assertTrue(line != null, "no ready line: " + lines);
                String echoed = ns.exec(20, "sh", "-c", "echo hello-from-nobody | nc -N -w 10 10.7.0.2 7")
                        .expectSuccess()
                        .output();
                assertEquals("hello-from-nobody", echoed.strip());
                TunTestSupport.run(5, "kill", "-TERM", String.valueOf(serve.pid()));
                assertTrue(serve.waitFor(10, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
                assertEquals(128 + 15, serve.exitValue(), "the JVM's status for SIGTERM");
            } finally {
                serve.destroyForcibly();
            }
            assertEquals(1, lines.size(), "one warning line before ready: " + lines);
            assertTrue(
                    lines.get(0).startsWith("jtcp: warning: cannot raise the txqueuelen of tun0 from 500 to 10000"),
                    lines.toString());
            assertEquals(0, ns.exec(10, "ip", "link", "show", "tun0").exitCode(), "a device it did not create stays");
        } finally {
            deleteTree(cp);
        }
    }

    /** The test class path copied where the unprivileged user can read it (~/.m2 is private to root). */
    private static Path readableClasspath() throws Exception {
        Path dir = Files.createTempDirectory("jtcp-cp");
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p) && p.endsWith("classes")) {
                Path target = dir.resolve("classes");
                try (var walk = Files.walk(p)) {
                    for (Path src : (Iterable<Path>) walk::iterator) {
                        Path dst = target.resolve(p.relativize(src).toString());
                        if (Files.isDirectory(src)) {
                            Files.createDirectories(dst);
                        } else if (!Files.exists(dst)) {
                            Files.copy(src, dst);
                        }
                    }
                }
            } else if (Files.isRegularFile(p) && entry.endsWith(".jar")) {
                Files.copy(
                        p, dir.resolve(p.getFileName().toString()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Files.setPosixFilePermissions(
                        p,
                        java.nio.file.attribute.PosixFilePermissions.fromString(
                                Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return dir;
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
