package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.tun.cli.MainAccess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * jtcp lab --backend tun: jtcp sends to the Linux kernel through a TUN device in a namespace the
 * command creates, behind its own fault injector's 20 Mbit/s bottleneck and 20 ms of RTT; the
 * kernel sink's SHA-256 must match what was written (--verify) and the link kept mostly busy (70 % in the second half of 6 s: slow start's overshoot of a 1-BDP
 * queue and its recovery still weigh on so short a run).
 */
@Tag("tun")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LabKernelTest {
    @TempDir
    Path dir;

    @BeforeEach
    void requireTun() {
        TunTestSupport.requireTun();
    }

    @Test
    void shouldSendToTheKernelBehindTheInjectorsBottleneck() throws Exception {
        CommandLine cl = MainAccess.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        Path results = dir.resolve("lab");
        int code = cl.execute(
                "lab",
                "--backend",
                "tun",
                "--rate",
                "20mbit",
                "--rtt",
                "20ms",
                "--loss",
                "0",
                "--queue",
                "1bdp",
                "--flows",
                "2",
                "--seconds",
                "6",
                "--verify",
                "--out",
                results.toString());
        assertEquals(0, code, out + "\n" + err);
        List<String> csv = Files.readAllLines(results.resolve("results.csv"));
        // One cell of two flows: the aggregate row and one per flow.
        assertEquals(1 + 3, csv.size(), String.join("\n", csv));
        assertTrue(csv.get(2).contains(",0,") && csv.get(3).contains(",1,"), String.join("\n", csv));
        {
            String row = csv.get(1);
            String[] f = row.split(",", -1);
            assertEquals("all", f[12], row);
            double goodput = Double.parseDouble(f[7]);
            double lastHalf = Double.parseDouble(f[13]);
            // Never above the bottleneck (payload is 1448 of 1500 bytes), and mostly busy.
            assertTrue(goodput <= 20 * 1448.0 / 1500 * 1.01, row);
            assertTrue(lastHalf >= 0.7 * 20 * 1448.0 / 1500, row);
            assertTrue(Double.parseDouble(f[9]) >= 20, "RTT at least the injected delay: " + row);
        }
        assertTrue(Files.size(results.resolve("cwnd_rtt.svg")) > 1000);
    }
}
