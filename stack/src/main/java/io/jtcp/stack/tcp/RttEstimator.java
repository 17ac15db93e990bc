package io.jtcp.stack.tcp;

/**
 * Retransmission timeout per RFC 6298: SRTT/RTTVAR smoothing (§2), minimum and maximum bounds
 * (§2.4, §2.5), exponential backoff (§5.5) and Karn's rule (§3: samples only from segments never
 * retransmitted — enforced by the caller, which times one segment at a time).
 */
final class RttEstimator {
    private static final int K = 4;
    private static final long CLOCK_GRANULARITY_NS = 1_000_000L; // G in RFC 6298 §2: 1 ms

    private final long minRtoNs;
    private final long maxRtoNs;
    private long srttNs;
    private long rttvarNs;
    private long rtoNs;
    private long minRttNs; // smallest sample seen (0 before the first), for congestion control
    private boolean hasSample;
    private int backoff;

    RttEstimator(long initialRtoNs, long minRtoNs, long maxRtoNs) {
        this.minRtoNs = minRtoNs;
        this.maxRtoNs = maxRtoNs;
        this.rtoNs = Math.min(Math.max(initialRtoNs, minRtoNs), maxRtoNs);
    }

    /** RFC 6298 §2.2 (first sample) and §2.3 (later samples), alpha 1/8, beta 1/4. */
    void onSample(long rttNs) {
        final long r = Math.max(rttNs, 1);
        if (minRttNs == 0 || r < minRttNs) {
            minRttNs = r;
        }
        if (!hasSample) {
            srttNs = r;
            rttvarNs = r / 2;
            hasSample = true;
        } else {
            rttvarNs = rttvarNs - (rttvarNs >> 2) + (Math.abs(srttNs - r) >> 2);
            srttNs = srttNs - (srttNs >> 3) + (r >> 3);
        }
        rtoNs = clamp(srttNs + Math.max(CLOCK_GRANULARITY_NS, K * rttvarNs));
        backoff = 0;
    }

    /** RFC 6298 §5.5: the timer expired, double the RTO (bounded by the maximum). */
    void backOff() {
        backoff++;
        rtoNs = clamp(rtoNs * 2);
    }

    /** A new acknowledgment after backoff: RFC 6298 §5.7 keeps the backed-off value until a sample. */
    long rtoNs() {
        return rtoNs;
    }

    long srttNs() {
        return srttNs;
    }

    /** The smallest RTT sample of the connection (0 before the first), as BBR and HyStart++ want it. */
    long minRttNs() {
        return minRttNs;
    }

    long rttvarNs() {
        return rttvarNs;
    }

    boolean hasSample() {
        return hasSample;
    }

    int backoffCount() {
        return backoff;
    }

    private long clamp(long ns) {
        return Math.min(Math.max(ns, minRtoNs), maxRtoNs);
    }
}
