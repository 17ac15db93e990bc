package io.jtcp.tun.cli;

import io.jtcp.tun.script.Script;
import io.jtcp.tun.script.ScriptException;
import io.jtcp.tun.script.ScriptParser;
import io.jtcp.tun.script.ScriptResult;
import io.jtcp.tun.script.ScriptRunner;
import io.jtcp.tun.script.ScriptSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jtcp script}: packetdrill-style scripts run against the engine in virtual time. Exit 0 when
 * every script passes, 1 when one fails (its whole history printed), 2 when one cannot be read or
 * parsed (one line: file, line, problem).
 */
@Command(
        name = "script",
        mixinStandardHelpOptions = true,
        description = {
            "Runs packetdrill-style scripts (a subset: time prefixes, < injected and > expected",
            "segments, socket calls) against jtcp's engine in virtual time, no device needed.",
            "A failing script prints its whole history: each line expected vs actual, the time",
            "and the segment as jtcp's trace prints it. Settings: '// jtcp: key=value' lines in",
            "the script, or --config key=value (which wins)."
        },
        footer = {
            "",
            "Syntax (a packetdrill subset; one event per line; // and /* */ comments):",
            "  TIME  0.100 (from the start)  +0.1 (after the previous event)  * (any time)",
            "        0.1~0.2  +0.1~+0.2 (ranges); *, ranges for > lines only. Tolerance:",
            "        4 ms or 12.5%% of the gap since the previous event (tolerance_usecs,",
            "        tolerance_percent).",
            "  TIME < [P>P] FLAGS START:END(LEN) [ack N] win N [<OPTIONS>]   injected",
            "  TIME > [P>P] FLAGS START:END(LEN) [ack N] [win N] [<OPTIONS>|<...>]  expected",
            "        FLAGS S S. . P. F. FP. R R. (U E W too); OPTIONS mss N, wscale N, sackOK,",
            "        TS val N ecr N, sack L:R..., nop, eol. jtcp's numbers count from its ISN,",
            "        the script's as written. On > lines an omitted ack or win is not",
            "        checked; omitted options mean none, <...> any.",
            "  TIME CALL(ARGS) = RESULT [ERRNO]   socket setsockopt fcntl bind listen accept",
            "        connect write send read recv shutdown close; '...' for any argument.",
            "Addresses: jtcp 192.168.0.1, port 8080 for bind and connect; the script",
            "192.0.2.1, port 40000 towards a listener. A segment jtcp sends that no > line",
            "takes before the next < line or call fails the script.",
        })
final class ScriptCommand implements Callable<Integer> {
    /** Larger files are refused: a script is a page of text. */
    static final long MAX_SCRIPT_BYTES = 1 << 20;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "FILE.pkt", description = "the scripts to run, in order")
    List<Path> files;

    @Option(
            names = "--config",
            paramLabel = "KEY=VALUE",
            description = "a setting for every script, after the script's own (e.g. min_rto_ms=1000)")
    List<String> config = new ArrayList<>();

    @Option(
            names = {"-v", "--verbose"},
            description = "print the history of passing scripts too")
    boolean verbose;

    @Option(names = "--settings", description = "list the settings a script or --config may set, and exit")
    boolean listSettings;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (listSettings) {
            ScriptSettings.KEYS.forEach((k, v) -> out.printf("%-26s %s%n", k, v));
            out.flush();
            return 0;
        }
        if (files == null || files.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "Missing required parameter: 'FILE.pkt'");
        }
        int exit = 0;
        for (Path f : files) {
            int code = runOne(f, out, err);
            exit = Math.max(exit, code);
        }
        out.flush();
        err.flush();
        return exit;
    }

    private int runOne(Path file, PrintWriter out, PrintWriter err) {
        String name = file.toString();
        String text;
        try {
            if (Files.size(file) > MAX_SCRIPT_BYTES) {
                err.println("jtcp script: " + name + ": larger than " + MAX_SCRIPT_BYTES + " bytes");
                return 2;
            }
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            err.println("jtcp script: " + name + ": cannot read: " + e.getMessage());
            return 2;
        }
        ScriptResult r;
        try {
            Script s = ScriptParser.parse(name, text);
            r = ScriptRunner.run(s, config);
        } catch (ScriptException e) {
            err.println("jtcp script: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("jtcp script: " + e.getMessage());
            return 2;
        }
        if (r.passed()) {
            if (verbose) {
                out.print(r.report());
            } else {
                out.printf("PASS %s (%d events, %s s virtual)%n", name, r.events(), seconds(r.virtualUs()));
            }
            return 0;
        }
        out.print(r.report());
        out.flush();
        return 1;
    }

    private static String seconds(long us) {
        return String.format("%d.%03d", us / 1_000_000, (us / 1000) % 1000);
    }
}
