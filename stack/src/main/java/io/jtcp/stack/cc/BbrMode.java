package io.jtcp.stack.cc;

/** BBR's states with their gains (draft-ietf-ccwg-bbr-01 §4.3, constants of §2.8). */
enum BbrMode {
    /** 2.77 = 4·ln 2 (v3; v1 used 2/ln 2): doubles the delivery rate each round. */
    STARTUP("startup", 2.77, 2.0, false, true),
    /** 0.35 ≈ 1/2.885: drains Startup's queue within a round or so. */
    DRAIN("drain", 0.35, 2.0, false, false),
    PROBE_BW_DOWN("probe-bw-down", 0.9, 2.0, true, false),
    PROBE_BW_CRUISE("probe-bw-cruise", 1.0, 2.0, true, false),
    PROBE_BW_REFILL("probe-bw-refill", 1.0, 2.0, true, true),
    PROBE_BW_UP("probe-bw-up", 1.25, 2.25, true, true),
    /** cwnd gain 0.5: ProbeRTT holds half a BDP (v3; v1 held 4 segments). */
    PROBE_RTT("probe-rtt", 1.0, 0.5, false, false);

    /** The name {@link Bbr#phase()} reports. */
    final String label;

    final double pacingGain;
    final double cwndGain;
    /** One of the four ProbeBW sub-states. */
    final boolean probeBw;
    /** BBRIsProbingBW: the lower bounds do not apply. */
    final boolean probing;

    BbrMode(String label, double pacingGain, double cwndGain, boolean probeBw, boolean probing) {
        this.label = label;
        this.pacingGain = pacingGain;
        this.cwndGain = cwndGain;
        this.probeBw = probeBw;
        this.probing = probing;
    }
}
