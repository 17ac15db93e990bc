package io.jtcp.stack.cc;

/**
 * How ProbeBW_UP raises {@code inflight_hi} (draft-ietf-ccwg-bbr-01 §4.3.3.6,
 * BBRProbeInflightHiUpward and BBRRaiseInflightHiSlope): by one segment per
 * {@code probe_up_cnt} bytes ACKed, where the step doubles every round of the probe, so the
 * bound grows slowly at first and exponentially if the path keeps taking more.
 */
final class BbrInflightHiProbe {
    private int rounds;
    private long ackedBytes;
    private long bytesPerStep = Bbr.INFINITE;

    /** REFILL: a probe is about to start. */
    void reset() {
        rounds = 0;
        ackedBytes = 0;
    }

    /** DOWN: no probing until the next UP. */
    void stop() {
        bytesPerStep = Bbr.INFINITE;
    }

    /** BBRRaiseInflightHiSlope: twice the growth of the previous round. */
    void raiseSlope(long cwnd, int mss) {
        long growthThisRound = 1L << rounds;
        rounds = Math.min(rounds + 1, 30);
        bytesPerStep = Math.max(cwnd / growthThisRound, mss);
    }

    /** BBRProbeInflightHiUpward's growth: {@code inflightHi} after {@code newlyAcked} more. */
    long grow(long inflightHi, long newlyAcked, int mss) {
        ackedBytes += newlyAcked;
        if (ackedBytes < bytesPerStep) {
            return inflightHi;
        }
        long steps = ackedBytes / bytesPerStep;
        ackedBytes -= steps * bytesPerStep;
        long grown = inflightHi + steps * mss;
        return grown < inflightHi ? Bbr.INFINITE : grown;
    }
}
