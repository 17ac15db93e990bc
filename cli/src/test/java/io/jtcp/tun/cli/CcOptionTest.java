package io.jtcp.tun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.StackConfig;
import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.cc.Cubic;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code --cc NAME} on every command that opens a device; nothing here opens one. */
class CcOptionTest {
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

    @CommandLine.Command(name = "probe")
    static final class Probe implements Runnable {
        @CommandLine.Mixin
        DeviceOptions dev;

        StackConfig config;

        @Override
        public void run() {
            config = dev.cc.applyTo(new StackConfig());
        }
    }

    private static CongestionControl.Factory chosen(String... args) {
        Probe probe = new Probe();
        assertEquals(0, new CommandLine(probe).execute(args));
        return probe.config.congestionControl();
    }

    @Test
    void shouldSetTheFactoryOnTheStackConfig() {
        assertNull(chosen(), "no --cc: the stack's default");
        assertEquals("cubic", chosen("--cc", "cubic").name());
        assertTrue(chosen("--cc", "Cubic").create() instanceof Cubic);
        assertEquals("cubic", chosen("--cc", Cubic.class.getName()).name(), "a class by name");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "serve --cc vegas|jtcp serve",
                "get --cc vegas http://10.7.0.1/|jtcp get",
                "connect --cc vegas 10.7.0.1 7|jtcp connect",
                "serve --cc java.lang.String|jtcp serve",
            })
    void shouldExitTwoWithOneLineOnABadName(String args, String command) {
        Run r = run(args.split(" "));
        assertEquals(2, r.exitCode(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].startsWith(command + ": Invalid value for option '--cc': "), lines[0]);
        if (args.contains("vegas")) {
            assertTrue(lines[0].contains("unknown congestion control 'vegas'; known: newreno, cubic, bbr"), lines[0]);
        } else {
            assertTrue(lines[0].contains("java.lang.String implements neither"), lines[0]);
        }
    }

    @ParameterizedTest
    @CsvSource({"serve", "connect", "get"})
    void shouldListTheAlgorithmsInTheHelp(String command) {
        Run r = run(command, "--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("--cc=NAME"), r.out());
        assertTrue(r.out().matches("(?s).*congestion control: newreno, cubic, bbr\\b.*"), r.out());
    }

    /** Fails at the file, before any device: the namespace named does not exist either. */
    @ParameterizedTest
    @CsvSource({"serve", "connect 10.7.0.1 7", "get http://10.7.0.1/"})
    void shouldExitOneWithOneLineWhenTheCcLogCannotBeWritten(String command, @TempDir Path tmp) {
        Path bad = tmp.resolve("no-such-dir").resolve("cc.csv");
        String[] words = command.split(" ");
        List<String> args =
                new ArrayList<>(List.of(words[0], "--netns", "jtcp-ccobs-absent", "--cc-log", bad.toString()));
        args.addAll(List.of(words).subList(1, words.length));
        Run r = run(args.toArray(new String[0]));
        assertEquals(1, r.exitCode(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].startsWith("jtcp: error: cannot write congestion log " + bad + ": "), lines[0]);
    }

    @Test
    void shouldExitTwoOnABadCcLogEvery() {
        Run r = run("serve", "--cc-log", "x.csv", "--cc-log-every", "rtts");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(
                r.err().contains("Invalid value for option '--cc-log-every': expected ack or rtt, not 'rtts'"),
                r.err());
        assertFalse(Files.exists(Path.of("x.csv")), "nothing created on a usage error");
    }

    @Test
    void shouldDescribeTheCcLogInTheHelp() {
        Run r = run("serve", "--help");
        assertTrue(r.out().contains("--cc-log=FILE"), r.out());
        assertTrue(r.out().contains("--cc-log-every=ack|rtt"), r.out());
        assertTrue(r.out().contains("slows bulk transfers"), r.out());
    }
}
