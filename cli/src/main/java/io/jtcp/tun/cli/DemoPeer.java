package io.jtcp.tun.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A kernel peer: a python3 script run in the demo's namespace, steered line by line. It prints
 * what it did ({@code say}) and waits for the demo's word ({@code wait()}) where the timing of a
 * close, a shutdown or an SO_LINGER abort matters, so each step happens exactly when the scenario
 * wants it.
 */
final class DemoPeer implements AutoCloseable {
    /** Helpers every peer script starts with. */
    static final String PRELUDE =
            """
            import signal, socket, struct, sys, time
            signal.alarm(120)  # never outlive the demo, whatever happens to it
            def say(*a):
                print(*a, flush=True)
            def wait():
                return sys.stdin.readline().strip()
            """;

    private final Process process;
    private final OutputStream stdin;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> all = new ArrayList<>();

    DemoPeer(String ns, String script, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "python3", "-u", "-c", PRELUDE + script));
        cmd.addAll(List.of(args));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        stdin = process.getOutputStream();
        Thread t = new Thread(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
            lines.add("\u0000eof");
        });
        t.setDaemon(true);
        t.start();
    }

    /** Waits (bounded) for a line starting with {@code prefix}; returns it. */
    String expect(String prefix, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            String l = lines.poll(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            if (l == null || l.equals("\u0000eof")) {
                throw new CliFailure("the kernel peer did not say \"" + prefix + "\" ("
                        + (l == null ? "timed out" : "it ended") + "; it said: " + String.join(" | ", all) + ")");
            }
            all.add(l);
            if (l.startsWith(prefix)) {
                return l;
            }
        }
    }

    /** Sends the peer one line (what its {@code wait()} returns). */
    void tell(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** Waits for the script to end. */
    void finish(long timeoutMs) throws InterruptedException {
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
            throw new CliFailure("the kernel peer did not finish in " + timeoutMs + " ms");
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
