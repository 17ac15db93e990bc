package io.jtcp.tun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** jtcp lab: a small matrix end to end, and bad input as one error line with a non-zero exit. */
class LabCommandTest {
    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void shouldRunTheMatrixAndWriteResultsSeriesAndPlots() throws Exception {
        Path out = dir.resolve("lab");
        Run r = run(
                "lab",
                "--cc",
                "newreno",
                "--rate",
                "10mbit",
                "--rtt",
                "20ms",
                "--loss",
                "0,1%",
                "--queue",
                "1bdp",
                "--flows",
                "1,2",
                "--seconds",
                "3",
                "--seed",
                "5",
                "--verify",
                "--plot-cell",
                "newreno_10mbit_20ms_loss1pct_q1bdp_f2_3s_seed5",
                "--out",
                out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("", r.err());
        assertTrue(r.out().contains("[4/4] newreno_10mbit_20ms_loss1pct_q1bdp_f2_3s_seed5: "), r.out());
        assertTrue(r.out().contains("4 cells in "), r.out());
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertTrue(csv.get(0).startsWith("cc,rate_mbit,rtt_ms,loss,queue_bdp,flows,seconds,goodput_mbit,"), csv.get(0));
        assertEquals(1 + 4 + 2 * 2, csv.size(), String.join("\n", csv));
        assertTrue(csv.get(1).startsWith("newreno,10,20,0,1,1,3,"), csv.get(1));
        for (String f : List.of("goodput_vs_loss.svg", "cwnd_rtt.svg", "fairness.svg")) {
            assertTrue(Files.size(out.resolve(f)) > 1000, f);
        }
        assertTrue(Files.readString(out.resolve("cwnd_rtt.svg")).contains("loss1pct_q1bdp_f2"), "the chosen cell");
        assertTrue(Files.exists(out.resolve("series").resolve("newreno_10mbit_20ms_loss0pct_q1bdp_f1_3s_seed5.csv")));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--rate 100|jtcp lab: --rate: '100' is not a rate such as 100mbit, 1gbit, 500kbit (units bit, kbit, mbit, gbit)",
                "--rate 100mb|jtcp lab: --rate: '100mb' is not a rate such as 100mbit, 1gbit, 500kbit (units bit, kbit, mbit, gbit)",
                "--rtt 100|jtcp lab: --rtt: '100' is not a duration such as 100ms, 2s, 250us (units ns, us, ms, s)",
                "--rtt 0ms|jtcp lab: --rtt: must be above 0",
                "--loss 0.01|jtcp lab: --loss: '0.01' is not a percentage such as 0.01% or 1% (with the %), or 0",
                "--loss 0,,1%|jtcp lab: --loss: empty item in '0,,1%'",
                "--queue 1|jtcp lab: --queue: '1' is not a queue such as 1bdp, 0.5bdp, 64k, 2m or 150000b",
                "--flows 0|jtcp lab: --flows: '0' is not a whole number from 1 to 64",
                "--seconds 1.5|jtcp lab: --seconds: '1.5' is not a whole number",
                "--cc nosuch|jtcp lab: --cc: unknown congestion control 'nosuch'; known: newreno, cubic, bbr, or the name of a class implementing io.jtcp.stack.cc.CongestionControl",
                "--backend kernel|jtcp lab: Invalid value for option '--backend': expected one of [sim, tun] (case-sensitive) but was 'kernel'",
                "--plot-cell x|jtcp lab: --plot-cell: no cell named 'x' (the first is newreno_100mbit_100ms_loss0pct_q1bdp_f1_60s_seed1)",
            })
    void shouldExitTwoWithOneLineOnBadInput(String args, String message) {
        Run r = run(("lab " + args + " --out " + dir.resolve("never")).split(" "));
        assertEquals(2, r.exitCode(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].startsWith(message + " (see: "), lines[0]);
        assertTrue(Files.notExists(dir.resolve("never")), "nothing ran");
    }

    @Test
    void helpShouldListTheOptions() {
        // picocli reports a description it cannot format (a bare %) on System.err, not cl.getErr().
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream stderr = new java.io.ByteArrayOutputStream();
        Run r;
        try {
            System.setErr(new java.io.PrintStream(stderr, true, java.nio.charset.StandardCharsets.UTF_8));
            r = run("lab", "--help");
        } finally {
            System.setErr(saved);
        }
        assertEquals("", stderr.toString(java.nio.charset.StandardCharsets.UTF_8), "no picocli warning");
        assertEquals(0, r.exitCode(), r.err());
        for (String option : List.of(
                "--cc",
                "--rate",
                "--rtt",
                "--loss",
                "--queue",
                "--flows",
                "--seconds",
                "--backend",
                "--seed",
                "--out",
                "--plot-cell")) {
            assertTrue(r.out().contains(option + "="), option);
        }
        assertTrue(r.out().contains("percentages like 0.01%,"), "the % is printed, not taken for a format");
    }
}
