package io.jtcp.tun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.tun.TunTestSupport;
import io.jtcp.tun.TunTestSupport.TestNetns;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code jtcp tun-bench} for half a second each way, in a namespace of its own. */
@Tag("tun")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TunBenchCommandTest {
    private static final Pattern WRITE = Pattern.compile(
            "tun-bench write: (\\d+) pkt/s, (\\d+\\.\\d\\d) Gbit/s \\(MTU 1500, (\\d+\\.\\d) s, (\\d+) packets written\\)");
    private static final Pattern READ = Pattern.compile("tun-bench read: (\\d+) pkt/s, (\\d+\\.\\d\\d) Gbit/s"
            + " \\(MTU 1500, (\\d+\\.\\d) s, (\\d+) packets read of (\\d+) sent, (\\d+) per send\\)");

    @BeforeEach
    void requireTun() {
        TunTestSupport.requireTun();
    }

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        picocli.CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void shouldMovePacketsBothWaysAndPrintOneLineEachWhenRunInANamespace() {
        try (TestNetns ns = new TestNetns("tunbench")) {
            Run r = run("tun-bench", "--netns", ns.name(), "--tun", "tb0", "--seconds", "0.5");
            assertEquals(0, r.exitCode(), r.out() + r.err());
            String[] lines = r.out().strip().split("\n");
            assertEquals(2, lines.length, r.out());

            Matcher w = WRITE.matcher(lines[0]);
            assertTrue(w.matches(), lines[0]);
            assertTrue(Long.parseLong(w.group(1)) > 0, lines[0]);
            assertTrue(Double.parseDouble(w.group(2)) > 0, lines[0]);
            assertTrue(Long.parseLong(w.group(4)) > 0, lines[0]);

            Matcher rd = READ.matcher(lines[1]);
            assertTrue(rd.matches(), lines[1]);
            long read = Long.parseLong(rd.group(4));
            long sent = Long.parseLong(rd.group(5));
            assertTrue(read > 0, lines[1]);
            assertTrue(read <= sent, lines[1]);
            assertTrue(Long.parseLong(rd.group(1)) > 0, lines[1]);

            // The device was ours and is gone with the command.
            assertTrue(!ns.exec(5, "ip", "link", "show", "tb0").output().contains("tb0:"), "tb0 left behind");
        }
    }

    @Test
    void shouldMeasureOneDirectionAtTheClosedPortWhenAsked() {
        try (TestNetns ns = new TestNetns("tunbench")) {
            Run r = run("tun-bench", "--netns", ns.name(), "--seconds", "0.5", "--direction", "write", "--closed-port");
            assertEquals(0, r.exitCode(), r.out() + r.err());
            String[] lines = r.out().strip().split("\n");
            assertEquals(1, lines.length, r.out());
            assertTrue(WRITE.matcher(lines[0]).matches(), lines[0]);
        }
    }

    @Test
    void shouldExitTwoWhenTheDirectionOrDurationIsWrong() {
        Run r = run("tun-bench", "--direction", "sideways");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("jtcp tun-bench: --direction must be write, read or both"), r.err());
        r = run("tun-bench", "--seconds", "0");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("jtcp tun-bench: --seconds must be"), r.err());
    }
}
