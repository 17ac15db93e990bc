package io.jtcp.viz.tsg;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Axis ticks at 1, 2 or 5 times a power of ten, and the units an axis is labelled in. */
public final class Units {
    /** An axis unit: its name and how many base units (seconds, bytes) one of it is. */
    public record Unit(String name, double size) {}

    private Units() {}

    /** Seconds for spans of a second or more, else milliseconds. */
    public static Unit time(double spanS) {
        return spanS >= 1 ? new Unit("s", 1) : new Unit("ms", 1e-3);
    }

    /** Bytes below 10 KB, KB (1024 bytes) below 10 MB, else MB (1024 KB). */
    public static Unit byteUnit(double span) {
        if (span < 10 * 1024) {
            return new Unit("bytes", 1);
        }
        return span < 10 * 1024 * 1024 ? new Unit("KB", 1024) : new Unit("MB", 1024 * 1024);
    }

    /** {@code 1.2 MB}, {@code 812 bytes}: for notes. */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " bytes";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KB", n / 1024.0);
        }
        if (n < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MB", n / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GB", n / (1024.0 * 1024 * 1024));
    }

    /** The tick step for about {@code target} ticks over {@code span}: 1, 2 or 5 times a power of ten. */
    public static double step(double span, int target) {
        if (!(span > 0)) {
            return 1;
        }
        double raw = span / target;
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double m = raw / p;
        return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
    }

    /** Tick values (multiples of {@code step}) within [lo, hi]. */
    public static List<Double> ticks(double lo, double hi, double step) {
        List<Double> out = new ArrayList<>();
        double first = Math.ceil(lo / step - 1e-9) * step;
        for (int i = 0; i < 1000; i++) {
            double v = first + i * step;
            if (v > hi + step * 1e-9) {
                break;
            }
            out.add(v);
        }
        return out;
    }

    /** A tick value written with as many decimals as the step needs and no more. */
    public static String label(double v, double step) {
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
        BigDecimal d = BigDecimal.valueOf(v).setScale(decimals, java.math.RoundingMode.HALF_UP);
        String s = d.toPlainString();
        return s.equals("-0") ? "0" : s;
    }
}
