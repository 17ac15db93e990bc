package io.jtcp.tun;

import java.util.Locale;
import java.util.SplittableRandom;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A seeded impairment at the device boundary, for experiments the kernel here cannot do (it has no
 * netem): drops, duplicates, reorders, delays (with jitter) and corrupts packets, one direction
 * per instance. The same seed and the same packet sequence give the same faults.
 *
 * <p>Packets it holds back are copied into a fixed pool of slots allocated up front; when the pool
 * is full a packet passes through unimpaired (counted as {@link #overflows()}). Packets that pass
 * straight through are not copied. Runs on the loop thread only.
 */
public final class FaultInjector {
    /** What to do to packets. Rates are per packet, 0..1; times in nanoseconds. */
    public record Spec(
            double drop, double duplicate, double reorder, double corrupt, long delayNs, long jitterNs, long seed) {
        public Spec {
            for (double p : new double[] {drop, duplicate, reorder, corrupt}) {
                if (!(p >= 0 && p <= 1)) {
                    throw new IllegalArgumentException("fault rates must be between 0 and 1");
                }
            }
            if (delayNs < 0 || jitterNs < 0) {
                throw new IllegalArgumentException("fault delays must not be negative");
            }
        }

        /**
         * Parses {@code drop=0.01,dup=0.001,reorder=0.01,corrupt=0.001,delay=5ms,jitter=1ms,seed=42}:
         * any subset, in any order; times take ns, us, ms or s.
         */
        public static Spec parse(String text) {
            double drop = 0;
            double dup = 0;
            double reorder = 0;
            double corrupt = 0;
            long delay = 0;
            long jitter = 0;
            long seed = 1;
            for (String part : text.split(",")) {
                int eq = part.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("fault spec item '" + part + "' is not KEY=VALUE");
                }
                String key = part.substring(0, eq).strip().toLowerCase(Locale.ROOT);
                String value = part.substring(eq + 1).strip();
                try {
                    switch (key) {
                        case "drop":
                        case "loss":
                            drop = Double.parseDouble(value);
                            break;
                        case "dup":
                        case "duplicate":
                            dup = Double.parseDouble(value);
                            break;
                        case "reorder":
                            reorder = Double.parseDouble(value);
                            break;
                        case "corrupt":
                            corrupt = Double.parseDouble(value);
                            break;
                        case "delay":
                            delay = parseDuration(value);
                            break;
                        case "jitter":
                            jitter = parseDuration(value);
                            break;
                        case "seed":
                            seed = Long.parseLong(value);
                            break;
                        default:
                            throw new IllegalArgumentException("unknown fault '" + key
                                    + "' (known: drop, dup, reorder, corrupt, delay, jitter, seed)");
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad value for fault '" + key + "': '" + value + "'");
                }
            }
            return new Spec(drop, dup, reorder, corrupt, delay, jitter, seed);
        }

        static long parseDuration(String v) {
            String[][] units = {{"ns", "1"}, {"us", "1000"}, {"ms", "1000000"}, {"s", "1000000000"}};
            for (String[] u : units) {
                if (v.endsWith(u[0])
                        && !(u[0].equals("s") && (v.endsWith("ns") || v.endsWith("us") || v.endsWith("ms")))) {
                    return (long)
                            (Double.parseDouble(v.substring(0, v.length() - u[0].length())) * Long.parseLong(u[1]));
                }
            }
            throw new NumberFormatException(v);
        }

        /** The same faults with another seed: for the other direction. */
        public Spec withSeed(long newSeed) {
            return new Spec(drop, duplicate, reorder, corrupt, delayNs, jitterNs, newSeed);
        }
    }

    /** Where packets go when they leave the injector. */
    @FunctionalInterface
    public interface Deliver {
        void deliver(DirectBuffer buffer, int offset, int length);
    }

    /** Reordered packets are held this much longer than the rest, so later ones overtake them. */
    static final long REORDER_HOLD_NS = 2_000_000L;

    private final Spec spec;
    private final SplittableRandom random;
    private final int slotBytes;
    private final UnsafeBuffer pool;
    private final long[] dueNs;
    private final long[] order;
    private final int[] lengths;
    private final int[] freeSlots;
    private int freeCount;
    private final int[] held;
    private int heldCount;
    private long sequence;
    private long dropped;
    private long duplicated;
    private long reordered;
    private long corrupted;
    private long delayed;
    private long overflows;

    public FaultInjector(Spec spec, int mtuBytes) {
        this.spec = spec;
        this.random = new SplittableRandom(spec.seed());
        this.slotBytes = mtuBytes;
        int slots = (int) Math.max(64, Math.min(4096, (32L << 20) / mtuBytes));
        this.pool = new UnsafeBuffer(BufferUtil.allocateDirectAligned(slots * slotBytes, 64));
        this.dueNs = new long[slots];
        this.order = new long[slots];
        this.lengths = new int[slots];
        this.freeSlots = new int[slots];
        this.held = new int[slots];
        for (int i = 0; i < slots; i++) {
            freeSlots[i] = slots - 1 - i;
        }
        this.freeCount = slots;
    }

    public Spec spec() {
        return spec;
    }

    /** Takes one packet: drops it, passes it on now, or holds a (possibly corrupted) copy. */
    public void offer(long nowNs, DirectBuffer buffer, int offset, int length, Deliver out) {
        if (spec.drop() > 0 && random.nextDouble() < spec.drop()) {
            dropped++;
            return;
        }
        boolean corrupt = spec.corrupt() > 0 && random.nextDouble() < spec.corrupt();
        boolean duplicate = spec.duplicate() > 0 && random.nextDouble() < spec.duplicate();
        boolean reorder = spec.reorder() > 0 && random.nextDouble() < spec.reorder();
        long delay = spec.delayNs() + (spec.jitterNs() > 0 ? random.nextLong(spec.jitterNs() + 1) : 0);
        if (reorder) {
            reordered++;
            delay += REORDER_HOLD_NS;
        }
        int copies = duplicate ? 2 : 1;
        if (duplicate) {
            duplicated++;
        }
        for (int c = 0; c < copies; c++) {
            if (!corrupt && delay == 0 && heldCount == 0) {
                out.deliver(buffer, offset, length);
                continue;
            }
            if (freeCount == 0 || length > slotBytes) {
                overflows++;
                out.deliver(buffer, offset, length);
                continue;
            }
            int slot = freeSlots[--freeCount];
            int base = slot * slotBytes;
            pool.putBytes(base, buffer, offset, length);
            if (corrupt && c == 0) {
                corrupted++;
                int bit = random.nextInt(length * 8);
                int at = base + bit / 8;
                pool.putByte(at, (byte) (pool.getByte(at) ^ (1 << (bit % 8))));
            }
            if (delay > 0) {
                delayed++;
            }
            // Packets with no delay of their own still queue behind held ones, keeping FIFO order
            // unless reordering was asked for.
            dueNs[slot] = nowNs + delay;
            order[slot] = sequence++;
            lengths[slot] = length;
            held[heldCount++] = slot;
        }
        poll(nowNs, out);
    }

    /** Passes on every held packet that is due, earliest first. */
    public void poll(long nowNs, Deliver out) {
        while (heldCount > 0) {
            int best = -1;
            for (int i = 0; i < heldCount; i++) {
                int s = held[i];
                if (best < 0
                        || dueNs[s] - dueNs[held[best]] < 0
                        || (dueNs[s] == dueNs[held[best]] && order[s] < order[held[best]])) {
                    best = i;
                }
            }
            int slot = held[best];
            if (dueNs[slot] - nowNs > 0) {
                return;
            }
            held[best] = held[--heldCount];
            out.deliver(pool, slot * slotBytes, lengths[slot]);
            freeSlots[freeCount++] = slot;
        }
    }

    /** When the next held packet is due, or Long.MAX_VALUE. */
    public long nextDeadlineNs() {
        long next = Long.MAX_VALUE;
        for (int i = 0; i < heldCount; i++) {
            long d = dueNs[held[i]];
            if (next == Long.MAX_VALUE || d - next < 0) {
                next = d;
            }
        }
        return next;
    }

    public int held() {
        return heldCount;
    }

    public long dropped() {
        return dropped;
    }

    public long duplicated() {
        return duplicated;
    }

    public long reordered() {
        return reordered;
    }

    public long corrupted() {
        return corrupted;
    }

    public long delayed() {
        return delayed;
    }

    public long overflows() {
        return overflows;
    }

    public String describe() {
        return "dropped=" + dropped + " duplicated=" + duplicated + " reordered=" + reordered + " corrupted="
                + corrupted + " delayed=" + delayed + " overflows=" + overflows;
    }
}
