package io.jtcp.stack.cc;

/**
 * BBR version 3, after draft-ietf-ccwg-bbr-01 (21 October 2024): a model-based controller that
 * paces at its estimate of the bottleneck bandwidth and bounds the flight by a multiple of the
 * bandwidth-delay product, instead of reacting to every loss.
 *
 * <p>Implemented: Startup (pacing gain 2.77, cwnd gain 2) with full-bandwidth detection (three
 * rounds below 25 % growth) and v3's loss-based exit; Drain (pacing gain 0.35) until the flight is
 * one BDP; ProbeBW's DOWN (0.9) / CRUISE (1.0) / REFILL (1.0) / UP (1.25, cwnd gain 2.25) with the
 * randomised wall-clock wait of 2–3 s and the Reno-coexistence round bound; ProbeRTT every 5 s
 * without a new minimum (cwnd 0.5·BDP, at least 4 segments, for at least 200 ms and a round); a
 * max-bandwidth filter over two ProbeBW cycles and a 10 s min-RTT filter; the upper bound
 * {@code inflight_hi} (raised with a doubling slope while probing, cut when the loss rate
 * exceeds 2 % in a probe) and the lower bounds {@code bw_lo}/{@code inflight_lo} (β = 0.7 per
 * round with loss, outside probing); ACK-aggregation allowance ({@code extra_acked}, a 10-round
 * windowed max); packet conservation during the first round of fast recovery; cwnd save and
 * restore around recovery and ProbeRTT.
 *
 * <p>Left out: ECN (no {@code alpha}, an {@link CongestionEvent#ECN} is treated as loss); the
 * per-lost-packet {@code inflight_hi} check ({@code BBRHandleLostPacket}): the loss rate of a
 * probe is the bytes marked lost during the current round trip over the sample's
 * {@code tx_in_flight}, because {@link AckSample} carries the connection's lost total, not the
 * total when the sampled segment was sent; Startup's "6 discontiguous lost ranges" is
 * approximated by 6 ACKs that each marked something lost in the round.
 *
 * <p>Pure: time comes only from the {@code nowNs} arguments and the probe-wait randomness from a
 * seeded generator, so runs are reproducible. No allocation after construction.
 */
public final class Bbr implements CongestionControl {
    /** The default seed of the probe-wait randomness. */
    public static final long DEFAULT_SEED = 0x6262_7233L;

    // ---- constants, draft-ietf-ccwg-bbr-01 §2.8 and §5 ----
    static final double STARTUP_PACING_GAIN = 2.77; // 4·ln 2
    static final double STARTUP_CWND_GAIN = 2.0;
    static final double DRAIN_PACING_GAIN = 0.35;
    static final double DEFAULT_CWND_GAIN = 2.0;
    static final double PROBE_DOWN_PACING_GAIN = 0.9;
    static final double PROBE_UP_PACING_GAIN = 1.25;
    static final double PROBE_UP_CWND_GAIN = 2.25;
    static final double PROBE_RTT_CWND_GAIN = 0.5;
    static final double PACING_MARGIN = 0.01;
    static final double LOSS_THRESH = 0.02;
    static final double BETA = 0.7;
    static final double HEADROOM = 0.15;
    static final double FULL_BW_THRESH = 1.25;
    static final int FULL_BW_COUNT = 3;
    static final int STARTUP_FULL_LOSS_COUNT = 6;
    static final int MIN_PIPE_SEGMENTS = 4;
    static final long MIN_RTT_FILTER_NS = 10_000_000_000L;
    static final long PROBE_RTT_INTERVAL_NS = 5_000_000_000L;
    static final long PROBE_RTT_DURATION_NS = 200_000_000L;
    static final long PROBE_WAIT_BASE_NS = 2_000_000_000L;
    static final long PROBE_WAIT_RANDOM_NS = 1_000_000_000L;
    static final int EXTRA_ACKED_WINDOW_ROUNDS = 5; // two slots of 5: a 10-round window
    static final long INFINITE = Long.MAX_VALUE;

    private enum Mode {
        STARTUP("startup"),
        DRAIN("drain"),
        PROBE_BW_DOWN("probe-bw-down"),
        PROBE_BW_CRUISE("probe-bw-cruise"),
        PROBE_BW_REFILL("probe-bw-refill"),
        PROBE_BW_UP("probe-bw-up"),
        PROBE_RTT("probe-rtt");

        final String label;

        Mode(String label) {
            this.label = label;
        }
    }

    private enum AckPhase {
        INIT,
        PROBE_STARTING,
        PROBE_FEEDBACK,
        PROBE_STOPPING,
        REFILLING
    }

    private final long seed;
    private final boolean fastRecoveryConservation;
    private long random;
    private int mss = 1; // until init: keeps every division defined
    private long initialCwnd;

    private Mode mode = Mode.STARTUP;
    private double pacingGain;
    private double cwndGain;
    private long cwnd;
    private long pacingRate;
    private long priorCwnd;
    private boolean inRecovery;
    private boolean packetConservation;
    private long recoveryRoundEndDelivered;

    // round counting (§4.5.1)
    private long delivered; // C.delivered as the samples report it
    private long nextRoundDelivered;
    private long roundCount;
    private boolean roundStart;

    // bandwidth model
    private final long[] maxBwSlots = new long[2];
    private long maxBw;
    private long bwLo = INFINITE;
    private long bw;
    private long cycleCount;
    // min RTT model
    private long minRttNs = INFINITE;
    private long minRttStampNs;
    private long probeRttMinDelayNs = INFINITE;
    private long probeRttMinStampNs;
    private boolean probeRttExpired;
    // full pipe
    private boolean fullBwReached;
    private boolean fullBwNow;
    private long fullBw;
    private int fullBwCount;
    // ProbeBW
    private AckPhase ackPhase = AckPhase.INIT;
    private long cycleStampNs;
    private long bwProbeWaitNs;
    private long roundsSinceBwProbe;
    private int bwProbeUpRounds;
    private long bwProbeUpAcks;
    private long probeUpCnt = INFINITE;
    private boolean bwProbeSamples;
    private long inflightHi = INFINITE;
    private long inflightLo = INFINITE;
    // latest delivery signals and loss (§4.5.10)
    private long bwLatest;
    private long inflightLatest;
    private long lossRoundDelivered;
    private boolean lossRoundStart;
    private boolean lossInRound;
    private long lostAtRoundStart;
    private long lossRoundLost;
    private int lossEventsInRound;
    private long lastTotalLost;
    // ProbeRTT
    private long probeRttDoneStampNs;
    private boolean probeRttRoundDone;
    private boolean idleRestart;
    // ACK aggregation (§4.5.6)
    private final long[] extraAckedSlots = new long[2];
    private int extraAckedSlot;
    private long extraAckedSlotRound;
    private long extraAckedIntervalStartNs;
    private long extraAckedDelivered;
    private long extraAcked;
    private long inflight;

    /** BBR with the default probe-wait seed. */
    public Bbr() {
        this(DEFAULT_SEED);
    }

    /** BBR whose randomised probe waits come from {@code seed}, for reproducible runs. */
    public Bbr(long seed) {
        this(seed, true);
    }

    /**
     * BBR with the probe-wait {@code seed} and, when {@code fastRecoveryConservation} is false,
     * without the draft's packet conservation on entering fast recovery (§4.6.4.4: cwnd cut to
     * the flight and held there for a round). Under steady random loss recovery episodes follow
     * one another and the hold keeps the flight from regrowing (after ProbeRTT, say), which
     * {@code bw_lo}/{@code inflight_lo} then lock in. Without it a loss still reaches the model
     * through the lower bounds, {@code inflight_hi} and the per-loss cwnd reduction. The RTO
     * response is the same either way.
     */
    public Bbr(long seed, boolean fastRecoveryConservation) {
        this.seed = seed;
        this.fastRecoveryConservation = fastRecoveryConservation;
    }

    /** A factory for {@code --cc bbr}. */
    public static CongestionControl.Factory factory() {
        return new CongestionControl.Factory() {
            @Override
            public String name() {
                return "bbr";
            }

            @Override
            public CongestionControl create() {
                return new Bbr();
            }
        };
    }

    @Override
    public String name() {
        return "bbr";
    }

    @Override
    public void init(int mss, long nowNs) {
        this.mss = Math.max(mss, 1);
        random = seed ^ 0x5DEE_CE66_DL;
        // RFC 6928 §2, as the other algorithms.
        initialCwnd = Math.min(10L * this.mss, Math.max(2L * this.mss, 14_600));
        cwnd = initialCwnd;
        priorCwnd = 0;
        minRttNs = INFINITE;
        minRttStampNs = nowNs;
        probeRttMinDelayNs = INFINITE;
        probeRttMinStampNs = nowNs;
        extraAckedIntervalStartNs = nowNs;
        cycleStampNs = nowNs;
        // §4.6.2 BBRInitPacingRate: nominal bandwidth = InitialCwnd / 1 ms before any RTT sample.
        pacingRate = (long) (STARTUP_PACING_GAIN * initialCwnd * 1_000L);
        enterStartup();
    }

    @Override
    public void onMssChange(int newMss) {
        this.mss = Math.max(newMss, 1);
        cwnd = Math.max(cwnd, minPipeCwnd());
    }

    // ------------------------------------------------------------------------------------------
    // Per ACK (§4.2 BBRUpdateOnACK)
    // ------------------------------------------------------------------------------------------

    @Override
    public void onAck(AckSample ack) {
        long now = ack.nowNs();
        inflight = ack.bytesInFlightAfter();
        long newlyAcked = ack.ackedBytes() + ack.sackedBytes();
        delivered = Math.max(delivered, ack.totalDelivered());
        updateLatestDeliverySignals(ack);
        updateCongestionSignals(ack);
        updateAckAggregation(now, newlyAcked);
        checkFullBwReached(ack);
        checkStartupDone();
        checkDrainDone(now);
        updateProbeBwCyclePhase(ack, now);
        updateMinRtt(ack, now);
        checkProbeRtt(ack, now);
        advanceLatestDeliverySignals(ack);
        bw = Math.min(maxBw, bwLo);
        setPacingRate(pacingGain);
        setCwnd(ack, newlyAcked);
    }

    /** §4.5.1 BBRUpdateRound, and the per-round loss bookkeeping this implementation adds. */
    private void updateRound(AckSample ack) {
        roundStart = false;
        if (ack.delivered() > 0 && ack.priorDelivered() >= nextRoundDelivered) {
            nextRoundDelivered = delivered;
            roundCount++;
            roundsSinceBwProbe++;
            roundStart = true;
            if (packetConservation && delivered >= recoveryRoundEndDelivered) {
                packetConservation = false; // §4.6.4.4: conservation lasts the first round only
            }
        }
    }

    private void startRound() {
        nextRoundDelivered = delivered;
    }

    /** §4.5.10.3 BBRUpdateLatestDeliverySignals. */
    private void updateLatestDeliverySignals(AckSample ack) {
        lossRoundStart = false;
        bwLatest = Math.max(bwLatest, ack.deliveryRate());
        inflightLatest = Math.max(inflightLatest, ack.delivered());
        if (ack.delivered() > 0 && ack.priorDelivered() >= lossRoundDelivered) {
            lossRoundDelivered = delivered;
            lossRoundStart = true;
        }
    }

    /** §4.5.10.3 BBRAdvanceLatestDeliverySignals. */
    private void advanceLatestDeliverySignals(AckSample ack) {
        if (lossRoundStart) {
            bwLatest = ack.deliveryRate();
            inflightLatest = ack.delivered();
        }
    }

    /** §4.5.10.3 BBRUpdateCongestionSignals. */
    private void updateCongestionSignals(AckSample ack) {
        updateRound(ack);
        updateMaxBw(ack);
        long total = Math.max(ack.totalLostBytes(), lastTotalLost);
        long newlyLost = Math.max(ack.newlyLostBytes(), total - lastTotalLost);
        lastTotalLost = total;
        if (newlyLost > 0) {
            lossInRound = true;
            lossEventsInRound++;
        }
        lossRoundLost = total - lostAtRoundStart;
        if (!lossRoundStart) {
            return;
        }
        adaptLowerBoundsFromCongestion();
        checkStartupHighLoss(ack);
        lossInRound = false;
        lossEventsInRound = 0;
        lostAtRoundStart = total;
    }

    /** §4.5.2.4 BBRUpdateMaxBw with the two-cycle windowed max filter. */
    private void updateMaxBw(AckSample ack) {
        long rate = ack.deliveryRate();
        if (rate <= 0) {
            return;
        }
        if (rate >= maxBw || !ack.rateAppLimited()) {
            if (rate > maxBwSlots[0]) {
                maxBwSlots[0] = rate;
            }
            maxBw = Math.max(maxBwSlots[0], maxBwSlots[1]);
        }
    }

    /** §4.5.2.5 BBRAdvanceMaxBwFilter: a new ProbeBW cycle, the oldest slot is forgotten. */
    private void advanceMaxBwFilter() {
        cycleCount++;
        maxBwSlots[1] = maxBwSlots[0];
        maxBwSlots[0] = 0;
        maxBw = maxBwSlots[1];
    }

    /** §4.5.6 BBRUpdateACKAggregation: how far ACKs ran ahead of the bandwidth model. */
    private void updateAckAggregation(long now, long newlyAcked) {
        if (roundStart && roundCount - extraAckedSlotRound >= EXTRA_ACKED_WINDOW_ROUNDS) {
            extraAckedSlotRound = roundCount;
            extraAckedSlot ^= 1;
            extraAckedSlots[extraAckedSlot] = 0;
        }
        long interval = now - extraAckedIntervalStartNs;
        long expected = bytesAt(bw, interval);
        if (extraAckedDelivered <= expected) {
            extraAckedDelivered = 0;
            extraAckedIntervalStartNs = now;
            expected = 0;
        }
        extraAckedDelivered += newlyAcked;
        long extra = Math.min(extraAckedDelivered - expected, cwnd);
        if (extra > extraAckedSlots[extraAckedSlot]) {
            extraAckedSlots[extraAckedSlot] = extra;
        }
        extraAcked = Math.max(extraAckedSlots[0], extraAckedSlots[1]);
    }

    /** §4.3.1.2 BBRCheckFullBWReached (v3: also used within ProbeBW_UP). */
    private void checkFullBwReached(AckSample ack) {
        if (fullBwNow || !roundStart || ack.rateAppLimited()) {
            return;
        }
        if (maxBw >= fullBw * FULL_BW_THRESH) {
            resetFullBw();
            fullBw = maxBw;
            return;
        }
        fullBwCount++;
        fullBwNow = fullBwCount >= FULL_BW_COUNT;
        if (fullBwNow) {
            fullBwReached = true;
        }
    }

    private void resetFullBw() {
        fullBw = 0;
        fullBwCount = 0;
        fullBwNow = false;
    }

    /** §4.3.1.3 BBRCheckStartupHighLoss, at the end of a loss round (see the class comment). */
    private void checkStartupHighLoss(AckSample ack) {
        if (fullBwReached || mode != Mode.STARTUP) {
            return;
        }
        if (lossEventsInRound >= STARTUP_FULL_LOSS_COUNT && lossTooHigh(ack)) {
            fullBwReached = true;
            inflightHi = Math.max(bdpMultiple(1.0), inflightLatest);
        }
    }

    private void checkStartupDone() {
        if (mode == Mode.STARTUP && fullBwReached) {
            enterDrain();
        }
    }

    private void checkDrainDone(long now) {
        // §4.3.2: drained when the flight is one BDP at max_bw (not at the bw_lo-bounded bw).
        if (mode == Mode.DRAIN && inflight <= inflightFor(maxBw, 1.0)) {
            enterProbeBw(now);
        }
    }

    // ---- ProbeBW (§4.3.3) ----

    private void updateProbeBwCyclePhase(AckSample ack, long now) {
        if (!fullBwReached) {
            return;
        }
        adaptUpperBounds(ack);
        if (!inProbeBw()) {
            return;
        }
        switch (mode) {
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
                if (roundStart) {
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
        if (ackPhase == AckPhase.PROBE_STARTING && roundStart) {
            ackPhase = AckPhase.PROBE_FEEDBACK;
        }
        if (ackPhase == AckPhase.PROBE_STOPPING && roundStart) {
            // The probe's samples are in: forget the previous cycle's (once per cycle).
            bwProbeSamples = false;
            ackPhase = AckPhase.INIT;
            if (inProbeBw() && !ack.rateAppLimited()) {
                advanceMaxBwFilter();
            }
        }
        if (!checkInflightTooHigh(ack)) {
            if (inflightHi == INFINITE) {
                return;
            }
            if (ack.txInFlight() > inflightHi) {
                inflightHi = ack.txInFlight();
            }
            if (mode == Mode.PROBE_BW_UP) {
                probeInflightHiUpward(ack);
            }
        }
    }

    private boolean checkInflightTooHigh(AckSample ack) {
        if (lossTooHigh(ack)) {
            if (bwProbeSamples) {
                handleInflightTooHigh(ack);
            }
            return true;
        }
        return false;
    }

    /** §4.5.10.2 IsInflightTooHigh: more than 2 % of what was in flight lost (no ECN). */
    private boolean lossTooHigh(AckSample ack) {
        long tx = ack.txInFlight();
        return tx > 0 && lossRoundLost > (long) (tx * LOSS_THRESH);
    }

    private void handleInflightTooHigh(AckSample ack) {
        bwProbeSamples = false;
        if (!ack.rateAppLimited()) {
            inflightHi = Math.max(ack.txInFlight(), (long) (targetInflight() * BETA));
        }
        if (mode == Mode.PROBE_BW_UP) {
            startProbeBwDown(ack.nowNs());
        }
    }

    private void probeInflightHiUpward(AckSample ack) {
        if (!cwndLimited(ack) || cwnd < inflightHi) {
            return;
        }
        bwProbeUpAcks += ack.ackedBytes() + ack.sackedBytes();
        if (bwProbeUpAcks >= probeUpCnt) {
            long delta = bwProbeUpAcks / probeUpCnt;
            bwProbeUpAcks -= delta * probeUpCnt;
            inflightHi = saturatingAdd(inflightHi, delta * mss);
        }
        if (roundStart) {
            raiseInflightHiSlope();
        }
    }

    /** §4.3.3.6: inflight_hi's growth doubles every round of ProbeBW_UP. */
    private void raiseInflightHiSlope() {
        long growthThisRound = 1L << bwProbeUpRounds;
        bwProbeUpRounds = Math.min(bwProbeUpRounds + 1, 30);
        probeUpCnt = Math.max(cwnd / growthThisRound, mss);
    }

    private boolean checkTimeToProbeBw(long now) {
        if (hasElapsedInPhase(now, bwProbeWaitNs) || isRenoCoexistenceProbeTime()) {
            startProbeBwRefill();
            return true;
        }
        return false;
    }

    private boolean isRenoCoexistenceProbeTime() {
        long renoRounds = targetInflight() / mss;
        return roundsSinceBwProbe >= Math.min(renoRounds, 63);
    }

    private boolean checkTimeToCruise() {
        if (inflight > inflightWithHeadroom()) {
            return false;
        }
        // §4.3.3.6 BBRCheckTimeToCruise: the BDP at max_bw. With the bw_lo-bounded bw the
        // target would shrink with every lossy round and DOWN (0.9) would never end.
        return inflight <= inflightFor(maxBw, 1.0);
    }

    private boolean checkTimeToGoDown(AckSample ack) {
        if (cwndLimited(ack) && cwnd >= inflightHi) {
            resetFullBw();
            fullBw = ack.deliveryRate();
        } else if (fullBwNow) {
            return true;
        }
        return false;
    }

    private boolean hasElapsedInPhase(long now, long intervalNs) {
        return now - cycleStampNs > intervalNs;
    }

    private void startProbeBwDown(long now) {
        resetCongestionSignals();
        probeUpCnt = INFINITE;
        pickProbeWait();
        cycleStampNs = now;
        ackPhase = AckPhase.PROBE_STOPPING;
        startRound();
        mode = Mode.PROBE_BW_DOWN;
        pacingGain = PROBE_DOWN_PACING_GAIN;
        cwndGain = DEFAULT_CWND_GAIN;
    }

    private void startProbeBwCruise() {
        mode = Mode.PROBE_BW_CRUISE;
        pacingGain = 1.0;
        cwndGain = DEFAULT_CWND_GAIN;
    }

    private void startProbeBwRefill() {
        resetLowerBounds();
        bwProbeUpRounds = 0;
        bwProbeUpAcks = 0;
        ackPhase = AckPhase.REFILLING;
        startRound();
        mode = Mode.PROBE_BW_REFILL;
        pacingGain = 1.0;
        cwndGain = DEFAULT_CWND_GAIN;
    }

    private void startProbeBwUp(AckSample ack) {
        ackPhase = AckPhase.PROBE_STARTING;
        startRound();
        resetFullBw();
        fullBw = ack.deliveryRate();
        mode = Mode.PROBE_BW_UP;
        pacingGain = PROBE_UP_PACING_GAIN;
        cwndGain = PROBE_UP_CWND_GAIN;
        raiseInflightHiSlope();
    }

    /** §4.3.3.5 BBRPickProbeWait: 0 or 1 rounds, and 2 s plus up to 1 s of wall-clock time. */
    private void pickProbeWait() {
        roundsSinceBwProbe = nextRandom() & 1;
        bwProbeWaitNs = PROBE_WAIT_BASE_NS + Math.floorMod(nextRandom(), PROBE_WAIT_RANDOM_NS + 1);
    }

    /** SplitMix64: deterministic, no allocation, good enough for picking a probe time. */
    private long nextRandom() {
        long z = (random += 0x9E37_79B9_7F4A_7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return (z ^ (z >>> 31)) >>> 1;
    }

    // ---- lower bounds (§4.5.10) ----

    private void adaptLowerBoundsFromCongestion() {
        if (probingBw()) {
            return;
        }
        if (lossInRound) {
            if (bwLo == INFINITE) {
                bwLo = maxBw;
            }
            if (inflightLo == INFINITE) {
                inflightLo = cwnd;
            }
            bwLo = Math.max(bwLatest, (long) (BETA * bwLo));
            inflightLo = Math.max(inflightLatest, (long) (BETA * inflightLo));
        }
    }

    private void resetLowerBounds() {
        bwLo = INFINITE;
        inflightLo = INFINITE;
    }

    private void resetCongestionSignals() {
        lossInRound = false;
        bwLatest = 0;
        inflightLatest = 0;
    }

    // ---- min RTT and ProbeRTT (§4.3.4, §4.5.3) ----

    private void updateMinRtt(AckSample ack, long now) {
        probeRttExpired = now - probeRttMinStampNs > PROBE_RTT_INTERVAL_NS;
        long rtt = ack.rttNs();
        if (rtt >= 0 && (rtt < probeRttMinDelayNs || probeRttExpired)) {
            probeRttMinDelayNs = rtt;
            probeRttMinStampNs = now;
        }
        boolean minRttExpired = now - minRttStampNs > MIN_RTT_FILTER_NS;
        if (probeRttMinDelayNs < minRttNs || minRttExpired) {
            minRttNs = probeRttMinDelayNs;
            minRttStampNs = probeRttMinStampNs;
        }
    }

    private void checkProbeRtt(AckSample ack, long now) {
        if (mode != Mode.PROBE_RTT && probeRttExpired && !idleRestart) {
            enterProbeRtt();
            priorCwnd = saveCwnd();
            probeRttDoneStampNs = 0;
            ackPhase = AckPhase.PROBE_STOPPING;
            startRound();
        }
        if (mode == Mode.PROBE_RTT) {
            handleProbeRtt(now);
        }
        if (ack.delivered() > 0) {
            idleRestart = false;
        }
    }

    private void enterProbeRtt() {
        mode = Mode.PROBE_RTT;
        pacingGain = 1.0;
        cwndGain = PROBE_RTT_CWND_GAIN;
    }

    private void handleProbeRtt(long now) {
        if (probeRttDoneStampNs == 0 && inflight <= probeRttCwnd()) {
            probeRttDoneStampNs = now + PROBE_RTT_DURATION_NS;
            probeRttRoundDone = false;
            startRound();
        } else if (probeRttDoneStampNs != 0) {
            if (roundStart) {
                probeRttRoundDone = true;
            }
            if (probeRttRoundDone) {
                checkProbeRttDone(now);
            }
        }
    }

    private void checkProbeRttDone(long now) {
        if (probeRttDoneStampNs != 0 && now - probeRttDoneStampNs > 0) {
            probeRttMinStampNs = now; // the next ProbeRTT is due PROBE_RTT_INTERVAL from here
            restoreCwnd();
            exitProbeRtt(now);
        }
    }

    private void exitProbeRtt(long now) {
        resetLowerBounds();
        if (fullBwReached) {
            startProbeBwDown(now);
            startProbeBwCruise();
        } else {
            enterStartup();
        }
    }

    private long probeRttCwnd() {
        return Math.max(bdpMultiple(PROBE_RTT_CWND_GAIN), minPipeCwnd());
    }

    // ---- state entry ----

    private void enterStartup() {
        mode = Mode.STARTUP;
        pacingGain = STARTUP_PACING_GAIN;
        cwndGain = STARTUP_CWND_GAIN;
    }

    private void enterDrain() {
        mode = Mode.DRAIN;
        pacingGain = DRAIN_PACING_GAIN;
        cwndGain = STARTUP_CWND_GAIN;
    }

    private void enterProbeBw(long now) {
        cwndGain = DEFAULT_CWND_GAIN;
        startProbeBwDown(now);
    }

    // ---- control parameters (§4.6) ----

    /** §4.6.2 BBRSetPacingRateWithGain: gain·bw·(1 − 1 %), never lowered before the pipe is full. */
    private void setPacingRate(double gain) {
        if (bw <= 0) {
            return;
        }
        long rate = (long) (gain * bw * (1.0 - PACING_MARGIN));
        if (fullBwReached || rate > pacingRate) {
            pacingRate = rate;
        }
    }

    /** §4.6.4.6 BBRSetCwnd. */
    private void setCwnd(AckSample ack, long newlyAcked) {
        long maxInflight = quantizationBudget(saturatingAdd(bdpMultiple(cwndGain), extraAcked));
        modulateCwndForRecovery(ack, newlyAcked);
        if (!packetConservation) {
            if (fullBwReached) {
                cwnd = Math.min(cwnd + newlyAcked, maxInflight);
            } else if (cwnd < maxInflight || delivered < initialCwnd) {
                cwnd = cwnd + newlyAcked;
            }
            cwnd = Math.max(cwnd, minPipeCwnd());
        }
        if (mode == Mode.PROBE_RTT) {
            cwnd = Math.min(cwnd, probeRttCwnd());
        }
        boundCwndForModel();
    }

    /** §4.6.4.4: shrink by what was lost; during conservation, send one for one delivered. */
    private void modulateCwndForRecovery(AckSample ack, long newlyAcked) {
        if (!inRecovery) {
            return;
        }
        if (ack.newlyLostBytes() > 0) {
            cwnd = Math.max(cwnd - ack.newlyLostBytes(), mss);
        }
        if (packetConservation) {
            cwnd = Math.max(cwnd, inflight + newlyAcked);
        }
    }

    /** §4.6.4.7 BBRBoundCwndForModel: inflight_hi while probing, headroom while cruising. */
    private void boundCwndForModel() {
        long cap = INFINITE;
        if (inProbeBw() && mode != Mode.PROBE_BW_CRUISE) {
            cap = inflightHi;
        } else if (mode == Mode.PROBE_RTT || mode == Mode.PROBE_BW_CRUISE) {
            cap = inflightWithHeadroom();
        }
        cap = Math.min(cap, inflightLo);
        cap = Math.max(cap, minPipeCwnd());
        cwnd = Math.min(cwnd, cap);
    }

    /** §4.6.4.2: room for the sender's and receiver's offload batching. */
    private long quantizationBudget(long inflightTarget) {
        long budget = Math.max(inflightTarget, 3 * sendQuantum());
        budget = Math.max(budget, minPipeCwnd());
        if (mode == Mode.PROBE_BW_UP) {
            budget = saturatingAdd(budget, 2L * mss);
        }
        return budget;
    }

    /** §4.6.3 BBRSetSendQuantum: about 1 ms at the pacing rate, 2 segments to 64 KiB. */
    long sendQuantum() {
        long floor = pacingRate < 150_000 ? mss : 2L * mss; // 1.2 Mbit/s
        return Math.max(Math.min(pacingRate / 1_000, 65_536), floor);
    }

    private long bdpMultiple(double gain) {
        return bdpMultiple(bw, gain);
    }

    /** §4.6.4.2 BBRBDPMultiple(bw, gain). */
    private long bdpMultiple(long bandwidth, double gain) {
        if (minRttNs == INFINITE || bandwidth <= 0) {
            return initialCwnd;
        }
        return (long) (gain * bytesAt(bandwidth, minRttNs));
    }

    /** §4.6.4.2 BBRInflight(bw, gain): the BDP multiple with the quantization budget. */
    private long inflightFor(long bandwidth, double gain) {
        return quantizationBudget(bdpMultiple(bandwidth, gain));
    }

    private long inflightWithHeadroom() {
        if (inflightHi == INFINITE) {
            return INFINITE;
        }
        long headroom = Math.max(mss, (long) (HEADROOM * inflightHi));
        return Math.max(inflightHi - headroom, minPipeCwnd());
    }

    private long targetInflight() {
        return Math.min(bdpMultiple(1.0), cwnd);
    }

    private long minPipeCwnd() {
        return (long) MIN_PIPE_SEGMENTS * mss;
    }

    private boolean cwndLimited(AckSample ack) {
        return !ack.appLimited() && ack.bytesInFlightBefore() + mss > cwnd;
    }

    private boolean inProbeBw() {
        return mode == Mode.PROBE_BW_DOWN
                || mode == Mode.PROBE_BW_CRUISE
                || mode == Mode.PROBE_BW_REFILL
                || mode == Mode.PROBE_BW_UP;
    }

    private boolean probingBw() {
        return mode == Mode.STARTUP || mode == Mode.PROBE_BW_REFILL || mode == Mode.PROBE_BW_UP;
    }

    private static long bytesAt(long bytesPerSecond, long ns) {
        if (bytesPerSecond <= 0 || ns <= 0) {
            return 0;
        }
        return (long) ((double) bytesPerSecond * ns / 1e9);
    }

    private static long saturatingAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? INFINITE : r;
    }

    // ------------------------------------------------------------------------------------------
    // Congestion events (§4.6.4.4, §4.6.4.5)
    // ------------------------------------------------------------------------------------------

    @Override
    public void onCongestionEvent(CongestionEvent kind, long nowNs, long bytesInFlight, int segmentsLeft) {
        priorCwnd = saveCwnd();
        inRecovery = true;
        if (kind == CongestionEvent.RTO) {
            // §4.6.4.4 "upon retransmission timeout": everything is presumed lost.
            cwnd = Math.max(0, bytesInFlight) + mss;
            packetConservation = false;
        } else if (fastRecoveryConservation) {
            // Fast recovery: cwnd = flight + what just left the network, conservation for a round.
            cwnd = Math.max(bytesInFlight, 0) + Math.max((long) segmentsLeft * mss, mss);
            cwnd = Math.max(cwnd, minPipeCwnd());
            packetConservation = true;
            recoveryRoundEndDelivered = delivered + Math.max(bytesInFlight, 0);
        }
        inflight = Math.max(bytesInFlight, 0);
    }

    @Override
    public void onRecoveryEnd(long nowNs) {
        inRecovery = false;
        packetConservation = false;
        restoreCwnd();
    }

    @Override
    public void onSpuriousCongestion(long nowNs) {
        inRecovery = false;
        packetConservation = false;
        restoreCwnd();
    }

    @Override
    public void onRestartAfterIdle(long nowNs, long idleNs) {
        // §4.3.4.4 BBRHandleRestartFromIdle.
        idleRestart = true;
        extraAckedIntervalStartNs = nowNs;
        if (inProbeBw()) {
            setPacingRate(1.0);
        } else if (mode == Mode.PROBE_RTT) {
            checkProbeRttDone(nowNs);
        }
    }

    /** §4.6.4.4 BBRSaveCwnd. */
    private long saveCwnd() {
        if (!inRecovery && mode != Mode.PROBE_RTT) {
            return cwnd;
        }
        return Math.max(priorCwnd, cwnd);
    }

    /** §4.6.4.4 BBRRestoreCwnd. */
    private void restoreCwnd() {
        cwnd = Math.max(cwnd, priorCwnd);
    }

    // ------------------------------------------------------------------------------------------
    // Outputs
    // ------------------------------------------------------------------------------------------

    @Override
    public long cwnd() {
        return cwnd;
    }

    /** BBR has no slow-start threshold; reported as unknown. */
    @Override
    public long ssthresh() {
        return Long.MAX_VALUE;
    }

    @Override
    public long pacingRate() {
        return pacingRate;
    }

    @Override
    public String phase() {
        return mode.label;
    }

    /** The bandwidth estimate the model uses: min(max_bw, bw_lo), bytes per second. */
    public long bandwidth() {
        return bw;
    }

    /** The windowed max of the delivery-rate samples, bytes per second. */
    public long maxBandwidth() {
        return maxBw;
    }

    /** The windowed min RTT, or {@link Long#MAX_VALUE} before the first sample. */
    public long minRttNs() {
        return minRttNs;
    }

    /** The loss-derived upper bound on the flight, or {@link Long#MAX_VALUE} while unset. */
    public long inflightHi() {
        return inflightHi;
    }

    /** The loss-derived lower bound on the flight, or {@link Long#MAX_VALUE} while unset. */
    public long inflightLo() {
        return inflightLo;
    }

    /** Round trips counted so far (§4.5.1). */
    public long roundCount() {
        return roundCount;
    }

    /** The pacing gain in force. */
    public double pacingGain() {
        return pacingGain;
    }

    /** Startup saw the bandwidth stop growing (or too much loss). */
    public boolean fullBandwidthReached() {
        return fullBwReached;
    }

    @Override
    public String toString() {
        return "Bbr{" + mode.label + " bw=" + bw + " minRtt=" + minRttNs + " cwnd=" + cwnd + " pacing=" + pacingRate
                + " inflightHi=" + inflightHi + "}";
    }
}
