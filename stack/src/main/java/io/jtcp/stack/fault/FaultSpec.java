package io.jtcp.stack.fault;

import java.util.Locale;

/**
 * What a {@link FaultInjector} does to packets, netem-style: probabilities of drop, duplicate,
 * reorder and corrupt, a fixed delay with uniform jitter, a queue limit, a rate limit with its
 * drop-tail queue (a bottleneck, as tc's tbf), and the seed that makes a run repeatable. Parsed
 * from text such as {@code "loss=5%,delay=1ms,reorder=10%,duplicate=1%,seed=7"} or {@code
 * "rate=200mbit,queue=64k,delay=10ms"}.
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
    // ---- rate limit (issue #10, the lab's bottleneck over TUN) ----
    /** The bottleneck's rate in bit/s; 0: no rate limit. */
    public final long rateBitsPerSec;
    /** The rate limiter's drop-tail queue, in bytes (the packet being serialized included). */
    public final long queueBytes;

    /** The queue a rate limit gets when {@code queue=} does not say: 256 KiB. */
    public static final long DEFAULT_QUEUE_BYTES = 256 << 10;

    public FaultSpec(
            double loss,
            double duplicate,
            double reorder,
            double corrupt,
            long delayNs,
            long jitterNs,
            int limitPackets,
            long seed) {
        this(loss, duplicate, reorder, corrupt, delayNs, jitterNs, limitPackets, seed, 0, DEFAULT_QUEUE_BYTES);
    }

    /**
     * As the netem-style constructor, plus a rate limit: packets leave at {@code rateBitsPerSec}
     * (0: unlimited) from a drop-tail queue of {@code queueBytes}.
     */
    public FaultSpec(
            double loss,
            double duplicate,
            double reorder,
            double corrupt,
            long delayNs,
            long jitterNs,
            int limitPackets,
            long seed,
            long rateBitsPerSec,
            long queueBytes) {
        if (rateBitsPerSec != 0 && (rateBitsPerSec < MIN_RATE || rateBitsPerSec > MAX_RATE)) {
            throw new IllegalArgumentException("rate must be between 1kbit and 1000gbit: " + rateBitsPerSec + "bit");
        }
        if (queueBytes < MIN_QUEUE || queueBytes > MAX_QUEUE) {
            throw new IllegalArgumentException("queue must be between 1500b and 1g: " + queueBytes + "b");
        }
        this.rateBitsPerSec = rateBitsPerSec;
        this.queueBytes = queueBytes;
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
                newSeed,
                rateBitsPerSec,
                queueBytes);
    }

    private static final long MIN_RATE = 1000;
    private static final long MAX_RATE = 1_000_000_000_000L;
    private static final long MIN_QUEUE = 1500; // one full-size packet
    private static final long MAX_QUEUE = 1L << 30;

    /** No faults at all. */
    public static FaultSpec none() {
        return new FaultSpec(0, 0, 0, 0, 0, 0, 1000, 1);
    }

    public boolean isNone() {
        return lossProbability == 0
                && duplicateProbability == 0
                && reorderProbability == 0
                && corruptProbability == 0
                && delayNs == 0
                && rateBitsPerSec == 0;
    }

    /**
     * Parses {@code key=value} pairs separated by commas: {@code loss}, {@code duplicate}, {@code
     * reorder}, {@code corrupt} (a percentage like {@code 5%} or a fraction like {@code 0.05}),
     * {@code delay}, {@code jitter} ({@code 1ms}, {@code 250us}, {@code 2s}, {@code 100ns}), {@code
     * limit} (packets held at once, default 1000), {@code seed}, {@code rate} (a bottleneck: {@code
     * 200mbit}, {@code 500kbit}, {@code 1gbit}, {@code 64000bit}; decimal) and {@code queue} (its
     * drop-tail queue: {@code 64k}, {@code 2m}, {@code 150000b}; k = 1024; default 256k; only with
     * a rate).
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
        long rate = 0;
        long queue = -1;
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
                case "rate":
                    rate = parseRate(value);
                    break;
                case "queue":
                    queue = parseBytes(key, value);
                    break;
                default:
                    throw new IllegalArgumentException("unknown fault '" + key
                            + "' (known: loss, duplicate, reorder, corrupt, delay, jitter, limit, seed, rate, queue)");
            }
        }
        if (queue >= 0 && rate == 0) {
            throw new IllegalArgumentException("queue is the rate limit's queue: it needs a rate (e.g. rate=100mbit)");
        }
        return new FaultSpec(
                loss,
                duplicate,
                reorder,
                corrupt,
                delay,
                jitter,
                limit,
                seed,
                rate,
                queue < 0 ? DEFAULT_QUEUE_BYTES : queue);
    }

    /** {@code 200mbit}, {@code 1.5gbit}, {@code 64000bit}: decimal bit/s, a unit required. */
    private static long parseRate(String value) {
        final String v = value.toLowerCase(Locale.ROOT);
        final String expected = "rate must be a number and bit, kbit, mbit or gbit (e.g. 200mbit), not '" + value + "'";
        final int unitAt = numberEnd(v);
        if (unitAt == 0) {
            throw new IllegalArgumentException(expected);
        }
        final double unit;
        switch (v.substring(unitAt)) {
            case "bit":
                unit = 1;
                break;
            case "kbit":
                unit = 1e3;
                break;
            case "mbit":
                unit = 1e6;
                break;
            case "gbit":
                unit = 1e9;
                break;
            default:
                throw new IllegalArgumentException(expected);
        }
        final double bits = Double.parseDouble(v.substring(0, unitAt)) * unit;
        if (!(bits >= MIN_RATE && bits <= MAX_RATE)) {
            throw new IllegalArgumentException("rate must be between 1kbit and 1000gbit, not '" + value + "'");
        }
        return Math.round(bits);
    }

    /** {@code 64k}, {@code 2m}, {@code 150000b} (k = 1024, as tc counts). */
    private static long parseBytes(String key, String value) {
        final String v = value.toLowerCase(Locale.ROOT);
        final String expected = key + " must be a number and b, k or m (e.g. 64k), not '" + value + "'";
        final int unitAt = numberEnd(v);
        if (unitAt == 0) {
            throw new IllegalArgumentException(expected);
        }
        final long unit;
        switch (v.substring(unitAt)) {
            case "b":
                unit = 1;
                break;
            case "k":
            case "kb":
                unit = 1024;
                break;
            case "m":
            case "mb":
                unit = 1024 * 1024;
                break;
            default:
                throw new IllegalArgumentException(expected);
        }
        final double bytes = Double.parseDouble(v.substring(0, unitAt)) * unit;
        if (!(bytes >= MIN_QUEUE && bytes <= MAX_QUEUE)) {
            throw new IllegalArgumentException(key + " must be between 1500b (one packet) and 1g, not '" + value + "'");
        }
        return Math.round(bytes);
    }

    /** Where a plain decimal number ({@code 12} or {@code 1.5}, no sign or exponent) ends; 0 if none. */
    private static int numberEnd(String v) {
        int i = 0;
        while (i < v.length() && Character.isDigit(v.charAt(i))) {
            i++;
        }
        if (i == 0) {
            return 0;
        }
        if (i < v.length() && v.charAt(i) == '.') {
            int j = i + 1;
            while (j < v.length() && Character.isDigit(v.charAt(j))) {
                j++;
            }
            return j == i + 1 ? 0 : j;
        }
        return i;
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
        final String rate = rateBitsPerSec == 0 ? "" : ",rate=" + rateBitsPerSec + "bit,queue=" + queueBytes + "b";
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
                        seed)
                + rate;
    }
}
