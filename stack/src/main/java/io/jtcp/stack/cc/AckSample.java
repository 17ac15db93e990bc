package io.jtcp.stack.cc;

/**
 * What one ACK told the sender, handed to {@link CongestionControl#onAck}. The engine reuses one
 * instance per connection (no allocation per ACK): a controller copies what it keeps. Tests and
 * simulations fill one with the setters to drive an algorithm with a synthetic ACK stream.
 *
 * <p>The delivery-rate fields follow draft-cheng-iccrg-delivery-rate-estimation §3: the rate is
 * {@link #delivered()} bytes over {@link #intervalNs()}, measured from the most recently sent
 * segment this ACK acknowledged or SACKed; {@link #deliveryRate()} is 0 when the ACK gave no valid
 * sample.
 */
public final class AckSample {
    private long nowNs;
    private long ackedBytes;
    private long sackedBytes;
    private boolean duplicate;
    private long rttNs = -1;
    private long srttNs;
    private long minRttNs;
    private long bytesInFlightBefore;
    private long bytesInFlightAfter;
    private boolean appLimited;
    private RecoveryState recoveryState = RecoveryState.OPEN;
    private long recoveryRetransmittedBytes;
    private boolean sackRecovery;
    // ---- delivery-rate sample ----
    private long deliveryRate;
    private long delivered;
    private long intervalNs;
    private long totalDelivered;
    private long priorDelivered;
    private long newlyLostBytes;
    private long totalLostBytes;
    private long txInFlight;
    private long rsLost;
    private boolean rateAppLimited;
    // cubic-real: one RTT sample per ACK for HyStart++ (RFC 9406 §4.2).
    private long latestRttNs = -1;

    /** Clears every field for the next ACK (the RTT sample becomes "none"). */
    public AckSample reset(long nowNs) {
        this.nowNs = nowNs;
        ackedBytes = 0;
        sackedBytes = 0;
        duplicate = false;
        rttNs = -1;
        srttNs = 0;
        minRttNs = 0;
        bytesInFlightBefore = 0;
        bytesInFlightAfter = 0;
        appLimited = false;
        recoveryState = RecoveryState.OPEN;
        recoveryRetransmittedBytes = 0;
        sackRecovery = false;
        deliveryRate = 0;
        delivered = 0;
        intervalNs = 0;
        totalDelivered = 0;
        priorDelivered = 0;
        newlyLostBytes = 0;
        totalLostBytes = 0;
        txInFlight = 0;
        rsLost = 0;
        rateAppLimited = false;
        latestRttNs = -1;
        return this;
    }

    /** When the ACK was processed. */
    public long nowNs() {
        return nowNs;
    }

    /**
     * Sets when the ACK was processed and leaves every other field as it is: for an engine that
     * sets all of them on each ACK, which then need not {@link #reset} them first.
     */
    public AckSample nowNs(long nowNs) {
        this.nowNs = nowNs;
        return this;
    }

    /** Bytes newly acknowledged cumulatively (SND.UNA moved by this much; 0 for a duplicate). */
    public long ackedBytes() {
        return ackedBytes;
    }

    public AckSample ackedBytes(long bytes) {
        this.ackedBytes = bytes;
        return this;
    }

    /** Bytes newly SACKed by this ACK (RFC 2018), above SND.UNA. */
    public long sackedBytes() {
        return sackedBytes;
    }

    public AckSample sackedBytes(long bytes) {
        this.sackedBytes = bytes;
        return this;
    }

    /** A duplicate ACK in the sense of RFC 5681 §2. */
    public boolean duplicate() {
        return duplicate;
    }

    public AckSample duplicate(boolean duplicate) {
        this.duplicate = duplicate;
        return this;
    }

    /** The RTT this ACK measured (RFC 6298, Karn's rule applied), or -1 when it measured none. */
    public long rttNs() {
        return rttNs;
    }

    public AckSample rttNs(long ns) {
        this.rttNs = ns;
        return this;
    }

    /** The smoothed RTT after this ACK (0 before the first sample). */
    public long srttNs() {
        return srttNs;
    }

    public AckSample srttNs(long ns) {
        this.srttNs = ns;
        return this;
    }

    /** The smallest RTT seen on the connection (0 before the first sample). */
    public long minRttNs() {
        return minRttNs;
    }

    public AckSample minRttNs(long ns) {
        this.minRttNs = ns;
        return this;
    }

    /** Bytes in flight (SND.MAX − SND.UNA, less SACKed and lost bytes where known) before this ACK. */
    public long bytesInFlightBefore() {
        return bytesInFlightBefore;
    }

    public AckSample bytesInFlightBefore(long bytes) {
        this.bytesInFlightBefore = bytes;
        return this;
    }

    /** Bytes in flight after this ACK. */
    public long bytesInFlightAfter() {
        return bytesInFlightAfter;
    }

    public AckSample bytesInFlightAfter(long bytes) {
        this.bytesInFlightAfter = bytes;
        return this;
    }

    /**
     * The sender is application-limited (RFC 7661): it had less to send than the window allowed,
     * so a window that was not used must not grow.
     */
    public boolean appLimited() {
        return appLimited;
    }

    public AckSample appLimited(boolean limited) {
        this.appLimited = limited;
        return this;
    }

    /** The loss-recovery state while this ACK was processed. */
    public RecoveryState recoveryState() {
        return recoveryState;
    }

    public AckSample recoveryState(RecoveryState state) {
        this.recoveryState = state;
        return this;
    }

    /**
     * Bytes loss recovery resent in answer to this ACK (a SACK hole, RFC 6675 §5 step 4), which
     * spends window the way new data would.
     */
    public long recoveryRetransmittedBytes() {
        return recoveryRetransmittedBytes;
    }

    public AckSample recoveryRetransmittedBytes(long bytes) {
        this.recoveryRetransmittedBytes = bytes;
        return this;
    }

    /**
     * Whether the connection negotiated SACK, so that the engine's loss recovery is RFC 6675 §5's:
     * in recovery it sends lost holes and new data while {@code cwnd − pipe} allows, pipe counting
     * neither SACKed bytes nor holes deemed lost. A controller then keeps cwnd at ssthresh in
     * recovery and must not inflate it per duplicate ACK (RFC 5681 §3.2's inflation stands in for
     * pipe when there is no SACK).
     */
    public boolean sackRecovery() {
        return sackRecovery;
    }

    public AckSample sackRecovery(boolean sackRecovery) {
        this.sackRecovery = sackRecovery;
        return this;
    }

    /** Delivery rate in bytes per second; 0 when this ACK gave no valid rate sample. */
    public long deliveryRate() {
        return deliveryRate;
    }

    public AckSample deliveryRate(long bytesPerSecond) {
        this.deliveryRate = bytesPerSecond;
        return this;
    }

    /** Bytes delivered over {@link #intervalNs()} (the draft's {@code rs.delivered}). */
    public long delivered() {
        return delivered;
    }

    public AckSample delivered(long bytes) {
        this.delivered = bytes;
        return this;
    }

    /** The sample's interval (the draft's {@code rs.interval}: the longer of send and ACK phases). */
    public long intervalNs() {
        return intervalNs;
    }

    public AckSample intervalNs(long ns) {
        this.intervalNs = ns;
        return this;
    }

    /** Bytes delivered (ACKed or SACKed) on the connection so far, this ACK included. */
    public long totalDelivered() {
        return totalDelivered;
    }

    public AckSample totalDelivered(long bytes) {
        this.totalDelivered = bytes;
        return this;
    }

    /**
     * {@link #totalDelivered()} when the segment this sample was taken from was sent (the draft's
     * {@code rs.prior_delivered}); a controller counts round trips with it.
     */
    public long priorDelivered() {
        return priorDelivered;
    }

    public AckSample priorDelivered(long bytes) {
        this.priorDelivered = bytes;
        return this;
    }

    /** Bytes this ACK made loss recovery mark lost. */
    public long newlyLostBytes() {
        return newlyLostBytes;
    }

    public AckSample newlyLostBytes(long bytes) {
        this.newlyLostBytes = bytes;
        return this;
    }

    /** Bytes marked lost on the connection so far. */
    public long totalLostBytes() {
        return totalLostBytes;
    }

    public AckSample totalLostBytes(long bytes) {
        this.totalLostBytes = bytes;
        return this;
    }

    /** Bytes in flight when the sampled segment was sent (BBR's {@code tx_in_flight}). */
    public long txInFlight() {
        return txInFlight;
    }

    public AckSample txInFlight(long bytes) {
        this.txInFlight = bytes;
        return this;
    }

    /**
     * Bytes marked lost on the connection between the sampled segment's (last) transmission and
     * this ACK, this ACK's marking included (BBRv3's {@code rs.lost}); with {@link #txInFlight()}
     * it gives the loss rate of the flight the sample measured. 0 when there is no sample.
     */
    public long rsLost() {
        return rsLost;
    }

    public AckSample rsLost(long bytes) {
        this.rsLost = bytes;
        return this;
    }

    /** The sampled segment was sent while application-limited: the rate is a lower bound only. */
    public boolean rateAppLimited() {
        return rateAppLimited;
    }

    public AckSample rateAppLimited(boolean limited) {
        this.rateAppLimited = limited;
        return this;
    }

    /**
     * The RTT of the most recently sent segment this ACK newly delivered (cumulatively or by SACK)
     * that was never retransmitted, or -1 when it delivered none: a sample on (nearly) every ACK,
     * as Linux's {@code ca_rtt} and RFC 9406 §4.2 ("for each arriving ACK") use, where {@link
     * #rttNs()} times one segment a round trip (RFC 6298 with Karn's rule) for the RTO. An engine
     * without delivery-rate sampling leaves it -1.
     */
    public long latestRttNs() {
        return latestRttNs;
    }

    public AckSample latestRttNs(long ns) {
        this.latestRttNs = ns;
        return this;
    }

    @Override
    public String toString() {
        return "AckSample{t=" + nowNs + " acked=" + ackedBytes + " sacked=" + sackedBytes
                + (duplicate ? " dup" : "") + " rtt=" + rttNs + " inflight=" + bytesInFlightBefore + "->"
                + bytesInFlightAfter + " " + recoveryState + " rate=" + deliveryRate
                + (rateAppLimited ? "(app-limited)" : "") + "}";
    }
}
