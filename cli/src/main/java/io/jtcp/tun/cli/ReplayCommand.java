package io.jtcp.tun.cli;

import io.jtcp.tun.replay.CapturedPacket;
import io.jtcp.tun.replay.Comparison;
import io.jtcp.tun.replay.DivergenceLadder;
import io.jtcp.tun.replay.ForeignReplay;
import io.jtcp.tun.replay.Journal;
import io.jtcp.tun.replay.OwnReplay;
import io.jtcp.tun.replay.ReplayException;
import io.jtcp.tun.replay.ReplayReport;
import io.jtcp.tun.trace.EngineJournal;
import io.jtcp.viz.tcp.Connection;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Replays a capture through a fresh jtcp engine in virtual time and compares",
            "jtcp's output with what was recorded.",
            "jtcp's own --pcap FILE (with its journal FILE.jtcp): every inbound packet fed at",
            "the recorded loop times, with the recorded configuration, ISN secret and",
            "services; the output must be identical bit for bit.",
            "Any other capture: jtcp takes the place of one connection's server, is fed the",
            "client's segments at their capture times, and its answers are compared with",
            "the recorded server's (flags, seq/ack relative to the ISNs, length, window).",
            "Exit 0 when identical, 3 when the outputs diverge."
        })
final class ReplayCommand implements Callable<Integer> {
    /** Exit code when the replay's output differs from the recording. */
    static final int DIVERGED = 3;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "the capture (.pcap or .pcapng)")
    Path file;

    @ArgGroup(exclusive = true)
    CaptureChoice.Select select;

    @Option(
            names = "--journal",
            paramLabel = "JOURNAL",
            description = "the replay journal (default: FILE.jtcp when it exists)")
    Path journalFile;

    @Option(
            names = "--ladder",
            paramLabel = "OUT",
            description = "write the two-column ladder (recorded | jtcp's answer) of the connection"
                    + " (--conn, else the first that diverges, else the first): .svg, else text")
    Path ladder;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path jf = journalFile != null ? journalFile : EngineJournal.sidecarOf(file);
        try {
            if (journalFile == null && !Files.exists(jf)) {
                return foreign(out, err);
            }
            return own(Journal.read(jf), jf, out, err);
        } catch (ReplayException e) {
            throw new CliFailure(e.getMessage());
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int own(Journal journal, Path jf, PrintWriter out, PrintWriter err) {
        List<String> warnings = new ArrayList<>();
        List<CapturedPacket> capture = CapturedPacket.read(file, warnings);
        OwnReplay.Result r = OwnReplay.run(journal, capture, warnings);
        for (String w : r.warnings()) {
            err.println("jtcp replay: warning: " + w);
        }
        List<Connection> conns = select == null && ladder == null ? null : CaptureChoice.read(file, "replay", err);
        Connection conn = select == null ? null : CaptureChoice.choose(conns, select, file, "replay", err);
        long start = capture.isEmpty() ? 0 : capture.get(0).timeNs();
        out.println(String.format(
                Locale.ROOT,
                "jtcp replay: %s with journal %s: %d inbound packets fed through %d engine calls",
                file,
                jf,
                r.inboundFed(),
                r.calls()));
        ReplayReport report = new ReplayReport(r.recordedOut(), r.sent(), conn, r.clockOffsetNs(), Comparison::bytes);
        out.print(report.describe(start, conn == null ? "all connections" : "connection " + conn.summary()));
        if (ladder != null) {
            Connection shown = conn != null ? conn : firstDiverging(report, r, conns);
            ReplayReport one = new ReplayReport(r.recordedOut(), r.sent(), shown, r.clockOffsetNs(), Comparison::bytes);
            boolean jtcpIsA = shown.a().addr() == r.localAddr();
            Connection answer = DivergenceLadder.replayed(shown, jtcpIsA, one.replayedSegments());
            writeLadder(shown, answer, conns.size(), err);
        }
        return report.identical() ? 0 : DIVERGED;
    }

    /** Another stack's capture: jtcp in the server's place of one connection. */
    private int foreign(PrintWriter out, PrintWriter err) {
        List<String> warnings = new ArrayList<>();
        List<Connection> conns = CaptureChoice.read(file, "replay", err);
        Connection conn = CaptureChoice.choose(conns, select, file, "replay", err);
        List<CapturedPacket> capture = CapturedPacket.read(file, warnings);
        ForeignReplay.Result r = ForeignReplay.run(conn, capture, warnings);
        for (String w : r.warnings()) {
            err.println("jtcp replay: warning: " + w);
        }
        out.println("jtcp replay: " + file + " has no journal: another stack's capture; jtcp takes the server's"
                + " place in connection " + conn.summary());
        out.println("compared: flags, seq/ack (jtcp's ISN and timestamps mapped to the recorded ones), length,"
                + " window, SYN options");
        long start = capture.isEmpty() ? 0 : capture.get(0).timeNs();
        ReplayReport report = new ReplayReport(r.serverSide(), r.jtcp(), null, 0, Comparison::fields);
        out.print(report.describe(start, "the server's side"));
        if (ladder != null) {
            boolean jtcpIsA = conn.a().addr() == r.serverAddr();
            Connection answer = DivergenceLadder.replayed(conn, jtcpIsA, report.replayedSegments());
            writeLadder(conn, answer, conns.size(), err);
        }
        return report.identical() ? 0 : DIVERGED;
    }

    private void writeLadder(Connection shown, Connection answer, int connections, PrintWriter err) {
        String text = ladder.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".svg")
                ? DivergenceLadder.svg(shown, answer, connections)
                : DivergenceLadder.text(shown, answer, connections);
        try {
            Files.writeString(ladder, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliFailure("cannot write " + ladder + ": " + e.getMessage());
        }
        err.println("jtcp replay: wrote " + ladder + " (" + shown.summary() + ")");
    }

    /** The first connection with a divergence, else the first. */
    private static Connection firstDiverging(ReplayReport all, OwnReplay.Result r, List<Connection> conns) {
        if (!all.identical()) {
            for (Connection c : conns) {
                if (!new ReplayReport(r.recordedOut(), r.sent(), c, 0, Comparison::bytes).identical()) {
                    return c;
                }
            }
        }
        return conns.get(0);
    }
}
