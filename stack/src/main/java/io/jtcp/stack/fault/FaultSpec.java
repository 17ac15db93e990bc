package io.jtcp.stack.fault;

import java.util.Locale;

/**
 * What a {@link FaultInjector} does to packets, netem-style: probabilities of drop, duplicate,
 * reorder and corrupt, a fixed delay with uniform jitter, a queue limit, and the seed that makes a
 * run repeatable. Parsed from text such as {@code "loss=5%,delay=1ms,reorder=10%,duplicate=1%,seed=7"}.
 */
public final class FaultSpec {
    public final double lossProbability;
    public final double duplicateProbability;
    public final double reorderProbability;
    public final double corruptProbability;
    public final long delayNs;
    public final long jitterNs;
    public final int limitPackets;
    public final long seed;

    public FaultSpec(
            double loss,
            double duplicate,
            double reorder,
            double corrupt,
            long delayNs,
            long jitterNs,
            int limitPackets,
            long seed) {
        this.lossProbability = probability("loss", loss);
        this.duplicateProbability = probability("duplicate", duplicate);
        this.reorderProbability = probability("reorder", reorder);
        this.corruptProbability = probability("corrupt", corrupt);
        if (delayNs < 0 || jitterNs < 0 || jitterNs > delayNs) {
            // Jitter beyond the delay would release a packet before it arrived.
            throw new IllegalArgumentException("delay and jitter must be ≥ 0, and jitter at most the delay");
        }
        if (limitPackets < 1) {
            throw new IllegalArgumentException("limit must be at least 1 packet");
        }
        this.delayNs = delayNs;
        this.jitterNs = jitterNs;
        this.limitPackets = limitPackets;
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }

    /** The same faults with another seed (the other direction of a link gets its own). */
    public FaultSpec withSeed(long newSeed) {
        return new FaultSpec(
                lossProbability,
                duplicateProbability,
                reorderProbability,
                corruptProbability,
                delayNs,
                jitterNs,
                limitPackets,
                newSeed);
    }

    /** No faults at all. */
    public static FaultSpec none() {
        return new FaultSpec(0, 0, 0, 0, 0, 0, 1000, 1);
    }

    public boolean isNone() {
        return lossProbability == 0
                && duplicateProbability == 0
                && reorderProbability == 0
                && corruptProbability == 0
                && delayNs == 0;
    }

    /**
     * Parses {@code key=value} pairs separated by commas: {@code loss}, {@code duplicate}, {@code
     * reorder}, {@code corrupt} (a percentage like {@code 5%} or a fraction like {@code 0.05}),
     * {@code delay}, {@code jitter} ({@code 1ms}, {@code 250us}, {@code 2s}, {@code 100ns}), {@code
     * limit} (packets held at once, default 1000) and {@code seed}.
     *
     * @throws IllegalArgumentException naming the bad part
     */
    public static FaultSpec parse(String text) {
        double loss = 0;
        double duplicate = 0;
        double reorder = 0;
        double corrupt = 0;
        long delay = 0;
        long jitter = 0;
        int limit = 1000;
        long seed = 1;
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty fault spec");
        }
        for (String part : text.split(",", -1)) { // -1: an empty part (",", "loss=1%,") is an error too
            final String p = part.trim();
            final int eq = p.indexOf('=');
            if (eq <= 0 || eq == p.length() - 1) {
                throw new IllegalArgumentException("fault spec part '" + p + "' is not key=value");
            }
            final String key = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            final String value = p.substring(eq + 1).trim();
            switch (key) {
                case "loss":
                case "drop":
                    loss = parseProbability(key, value);
                    break;
                case "duplicate":
                case "dup":
                    duplicate = parseProbability(key, value);
                    break;
                case "reorder":
                    reorder = parseProbability(key, value);
                    break;
                case "corrupt":
                    corrupt = parseProbability(key, value);
                    break;
                case "delay":
                    delay = parseDuration(key, value);
                    break;
                case "jitter":
                    jitter = parseDuration(key, value);
                    break;
                case "limit":
                    limit = parseInt(key, value);
                    break;
                case "seed":
                    seed = parseLong(key, value);
                    break;
                default:
                    throw new IllegalArgumentException("unknown fault '" + key
                            + "' (known: loss, duplicate, reorder, corrupt, delay, jitter, limit, seed)");
            }
        }
        return new FaultSpec(loss, duplicate, reorder, corrupt, delay, jitter, limit, seed);
    }

    private static double parseProbability(String key, String value) {
        try {
            if (value.endsWith("%")) {
                return Double.parseDouble(value.substring(0, value.length() - 1)) / 100.0;
            }
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a percentage or fraction, not '" + value + "'");
        }
    }

    private static long parseDuration(String key, String value) {
        final String v = value.toLowerCase(Locale.ROOT);
        long unit;
        String number;
        if (v.endsWith("ns")) {
            unit = 1;
            number = v.substring(0, v.length() - 2);
        } else if (v.endsWith("us")) {
            unit = 1_000;
            number = v.substring(0, v.length() - 2);
        } else if (v.endsWith("ms")) {
            unit = 1_000_000;
            number = v.substring(0, v.length() - 2);
        } else if (v.endsWith("s")) {
            unit = 1_000_000_000;
            number = v.substring(0, v.length() - 1);
        } else {
            throw new IllegalArgumentException(key + " needs a unit (ns, us, ms, s): '" + value + "'");
        }
        try {
            final double d = Double.parseDouble(number);
            if (d < 0) {
                throw new IllegalArgumentException(key + " must not be negative: '" + value + "'");
            }
            return (long) (d * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is not a duration: '" + value + "'");
        }
    }

    private static int parseInt(String key, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, not '" + value + "'");
        }
    }

    private static long parseLong(String key, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, not '" + value + "'");
        }
    }

    private static double probability(String what, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(what + " must be between 0% and 100%: " + p);
        }
        return p;
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "loss=%.4g%%,duplicate=%.4g%%,reorder=%.4g%%,corrupt=%.4g%%,delay=%dus,jitter=%dus,limit=%d,seed=%d",
                lossProbability * 100,
                duplicateProbability * 100,
                reorderProbability * 100,
                corruptProbability * 100,
                delayNs / 1000,
                jitterNs / 1000,
                limitPackets,
                seed);
    }
}
