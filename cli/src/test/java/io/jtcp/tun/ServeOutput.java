package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The merged output of a {@code jtcp serve} the test started as a process: read up to its {@code
 * jtcp: ready} line, then drained into the same list by a daemon thread, so the process never
 * blocks on a full pipe and its stop report can be read once it ends. Appends lock the list: read
 * it under {@code synchronized (lines)}.
 */
final class ServeOutput {
    private final Thread drain;
    private final String readyLine;

    private ServeOutput(Thread drain, String readyLine) {
        this.drain = drain;
        this.readyLine = readyLine;
    }

    /** The {@code jtcp: ready ...} line itself (not in the list). */
    String readyLine() {
        return readyLine;
    }

    /** Reads {@code serve}'s output into {@code lines} until it is ready; fails if it never is. */
    static ServeOutput awaitReady(Process serve, List<String> lines) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("jtcp: ready")) {
            lines.add(line);
        }
        assertTrue(line != null, "no ready line: " + lines);
        Thread drain = new Thread(() -> out.lines().forEach(l -> {
            synchronized (lines) {
                lines.add(l);
            }
        }));
        drain.setDaemon(true);
        drain.start();
        return new ServeOutput(drain, line);
    }

    /** Waits up to {@code ms} for the output to end (the process stopped). */
    void join(long ms) throws InterruptedException {
        drain.join(ms);
    }
}
