package io.jtcp.tun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Usage errors exit 2 with one line naming the problem; nothing here opens a device. */
class CliUsageTest {
    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        return run(Main.commandLine(), args);
    }

    /** As {@code jtcp} itself runs: only the subcommand the arguments name is registered. */
    private static Run runAsMain(String... args) {
        return run(Main.commandLine(args), args);
    }

    private static Run run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "serve --addr 1.2.3|jtcp serve: Invalid value for option '--addr': '1.2.3' is not an IPv4 address",
                "serve --addr 10.8.0.2|jtcp serve: --addr 10.8.0.2 is not in the host's subnet 10.7.0.1/24",
                "serve --host 10.7.0.1|jtcp serve: expected ADDRESS/PREFIX, e.g. 10.7.0.1/24, not '10.7.0.1'",
                "serve --host 10.7.0.1/31|jtcp serve: prefix length must be between 1 and 30, not 31",
                "serve --addr 10.7.0.1|jtcp serve: --addr 10.7.0.1 is the host's own address",
                "serve --mtu 100|jtcp serve: MTU must be between 576 and 65535, not 100",
                "serve --mtu x|jtcp serve: Invalid value for option '--mtu': 'x' is not an int",
                "serve --tun abcdefghijklmnopq|jtcp serve: invalid device name 'abcdefghijklmnopq': 1 to 15 characters",
                "serve --echo 70000|jtcp serve: --echo port must be 1..65535, not 70000",
                "serve --msl -1|jtcp serve: --msl must not be negative",
                // Settings in StackConfig's own terms: still one line, exit 2 (issue #12).
                "serve --syn-backlog 0|jtcp serve: synBacklog must be at least 1: 0",
                "serve --max-time-wait -1|jtcp serve: maxTimeWait must not be negative: -1",
                "serve --max-connections 0|jtcp serve: --max-connections must be at least 1",
                "serve --http-head-timeout -1|jtcp serve: --http-head-timeout must be 0 (never) to 86400 seconds, not -1.0",
                "serve --http-idle-timeout NaN|jtcp serve: --http-idle-timeout must be 0 (never) to 86400 seconds, not NaN",
                "serve --idle-timeout 1e9|jtcp serve: --idle-timeout must be 0 (never) to 86400 seconds, not 1.0E9",
                "serve --idle-timeout x|jtcp serve: Invalid value for option '--idle-timeout': 'x' is not a double",
                "connect 10.7.0.1|jtcp connect: Missing required parameter: 'PORT'",
                "connect 10.7.0.1 0|jtcp connect: PORT must be 1..65535, not 0",
                "get ftp://x|jtcp get: only http:// URLs are supported: 'ftp://x'",
                "get http://example.com/|jtcp get: the host must be an IPv4 address (jtcp has no DNS): 'example.com'",
                "bogus|jtcp: Unmatched argument at index 0: 'bogus'",
                "serve --offload --no-offload|jtcp serve: --offload and --no-offload contradict each other",
                "get --no-offload --offload http://10.7.0.1/|jtcp get: --offload and --no-offload contradict each other",
                "serve --trace-absolute|jtcp serve: --trace-absolute needs --trace",
                "serve --trace --trace-fold -1|jtcp serve: --trace-fold must not be negative, not -1",
                "get --trace-options http://10.7.0.1/|jtcp get: --trace-options needs --trace",
                "connect --trace --trace-states 10.7.0.1 5|jtcp connect: --trace-states prints no segments: give it without --trace and its options",
                "demo bogus|jtcp demo: unknown scenario 'bogus' (jtcp demo --list shows them)",
                "demo --msl 0|jtcp demo: --msl must be 0.01 to 600 seconds, not 0.0",
                "demo handshake teardown|jtcp demo: Unmatched argument at index 2: 'teardown'",
                "serve --queues 0|jtcp serve: --queues must be 1 to 256, not 0",
                "get --queues 257 http://10.7.0.1/|jtcp get: --queues must be 1 to 256, not 257",
                "connect --queues x 10.7.0.1 5|jtcp connect: Invalid value for option '--queues': 'x' is not an int",
            })
    void shouldExitTwoWithOneLineWhenUsageIsWrong(String args, String message) {
        Run r = run(args.split(" "));
        assertEquals(2, r.exitCode(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].startsWith(message + " (see: "), lines[0]);
    }

    /** Issue #11: the guided scenarios, one a line, without opening a device or a namespace. */
    @Test
    void shouldListTheDemoScenarios() {
        Run r = runAsMain("demo", "--list");
        assertEquals(0, r.exitCode(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(
                java.util.List.of(
                        "handshake",
                        "teardown",
                        "half-close",
                        "simultaneous-close",
                        "rst",
                        "time-wait",
                        "retransmit",
                        "zero-window",
                        "syn-flood"),
                java.util.Arrays.stream(lines).map(l -> l.split(" ")[0]).toList(),
                r.out());
        for (String l : lines) {
            assertTrue(l.length() > 30 && l.length() < 130, "a name and a one-line summary: " + l);
        }
        assertEquals("", r.err());
    }

    @Test
    void shouldRequireCommand() {
        Run r = run();
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("Missing command"), r.err());
    }

    @ParameterizedTest
    @CsvSource({"serve", "connect", "get", "demo", "ladder"})
    void shouldPrintHelpForEveryCommand(String command) {
        Run r = run(command, "--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().startsWith("Usage: jtcp " + command), r.out());
    }

    /** Issue #13: offloads are the default; --no-offload opts out, --offload is still accepted. */
    @ParameterizedTest
    @CsvSource({"serve", "connect", "get"})
    void shouldDocumentNoOffloadAndNotTheOldDefault(String command) {
        Run r = run(command, "--help");
        assertTrue(r.out().contains("--no-offload"), r.out());
        assertTrue(!r.out().matches("(?s).*\\s--offload\\b.*"), "--offload is the default now: " + r.out());
    }

    @picocli.CommandLine.Command(name = "probe")
    static final class Probe implements Runnable {
        @picocli.CommandLine.Mixin
        DeviceOptions dev;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        io.jtcp.tun.TunConfig config;

        @Override
        public void run() {
            config = dev.tunConfig(spec);
        }
    }

    private static io.jtcp.tun.TunConfig deviceConfig(String... args) {
        Probe probe = new Probe();
        assertEquals(0, new CommandLine(probe).execute(args));
        return probe.config;
    }

    @Test
    void shouldAskForOffloadsUnlessToldNotTo() {
        assertTrue(deviceConfig().vnetHeader(), "offloads by default");
        assertTrue(deviceConfig("--offload").vnetHeader(), "--offload: a no-op alias");
        assertTrue(!deviceConfig("--no-offload").vnetHeader(), "--no-offload opts out");
        assertTrue(deviceConfig("--no-offload").writerThread(), "plain packets keep the writer thread");
        assertTrue(!deviceConfig("--no-offload", "--single-thread").writerThread());
        assertEquals(1, deviceConfig().queues(), "one queue by default");
        assertEquals(4, deviceConfig("--queues", "4").queues());
    }

    /** Issue #13 §6: a capture, a trace and a congestion log record every queue; no usage error. */
    @Test
    void shouldTakeCaptureTraceAndCcLogWithSeveralQueues() {
        io.jtcp.tun.TunConfig c = deviceConfig("--queues", "2", "--pcap", "x.pcap", "--trace", "--cc-log", "x.csv");
        assertEquals(2, c.queues());
        assertTrue(c.vnetHeader(), "offloads stay on: the capture cuts in software");
    }

    @Test
    void shouldNameMissingNamespaceInOneLineWithExitOne() {
        Run r = run("serve", "--netns", "jtcp-does-not-exist");
        assertEquals(1, r.exitCode());
        assertEquals(
                "jtcp: error: no network namespace 'jtcp-does-not-exist' (create it with: ip netns add jtcp-does-not-exist)",
                r.err().strip());
    }

    /** Issue #13 (start-up): registering only the named subcommand changes nothing the user sees. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "serve --help",
                "connect --help",
                "get --help",
                "demo --help",
                "ladder --help",
                "tun-bench --help",
                "get ftp://x",
                "serve --mtu x",
                "connect 10.7.0.1",
                "--help",
                "help get",
                "bogus",
                "gett http://10.7.0.1/",
                "--version",
                "-V",
                "serve --netns jtcp-does-not-exist",
            })
    void shouldAnswerAlikeWhenOnlyTheNamedCommandIsRegistered(String args) {
        String[] a = args.split(" ");
        assertEquals(run(a), runAsMain(a));
    }

    @Test
    void shouldListEveryCommandInTheTopLevelUsage() {
        Run r = runAsMain("--help");
        for (String command : Main.COMMANDS) {
            assertTrue(r.out().contains("  " + command + " "), command + " missing from: " + r.out());
        }
    }

    @Test
    void shouldPrintTheVersionLikePicocliDoes() {
        assertEquals(Main.VERSION + System.lineSeparator(), run("--version").out());
    }
}
