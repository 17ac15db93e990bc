package io.jtcp.lab;

import java.util.Locale;

/**
 * The bottleneck's drop-tail queue: a multiple of the path's bandwidth-delay product ({@code
 * 1bdp}, {@code 0.5bdp}) or a size in bytes ({@code 64k}, {@code 2m}, {@code 150000b}; k and m
 * are 1024 and 1024², as tc counts).
 */
public record QueueSize(double bdpMultiple, long bytes) {
    public QueueSize {
        if (bdpMultiple < 0 || bytes < 0 || (bdpMultiple > 0) == (bytes > 0)) {
            throw new IllegalArgumentException("a queue is either a BDP multiple or a byte count, and positive");
        }
    }

    public static QueueSize ofBdp(double multiple) {
        return new QueueSize(multiple, 0);
    }

    public static QueueSize ofBytes(long bytes) {
        return new QueueSize(0, bytes);
    }

    /** The queue in bytes on a path of {@code rateBitsPerSec} and round-trip time {@code rttNs}. */
    public long bytes(long rateBitsPerSec, long rttNs) {
        if (bytes > 0) {
            return bytes;
        }
        return Math.max(1, Math.round(bdpMultiple * bdpBytes(rateBitsPerSec, rttNs)));
    }

    /** The queue as a BDP multiple on that path (what results.csv reports in queue_bdp). */
    public double bdp(long rateBitsPerSec, long rttNs) {
        return bytes > 0 ? bytes / bdpBytes(rateBitsPerSec, rttNs) : bdpMultiple;
    }

    public static double bdpBytes(long rateBitsPerSec, long rttNs) {
        return rateBitsPerSec / 8.0 * rttNs / 1e9;
    }

    public static QueueSize parse(String option, String text) {
        String t = text == null ? "" : text.toLowerCase(Locale.ROOT);
        String expected = "a queue such as 1bdp, 0.5bdp, 64k, 2m or 150000b";
        if (!t.matches("[0-9]+(\\.[0-9]+)?(bdp|b|k|kb|m|mb)")) {
            throw Units.bad(option, text, expected);
        }
        int unitAt = 0;
        while (unitAt < t.length() && (Character.isDigit(t.charAt(unitAt)) || t.charAt(unitAt) == '.')) {
            unitAt++;
        }
        double v = Double.parseDouble(t.substring(0, unitAt));
        String unit = t.substring(unitAt);
        if (unit.equals("bdp")) {
            if (!(v > 0 && v <= 1000)) {
                throw Units.bad(option, text, "a BDP multiple above 0 and at most 1000");
            }
            return ofBdp(v);
        }
        double scale =
                switch (unit) {
                    case "k", "kb" -> 1024;
                    case "m", "mb" -> 1024 * 1024;
                    default -> 1;
                };
        double b = v * scale;
        if (b < 1500 || b > (1L << 34)) {
            throw Units.bad(option, text, "a queue of at least 1500 bytes (one packet) and at most 16g");
        }
        return ofBytes(Math.round(b));
    }

    /** As the option would say it: {@code 1bdp} or {@code 65536b}. */
    public String label() {
        return bytes > 0 ? bytes + "b" : trim(bdpMultiple) + "bdp";
    }

    static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
