package io.jtcp.stack.cc;

/**
 * CUBIC (RFC 9438), with HyStart++ (RFC 9406) in the initial slow start: the congestion window
 * grows as a cubic function of the time since congestion avoidance began, concave up to the
 * window of the last congestion event (W_max) and convex beyond it, and never slower than Reno
 * would grow in the same time (the Reno-friendly region).
 *
 * <p>Byte-based: windows are bytes, and the cubic is evaluated in segments of the current MSS
 * (RFC 9438 defines it in segments) with doubles, so that neither a cube nor a product of two
 * windows can overflow at any window. Constants are RFC 9438 §5's: C = 0.4, β_cubic = 0.7, fast
 * convergence on.
 *
 * <p>Where RFC 9438 leaves a choice:
 *
 * <ul>
 *   <li>The reduction multiplies the cwnd, not the flight size (§4.6 allows it when the window
 *       cannot grow while application-limited, which {@link AckSample#appLimited()} ensures).
 *   <li>Growth counts the bytes a cumulative ACK acknowledged; SACKed bytes are counted when the
 *       cumulative ACK covers them, so nothing is counted twice.
 *   <li>During fast recovery the window does not grow; after an RTO it slow-starts from one
 *       segment (RFC 5681 §3.1) while the engine is still in {@link RecoveryState#LOSS}, but does
 *       not begin congestion avoidance before that recovery ends.
 *   <li>An undo (§4.9) restores the state saved at the event and shifts the saved epoch start by
 *       the time spent in the (frozen) episode, as §5.8 excludes periods without growth from t.
 *   <li>A congestion event while an episode is open (until {@link #onRecoveryEnd}) is ignored; an
 *       RTO inside one sets the window to one segment without lowering ssthresh again.
 *   <li>After an idle period the window is kept (no RFC 5681 §4.1 restart window): only t is
 *       shifted by the idle time (§5.8).
 *   <li>An ECN echo reduces like a loss; ssthresh, and so the window, stays at least 2 segments.
 * </ul>
 *
 * <p>{@link #phase()} is one of {@code slow-start}, {@code hystart-css} (HyStart++'s Conservative
 * Slow Start), {@code congestion-avoidance} and {@code recovery} (from the congestion event to the
 * end of its episode).
 */
public final class Cubic implements CongestionControl {
    /** The name {@code --cc} takes. */
    public static final String NAME = "cubic";

    // RFC 9438 §5 (constants of interest).
    static final double C = 0.4;
    static final double BETA = 0.7;
    /** RFC 9438 §4.3: Reno's average rate for a multiplicative decrease of β_cubic. */
    static final double ALPHA = 3 * (1 - BETA) / (1 + BETA);

    static final boolean FAST_CONVERGENCE = true;
    /** RFC 3465 §2.3 L for slow start after a loss (the initial one uses HyStart++'s L). */
    static final int RESTART_L = 2;
    /** A ceiling far above any window, so that window + increment can never overflow a long. */
    static final long MAX_CWND = Long.MAX_VALUE >> 2;

    private static final long NO_EPOCH = Long.MIN_VALUE;
    private static final double NS_PER_S = 1e9;

    private int mss = 1460;
    private long cwnd;
    private long ssthresh = Long.MAX_VALUE;
    private long wMax; // bytes; 0 before the first congestion event
    private long cwndPrior; // cwnd when ssthresh was last set (RFC 9438 §4.3)
    private double kSeconds;
    private long epochStartNs = NO_EPOCH;
    private long cwndEpoch;
    private double wEst; // Reno-friendly estimate, bytes
    private double caCarry; // growth below one byte not yet added, so small ACKs add up
    private long srttNs;
    private long lastAckNs;
    private boolean afterTimeout;
    private boolean inEpisode;
    private boolean episodeRto;
    private long episodeStartNs;
    private final HyStartPlusPlus hystart = new HyStartPlusPlus();
    private boolean hystartActive = true;

    // State saved at a congestion event for the undo of RFC 9438 §4.9.
    private boolean undoValid;
    private long undoCwnd;
    private long undoSsthresh;
    private long undoWMax;
    private long undoCwndPrior;
    private double undoK;
    private long undoEpochStartNs;
    private long undoCwndEpoch;
    private double undoWEst;
    private boolean undoAfterTimeout;
    private boolean undoHystart;

    /** A new controller; {@link #init} sets it up for a connection. */
    public Cubic() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void init(int mss, long nowNs) {
        this.mss = Math.max(1, mss);
        // RFC 6928 §2: IW = min(10*MSS, max(2*MSS, 14600)).
        this.cwnd = Math.min(10L * this.mss, Math.max(2L * this.mss, 14_600));
        this.lastAckNs = nowNs;
    }

    @Override
    public void onAck(AckSample ack) {
        long now = ack.nowNs();
        long sinceLastAck = now - lastAckNs;
        lastAckNs = now;
        if (ack.srttNs() > 0) {
            srttNs = ack.srttNs();
        } else if (srttNs == 0 && ack.rttNs() > 0) {
            srttNs = ack.rttNs();
        }
        RecoveryState state = ack.recoveryState();
        if (state == RecoveryState.RECOVERY || inEpisode && !episodeRto) {
            return; // RFC 9438 §4.6: the window stays at ssthresh until recovery ends
        }
        if (ack.appLimited()) {
            // RFC 9438 §5.8: no growth while the application, not the window, limits the
            // sender, and that time does not count in t.
            if (epochStartNs != NO_EPOCH && sinceLastAck > 0) {
                epochStartNs = Math.min(epochStartNs + sinceLastAck, now);
            }
            return;
        }
        long acked = ack.ackedBytes();
        if (acked <= 0) {
            return;
        }
        if (cwnd < ssthresh) {
            slowStart(ack, acked);
        } else if (state != RecoveryState.LOSS && !(inEpisode && episodeRto)) {
            congestionAvoidance(now, acked);
        }
    }

    /**
     * HyStart++ counts its rounds with {@link AckSample#priorDelivered()} and takes its RTT from
     * {@link AckSample#latestRttNs()}; the rest of CUBIC reads neither, so once HyStart++ is over
     * the delivery-rate records are not needed for CUBIC's sake.
     */
    @Override
    public boolean readsDeliveryRate() {
        return hystartActive;
    }

    private void slowStart(AckSample ack, long acked) {
        long inc;
        if (hystartActive) {
            inc = hystart.onAck(ack, cwnd, mss);
            if (hystart.state() == HyStartPlusPlus.State.DONE) {
                // RFC 9406 §4.2: CSS is over: congestion avoidance from here, ssthresh = cwnd. No
                // congestion event set W_max: the first epoch starts with W_max = cwnd, K = 0.
                hystartActive = false;
                cwnd = Math.min(cwnd + inc, MAX_CWND);
                ssthresh = cwnd;
                cwndPrior = cwnd;
                return;
            }
        } else {
            inc = Math.min(acked, (long) RESTART_L * mss);
        }
        cwnd = Math.min(Math.min(cwnd + inc, ssthresh), MAX_CWND);
    }

    private void congestionAvoidance(long now, long acked) {
        if (epochStartNs == NO_EPOCH) {
            startEpoch(now);
        }
        double cwndD = cwnd;
        // RFC 9438 §4.3: Reno's window over the same time, with α_cubic until it reaches the
        // window before the last reduction and 1 (Reno's own rate) from there.
        double alpha = wEst >= cwndPrior ? 1.0 : ALPHA;
        wEst += alpha * acked * mss / cwndD;
        double t = (now - epochStartNs) / NS_PER_S;
        if (wCubic(t) < wEst) {
            long reno = (long) Math.min(wEst, MAX_CWND);
            if (reno > cwnd) {
                cwnd = reno;
            }
            return;
        }
        // RFC 9438 §4.4/§4.5: aim at W_cubic one RTT ahead, clamped to [cwnd, 1.5·cwnd] (§4.2),
        // and close (target − cwnd)/cwnd of the gap per ACKed segment's worth of bytes.
        double target = wCubic(t + srttNs / NS_PER_S);
        target = Math.max(cwndD, Math.min(target, 1.5 * cwndD));
        caCarry += (target - cwndD) * acked / cwndD;
        if (caCarry >= 1) {
            long add = (long) caCarry;
            caCarry -= add;
            cwnd = Math.min(cwnd + add, MAX_CWND);
        }
    }

    /** RFC 9438 §4.2 eqn. 1, in bytes: C·(t − K)³ segments above W_max. */
    private double wCubic(double tSeconds) {
        double d = tSeconds - kSeconds;
        return C * d * d * d * mss + wMax;
    }

    /** RFC 9438 §4.2: the epoch begins when congestion avoidance does, not at the loss. */
    private void startEpoch(long now) {
        epochStartNs = now;
        cwndEpoch = cwnd;
        wEst = cwnd;
        caCarry = 0;
        if (afterTimeout || wMax <= cwnd) {
            // §4.8 (after an RTO), and a window already at or above W_max (the first epoch after
            // HyStart++, or after an undo): start from the plateau, K = 0.
            wMax = cwnd;
            kSeconds = 0;
            afterTimeout = false;
        } else {
            kSeconds = Math.cbrt((wMax - cwndEpoch) / (C * mss));
        }
    }

    @Override
    public void onCongestionEvent(CongestionEvent kind, long nowNs, long bytesInFlight, int segmentsLeft) {
        if (kind == CongestionEvent.RTO) {
            if (!inEpisode) {
                saveUndo();
                reduce();
            }
            // RFC 9438 §4.8 and RFC 5681 §3.1: one segment (the loss window), ssthresh from β;
            // an RTO inside an episode already reduced does not reduce ssthresh again.
            cwnd = mss;
            afterTimeout = true;
            epochStartNs = NO_EPOCH;
            startEpisode(nowNs, true);
            return;
        }
        if (inEpisode) {
            return; // one reduction per episode, however often the engine reports it
        }
        saveUndo();
        reduce();
        cwnd = ssthresh; // RFC 9438 §4.6: cwnd = max(ssthresh, 2) segments; ssthresh is ≥ 2 already
        startEpisode(nowNs, false);
    }

    private void startEpisode(long nowNs, boolean rto) {
        if (!inEpisode) {
            episodeStartNs = nowNs;
        }
        inEpisode = true;
        episodeRto = rto;
    }

    /** RFC 9438 §4.6 and §4.7: β on the window itself, fast convergence on W_max only. */
    private void reduce() {
        cwndPrior = cwnd;
        wMax = FAST_CONVERGENCE && cwnd < wMax ? (long) (cwnd * (1 + BETA) / 2) : cwnd;
        ssthresh = Math.max((long) (cwnd * BETA), 2L * mss);
        epochStartNs = NO_EPOCH;
        caCarry = 0;
        if (hystartActive) {
            hystart.stop(); // RFC 9406 §4.2: loss ends slow start and HyStart++
            hystartActive = false;
        }
    }

    private void saveUndo() {
        undoValid = true;
        undoCwnd = cwnd;
        undoSsthresh = ssthresh;
        undoWMax = wMax;
        undoCwndPrior = cwndPrior;
        undoK = kSeconds;
        undoEpochStartNs = epochStartNs;
        undoCwndEpoch = cwndEpoch;
        undoWEst = wEst;
        undoAfterTimeout = afterTimeout;
        undoHystart = hystartActive;
    }

    @Override
    public void onRecoveryEnd(long nowNs) {
        inEpisode = false;
        episodeRto = false;
    }

    /** RFC 9438 §4.9: restore what the spurious event changed. */
    @Override
    public void onSpuriousCongestion(long nowNs) {
        if (!undoValid) {
            return;
        }
        undoValid = false;
        cwnd = Math.max(cwnd, undoCwnd);
        ssthresh = undoSsthresh;
        wMax = undoWMax;
        cwndPrior = undoCwndPrior;
        kSeconds = undoK;
        epochStartNs = undoEpochStartNs == NO_EPOCH
                ? NO_EPOCH
                : Math.min(undoEpochStartNs + Math.max(0, nowNs - episodeStartNs), nowNs);
        cwndEpoch = undoCwndEpoch;
        wEst = undoWEst;
        afterTimeout = undoAfterTimeout;
        if (undoHystart) {
            hystartActive = true;
            hystart.restart();
        }
        inEpisode = false;
        episodeRto = false;
    }

    /** RFC 9438 §5.8: an idle period does not count in t (the epoch start moves by it). */
    @Override
    public void onRestartAfterIdle(long nowNs, long idleNs) {
        if (epochStartNs != NO_EPOCH && idleNs > 0) {
            epochStartNs = Math.min(epochStartNs + idleNs, nowNs);
        }
        lastAckNs = Math.max(lastAckNs, nowNs);
    }

    /**
     * The window stays in bytes (the path's capacity did not change); K is recomputed because the
     * cubic counts segments of the new size.
     */
    @Override
    public void onMssChange(int newMss) {
        if (newMss <= 0) {
            return;
        }
        mss = newMss;
        cwnd = Math.max(cwnd, mss);
        if (ssthresh != Long.MAX_VALUE) {
            ssthresh = Math.max(ssthresh, 2L * mss);
        }
        if (epochStartNs != NO_EPOCH && wMax > cwndEpoch) {
            kSeconds = Math.cbrt((wMax - cwndEpoch) / (C * mss));
        }
    }

    @Override
    public long cwnd() {
        return cwnd;
    }

    @Override
    public long ssthresh() {
        return ssthresh;
    }

    @Override
    public String phase() {
        if (inEpisode) {
            return "recovery";
        }
        if (cwnd < ssthresh) {
            return hystartActive && hystart.state() == HyStartPlusPlus.State.CSS ? "hystart-css" : "slow-start";
        }
        return "congestion-avoidance";
    }

    // ---- for tests ----

    long wMax() {
        return wMax;
    }

    double kSeconds() {
        return kSeconds;
    }

    boolean epochStarted() {
        return epochStartNs != NO_EPOCH;
    }

    long epochStartNs() {
        return epochStartNs;
    }

    double wEst() {
        return wEst;
    }

    HyStartPlusPlus hystart() {
        return hystart;
    }

    @Override
    public String toString() {
        return "Cubic{cwnd=" + cwnd + " ssthresh=" + ssthresh + " wMax=" + wMax + " K=" + kSeconds + " " + phase()
                + "}";
    }
}
