package io.jtcp.lab;

import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.cc.CongestionControls;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Runs a {@link Matrix} on a {@link Backend} (the simulated one unless told) and writes {@code results.csv}, {@code
 * series/<cell>.csv} and the SVG plots into one directory.
 *
 * <p>Algorithm names go through one seam, a {@code Function<String, CongestionControl.Factory>}:
 * {@link #BUILT_IN} is the stack's registry ({@link CongestionControls#byName}: the built-in
 * algorithms, ServiceLoader providers and class names); tests may pass their own.
 */
public final class LabRunner {
    /**
     * The stack's registry of congestion controllers by name; {@code a+b} mixes algorithms within a
     * cell, flow i running the i-th ({@link MixedFactory}).
     */
    public static final Function<String, CongestionControl.Factory> BUILT_IN =
            name -> MixedFactory.resolve(name, CongestionControls::byName);

    /** The default interval of the time series, in virtual time. */
    public static final long DEFAULT_SAMPLE_NS = 10_000_000L;

    private final Function<String, CongestionControl.Factory> resolver;
    private final long sampleIntervalNs;
    private final boolean verifyContent;
    private final Backend backend;

    /** A runner on the simulated back-end. */
    public LabRunner(
            Function<String, CongestionControl.Factory> resolver, long sampleIntervalNs, boolean verifyContent) {
        this(resolver, sampleIntervalNs, verifyContent, new SimBackend());
    }

    public LabRunner(
            Function<String, CongestionControl.Factory> resolver,
            long sampleIntervalNs,
            boolean verifyContent,
            Backend backend) {
        this.resolver = resolver;
        this.sampleIntervalNs = sampleIntervalNs;
        this.verifyContent = verifyContent;
        this.backend = backend;
    }

    /**
     * Resolves every algorithm first (a bad name fails before anything runs), then runs the cells
     * in order, printing one line per cell to {@code progress}.
     */
    public List<CellResult> run(Matrix matrix, PrintWriter progress) {
        for (String cc : matrix.ccs()) {
            resolver.apply(cc);
        }
        List<Cell> cells = matrix.cells();
        List<CellResult> results = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            Cell cell = cells.get(i);
            // Resolved again per cell: a mixed factory's flow count starts at flow 0 in each.
            CellResult r = backend.run(cell, resolver.apply(cell.cc()), sampleIntervalNs, verifyContent);
            results.add(r);
            if (progress != null) {
                progress.printf(
                        Locale.ROOT,
                        "[%d/%d] %s: %.2f Mbit/s, %d retransmits, RTT mean %.1f ms p99 %.1f ms, jain %.3f (%.1f s)%n",
                        i + 1,
                        cells.size(),
                        cell.name(),
                        r.total().goodputMbit(),
                        r.total().retransmits(),
                        r.total().meanRttMs(),
                        r.total().p99RttMs(),
                        r.jain(),
                        r.realSeconds());
                progress.flush();
            }
        }
        return results;
    }

    /**
     * Writes {@code results.csv}, {@code series/<cell>.csv} for every cell, {@code
     * goodput_vs_loss.svg} (when some cell has loss), {@code cwnd_rtt.svg} for {@code plotCell}
     * (a cell name; null: the first cell) and {@code fairness.svg} (when some cell has more than one
     * flow). Returns the files written.
     */
    public static List<Path> write(List<CellResult> results, Path dir, String plotCell) {
        List<Path> written = new ArrayList<>();
        try {
            Files.createDirectories(dir.resolve("series"));
            written.add(writeString(dir.resolve("results.csv"), ResultsCsv.render(results)));
            for (CellResult r : results) {
                written.add(writeString(
                        dir.resolve("series").resolve(r.cell().name() + ".csv"), SeriesCsv.render(r.series())));
            }
            if (results.stream().anyMatch(r -> r.cell().loss() > 0)) {
                written.add(writeString(dir.resolve("goodput_vs_loss.svg"), Charts.goodputVsLoss(results)));
            }
            CellResult chosen = choose(results, plotCell);
            if (chosen != null) {
                written.add(writeString(dir.resolve("cwnd_rtt.svg"), Charts.cwndAndRtt(chosen)));
            }
            List<CellResult> multi =
                    results.stream().filter(r -> r.cell().flows() > 1).toList();
            if (!multi.isEmpty()) {
                written.add(writeString(dir.resolve("fairness.svg"), Charts.fairness(multi)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the lab's output in " + dir + ": " + e.getMessage(), e);
        }
        return written;
    }

    /** The cell named {@code name} (null: the first); an unknown name is an error naming the choices. */
    static CellResult choose(List<CellResult> results, String name) {
        if (results.isEmpty()) {
            return null;
        }
        if (name == null) {
            return results.get(0);
        }
        for (CellResult r : results) {
            if (r.cell().name().equals(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException("--plot-cell: no cell named '" + name + "' (cells: "
                + String.join(", ", results.stream().map(r -> r.cell().name()).toList()) + ")");
    }

    private static Path writeString(Path p, String text) throws IOException {
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }
}
