package io.jtcp.tun.cli;

import io.jtcp.viz.tcp.Connection;
import io.jtcp.viz.tcp.ConnectionAnalysis;
import io.jtcp.viz.tsg.CcLog;
import io.jtcp.viz.tsg.TimeSequence;
import io.jtcp.viz.tsg.TsgBuilder;
import io.jtcp.viz.tsg.TsgSvgRenderer;
import io.jtcp.viz.tsg.XplRenderer;
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
        name = "tsg",
        mixinStandardHelpOptions = true,
        description = {
            "Draws a time-sequence graph (tcptrace/Stevens style) of one direction of one",
            "TCP connection in a capture: the sender's segments as bars (seq..seq+len at",
            "their time; retransmissions red), the receiver's ACK line (green) and window",
            "edge (ACK + scaled window, yellow), SACK blocks, dup ACKs and zero windows.",
            "Relative sequence numbers unless --absolute. SVG, or tcptrace's .xpl for xplot.",
            "Long captures are decimated into --columns time columns (segments that touch",
            "merge within a column), so the output stays bounded."
        })
final class TsgCommand implements Callable<Integer> {
    enum Format {
        svg,
        xpl
    }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "the capture (.pcap or .pcapng)")
    Path file;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "OUT",
            description = "write to OUT instead of stdout; .xpl means --format xpl")
    Path out;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            description = "svg or xpl (default: from OUT's extension, else svg)")
    Format format;

    @ArgGroup(exclusive = true)
    CaptureChoice.Select select;

    @Option(
            names = "--dir",
            paramLabel = "SENDER",
            description = "the sending side: a (the opener), b, ADDR, ADDR:PORT or PORT"
                    + " (default: the side that sent more payload)")
    String dir;

    @Option(names = "--absolute", description = "raw sequence numbers instead of relative to the sender's ISN")
    boolean absolute;

    @Option(
            names = "--in-flight",
            description = {
                "add a panel with bytes in flight (highest seq sent - ACK); with xpl a second graph,",
                "OUT's name with _owin before .xpl (as tcptrace's a2b_owin.xpl), which needs -o"
            })
    boolean inFlight;

    @Option(
            names = "--cc-log",
            paramLabel = "CSV",
            description = {
                "the sender's congestion log (a CSV with t_s and cwnd columns): cwnd in the lower panel;",
                "of jtcp's --cc-log (a conn column) only the chosen connection's rows"
            })
    Path ccLog;

    @Option(
            names = "--columns",
            paramLabel = "N",
            description = "time columns to decimate into (default: " + TsgSvgRenderer.PLOT_WIDTH
                    + ", one per pixel, for SVG; 4000 for xpl)")
    Integer columns;

    @Option(
            names = "--from",
            paramLabel = "S",
            description = "start the time axis S seconds after the connection's first segment (zoom)")
    Double from;

    @Option(
            names = "--to",
            paramLabel = "S",
            description = "end the time axis S seconds after the first segment (zoom)")
    Double to;

    @Option(names = "--list", description = "only list the connections, one a line")
    boolean list;

    @Override
    public Integer call() {
        if (columns != null && (columns < 10 || columns > 1_000_000)) {
            throw new ParameterException(spec.commandLine(), "--columns must be 10..1000000, not " + columns);
        }
        try {
            CaptureChoice.checkPort(select);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        double fromS = from != null ? from : 0;
        double toS = to != null ? to : Double.POSITIVE_INFINITY;
        if (!(fromS >= 0) || !(toS > fromS)) {
            throw new ParameterException(
                    spec.commandLine(), "--from and --to must satisfy 0 <= from < to, not " + fromS + ", " + toS);
        }
        Format fmt = format != null ? format : fromExtension(out);
        PrintWriter err = spec.commandLine().getErr();
        if (fmt == Format.xpl && inFlight && out == null) {
            throw new ParameterException(
                    spec.commandLine(), "--in-flight with xpl writes a second graph beside OUT: give -o OUT.xpl");
        }
        List<Connection> conns = CaptureChoice.read(file, "tsg", err);
        if (list) {
            PrintWriter o = spec.commandLine().getOut();
            conns.forEach(c -> o.println(c.summary()));
            o.flush();
            err.flush();
            return 0;
        }
        Connection chosen = CaptureChoice.choose(conns, select, file, "tsg", err);
        List<CcLog.Point> cc = List.of();
        if (ccLog != null) {
            try {
                cc = CcLog.read(ccLog, ccNames(chosen));
            } catch (IOException e) {
                throw new CliFailure("cannot read " + ccLog + ": " + e.getMessage());
            }
        }
        boolean fromA = dir == null ? TsgBuilder.busierIsA(chosen) : CaptureChoice.isSideA(chosen, dir, "--dir");
        int cols = columns != null ? columns : fmt == Format.svg ? TsgSvgRenderer.PLOT_WIDTH : 4000;
        TimeSequence g = new TsgBuilder(absolute, cols, inFlight)
                .ccLog(cc)
                .window(fromS, toS)
                .build(ConnectionAnalysis.of(chosen), fromA);
        if (ccLog != null && g.cwnd().isEmpty()) {
            err.println("jtcp tsg: warning: no line of " + ccLog + " falls within the connection's time");
        }
        String rendered = fmt == Format.svg ? TsgSvgRenderer.render(g) : XplRenderer.render(g);
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
            err.println("jtcp tsg: wrote " + out + " (" + g.sender() + " -> " + g.receiver() + ", "
                    + g.stats().dataSegments() + " segments as " + g.bars().size() + " bars)");
            String owin = fmt == Format.xpl && inFlight ? XplRenderer.renderOutstanding(g) : null;
            if (owin != null) {
                Path second = owinPath(out);
                try {
                    Files.writeString(second, owin, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new CliFailure("cannot write " + second + ": " + e.getMessage());
                }
                err.println("jtcp tsg: wrote " + second + " (bytes in flight"
                        + (g.cwnd().isEmpty() ? "" : " and cwnd") + ")");
            }
        }
        err.flush();
        return 0;
    }

    /** {@code a.xpl} -> {@code a_owin.xpl}, {@code a} -> {@code a_owin.xpl}, beside it. */
    static Path owinPath(Path out) {
        String name = out.getFileName().toString();
        String stem = name.toLowerCase(Locale.ROOT).endsWith(".xpl") ? name.substring(0, name.length() - 4) : name;
        return out.resolveSibling(stem + "_owin.xpl");
    }

    /**
     * The names jtcp's --cc-log gives this connection ({@code localport-remoteaddr:remoteport}),
     * for either side being jtcp.
     */
    static java.util.Set<String> ccNames(Connection c) {
        return java.util.Set.of(c.a().port() + "-" + c.b(), c.b().port() + "-" + c.a());
    }

    private static Format fromExtension(Path out) {
        return out != null
                        && out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".xpl")
                ? Format.xpl
                : Format.svg;
    }
}
