package io.jtcp.tun.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line download progress bar redrawn in place with {@code \r} (for a terminal only: {@code
 * jtcp get} draws it when stderr is a tty, like curl's meter).
 */
final class ProgressBar {
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final long startNs;
    private int lastLength;

    ProgressBar(PrintStream out, long startNs) {
        this.out = out;
        this.startNs = startNs;
    }

    void update(long doneBytes, long totalBytes, long nowNs) {
        final String line = render(doneBytes, totalBytes, (nowNs - startNs) / 1e9);
        final StringBuilder sb = new StringBuilder("\r").append(line);
        for (int i = line.length(); i < lastLength; i++) {
            sb.append(' '); // wipe what a longer previous line left
        }
        lastLength = line.length();
        out.print(sb);
        out.flush();
    }

    void finish(long doneBytes, long totalBytes, long nowNs) {
        update(doneBytes, totalBytes, nowNs);
        out.println();
    }

    /** {@code [#####.....]  42%  11.3 MiB / 27.0 MiB  85.1 MiB/s}, or without bar and % when the size is unknown. */
    static String render(long doneBytes, long totalBytes, double seconds) {
        final double rate = seconds > 0 ? doneBytes / seconds : 0;
        if (totalBytes <= 0) {
            return String.format(Locale.ROOT, "%s  %s/s", size(doneBytes), size((long) rate));
        }
        final double fraction = Math.min(1.0, (double) doneBytes / totalBytes);
        final int filled = (int) Math.round(fraction * WIDTH);
        return String.format(
                Locale.ROOT,
                "[%s%s] %3d%%  %s / %s  %s/s",
                "#".repeat(filled),
                ".".repeat(WIDTH - filled),
                (int) Math.floor(fraction * 100),
                size(doneBytes),
                size(totalBytes),
                size((long) rate));
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
