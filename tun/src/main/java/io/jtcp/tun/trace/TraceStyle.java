package io.jtcp.tun.trace;

/**
 * How {@link TextTracer} prints: the readable default (relative sequence numbers, scaled windows,
 * full options on SYNs only), or tcpdump's raw view, or state transitions only.
 *
 * @param packets false to print only state transitions and drops
 * @param relative sequence and ACK numbers relative to each side's ISN, windows scaled; false:
 *     absolute numbers and the raw window field, as {@code tcpdump -n -S} prints them
 * @param allOptions every option on every segment (timestamps included); false: the full options
 *     on SYNs, and on other segments only SACK blocks and what is unusual there
 * @param foldAfter after this many consecutive in-order data segments of one direction, fold the
 *     rest into one summary line per second (0: never fold)
 */
public record TraceStyle(boolean packets, boolean relative, boolean allOptions, int foldAfter) {
    /** How many segments of a bulk transfer are printed before the rest is folded, by default. */
    public static final int DEFAULT_FOLD_AFTER = 10;

    /** The default: readable, every packet. */
    public static final TraceStyle READABLE = new TraceStyle(true, true, false, DEFAULT_FOLD_AFTER);

    /** As tcpdump {@code -n -S}: absolute numbers, raw windows, every option (bulk data folded). */
    public static final TraceStyle ABSOLUTE = new TraceStyle(true, false, true, DEFAULT_FOLD_AFTER);

    /** State transitions and drops only. */
    public static final TraceStyle STATES = new TraceStyle(false, true, false, 0);

    public TraceStyle {
        if (foldAfter < 0) {
            throw new IllegalArgumentException("foldAfter must be >= 0: " + foldAfter);
        }
    }
}
