package io.jtcp.tun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.tun.trace.Packets;
import io.jtcp.tun.trace.PcapWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** jtcp tsg and jtcp states on jtcp's own pcap and on bad input: one error line, exit 1 or 2. */
class TsgStatesCommandTest {
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

    /** A SYN from 10.7.0.1:40312 and 100 bytes of data from it, written by jtcp's own PcapWriter. */
    private Path ownPcap() {
        Path file = dir.resolve("own.pcap");
        try (PcapWriter pcap = new PcapWriter(file, 0)) {
            UnsafeBuffer syn = Packets.syn();
            UnsafeBuffer data = Packets.data(100);
            pcap.onPacket(1_000, true, syn, 0, syn.capacity());
            pcap.onPacket(3_000_000, false, data, 0, data.capacity());
        }
        return file;
    }

    @Test
    void shouldDrawTsgAsSvgAndXpl() throws Exception {
        String own = ownPcap().toString();
        Run svg = run("tsg", own);
        assertEquals(0, svg.exitCode(), svg.err());
        assertTrue(svg.out().startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""), svg.out());
        // By default the direction that carried the data: jtcp's 100 bytes.
        assertTrue(svg.out().contains("Time-sequence graph: 10.7.0.2:80 -&gt; 10.7.0.1:40312"), svg.out());
        Path xpl = dir.resolve("g.xpl");
        Run x = run("tsg", own, "-o", xpl.toString(), "--absolute", "--dir", "a");
        assertEquals(0, x.exitCode(), x.err());
        assertTrue(
                x.err().startsWith("jtcp tsg: wrote " + xpl + " (10.7.0.1:40312 -> 10.7.0.2:80, 1 segments as 1 bars)"),
                x.err());
        String text = Files.readString(xpl);
        assertTrue(text.startsWith("timeval double\ntitle\n10.7.0.1:40312_==>_10.7.0.2:80"), text);
        assertTrue(text.endsWith("go\n"), text);
        Path cc = dir.resolve("cc.csv");
        Files.writeString(cc, "t_s,cwnd\n0.001,14480\n");
        Run withCc = run("tsg", own, "--in-flight", "--cc-log", cc.toString(), "--dir", "10.7.0.1:40312");
        assertEquals(0, withCc.exitCode(), withCc.err());
        assertTrue(withCc.out().contains("class=\"cwnd\"") && withCc.out().contains("class=\"in-flight\""));
        Run other = run("tsg", own, "--dir", "80", "--format", "xpl", "--from", "0.001", "--to", "0.01");
        assertEquals(0, other.exitCode(), other.err());
        assertTrue(other.out().contains("\n10.7.0.2:80_==>_10.7.0.1:40312"), other.out());
    }

    /** tcptrace's a2b_owin.xpl beside the graph: the SVG's lower panel for xplot. */
    @Test
    void shouldWriteInFlightGraphBesideXpl() throws Exception {
        String own = ownPcap().toString();
        Path xpl = dir.resolve("g.xpl");
        Path cc = dir.resolve("cc.csv");
        Files.writeString(cc, "t_s,cwnd\n0.001,14480\n");
        Run x = run("tsg", own, "-o", xpl.toString(), "--in-flight", "--cc-log", cc.toString());
        assertEquals(0, x.exitCode(), x.err());
        Path owin = dir.resolve("g_owin.xpl");
        assertTrue(x.err().contains("jtcp tsg: wrote " + owin + " (bytes in flight and cwnd)"), x.err());
        String text = Files.readString(owin);
        assertTrue(text.startsWith("timeval double\ntitle\n10.7.0.2:80_==>_10.7.0.1:40312 (outstanding data)\n"), text);
        assertTrue(text.contains("\nred\ndot ") && text.contains("\nyellow\ndot ") && text.endsWith("go\n"), text);
        assertTrue(text.contains(" 100\n"), "100 bytes in flight: " + text);
        assertTrue(text.contains(" 14480\n"), "cwnd: " + text);
        Run stdout = run("tsg", own, "--format", "xpl", "--in-flight");
        assertEquals(2, stdout.exitCode(), stdout.err());
        assertTrue(stdout.err().contains("give -o OUT.xpl"), stdout.err());
    }

    /** jtcp's --cc-log holds every connection's rows: only the chosen connection's cwnd is drawn. */
    @Test
    void shouldTakeOnlyTheChosenConnectionsRowsOfCcLog() throws Exception {
        String own = ownPcap().toString();
        Path cc = dir.resolve("cc.csv");
        Files.writeString(
                cc,
                "t_s,conn,cwnd\n0.001,80-10.7.0.9:5555,99999\n0.002,80-10.7.0.1:40312,14480\n"
                        + "0.0025,80-10.7.0.9:5555,77777\n");
        Path xpl = dir.resolve("x.xpl");
        Run r = run("tsg", own, "--in-flight", "--cc-log", cc.toString(), "-o", xpl.toString());
        assertEquals(0, r.exitCode(), r.err());
        String text = Files.readString(dir.resolve("x_owin.xpl"));
        assertTrue(text.contains(" 14480\n"), text);
        assertTrue(!text.contains("99999") && !text.contains("77777"), "another connection's cwnd: " + text);
        Files.writeString(cc, "t_s,conn,cwnd\n0.001,80-10.7.0.9:5555,99999\n");
        Run none = run("tsg", own, "--cc-log", cc.toString());
        assertEquals(0, none.exitCode(), none.err());
        assertTrue(none.err().contains("warning: no line of"), none.err());
    }

    @Test
    void shouldDrawStatesBlankAndOfOneSide() throws Exception {
        Run blank = run("states", "--blank");
        assertEquals(0, blank.exitCode(), blank.err());
        assertTrue(blank.out().contains(">rcv SYN,ACK<") && !blank.out().contains("transition taken"));
        Path out = dir.resolve("s.svg");
        Run a = run("states", ownPcap().toString(), "-o", out.toString(), "--side", "10.7.0.1");
        assertEquals(0, a.exitCode(), a.err());
        assertEquals("jtcp states: wrote " + out + " (10.7.0.1:40312, 1 transitions)\n", a.err());
        assertTrue(
                Files.readString(out).contains("<g id=\"active-open\" class=\"transition taken\" data-steps=\"1\">"));
    }

    private void assertOneLineError(int code, String prefix, String... args) {
        Run r = run(args);
        assertEquals(code, r.exitCode(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].startsWith(prefix), lines[0]);
    }

    @Test
    void shouldFailInOneLineOnBadInput() throws Exception {
        String own = ownPcap().toString();
        assertOneLineError(1, "jtcp: error: --dir 9999 names neither side of #1", "tsg", own, "--dir", "9999");
        assertOneLineError(1, "jtcp: error: --side 10.7.0.3 names neither side", "states", own, "--side", "10.7.0.3");
        assertOneLineError(2, "jtcp tsg: --columns must be 10..1000000, not 5", "tsg", own, "--columns", "5");
        assertOneLineError(2, "jtcp tsg: --port must be 1..65535, not 0", "tsg", own, "--port", "0");
        assertOneLineError(
                2, "jtcp tsg: --from and --to must satisfy 0 <= from < to", "tsg", own, "--from", "0.5", "--to", "0.2");
        assertOneLineError(2, "jtcp tsg: Invalid value for option '--format'", "tsg", own, "--format", "png");
        assertOneLineError(1, "jtcp: error: no connection #3 in ", "states", own, "--conn", "3");
        assertOneLineError(2, "jtcp states: --blank draws no capture", "states", own, "--blank");
        assertOneLineError(2, "jtcp states: Missing required parameter: 'FILE' (or --blank)", "states");
        assertOneLineError(
                1,
                "jtcp: error: cannot read ",
                "tsg",
                own,
                "--cc-log",
                dir.resolve("no.csv").toString());
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "time,cwnd\n");
        assertOneLineError(1, "jtcp: error: " + bad + ": the header must name", "tsg", own, "--cc-log", bad.toString());
        Run help = run("tsg", "--help");
        assertTrue(help.out().startsWith("Usage: jtcp tsg"), help.out());
        assertTrue(run("states", "--help").out().startsWith("Usage: jtcp states"));
    }

    /** Mutated and cut copies of a capture: both commands exit 0 or 1, they never throw. */
    @Test
    void shouldNeverThrowOnHostileFiles() throws Exception {
        byte[] good = Files.readAllBytes(ownPcap());
        Random rnd = new Random(11);
        for (int i = 0; i < 80; i++) {
            byte[] b = Arrays.copyOf(good, 1 + rnd.nextInt(good.length));
            for (int k = rnd.nextInt(8); k > 0; k--) {
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            }
            Path f = dir.resolve("h" + i + ".pcap");
            Files.write(f, b);
            Run r = i % 2 == 0
                    ? run("tsg", f.toString(), "--format", i % 4 == 0 ? "svg" : "xpl")
                    : run("states", f.toString(), "--side", "b");
            assertTrue(r.exitCode() == 0 || r.exitCode() == 1, r.exitCode() + ": " + r.err());
            assertTrue(!r.err().contains("\tat "), r.err());
        }
    }
}
