package io.jtcp.stack.cc;

/**
 * BBR's min-RTT filters (draft-ietf-ccwg-bbr-01 §4.5.3): {@code min_rtt} over 10 s, and the
 * shorter-lived {@code probe_rtt_min_delay} whose expiry after 5 s schedules ProbeRTT.
 */
final class BbrMinRttFilter {
    private long minRttNs = Bbr.INFINITE;
    private long minRttStampNs;
    private long probeRttMinDelayNs = Bbr.INFINITE;
    private long probeRttMinStampNs;
    private boolean probeRttExpired;

    void init(long nowNs) {
        minRttNs = Bbr.INFINITE;
        minRttStampNs = nowNs;
        probeRttMinDelayNs = Bbr.INFINITE;
        probeRttMinStampNs = nowNs;
        probeRttExpired = false;
    }

    /** BBRUpdateMinRTT with the ACK's RTT sample ({@code rttNs < 0}: none). */
    void update(long rttNs, long nowNs) {
        probeRttExpired = nowNs - probeRttMinStampNs > Bbr.PROBE_RTT_INTERVAL_NS;
        if (rttNs >= 0 && (rttNs < probeRttMinDelayNs || probeRttExpired)) {
            probeRttMinDelayNs = rttNs;
            probeRttMinStampNs = nowNs;
        }
        boolean minRttExpired = nowNs - minRttStampNs > Bbr.MIN_RTT_FILTER_NS;
        if (probeRttMinDelayNs < minRttNs || minRttExpired) {
            minRttNs = probeRttMinDelayNs;
            minRttStampNs = probeRttMinStampNs;
        }
    }

    /** Five seconds without a new minimum: time for ProbeRTT. */
    boolean probeRttExpired() {
        return probeRttExpired;
    }

    /** ProbeRTT ended: the next one is due {@link Bbr#PROBE_RTT_INTERVAL_NS} from now. */
    void probeRttDone(long nowNs) {
        probeRttMinStampNs = nowNs;
    }

    long minRttNs() {
        return minRttNs;
    }
}
