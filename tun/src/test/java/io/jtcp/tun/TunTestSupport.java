package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Shared by the tests tagged "tun": privilege checks, namespaces, running programs with a timeout. */
public final class TunTestSupport {
    private TunTestSupport() {}

    /**
     * Skips the calling test when it cannot run here (not root, no /dev/net/tun, no `ip`), unless
     * JTCP_REQUIRE_TUN=1, where CI must run them and the skip becomes a failure.
     */
    public static void requireTun() {
        String reason = null;
        if (!isRoot()) {
            reason = "not root (the end-to-end tests create network namespaces and TUN devices)";
        } else if (!Files.exists(Path.of(TunDevice.TUN_PATH))) {
            reason = "no " + TunDevice.TUN_PATH;
        } else if (!Files.isExecutable(Path.of("/usr/sbin/ip"))
                && !Files.isExecutable(Path.of("/sbin/ip"))
                && !Files.isExecutable(Path.of("/usr/bin/ip"))) {
            reason = "no `ip` command (iproute2)";
        }
        if (reason != null) {
            if ("1".equals(System.getenv("JTCP_REQUIRE_TUN"))) {
                fail("JTCP_REQUIRE_TUN=1 but the TUN tests cannot run: " + reason);
            }
            Assumptions.abort("skipped: " + reason);
        }
    }

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** A program's exit code and its combined output. */
    public record Result(int exitCode, String output) {
        public Result expectSuccess() {
            if (exitCode != 0) {
                fail("exit " + exitCode + ": " + output);
            }
            return this;
        }
    }

    /** Runs a program, killing it after {@code timeoutSeconds}. Output is stdout+stderr. */
    public static Result run(long timeoutSeconds, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> copy(p.getInputStream(), out));
            reader.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                reader.join(2000);
                return new Result(
                        -1,
                        "TIMEOUT after " + timeoutSeconds + " s: " + String.join(" ", command) + "\n"
                                + out.toString(StandardCharsets.UTF_8));
            }
            reader.join(5000);
            return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-2, "cannot run " + Arrays.toString(command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-3, "interrupted");
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (out) {
                    out.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // The process was killed; what was read is kept.
        }
    }

    /** A network namespace for one test, deleted on close (also when the test failed). */
    public static final class TestNetns implements AutoCloseable {
        private final String name;

        public TestNetns(String purpose) {
            this.name = "jtcp-" + purpose + "-"
                    + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));
            run(10, "ip", "netns", "add", name).expectSuccess();
            run(10, "ip", "-n", name, "link", "set", "lo", "up").expectSuccess();
        }

        public String name() {
            return name;
        }

        /** Runs a program inside the namespace. */
        public Result exec(long timeoutSeconds, String... command) {
            List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
            full.addAll(List.of(command));
            return run(timeoutSeconds, full.toArray(new String[0]));
        }

        /** The full command line to start a program inside the namespace. */
        public List<String> command(String... command) {
            List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
            full.addAll(List.of(command));
            return full;
        }

        /**
         * Starts python3's HTTP server on port 8000 of every address in the namespace, serving
         * {@code dir}, its output into {@code log}; the namespace's close ends it.
         */
        public Process httpServer(java.nio.file.Path dir, java.nio.file.Path log) throws java.io.IOException {
            return new ProcessBuilder(command(
                            "python3", "-m", "http.server", "8000", "--bind", "0.0.0.0", "--directory", dir.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        }

        @Override
        public void close() {
            // A test stopped by its @Timeout arrives here interrupted, and every waitFor below
            // would return at once: clean up first, then restore the interrupt.
            boolean interrupted = Thread.interrupted();
            try {
                cleanUp();
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private void cleanUp() {
            // Kill anything the test left running in the namespace, then delete it.
            Result pids = run(10, "ip", "netns", "pids", name);
            for (String pid : pids.output().split("\\s+")) {
                if (pid.matches("\\d+")) {
                    run(5, "kill", "-9", pid);
                }
            }
            run(10, "ip", "netns", "del", name);
        }
    }

    /** Waits up to 5 s until something in {@code ns} listens on TCP {@code port}. */
    public static void awaitListening(TestNetns ns, int port) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (ns.exec(5, "ss", "-ltnH", "sport = :" + port).output().contains("LISTEN")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("nothing listens on port " + port);
    }
}
