package io.jtcp.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Strict parsers for the lab's options: a number and a unit, nothing else (no spaces inside, no
 * unit guessed, no negative or non-finite values). Each failure is an {@link
 * IllegalArgumentException} whose message is one line naming the option, the bad text and what
 * would be accepted.
 */
public final class Units {
    private static final Pattern NUMBER_UNIT = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)([a-z%]*)");

    private Units() {}

    /** A rate: {@code 100mbit}, {@code 1.5gbit}, {@code 500kbit}, {@code 9600bit} (bit/s, decimal). */
    public static long parseRateBitsPerSec(String option, String text) {
        Parsed p = parse(option, text, "a rate such as 100mbit, 1gbit, 500kbit");
        final double unit =
                switch (p.unit) {
                    case "bit" -> 1;
                    case "kbit" -> 1e3;
                    case "mbit" -> 1e6;
                    case "gbit" -> 1e9;
                    default -> throw bad(
                            option, text, "a rate such as 100mbit, 1gbit, 500kbit (units bit, kbit, mbit, gbit)");
                };
        final double bits = p.value * unit;
        if (bits < 1000 || bits > 1e12) {
            throw bad(option, text, "a rate between 1kbit and 1000gbit");
        }
        return Math.round(bits);
    }

    /** A duration: {@code 100ms}, {@code 1.5s}, {@code 250us}, {@code 100ns}. */
    public static long parseDurationNs(String option, String text) {
        Parsed p = parse(option, text, "a duration such as 100ms, 2s, 250us");
        final double unit =
                switch (p.unit) {
                    case "ns" -> 1;
                    case "us" -> 1e3;
                    case "ms" -> 1e6;
                    case "s" -> 1e9;
                    default -> throw bad(option, text, "a duration such as 100ms, 2s, 250us (units ns, us, ms, s)");
                };
        final double ns = p.value * unit;
        if (ns > 1e14) {
            throw bad(option, text, "a duration of at most 100000s");
        }
        return Math.round(ns);
    }

    /**
     * A loss probability: a percentage ({@code 0.01%}, {@code 1%}) or exactly {@code 0}. A bare
     * fraction is refused: {@code 0.01} could mean 1 % or 0.01 %, so it must say which.
     */
    public static double parseLoss(String option, String text) {
        Parsed p = parse(option, text, "a percentage such as 0.01% or 1%, or 0");
        if (p.unit.isEmpty() && p.value == 0) {
            return 0;
        }
        if (!p.unit.equals("%")) {
            throw bad(option, text, "a percentage such as 0.01% or 1% (with the %), or 0");
        }
        if (p.value >= 100) {
            throw bad(option, text, "a percentage below 100%");
        }
        return p.value / 100.0;
    }

    /** A positive whole number ({@code --flows}, {@code --seed} use their own checks). */
    public static long parseWhole(String option, String text, long min, long max) {
        if (text == null || !text.matches("-?[0-9]{1,18}")) {
            throw bad(option, text, "a whole number");
        }
        final long v = Long.parseLong(text);
        if (v < min || v > max) {
            throw bad(option, text, "a whole number from " + min + " to " + max);
        }
        return v;
    }

    /** Comma-separated values, each parsed by {@code one}; empty items are an error. */
    public static <T> List<T> parseList(String option, String text, Function<String, T> one) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException(option + ": empty list");
        }
        List<T> out = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            if (part.isEmpty()) {
                throw new IllegalArgumentException(option + ": empty item in '" + text + "'");
            }
            out.add(one.apply(part));
        }
        return out;
    }

    /** A bits-per-second rate printed back in the unit the options use ({@code 100mbit}). */
    public static String formatRate(long bitsPerSec) {
        if (bitsPerSec % 1_000_000_000L == 0) {
            return bitsPerSec / 1_000_000_000L + "gbit";
        }
        if (bitsPerSec % 1_000_000L == 0) {
            return bitsPerSec / 1_000_000L + "mbit";
        }
        if (bitsPerSec % 1000L == 0) {
            return bitsPerSec / 1000L + "kbit";
        }
        return bitsPerSec + "bit";
    }

    private record Parsed(double value, String unit) {}

    private static Parsed parse(String option, String text, String expected) {
        if (text == null) {
            throw bad(option, null, expected);
        }
        Matcher m = NUMBER_UNIT.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw bad(option, text, expected);
        }
        return new Parsed(Double.parseDouble(m.group(1)), m.group(2));
    }

    static IllegalArgumentException bad(String option, String text, String expected) {
        return new IllegalArgumentException(option + ": '" + text + "' is not " + expected);
    }
}
