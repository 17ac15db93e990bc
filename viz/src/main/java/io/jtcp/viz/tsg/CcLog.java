package io.jtcp.viz.tsg;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A sender's congestion log: a CSV file whose header names at least the columns {@code t_s}
 * (seconds: Unix time on the capture's clock, or seconds since the connection's first segment
 * when below 10^6) and {@code cwnd} (bytes); other columns are ignored. Lines starting with
 * {@code #} and empty lines are skipped. jtcp's {@code --cc-log} has a {@code conn} column
 * ({@code localport-remoteaddr:remoteport}) with the rows of all its connections; {@link
 * #read(Path, Set)} keeps one connection's.
 */
public final class CcLog {
    /** One line of the log. */
    public record Point(double tS, long cwnd) {}

    /** Lines read at most: a log bigger than this is cut (the graph is decimated anyway). */
    public static final int MAX_LINES = 5_000_000;

    private CcLog() {}

    /**
     * Reads {@code file}.
     *
     * @throws IllegalArgumentException naming the file and line when the header lacks a column or
     *     a value is not a number
     * @throws IOException when the file cannot be read
     */
    public static List<Point> read(Path file) throws IOException {
        return read(file, null);
    }

    /**
     * Reads the rows of {@code file} whose {@code conn} column is one of {@code conns}; all rows
     * when {@code conns} is null or the file has no {@code conn} column.
     *
     * @throws IllegalArgumentException as {@link #read(Path)}
     * @throws IOException when the file cannot be read
     */
    public static List<Point> read(Path file, Set<String> conns) throws IOException {
        List<Point> out = new ArrayList<>();
        int connCol = -1;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = null;
            int lineNo = 0;
            int tCol = -1;
            int cwndCol = -1;
            String line;
            while ((line = r.readLine()) != null && out.size() < MAX_LINES) {
                lineNo++;
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                String[] cells = trimmed.split(",", -1);
                if (header == null) {
                    header = trimmed;
                    for (int i = 0; i < cells.length; i++) {
                        String name = cells[i].strip().toLowerCase(Locale.ROOT);
                        if (name.equals("t_s")) {
                            tCol = i;
                        } else if (name.equals("cwnd")) {
                            cwndCol = i;
                        } else if (name.equals("conn") && conns != null) {
                            connCol = i;
                        }
                    }
                    if (tCol < 0 || cwndCol < 0) {
                        throw new IllegalArgumentException(
                                file + ": the header must name the columns t_s and cwnd, not '" + header + "'");
                    }
                    continue;
                }
                if (cells.length <= Math.max(tCol, cwndCol)) {
                    throw new IllegalArgumentException(file + " line " + lineNo + ": too few columns");
                }
                if (connCol >= 0 && (cells.length <= connCol || !conns.contains(cells[connCol].strip()))) {
                    continue;
                }
                try {
                    double t = Double.parseDouble(cells[tCol].strip());
                    long cwnd = Math.round(Double.parseDouble(cells[cwndCol].strip()));
                    if (Double.isFinite(t) && cwnd >= 0) {
                        out.add(new Point(t, cwnd));
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(file + " line " + lineNo + ": not a number: " + e.getMessage());
                }
            }
            if (header == null) {
                throw new IllegalArgumentException(file + ": empty congestion log (expected a header with t_s,cwnd)");
            }
        }
        return out;
    }
}
