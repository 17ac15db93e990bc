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
    private boolean bwProbeSamples;

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

    void updateProbeBwCyclePhase(AckSample ack, long now) {
        if (!b.fullPipe.reached()) {
            return;
        }
        adaptUpperBounds(ack);
        if (!b.inProbeBw()) {
            return;
        }
        switch (b.mode) {
            case PROBE_BW_DOWN:
                if (checkTimeToProbeBw(now)) {
                    return;
                }
                if (checkTimeToCruise()) {
                    b.enter(BbrMode.PROBE_BW_CRUISE);
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
                    startProbeBwDown(now);
                }
                break;
            default:
                break;
        }
    }

    /** §4.3.3.6 BBRAdaptUpperBounds. */
    private void adaptUpperBounds(AckSample ack) {
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
        }
        if (!checkInflightTooHigh(ack)) {
            if (b.inflightHi == Bbr.INFINITE) {
                return;
            }
            if (ack.txInFlight() > b.inflightHi) {
                b.inflightHi = ack.txInFlight();
            }
            if (b.mode == BbrMode.PROBE_BW_UP) {
                probeInflightHiUpward(ack);
            }
        }
    }

    private boolean checkInflightTooHigh(AckSample ack) {
        if (b.loss.tooHigh(ack.txInFlight())) {
            if (bwProbeSamples) {
                handleInflightTooHigh(ack);
            }
            return true;
        }
        return false;
    }

    private void handleInflightTooHigh(AckSample ack) {
        bwProbeSamples = false;
        if (!b.sampleAppLimited) {
            b.inflightHi = Math.max(ack.txInFlight(), (long) (b.targetInflight() * Bbr.BETA));
        }
        if (b.mode == BbrMode.PROBE_BW_UP) {
            startProbeBwDown(ack.nowNs());
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

    private void startProbeBwRefill() {
        b.resetLowerBounds();
        hiProbe.reset();
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
