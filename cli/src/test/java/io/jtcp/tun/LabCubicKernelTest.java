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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue #10's real-back-end validation: jtcp's CUBIC sending to the Linux kernel over TUN through
 * the fault injector's 200 Mbit/s bottleneck, 20 ms of RTT and a 1-BDP drop-tail queue keeps at
 * least 85 % of the link busy over the whole run, slow start's overshoot and its recovery
 * included. Before HyStart++ had an RTT per ACK and before SACK recovery resent a lost pass of
 * retransmissions, the overshoot's recovery stalled for seconds (33–147 Mbit/s over 20 s, 58
 * over 10 s); now 174–182 over 8–20 s on a 2-core machine at load 18–20. The margin: in 10 s slow
 * start and the first recovery (~0.5 s at a fraction of the rate) cost ~5 %, the loop's stalls
 * a few more; a stalled recovery costs tens of percent.
 *
 * <p>It measures the machine as much as the algorithm: 200 Mbit/s through a user-space loop needs
 * a core, and on a loaded CI host the same build gave 112 Mbit/s with 33 retransmits (p99 RTT
 * 109 ms: the loop starved, not the window). So it runs in CI only on a machine that other work
 * does not already keep busy (1-minute load average below twice the number of CPUs: the build's
 * own tests run one at a time and leave it below that; unrelated parallel builds took it to 20),
 * and always with {@code JTCP_LAB_REAL=1}. On a quiet 2-core machine it gives 189 Mbit/s
 * (95 %) over 10 s, under Maven as from the command line;
 * {@code JTCP_LAB_SECONDS} runs it longer (the 20 s).
 */
@Tag("tun")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LabCubicKernelTest {
    private static final double RATE_MBIT = 200;

    @TempDir
    Path dir;

    @BeforeEach
    void requireTunAndAQuietMachine() throws Exception {
        TunTestSupport.requireTun();
        if (!"1".equals(System.getenv("JTCP_LAB_REAL"))) {
            double load = Double.parseDouble(
                    Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
            int cpus = Runtime.getRuntime().availableProcessors();
            Assumptions.assumeTrue(
                    load < 2 * cpus,
                    "load average " + load + " on " + cpus + " CPUs: the rate would measure the machine");
        }
    }

    @Test
    void cubicShouldKeepA200MbitBottleneckBusyOverTheWholeRun() throws Exception {
        CommandLine cl = MainAccess.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        Path results = dir.resolve("lab");
        String seconds = System.getenv().getOrDefault("JTCP_LAB_SECONDS", "10");
        int code = cl.execute(
                "lab",
                "--backend",
                "tun",
                "--cc",
                "cubic",
                "--rate",
                (int) RATE_MBIT + "mbit",
                "--rtt",
                "20ms",
                "--loss",
                "0",
                "--queue",
                "1bdp",
                "--seconds",
                seconds,
                "--verify",
                "--out",
                results.toString());
        assertEquals(0, code, out + "\n" + err);
        List<String> csv = Files.readAllLines(results.resolve("results.csv"));
        assertEquals(2, csv.size(), String.join("\n", csv));
        String row = csv.get(1);
        String[] f = row.split(",", -1);
        assertEquals("cubic", f[0], row);
        double goodput = Double.parseDouble(f[7]);
        System.out.println("lab tun cubic 200 Mbit/s, 20 ms, 1 BDP, " + seconds + " s: " + row);
        // Goodput counts payload (1448 of 1500 bytes): 85 % of the link is 88 % of what can be had.
        assertTrue(goodput >= 0.85 * RATE_MBIT, "whole-run goodput at least 85 % of the link: " + row);
        assertTrue(goodput <= RATE_MBIT * 1448.0 / 1500 * 1.01, "never above the bottleneck: " + row);
    }
}
