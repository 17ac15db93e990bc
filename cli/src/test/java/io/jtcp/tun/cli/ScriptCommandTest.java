package io.jtcp.tun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jtcp script}: exit codes, one-line errors for bad scripts, the history for failing ones. */
class ScriptCommandTest {
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

    private static final String PASSING = "0 < S 0:0(0) win 65535 <mss 1460>\n+0 > R. 0:0(0) ack 1\n";

    @Test
    void passingScriptsExitZeroWithOneLineEach(@TempDir Path dir) throws IOException {
        Path a = Files.writeString(dir.resolve("a.pkt"), PASSING);
        Path b = Files.writeString(dir.resolve("b.pkt"), PASSING);
        Run r = run("script", a.toString(), b.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(2, r.out().lines().filter(l -> l.startsWith("PASS ")).count(), r.out());
        assertTrue(r.out().contains("PASS " + a + " (2 events, 0.000 s virtual)"), r.out());
    }

    @Test
    void failingScriptExitsOneWithItsHistory(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("f.pkt"), "0 < S 0:0(0) win 65535 <mss 1460>\n+0 > S. 0:0(0) ack 1\n");
        Run r = run("script", f.toString());
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.out().contains("FAIL " + f + ":2: flags: expected S. but got R."), r.out());
        assertTrue(r.out().contains("trace  out 192.168.0.1.8080 > 192.0.2.1.40000: Flags [R.]"), r.out());
    }

    @Test
    void configOverridesTheScript(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("c.pkt"), "0 < S 0:0(0) win 65535 <mss 1460>\n+0 > R. 0:0(0) ack 1\n");
        Run r = run("script", "--config", "local_ip=10.9.0.1", "-v", f.toString());
        assertEquals(0, r.exitCode(), r.out());
        assertTrue(r.out().contains("192.0.2.1.40000 > 10.9.0.1.8080"), r.out());
        r = run("script", "--config", "nonsense", f.toString());
        assertEquals(2, r.exitCode());
        assertEquals(
                "jtcp script: --config expects key=value, got 'nonsense'",
                r.err().strip());
    }

    @Test
    void hostileScriptsGiveOneErrorLineAndExitTwo(@TempDir Path dir) throws IOException {
        Path bad = Files.write(
                dir.resolve("bad.pkt"),
                "// fine\n0 < S 0:0(0) win 1 <\u0000\u00ff>\n".getBytes(StandardCharsets.ISO_8859_1));
        Run r = run("script", bad.toString());
        assertEquals(2, r.exitCode());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("jtcp script: " + bad + ":2: unsupported TCP option"), r.err());
        assertTrue(!r.err().contains("Exception") && !r.err().contains("\tat "), r.err());

        r = run("script", dir.resolve("missing.pkt").toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().startsWith("jtcp script: " + dir.resolve("missing.pkt") + ": cannot read"), r.err());

        Path big = dir.resolve("big.pkt");
        Files.write(big, new byte[(int) ScriptCommand.MAX_SCRIPT_BYTES + 1]);
        r = run("script", big.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("larger than"), r.err());
    }

    @Test
    void helpShowsTheSyntaxAndSettingsListsEveryKey() {
        Run r = run("script", "--help");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("Syntax (a packetdrill subset"), r.out());
        assertTrue(r.out().contains("12.5% of the gap"), r.out());
        r = run("script", "--settings");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("min_rto_ms"), r.out());
        assertTrue(r.out().contains("tolerance_usecs"), r.out());
        r = run("script");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("Missing required parameter: 'FILE.pkt'"), r.err());
    }
}
