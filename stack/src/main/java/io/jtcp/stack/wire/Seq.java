package io.jtcp.stack.wire;

/**
 * Modular 32-bit sequence-number arithmetic (RFC 9293 §3.4). Sequence numbers are carried as
 * {@code int}s; every comparison of two of them goes through here, never through {@code <}.
 *
 * <p>{@code lt(a, b)} is true when {@code b} is ahead of {@code a} by less than 2^31, the usual
 * serial-number interpretation (RFC 1982), which is what every real stack does.
 */
public final class Seq {
    private Seq() {}

    public static boolean lt(int a, int b) {
        return a - b < 0;
    }

    public static boolean le(int a, int b) {
        return a - b <= 0;
    }

    public static boolean gt(int a, int b) {
        return a - b > 0;
    }

    public static boolean ge(int a, int b) {
        return a - b >= 0;
    }

    public static int add(int a, int n) {
        return a + n;
    }

    /** Distance from {@code from} forward to {@code to}, as a signed int. */
    public static int diff(int to, int from) {
        return to - from;
    }

    public static int max(int a, int b) {
        return gt(a, b) ? a : b;
    }

    public static int min(int a, int b) {
        return lt(a, b) ? a : b;
    }

    /** {@code lower <= x < upper} in sequence space (RFC 9293 §3.4 notation {@code "=<"} and {@code "<"}). */
    public static boolean inWindow(int x, int lower, int upper) {
        return le(lower, x) && lt(x, upper);
    }

    /** The sequence number as an unsigned value, for printing. */
    public static long unsigned(int seq) {
        return seq & 0xFFFF_FFFFL;
    }
}
