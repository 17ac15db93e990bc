package io.jtcp.tun.cli;

import io.jtcp.viz.ladder.Ladder;
import io.jtcp.viz.ladder.SvgRenderer;
import io.jtcp.viz.ladder.TextRenderer;
import io.jtcp.viz.tcp.CaptureConnections;
import io.jtcp.viz.tcp.Connection;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Runs one guided scenario: its lab, then for each connection it named the text ladder (with jtcp's
 * own states) on the terminal and the SVG in the output directory, then what to look at.
 */
final class DemoRunner {
    /** Every scenario, in the order {@code --list} gives them (the order a course meets them). */
    static final List<DemoScenario> SCENARIOS = List.of(
            new HandshakeScenario(),
            new TeardownScenario(),
            new HalfCloseScenario(),
            new SimultaneousCloseScenario(),
            new RstScenario(),
            new TimeWaitScenario(),
            new RetransmitScenario(),
            new ZeroWindowScenario(),
            new SynFloodScenario());

    private DemoRunner() {}

    static DemoScenario find(String name) {
        return SCENARIOS.stream()
                .filter(s -> s.name().equals(name.toLowerCase(Locale.ROOT)))
                .findFirst()
                .orElse(null);
    }

    /** Runs {@code s}, writing its capture, state trace and SVGs into {@code dir}. */
    static int run(DemoScenario s, Path dir, long mslNs, PrintWriter out) throws Exception {
        Files.createDirectories(dir);
        out.println("jtcp demo " + s.name() + ": " + s.summary());
        List<String> failures;
        String ns;
        DemoLab lab = DemoLab.open(s, dir, mslNs, out);
        try {
            ns = lab.ns;
            lab.say("namespace " + ns + ": the kernel at " + DemoLab.KERNEL + " (tun0), jtcp at " + DemoLab.JTCP
                    + "; writing to " + dir);
            s.run(lab);
        } finally {
            lab.close();
        }
        {
            failures = lab.failures();
            Path states = dir.resolve(s.name() + "-states.txt");
            Files.write(states, lab.trace.lines(), StandardCharsets.UTF_8);
            List<Connection> conns = CaptureConnections.read(lab.pcapFile).connections();
            int n = 0;
            for (DemoLab.Shown shown : lab.shown()) {
                Connection c = conns.stream()
                        .filter(x -> x.a().port() == shown.port() || x.b().port() == shown.port())
                        .findFirst()
                        .orElse(null);
                if (c == null) {
                    failures.add("no connection with port " + shown.port() + " in the capture");
                    continue;
                }
                n++;
                Ladder ladder = TracedLadder.build(c, conns, DemoLab.JTCP_ADDR, lab.trace, s.absolute());
                out.println();
                out.println("== " + shown.caption() + " ==");
                out.print(TextRenderer.render(ladder));
                Path svg = dir.resolve(s.name() + (lab.shown().size() > 1 ? "-" + n : "") + ".svg");
                write(svg, SvgRenderer.render(ladder));
                out.println("  (picture: " + svg + ")");
            }
            out.println();
            out.println(
                    "capture: " + lab.pcapFile + " (jtcp ladder, jtcp tsg, tcpdump -r); jtcp's state trace: " + states);
            out.println("What to look at:");
            for (String l : s.lookAt(lab)) {
                out.println("  " + l);
            }
        }
        boolean gone = !DemoLab.namespaceExists(ns);
        out.println("namespace " + ns + (gone ? " removed" : " NOT removed"));
        out.flush();
        if (!failures.isEmpty()) {
            throw new CliFailure("demo " + s.name() + ": not as expected: " + String.join("; ", failures));
        }
        return 0;
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliFailure("cannot write " + file + ": " + e.getMessage());
        }
    }
}
