package io.jtcp.examples;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A network namespace of the test's own (10.7.0.0/24 lives only in there), deleted on close with
 * whatever still runs in it; and running programs in it with a timeout.
 */
final class Netns implements AutoCloseable {
    final String name;

    Netns(String purpose) {
        name = "jtcp-ex-" + purpose + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));
        run(10, "ip", "netns", "add", name);
        run(10, "ip", "-n", name, "link", "set", "lo", "up");
    }

    /** Skips without root and a TUN device, unless JTCP_REQUIRE_TUN=1 (CI), where that fails. */
    static void requireTun() {
        boolean root;
        try {
            root = Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[2].equals("0"));
        } catch (IOException e) {
            root = false;
        }
        if (!root || !Files.exists(Path.of("/dev/net/tun"))) {
            if ("1".equals(System.getenv("JTCP_REQUIRE_TUN"))) {
                fail("JTCP_REQUIRE_TUN=1 but not root with /dev/net/tun");
            }
            Assumptions.abort("needs root and /dev/net/tun");
        }
    }

    List<String> command(String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return full;
    }

    /** Runs a program in the namespace; its combined output, failing on a non-zero exit. */
    String exec(long timeoutSeconds, String... command) {
        return run(timeoutSeconds, command(command).toArray(new String[0]));
    }

    /** Waits (at most 5 s) until something in the namespace listens on TCP {@code port}. */
    void awaitListening(int port) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (exec(5, "ss", "-ltnH", "sport = :" + port).contains("LISTEN")) {
                return;
            }
            Thread.sleep(50);
        }
        fail("nothing listens on " + port);
    }

    static String run(long timeoutSeconds, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> {
                try {
                    p.getInputStream().transferTo(out);
                } catch (IOException e) {
                    // Killed: keep what was read.
                }
            });
            reader.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                reader.join(2000);
                fail("timed out: " + String.join(" ", command) + "\n" + out.toString(StandardCharsets.UTF_8));
            }
            reader.join(5000);
            String output = out.toString(StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                fail("exit " + p.exitValue() + ": " + String.join(" ", command) + "\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** What {@code main} printed on System.out. */
    static String stdoutOf(ThrowingRunnable main) throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            main.run();
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Override
    public void close() {
        boolean interrupted = Thread.interrupted();
        try {
            ProcessBuilder pids = new ProcessBuilder("ip", "netns", "pids", name);
            String out = new String(pids.start().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            for (String pid : out.split("\\s+")) {
                if (pid.matches("\\d+")) {
                    new ProcessBuilder("kill", "-9", pid).start().waitFor(5, TimeUnit.SECONDS);
                }
            }
            new ProcessBuilder("ip", "netns", "del", name).start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            // Best effort: the namespace name is random.
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
