package io.jtcp.lab;

import java.util.Arrays;

/** The statistics the lab reports. */
public final class Stats {
    private Stats() {}

    /**
     * Jain's fairness index (Jain, Chiu, Hawe 1984): (Σx)² / (n·Σx²). 1 when all shares are equal,
     * 1/n when one flow has everything; NaN for no flows or all shares zero (nothing to compare).
     */
    public static double jain(double... shares) {
        double sum = 0;
        double squares = 0;
        for (double x : shares) {
            if (!(x >= 0)) {
                throw new IllegalArgumentException("a share must be ≥ 0: " + x);
            }
            sum += x;
            squares += x * x;
        }
        if (shares.length == 0 || squares == 0) {
            return Double.NaN;
        }
        return sum * sum / (shares.length * squares);
    }

    /**
     * The {@code q}-quantile (0 < q ≤ 1) of the first {@code n} values, by the nearest-rank
     * method: the smallest value with at least q·n values at or below it. Sorts that prefix.
     * NaN when n is 0.
     */
    public static double quantile(long[] values, int n, double q) {
        if (n == 0) {
            return Double.NaN;
        }
        Arrays.sort(values, 0, n);
        int rank = (int) Math.ceil(q * n);
        return values[Math.max(0, Math.min(n, rank) - 1)];
    }

    /** Mathis et al. 1997: the goodput in bit/s of a Reno flow under random loss {@code p}. */
    public static double mathisBitsPerSec(int mssBytes, double rttSeconds, double c, double p) {
        return mssBytes * 8.0 / rttSeconds * c / Math.sqrt(p);
    }
}
