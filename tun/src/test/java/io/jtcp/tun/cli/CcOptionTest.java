package io.jtcp.tun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.StackConfig;
import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.cc.Cubic;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
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
}
