package io.jtcp.tun.cli;

import io.jtcp.lab.CellResult;
import io.jtcp.lab.LabRunner;
import io.jtcp.lab.Matrix;
import io.jtcp.lab.QueueSize;
import io.jtcp.lab.SimBackend;
import io.jtcp.lab.Units;
import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.tun.lab.TunLabBackend;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
        name = "lab",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a congestion-control experiment matrix and writes the results and plots:",
            "every combination of --cc, --rate, --rtt, --loss, --queue and --flows, each",
            "for --seconds of virtual time on a simulated bottleneck (seeded random loss,",
            "then a drop-tail queue and the rate, then half the RTT of delay; the ACK path",
            "is uncongested). Lists are comma-separated.",
            "Writes DIR/results.csv, DIR/series/<cell>.csv and the SVG plots",
            "goodput_vs_loss.svg, cwnd_rtt.svg and (with several flows) fairness.svg.",
            "--backend tun runs the same matrix in real time: jtcp sends over TUN to the",
            "kernel in a namespace, behind jtcp's fault injector (rate=, delay, loss)."
        })
final class LabCommand implements Callable<Integer> {
    /**
     * Algorithm names to factories: the one place that knows which algorithms exist (null is the
     * engine's default controller).
     */
    static Function<String, CongestionControl.Factory> algorithms = LabRunner.BUILT_IN;

    enum Backend {
        sim,
        tun
    }

    @Spec
    CommandSpec spec;

    @Option(
            names = "--cc",
            paramLabel = "NAMES",
            defaultValue = "newreno",
            description = "algorithms; a+b runs them side by side in one cell, flow i the i-th"
                    + " (default: ${DEFAULT-VALUE})")
    String cc;

    @Option(
            names = "--rate",
            paramLabel = "RATES",
            defaultValue = "100mbit",
            description = "bottleneck rates: kbit, mbit, gbit (default: ${DEFAULT-VALUE})")
    String rate;

    @Option(
            names = "--rtt",
            paramLabel = "RTTS",
            defaultValue = "100ms",
            description = "base round-trip times: us, ms, s (default: ${DEFAULT-VALUE})")
    String rtt;

    @Option(
            names = "--loss",
            paramLabel = "LOSSES",
            defaultValue = "0",
            description = "random loss of data packets: percentages like 0.01%%, or 0 (default: ${DEFAULT-VALUE})")
    String loss;

    @Option(
            names = "--queue",
            paramLabel = "QUEUES",
            defaultValue = "1bdp",
            description = "drop-tail queue: a BDP multiple (1bdp, 0.5bdp) or bytes (64k, 2m, 150000b) "
                    + "(default: ${DEFAULT-VALUE})")
    String queue;

    @Option(
            names = "--flows",
            paramLabel = "COUNTS",
            defaultValue = "1",
            description = "flows at once (default: ${DEFAULT-VALUE})")
    String flows;

    @Option(
            names = "--seconds",
            paramLabel = "S",
            defaultValue = "60",
            description = "virtual seconds per cell (default: ${DEFAULT-VALUE})")
    String seconds;

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "1",
            description = "the loss process's seed (default: ${DEFAULT-VALUE})")
    String seed;

    @Option(
            names = "--sample",
            paramLabel = "INTERVAL",
            defaultValue = "10ms",
            description = "time-series interval in virtual time (default: ${DEFAULT-VALUE})")
    String sample;

    @Option(
            names = "--backend",
            paramLabel = "BACKEND",
            defaultValue = "sim",
            description = "sim (simulated, virtual time) or tun (jtcp over TUN to the Linux kernel in a namespace "
                    + "it creates; needs root and python3; real time) (default: ${DEFAULT-VALUE})")
    Backend backend;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "lab-out",
            description = "output directory (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(
            names = "--plot-cell",
            paramLabel = "CELL",
            description = "the cell cwnd_rtt.svg shows (a name from results; default: the first)")
    String plotCell;

    @Option(names = "--verify", description = "check every transfer's content by SHA-256 (slower)")
    boolean verify;

    @Override
    public Integer call() {
        Matrix matrix;
        long sampleNs;
        try {
            List<String> ccs = Units.parseList("--cc", cc, LabCommand::algorithmName);
            matrix = new Matrix(
                    ccs,
                    Units.parseList("--rate", rate, s -> Units.parseRateBitsPerSec("--rate", s)),
                    Units.parseList("--rtt", rtt, s -> positive("--rtt", Units.parseDurationNs("--rtt", s))),
                    Units.parseList("--loss", loss, s -> Units.parseLoss("--loss", s)),
                    Units.parseList("--queue", queue, s -> QueueSize.parse("--queue", s)),
                    Units.parseList("--flows", flows, s -> (int) Units.parseWhole("--flows", s, 1, 64)),
                    Units.parseWhole("--seconds", seconds, 1, 86_400),
                    Units.parseWhole("--seed", seed, Long.MIN_VALUE + 1, Long.MAX_VALUE));
            sampleNs = positive("--sample", Units.parseDurationNs("--sample", sample));
            for (String name : ccs) {
                try {
                    algorithms.apply(name);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--cc: " + e.getMessage(), e);
                }
            }
            if (plotCell != null
                    && matrix.cells().stream().noneMatch(c -> c.name().equals(plotCell))) {
                throw new IllegalArgumentException("--plot-cell: no cell named '" + plotCell + "' (the first is "
                        + matrix.cells().get(0).name() + ")");
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        // The plots are drawn through java.awt with no display.
        System.setProperty("java.awt.headless", "true");
        PrintWriter o = spec.commandLine().getOut();
        long started = System.nanoTime();
        io.jtcp.lab.Backend where = backend == Backend.tun ? new TunLabBackend() : new SimBackend();
        List<CellResult> results = new LabRunner(algorithms, sampleNs, verify, where).run(matrix, o);
        for (CellResult r : results) {
            if (!r.total().contentVerified()) {
                throw new CliFailure("cell " + r.cell().name() + ": the bytes read differ from those written");
            }
        }
        List<Path> written = LabRunner.write(results, out, plotCell);
        o.printf(
                Locale.ROOT,
                "%d cells in %.1f s; wrote %d files in %s%n",
                results.size(),
                (System.nanoTime() - started) / 1e9,
                written.size(),
                out);
        o.flush();
        return 0;
    }

    private static String algorithmName(String name) {
        if (!name.matches("[A-Za-z0-9_.$+-]+")) {
            throw new IllegalArgumentException("--cc: '" + name + "' is not an algorithm name");
        }
        return name;
    }

    private static long positive(String option, long ns) {
        if (ns <= 0) {
            throw new IllegalArgumentException(option + ": must be above 0");
        }
        return ns;
    }
}
