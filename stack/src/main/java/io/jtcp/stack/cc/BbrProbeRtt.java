package io.jtcp.stack.cc;

/**
 * BBR's ProbeRTT state (draft-ietf-ccwg-bbr-01 §4.3.4): entered when the min-RTT estimate has not
 * been refreshed for 5 s, it holds the flight at 0.5·BDP (at least 4 segments) for at least 200 ms
 * and a round trip, then restores cwnd and returns to ProbeBW (or Startup); during it the delivery
 * samples are app-limited (§4.3.4.3). It owns the ProbeRTT state and works on its {@link Bbr}'s
 * model; nothing allocates.
 */
final class BbrProbeRtt {
    private final Bbr b;
    private long probeRttDoneStampNs;
    private boolean probeRttRoundDone;
    private boolean idleRestart;
    /**
     * §4.3.4.3 MarkConnectionAppLimited during ProbeRTT, kept here rather than in the sender's
     * estimator: samples of segments sent before delivered passes this are app-limited.
     */
    private long probeRttAppLimitedUntil;

    BbrProbeRtt(Bbr b) {
        this.b = b;
    }

    /** Whether a sample whose segment was sent at {@code priorDelivered} is app-limited by ProbeRTT. */
    boolean appLimited(long priorDelivered) {
        return probeRttAppLimitedUntil != 0 && priorDelivered <= probeRttAppLimitedUntil;
    }

    /** Ends the app-limited marking once {@code delivered} has passed it. */
    void expireAppLimited(long delivered) {
        if (probeRttAppLimitedUntil != 0 && delivered > probeRttAppLimitedUntil) {
            probeRttAppLimitedUntil = 0;
        }
    }

    /** §4.3.4.4: no ProbeRTT entry until the first delivery after an idle restart. */
    void restartFromIdle() {
        idleRestart = true;
    }

    void checkProbeRtt(AckSample ack, long now) {
        if (b.mode != BbrMode.PROBE_RTT && b.minRtt.probeRttExpired() && !idleRestart) {
            b.enter(BbrMode.PROBE_RTT);
            b.priorCwnd = b.saveCwnd();
            probeRttDoneStampNs = 0;
            b.probeBw.stopProbing();
            b.startRound();
        }
        if (b.mode == BbrMode.PROBE_RTT) {
            handleProbeRtt(now);
        }
        if (ack.delivered() > 0) {
            idleRestart = false;
        }
    }

    private void handleProbeRtt(long now) {
        // Ignore the low rate samples ProbeRTT's small window gives.
        probeRttAppLimitedUntil = Math.max(b.delivered + b.inflight, 1);
        if (probeRttDoneStampNs == 0 && b.inflight <= probeRttCwnd()) {
            probeRttDoneStampNs = now + Bbr.PROBE_RTT_DURATION_NS;
            probeRttRoundDone = false;
            b.startRound();
        } else if (probeRttDoneStampNs != 0) {
            if (b.roundStart) {
                probeRttRoundDone = true;
            }
            if (probeRttRoundDone) {
                checkProbeRttDone(now);
            }
        }
    }

    void checkProbeRttDone(long now) {
        if (probeRttDoneStampNs != 0 && now - probeRttDoneStampNs > 0) {
            b.minRtt.probeRttDone(now);
            b.restoreCwnd();
            exitProbeRtt(now);
        }
    }

    private void exitProbeRtt(long now) {
        b.resetLowerBounds();
        if (b.fullPipe.reached()) {
            b.probeBw.cruiseAfterProbeRtt(now);
        } else {
            b.enter(BbrMode.STARTUP);
        }
    }

    long probeRttCwnd() {
        return Math.max(b.bdpMultiple(BbrMode.PROBE_RTT.cwndGain), b.minPipeCwnd());
    }
}
