package io.jtcp.tun.cli;

import io.jtcp.viz.ladder.Ladder;
import io.jtcp.viz.ladder.LadderBuilder;
import io.jtcp.viz.ladder.MermaidRenderer;
import io.jtcp.viz.ladder.SvgRenderer;
import io.jtcp.viz.ladder.TextRenderer;
import io.jtcp.viz.tcp.Connection;
import io.jtcp.viz.tcp.ConnectionAnalysis;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "ladder",
        mixinStandardHelpOptions = true,
        description = {
            "Draws a ladder (sequence) diagram of one TCP connection in a capture:",
            "jtcp's own --pcap, or any tcpdump/Wireshark capture (pcap or pcapng;",
            "Ethernet, raw IP, Linux cooked, loopback).",
            "One arrow per segment: flags, seq/ack, length, window, SYN options.",
            "Each side's state where it changes, inferred by the RFC 9293 state machine.",
            "Marks retransmissions, dup ACKs, out-of-order segments, zero windows.",
            "Bulk data folds into one row; pauses of 0.2 s or more get a row.",
            "With several connections and no --conn/--port: lists them on stderr and",
            "draws the first (--list only lists)."
        })
final class LadderCommand implements Callable<Integer> {
    enum Format {
        svg,
        mermaid,
        text
    }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "the capture (.pcap or .pcapng)")
    Path file;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "OUT",
            description = "write to OUT instead of stdout; the format follows its extension (.svg, .mmd/.md, .txt)")
    Path out;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            description = "svg, mermaid or text (default: from OUT's extension, else text)")
    Format format;

    @ArgGroup(exclusive = true)
    CaptureChoice.Select select;

    @Option(names = "--absolute", description = "raw sequence numbers instead of relative to each side's ISN")
    boolean absolute;

    @Option(names = "--list", description = "only list the connections, one a line")
    boolean list;

    @Option(
            names = "--max-rows",
            paramLabel = "N",
            defaultValue = "300",
            description = "rows beyond which marked segments fold too (default: ${DEFAULT-VALUE})")
    int maxRows;

    @Override
    public Integer call() {
        if (maxRows < 10) {
            throw new ParameterException(spec.commandLine(), "--max-rows must be at least 10, not " + maxRows);
        }
        if (select != null && select.port != null && (select.port < 1 || select.port > 65535)) {
            throw new ParameterException(spec.commandLine(), "--port must be 1..65535, not " + select.port);
        }
        Format fmt = format != null ? format : fromExtension(out);
        PrintWriter err = spec.commandLine().getErr();
        List<Connection> conns = CaptureChoice.read(file, "ladder", err);
        if (list) {
            PrintWriter o = spec.commandLine().getOut();
            conns.forEach(c -> o.println(c.summary()));
            o.flush();
            err.flush();
            return 0;
        }
        Connection chosen = CaptureChoice.choose(conns, select, file, "ladder", err);
        Ladder ladder = new LadderBuilder(absolute, maxRows).build(ConnectionAnalysis.of(chosen), conns.size());
        String rendered =
                switch (fmt) {
                    case svg -> SvgRenderer.render(ladder);
                    case mermaid -> MermaidRenderer.render(ladder);
                    case text -> TextRenderer.render(ladder);
                };
        if (out == null) {
            PrintWriter o = spec.commandLine().getOut();
            o.print(rendered);
            o.flush();
        } else {
            try {
                Files.writeString(out, rendered, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CliFailure("cannot write " + out + ": " + e.getMessage());
            }
            err.println("jtcp ladder: wrote " + out + " (" + chosen.summary() + ")");
        }
        err.flush();
        return 0;
    }

    private static Format fromExtension(Path out) {
        if (out == null) {
            return Format.text;
        }
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".svg")) {
            return Format.svg;
        }
        if (name.endsWith(".mmd") || name.endsWith(".md") || name.endsWith(".mermaid")) {
            return Format.mermaid;
        }
        return Format.text;
    }
}
