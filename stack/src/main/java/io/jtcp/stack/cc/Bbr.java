package io.jtcp.stack.cc;

/**
 * BBR version 3, after draft-ietf-ccwg-bbr-01 (21 October 2024): a model-based controller that
 * paces at its estimate of the bottleneck bandwidth and bounds the flight by a multiple of the
 * bandwidth-delay product, instead of reacting to every loss.
 *
 * <p>Implemented: Startup (pacing gain 2.77, cwnd gain 2) with full-bandwidth detection (three
 * rounds below 25 % growth) and v3's loss-based exit; Drain (pacing gain 0.35) until the flight is
 * one BDP at {@code max_bw}; ProbeBW's DOWN (0.9) / CRUISE (1.0) / REFILL (1.0) / UP (1.25, cwnd gain 2.25) with the
 * randomised wall-clock wait of 2–3 s and the Reno-coexistence round bound; ProbeRTT every 5 s
 * without a new minimum (cwnd 0.5·BDP, at least 4 segments, for at least 200 ms and a round); a
 * max-bandwidth filter over two ProbeBW cycles and a 10 s min-RTT filter; the upper bound
 * {@code inflight_hi} (raised with a doubling slope while probing, cut when the loss rate
 * exceeds 2 % in a probe) and the lower bounds {@code bw_lo}/{@code inflight_lo} (β = 0.7 per
 * round with loss, outside probing); ACK-aggregation allowance ({@code extra_acked}, a 10-round
 * windowed max); cwnd save and restore around recovery and ProbeRTT; the draft's packet
 * conservation during the first round of fast recovery only on request (Linux's v3 has none; see
 * {@link #Bbr(long, boolean)}). The
 * model's parts live in small package-private classes ({@code BbrMaxBwFilter},
 * {@code BbrMinRttFilter}, {@code BbrFullPipe}, {@code BbrLossSignals}, {@code BbrAckAggregation},
 * {@code BbrInflightHiProbe}, {@code BbrProbeWait}, {@code BbrMode}), the ProbeBW cycle in
 * {@code BbrProbeBw} and ProbeRTT in {@code BbrProbeRtt}; this class is the state machine that
 * ties them together.
 *
 * <p>The loss rate of a sample (§4.5.10.2 IsInflightTooHigh) is {@link AckSample#rsLost()}, the
 * bytes lost since the sampled segment was sent, over its {@link AckSample#txInFlight()}. Taken
 * from Linux's BBRv3 ({@code tcp_bbr.c}, Google's v3 branch) where the draft is silent or
 * differs: the per-lost-segment {@code inflight_hi} check, only while the losses are of data sent
 * in a bandwidth probe ({@link #onSegmentLost}); the restart of the loss round at its first loss
 * ({@code bbr_note_loss}); a probe that stopped at {@code inflight_hi} after one that went too
 * high ({@code prev_probe_too_high}, {@code stopped_risky_probe}) probing again at once;
 * {@code inflight_lo} clamped to {@code inflight_hi} on entering CRUISE; the congestion signals
 * reset on leaving Startup; Startup's loss exit only at the end of a round in fast recovery; an
 * undo that restores {@code bw_lo}, {@code inflight_lo} and {@code inflight_hi}; on an RTO, the
 * full-bandwidth detector reset and {@code inflight_lo} seeded from the window before it; and the
 * ACK-aggregation allowance capped at 100 ms of the bandwidth, its filter turning every round in
 * Startup.
 *
 * <p>Departure: the loss round is restarted at its first loss only after Startup. This engine's
 * loss recovery marks a segment lost when it resends it (Linux marks every hole the SACKs reveal
 * at once), so in Startup's overshoot a restarted round ended on the ACK of a quickly returned
 * resend whose sample had seen none of the round's losses, and the loss exit never fired: at
 * 100 Mbit/s, 100 ms and no random loss, 2,328 queue drops instead of 347.
 *
 * <p>Left out: ECN (no {@code alpha}, an {@link CongestionEvent#ECN} is treated as loss); Linux's
 * TLP-repaired-loss signal; Startup's "6 discontiguous lost ranges" is approximated by 6 ACKs that
 * each marked something lost in the round.
 *
 * <p>Pure: time comes only from the {@code nowNs} arguments and the probe-wait randomness from a
 * seeded generator, so runs are reproducible. No allocation after construction.
 */
public final class Bbr implements CongestionControl {
    /** The default seed of the probe-wait randomness. */
    public static final long DEFAULT_SEED = 0x6262_7233L;

    // ---- constants, draft-ietf-ccwg-bbr-01 §2.8 and §5 (the gains are in BbrMode) ----
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
    static final long EXTRA_ACKED_MAX_NS = 100_000_000L; // Linux v3's bbr_extra_acked_max_us
    static final long INFINITE = Long.MAX_VALUE;

    private final long seed;
    private final boolean fastRecoveryConservation;
    int mss = 1; // until init: keeps every division defined
    private long initialCwnd;

    BbrMode mode = BbrMode.STARTUP;
    private double pacingGain;
    private double cwndGain;
    long cwnd;
    private long pacingRate;
    long priorCwnd;
    private boolean inRecovery;
    // the loss-adapted model when the last recovery episode began, for its undo (Linux v3)
    private long undoBwLo = INFINITE;
    private long undoInflightLo = INFINITE;
    private long undoInflightHi = INFINITE;
    private boolean packetConservation;
    private long recoveryRoundEndDelivered;

    // round counting (§4.5.1)
    long delivered; // C.delivered as the samples report it
    private long nextRoundDelivered;
    private long roundCount;
    boolean roundStart;

    // bandwidth model
    final BbrMaxBwFilter maxBwFilter = new BbrMaxBwFilter();
    long maxBw;
    private long bwLo = INFINITE;
    private long bw;
    // min RTT model
    final BbrMinRttFilter minRtt = new BbrMinRttFilter();
    private long minRttNs = INFINITE;
    // full pipe
    final BbrFullPipe fullPipe = new BbrFullPipe();
    // ProbeBW
    final BbrProbeBw probeBw = new BbrProbeBw(this);
    long inflightHi = INFINITE;
    private long inflightLo = INFINITE;
    // latest delivery signals and loss (§4.5.10)
    final BbrLossSignals loss = new BbrLossSignals();
    // ProbeRTT
    private final BbrProbeRtt probeRtt = new BbrProbeRtt(this);

    boolean sampleAppLimited;
    // ACK aggregation (§4.5.6)
    private final BbrAckAggregation aggregation = new BbrAckAggregation();
    long inflight;

    /** BBR with the default probe-wait seed. */
    public Bbr() {
        this(DEFAULT_SEED);
    }

    /**
     * BBR whose randomised probe waits come from {@code seed}, for reproducible runs; without
     * packet conservation in fast recovery, as Linux's BBRv3 (see {@link #Bbr(long, boolean)}).
     */
    public Bbr(long seed) {
        this(seed, false);
    }

    /**
     * BBR with the probe-wait {@code seed} and, when {@code fastRecoveryConservation} is true,
     * the draft's packet conservation on entering fast recovery (§4.6.4.4: cwnd cut to the
     * flight and held there for a round), which Linux's BBRv3 does not do ({@code bbr_set_cwnd}
     * has no recovery case there); the default is without. Under steady random loss recovery episodes follow
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
        probeBw.seed(seed);
        // RFC 6928 §2, as the other algorithms.
        initialCwnd = Math.min(10L * this.mss, Math.max(2L * this.mss, 14_600));
        cwnd = initialCwnd;
        priorCwnd = 0;
        minRtt.init(nowNs);
        minRttNs = INFINITE;
        aggregation.restart(nowNs);
        probeBw.init(nowNs);
        // §4.6.2 BBRInitPacingRate: nominal bandwidth = InitialCwnd / 1 ms before any RTT sample.
        pacingRate = (long) (BbrMode.STARTUP.pacingGain * initialCwnd * 1_000L);
        enter(BbrMode.STARTUP);
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
        sampleAppLimited = ack.rateAppLimited() || probeRtt.appLimited(ack.priorDelivered());
        probeRtt.expireAppLimited(delivered);
        // Linux v3 restarts the loss round at the first loss; here only once Startup is over
        // (see the class comment).
        loss.noteLoss(ack, delivered, fullPipe.reached());
        loss.updateLatest(ack, delivered);
        updateCongestionSignals(ack);
        aggregation.update(now, newlyAcked, bw, cwnd, roundStart, roundCount, fullPipe.reached());
        fullPipe.check(maxBw, roundStart, sampleAppLimited);
        checkStartupDone();
        checkDrainDone(now);
        probeBw.updateProbeBwCyclePhase(ack, now);
        updateMinRtt(ack, now);
        probeRtt.checkProbeRtt(ack, now);
        loss.advance(ack);
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
            probeBw.countRound();
            roundStart = true;
            if (packetConservation && delivered >= recoveryRoundEndDelivered) {
                packetConservation = false; // §4.6.4.4: conservation lasts the first round only
            }
        }
    }

    void startRound() {
        nextRoundDelivered = delivered;
    }

    /** §4.5.10.3 BBRUpdateCongestionSignals. */
    private void updateCongestionSignals(AckSample ack) {
        updateRound(ack);
        maxBwFilter.update(ack.deliveryRate(), sampleAppLimited);
        maxBw = maxBwFilter.max();
        if (!loss.lossRoundStart()) {
            return;
        }
        adaptLowerBoundsFromCongestion();
        checkStartupHighLoss(ack);
        loss.endLossRound();
    }

    /**
     * §4.3.1.3 BBRCheckStartupHighLoss, at the end of a loss round (see the class comment) spent
     * in fast recovery, as Linux v3 checks it: the round's loss is then known in full.
     */
    private void checkStartupHighLoss(AckSample ack) {
        if (fullPipe.reached() || mode != BbrMode.STARTUP || ack.recoveryState() != RecoveryState.RECOVERY) {
            return;
        }
        if (loss.lossEventsInRound() >= STARTUP_FULL_LOSS_COUNT && BbrLossSignals.tooHigh(ack)) {
            fullPipe.markReached();
            inflightHi = Math.max(bdpMultiple(1.0), loss.inflightLatest());
        }
    }

    private void checkStartupDone() {
        if (mode == BbrMode.STARTUP && fullPipe.reached()) {
            enter(BbrMode.DRAIN);
            // Startup's probing rounds say nothing about the rate the lower bounds should hold.
            loss.reset();
        }
    }

    private void checkDrainDone(long now) {
        // §4.3.2: drained when the flight is one BDP at max_bw (not at the bw_lo-bounded bw).
        if (mode == BbrMode.DRAIN && inflight <= inflightFor(maxBw, 1.0)) {
            probeBw.startProbeBwDown(now);
        }
    }

    // ---- lower bounds (§4.5.10) ----

    private void adaptLowerBoundsFromCongestion() {
        if (probingBw()) {
            return;
        }
        if (loss.lossInRound()) {
            if (bwLo == INFINITE) {
                bwLo = maxBw;
            }
            if (inflightLo == INFINITE) {
                inflightLo = cwnd;
            }
            bwLo = Math.max(loss.bwLatest(), (long) (BETA * bwLo));
            inflightLo = Math.max(loss.inflightLatest(), (long) (BETA * inflightLo));
        }
    }

    void resetLowerBounds() {
        bwLo = INFINITE;
        inflightLo = INFINITE;
    }

    /** Entering CRUISE: {@code inflight_lo} no higher than {@code inflight_hi}. */
    void clampInflightLoToHi() {
        if (inflightLo != INFINITE) {
            inflightLo = Math.min(inflightLo, inflightHi);
        }
    }

    // ---- min RTT and ProbeRTT (§4.3.4, §4.5.3) ----

    private void updateMinRtt(AckSample ack, long now) {
        minRtt.update(ack.rttNs(), now);
        minRttNs = minRtt.minRttNs();
    }

    // ---- state entry ----

    void enter(BbrMode next) {
        mode = next;
        pacingGain = next.pacingGain;
        cwndGain = next.cwndGain;
    }

    // ---- control parameters (§4.6) ----

    /** §4.6.2 BBRSetPacingRateWithGain: gain·bw·(1 − 1 %), never lowered before the pipe is full. */
    private void setPacingRate(double gain) {
        if (bw <= 0) {
            return;
        }
        long rate = (long) (gain * bw * (1.0 - PACING_MARGIN));
        if (fullPipe.reached() || rate > pacingRate) {
            pacingRate = rate;
        }
    }

    /** §4.6.4.6 BBRSetCwnd. */
    private void setCwnd(AckSample ack, long newlyAcked) {
        long maxInflight = quantizationBudget(saturatingAdd(bdpMultiple(cwndGain), aggregation.extraAcked(bw)));
        modulateCwndForRecovery(ack, newlyAcked);
        if (!packetConservation) {
            if (fullPipe.reached()) {
                cwnd = Math.min(cwnd + newlyAcked, maxInflight);
            } else if (cwnd < maxInflight || delivered < initialCwnd) {
                cwnd = cwnd + newlyAcked;
            }
            cwnd = Math.max(cwnd, minPipeCwnd());
        }
        if (mode == BbrMode.PROBE_RTT) {
            cwnd = Math.min(cwnd, probeRtt.probeRttCwnd());
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
        if (inProbeBw() && mode != BbrMode.PROBE_BW_CRUISE) {
            cap = inflightHi;
        } else if (mode == BbrMode.PROBE_RTT || mode == BbrMode.PROBE_BW_CRUISE) {
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
        if (mode == BbrMode.PROBE_BW_UP) {
            budget = saturatingAdd(budget, 2L * mss);
        }
        return budget;
    }

    /** §4.6.3 BBRSetSendQuantum: about 1 ms at the pacing rate, 2 segments to 64 KiB. */
    long sendQuantum() {
        long floor = pacingRate < 150_000 ? mss : 2L * mss; // 1.2 Mbit/s
        return Math.max(Math.min(pacingRate / 1_000, 65_536), floor);
    }

    long bdpMultiple(double gain) {
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
    long inflightFor(long bandwidth, double gain) {
        return quantizationBudget(bdpMultiple(bandwidth, gain));
    }

    long inflightWithHeadroom() {
        if (inflightHi == INFINITE) {
            return INFINITE;
        }
        long headroom = Math.max(mss, (long) (HEADROOM * inflightHi));
        return Math.max(inflightHi - headroom, minPipeCwnd());
    }

    long targetInflight() {
        return Math.min(bdpMultiple(1.0), cwnd);
    }

    long minPipeCwnd() {
        return (long) MIN_PIPE_SEGMENTS * mss;
    }

    boolean cwndLimited(AckSample ack) {
        return !ack.appLimited() && ack.bytesInFlightBefore() + mss > cwnd;
    }

    boolean inProbeBw() {
        return mode.probeBw;
    }

    private boolean probingBw() {
        return mode.probing;
    }

    static long bytesAt(long bytesPerSecond, long ns) {
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
        undoBwLo = bwLo;
        undoInflightLo = inflightLo;
        undoInflightHi = inflightHi;
        inRecovery = true;
        if (kind == CongestionEvent.RTO) {
            // Linux v3 (bbr_set_state): the bandwidth plateau is measured afresh, and the lower
            // bound starts from the window before the timeout, not the one it leaves.
            fullPipe.restart(0);
            if (!probingBw() && inflightLo == INFINITE) {
                inflightLo = Math.max(cwnd, priorCwnd);
            }
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
        // Linux v3 (bbr_undo_cwnd): the losses were not, so neither are the cuts they made.
        fullPipe.restart(0);
        loss.forgetLossInRound();
        bwLo = Math.max(bwLo, undoBwLo);
        inflightLo = Math.max(inflightLo, undoInflightLo);
        inflightHi = Math.max(inflightHi, undoInflightHi);
    }

    /**
     * Linux v3's per-lost-packet check ({@code bbr_skb_marked_lost}): while the losses are of data
     * sent during a bandwidth probe, a segment whose flight lost more than BBRLossThresh ends the
     * probe at once, with {@code inflight_hi} at the flight where the loss rate crossed the
     * threshold, without waiting for an ACK's sample to show it.
     */
    @Override
    public void onSegmentLost(long nowNs, long bytes, long txInFlight, long lostSinceSent, boolean appLimited) {
        if (!probeBw.bwProbeSamples() || !BbrLossSignals.tooHigh(lostSinceSent, txInFlight)) {
            return;
        }
        probeBw.handleInflightTooHigh(inflightAtLossThreshold(bytes, txInFlight, lostSinceSent), appLimited, nowNs);
    }

    /**
     * The flight at which this lost segment took the loss rate past BBRLossThresh: solving
     * (lostBefore + x) / (flightBefore + x) = thresh for the prefix x of the segment.
     */
    public static long inflightAtLossThreshold(long bytes, long txInFlight, long lostSinceSent) {
        long flightBefore = txInFlight - bytes;
        long lostBefore = lostSinceSent - bytes;
        if (flightBefore < 0 || lostBefore < 0) {
            return txInFlight; // an inconsistent snapshot: the whole flight is the best guess
        }
        long budget = (long) Math.ceil(flightBefore * LOSS_THRESH);
        if (lostBefore >= budget) {
            return flightBefore;
        }
        return flightBefore + (long) ((budget - lostBefore) / (1.0 - LOSS_THRESH));
    }

    @Override
    public void onRestartAfterIdle(long nowNs, long idleNs) {
        // §4.3.4.4 BBRHandleRestartFromIdle.
        probeRtt.restartFromIdle();
        aggregation.restart(nowNs);
        if (inProbeBw()) {
            setPacingRate(1.0);
        } else if (mode == BbrMode.PROBE_RTT) {
            probeRtt.checkProbeRttDone(nowNs);
        }
    }

    /** §4.6.4.4 BBRSaveCwnd. */
    long saveCwnd() {
        if (!inRecovery && mode != BbrMode.PROBE_RTT) {
            return cwnd;
        }
        return Math.max(priorCwnd, cwnd);
    }

    /** §4.6.4.4 BBRRestoreCwnd. */
    void restoreCwnd() {
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
        return fullPipe.reached();
    }

    @Override
    public String toString() {
        return "Bbr{" + mode.label + " bw=" + bw + " minRtt=" + minRttNs + " cwnd=" + cwnd + " pacing=" + pacingRate
                + " inflightHi=" + inflightHi + "}";
    }
}
