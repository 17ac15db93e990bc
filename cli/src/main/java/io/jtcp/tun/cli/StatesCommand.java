package io.jtcp.tun.cli;

import io.jtcp.viz.states.StateDiagramSvg;
import io.jtcp.viz.states.StatePath;
import io.jtcp.viz.tcp.Connection;
import io.jtcp.viz.tcp.ConnectionAnalysis;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "states",
        mixinStandardHelpOptions = true,
        description = {
            "Draws RFC 9293 Figure 5 (the TCP connection state diagram) as SVG with the",
            "transitions one side of one connection in a capture took highlighted and",
            "numbered in order (states inferred by the RFC 9293 state machine), and a list",
            "of the steps with time, frame and segment. --blank draws the plain figure."
        })
final class StatesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "the capture (.pcap or .pcapng)")
    Path file;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "OUT",
            description = "write the SVG to OUT instead of stdout")
    Path out;

    @ArgGroup(exclusive = true)
    CaptureChoice.Select select;

    @Option(
            names = "--side",
            paramLabel = "SIDE",
            defaultValue = "a",
            description = "whose transitions: a (the opener), b, ADDR, ADDR:PORT or PORT (default: ${DEFAULT-VALUE})")
    String side;

    @Option(names = "--blank", description = "the figure without a capture, nothing highlighted (for teaching)")
    boolean blank;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        String svg;
        String what;
        if (blank) {
            if (file != null) {
                throw new ParameterException(spec.commandLine(), "--blank draws no capture: drop FILE or --blank");
            }
            svg = StateDiagramSvg.blank();
            what = "RFC 9293 Figure 5";
        } else {
            if (file == null) {
                throw new ParameterException(spec.commandLine(), "Missing required parameter: 'FILE' (or --blank)");
            }
            try {
                CaptureChoice.checkPort(select);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            List<Connection> conns = CaptureChoice.read(file, "states", err);
            Connection c = CaptureChoice.choose(conns, select, file, "states", err);
            boolean sideA = CaptureChoice.isSideA(c, side, "--side");
            ConnectionAnalysis an = ConnectionAnalysis.of(c);
            StatePath path = StatePath.of(an, sideA);
            Connection conn = an.connection();
            String title = "RFC 9293 Figure 5: the states " + path.side() + " went through (connection #"
                    + conn.number() + ")";
            List<String> notes = List.of(
                    conn.summary(),
                    "side " + (sideA ? "a (it opened the connection)" : "b (it was opened to)") + ", from "
                            + file.getFileName() + "; states inferred from the capture, not read from either stack");
            svg = StateDiagramSvg.render(path, title, notes);
            what = path.side() + ", " + path.steps().size() + " transitions";
        }
        if (out == null) {
            PrintWriter o = spec.commandLine().getOut();
            o.print(svg);
            o.flush();
        } else {
            try {
                Files.writeString(out, svg, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CliFailure("cannot write " + out + ": " + e.getMessage());
            }
            err.println("jtcp states: wrote " + out + " (" + what + ")");
        }
        err.flush();
        return 0;
    }
}
