package io.jtcp.stack.cc;

/**
 * BBR's ProbeBW cycle (draft-ietf-ccwg-bbr-01 §4.3.3): the DOWN / CRUISE / REFILL / UP phases and
 * their transitions, the wait before the next probe (wall clock or the Reno-coexistence round
 * bound), and §4.3.3.6 BBRAdaptUpperBounds, which raises or cuts {@code inflight_hi} from what the
 * probe's ACKs say. It owns the cycle's state and works on its {@link Bbr}'s model; nothing
 * allocates.
 */
final class BbrProbeBw {
    private enum AckPhase {
        INIT,
        PROBE_STARTING,
        PROBE_FEEDBACK,
        PROBE_STOPPING,
        REFILLING
    }

    private final Bbr b;
    private final BbrProbeWait probeWait = new BbrProbeWait();
    private AckPhase ackPhase = AckPhase.INIT;
    private long cycleStampNs;
    private long roundsSinceBwProbe;
    private final BbrInflightHiProbe hiProbe = new BbrInflightHiProbe();
    /** The ACKs (and losses) now arriving are for data sent while probing (REFILL's round onwards). */
    private boolean bwProbeSamples;
    /** The last probe found the flight too high (and cut {@code inflight_hi}). */
    private boolean prevProbeTooHigh;
    /** The last UP ended on reaching {@code inflight_hi} after a probe that found it too high. */
    private boolean stoppedRiskyProbe;

    BbrProbeBw(Bbr b) {
        this.b = b;
    }

    void seed(long seed) {
        probeWait.seed(seed);
    }

    void init(long nowNs) {
        cycleStampNs = nowNs;
    }

    /** A round trip ended (§4.5.1). */
    void countRound() {
        roundsSinceBwProbe++;
    }

    /** ProbeRTT starts: the probe's ACKs are no longer feedback on it. */
    void stopProbing() {
        ackPhase = AckPhase.PROBE_STOPPING;
    }

    /** Whether losses now detected are of data sent while probing (BBRv3's {@code bw_probe_samples}). */
    boolean bwProbeSamples() {
        return bwProbeSamples;
    }

    void updateProbeBwCyclePhase(AckSample ack, long now) {
        if (!b.fullPipe.reached()) {
            return;
        }
        if (adaptUpperBounds(ack, now)) {
            return;
        }
        if (!b.inProbeBw()) {
            return;
        }
        switch (b.mode) {
            case PROBE_BW_DOWN:
                if (checkTimeToProbeBw(now)) {
                    return;
                }
                if (checkTimeToCruise()) {
                    startProbeBwCruise();
                }
                break;
            case PROBE_BW_CRUISE:
                checkTimeToProbeBw(now);
                break;
            case PROBE_BW_REFILL:
                if (b.roundStart) {
                    bwProbeSamples = true;
                    startProbeBwUp(ack);
                }
                break;
            case PROBE_BW_UP:
                if (checkTimeToGoDown(ack)) {
                    prevProbeTooHigh = false; // no loss too high in this probe (yet)
                    startProbeBwDown(now);
                }
                break;
            default:
                break;
        }
    }

    /** §4.3.3.6 BBRAdaptUpperBounds; true when it changed the phase. */
    private boolean adaptUpperBounds(AckSample ack, long now) {
        if (ackPhase == AckPhase.PROBE_STARTING && b.roundStart) {
            ackPhase = AckPhase.PROBE_FEEDBACK;
        }
        if (ackPhase == AckPhase.PROBE_STOPPING && b.roundStart) {
            // The probe's samples are in: forget the previous cycle's (once per cycle).
            bwProbeSamples = false;
            ackPhase = AckPhase.INIT;
            if (b.inProbeBw() && !b.sampleAppLimited) {
                b.maxBwFilter.advance();
                b.maxBw = b.maxBwFilter.max();
            }
            // Linux v3: the last probe stopped at inflight_hi without high loss in all its ACKs,
            // so probe again at once, this time holding inflight_hi for a round before going beyond.
            if (b.inProbeBw() && stoppedRiskyProbe && !prevProbeTooHigh) {
                startProbeBwRefill();
                return true;
            }
        }
        if (!checkInflightTooHigh(ack, now)) {
            if (b.inflightHi == Bbr.INFINITE) {
                return false;
            }
            if (ack.txInFlight() > b.inflightHi) {
                b.inflightHi = ack.txInFlight();
            }
            if (b.mode == BbrMode.PROBE_BW_UP) {
                probeInflightHiUpward(ack);
            }
        }
        return false;
    }

    private boolean checkInflightTooHigh(AckSample ack, long now) {
        if (BbrLossSignals.tooHigh(ack)) {
            if (bwProbeSamples) {
                handleInflightTooHigh(ack.txInFlight(), b.sampleAppLimited, now);
            }
            return true;
        }
        return false;
    }

    /**
     * BBRHandleInflightTooHigh, once per probe: {@code txInFlight} is the flight at which the loss
     * rate was too high; an application-limited flight says nothing about the path's limit.
     */
    void handleInflightTooHigh(long txInFlight, boolean appLimited, long now) {
        prevProbeTooHigh = true;
        bwProbeSamples = false;
        if (!appLimited) {
            b.inflightHi = Math.max(txInFlight, (long) (b.targetInflight() * Bbr.BETA));
        }
        if (b.mode == BbrMode.PROBE_BW_UP) {
            startProbeBwDown(now);
        }
    }

    private void probeInflightHiUpward(AckSample ack) {
        if (!b.cwndLimited(ack) || b.cwnd < b.inflightHi) {
            return;
        }
        b.inflightHi = hiProbe.grow(b.inflightHi, ack.ackedBytes() + ack.sackedBytes(), b.mss);
        if (b.roundStart) {
            hiProbe.raiseSlope(b.cwnd, b.mss);
        }
    }

    private boolean checkTimeToProbeBw(long now) {
        if (hasElapsedInPhase(now, probeWait.waitNs()) || isRenoCoexistenceProbeTime()) {
            startProbeBwRefill();
            return true;
        }
        return false;
    }

    private boolean isRenoCoexistenceProbeTime() {
        long renoRounds = b.targetInflight() / b.mss;
        return roundsSinceBwProbe >= Math.min(renoRounds, 63);
    }

    private boolean checkTimeToCruise() {
        if (b.inflight > b.inflightWithHeadroom()) {
            return false;
        }
        // §4.3.3.6 BBRCheckTimeToCruise: the BDP at max_bw. With the bw_lo-bounded bw the
        // target would shrink with every lossy round and DOWN (0.9) would never end.
        return b.inflight <= b.inflightFor(b.maxBw, 1.0);
    }

    private boolean checkTimeToGoDown(AckSample ack) {
        if (prevProbeTooHigh && b.inflight >= b.inflightHi) {
            // The previous probe lost too much at inflight_hi: stop there rather than risk it again.
            stoppedRiskyProbe = true;
            return true;
        }
        if (b.cwndLimited(ack) && b.cwnd >= b.inflightHi) {
            b.fullPipe.restart(ack.deliveryRate());
        } else if (b.fullPipe.now()) {
            return true;
        }
        return false;
    }

    private boolean hasElapsedInPhase(long now, long intervalNs) {
        return now - cycleStampNs > intervalNs;
    }

    void startProbeBwDown(long now) {
        b.loss.reset();
        hiProbe.stop();
        probeWait.pick();
        roundsSinceBwProbe = probeWait.rounds();
        cycleStampNs = now;
        ackPhase = AckPhase.PROBE_STOPPING;
        b.startRound();
        b.enter(BbrMode.PROBE_BW_DOWN);
    }

    /** §4.3.3.6 BBRStartProbeBW_CRUISE: the lower bound never allows more than the upper one. */
    private void startProbeBwCruise() {
        b.clampInflightLoToHi();
        b.enter(BbrMode.PROBE_BW_CRUISE);
    }

    /** Leaving ProbeRTT for CRUISE (§4.3.4.5 BBRExitProbeRTT). */
    void cruiseAfterProbeRtt(long now) {
        startProbeBwDown(now);
        startProbeBwCruise();
    }

    private void startProbeBwRefill() {
        b.resetLowerBounds();
        hiProbe.reset();
        stoppedRiskyProbe = false;
        ackPhase = AckPhase.REFILLING;
        b.startRound();
        b.enter(BbrMode.PROBE_BW_REFILL);
    }

    private void startProbeBwUp(AckSample ack) {
        ackPhase = AckPhase.PROBE_STARTING;
        b.startRound();
        b.fullPipe.restart(ack.deliveryRate());
        b.enter(BbrMode.PROBE_BW_UP);
        hiProbe.raiseSlope(b.cwnd, b.mss);
    }
}
