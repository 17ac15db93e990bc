package io.jtcp.stack.cc;

/**
 * A congestion controller: decides how much one connection may have in flight (the congestion
 * window) and how fast it sends (the pacing rate). It does not detect loss: duplicate-ACK
 * counting, the SACK scoreboard, recovery episodes, the retransmission timer and the tail loss
 * probe belong to the engine's loss recovery, which tells the controller what happened through
 * the distinct events below (as Linux's {@code tcp_congestion_ops} is told by its recovery state
 * machine). All quantities are bytes; all times are nanoseconds on the engine's clock.
 *
 * <p>One instance serves one connection and is called only from the engine's thread, so an
 * implementation needs no synchronisation. Every method is called on the per-segment path:
 * implementations should not allocate.
 *
 * <p>Event order for one incoming ACK: loss detection runs first; if it starts a recovery episode
 * the controller gets {@link #onCongestionEvent} once for that episode; if the ACK completes an
 * episode, {@link #onRecoveryEnd}; then {@link #onAck} with the sample. A congestion event later
 * found spurious (RFC 3522, RFC 5682) is reported by {@link #onSpuriousCongestion}.
 *
 * <p>A worked example, a fixed-window controller in full:
 *
 * <pre>{@code
 * public final class FixedWindow implements CongestionControl {
 *     private long cwnd;
 *     public String name() { return "fixed"; }
 *     public void init(int mss, long nowNs) { cwnd = 64L * mss; }
 *     public void onAck(AckSample ack) { }
 *     public boolean readsDeliveryRate() { return false; } // optional: it reads no sample at all
 *     public void onCongestionEvent(CongestionEvent kind, long nowNs, long bytesInFlight, int segmentsLeft) { }
 *     public long cwnd() { return cwnd; }
 *     public long ssthresh() { return Long.MAX_VALUE; }
 * }
 * }</pre>
 */
public interface CongestionControl {
    /** Short lower-case name, as {@code --cc} takes it ({@code "newreno"}, {@code "cubic"}). */
    String name();

    /**
     * The connection starts: {@code mss} is the sender's maximum segment size (payload bytes).
     * Sets the initial window (RFC 6928: 10 segments is the usual choice).
     */
    void init(int mss, long nowNs);

    /**
     * A segment left: {@code bytes} of payload (plus one for a SYN or FIN), {@code bytesInFlight}
     * after it, {@code retransmission} when it resends earlier data.
     */
    default void onPacketSent(long nowNs, int bytes, long bytesInFlight, boolean retransmission) {}

    /** An ACK was processed (new, duplicate or SACK-only). The sample is reused: copy what you keep. */
    void onAck(AckSample ack);

    /**
     * Whether {@link #onAck} reads the delivery-rate part of its sample: {@link
     * AckSample#deliveryRate()}, {@link AckSample#delivered()}, {@link AckSample#intervalNs()}, {@link
     * AckSample#totalDelivered()}, {@link AckSample#priorDelivered()}, {@link
     * AckSample#newlyLostBytes()}, {@link AckSample#totalLostBytes()}, {@link AckSample#txInFlight()},
     * {@link AckSample#rsLost()}, {@link AckSample#rateAppLimited()} and {@link
     * AckSample#latestRttNs()} (and whether {@link #onSegmentLost} is called). Those come from
     * per-segment records (draft-cheng-iccrg-delivery-rate-estimation) that cost about a tenth of
     * a segment's send path. When this returns false and nothing else on the connection needs the
     * records (its SACK loss recovery times lost retransmissions by {@code latestRttNs}, RFC 8985
     * §6.2; a tracer logs the sample), the engine keeps none: the fields stay 0 ({@code
     * latestRttNs} -1) and {@code TcpConnection.deliveryRateBytesPerSecond()} reports no new rate.
     *
     * <p>Asked before each segment is sent, so the answer may change during a connection (CUBIC's
     * is true while HyStart++ runs); records taken up again start with the flight then
     * outstanding as one segment sent at that moment. The default, true, gives a controller that
     * does not say everything.
     */
    default boolean readsDeliveryRate() {
        return true;
    }

    /**
     * Loss (or an ECN echo) was detected: called exactly once per recovery episode, never per
     * duplicate ACK. {@code bytesInFlight} is the flight when the loss was detected;
     * {@code segmentsLeft} counts segments known to have left the network since (the duplicate
     * ACKs that triggered fast retransmit, RFC 5681 §3.2 step 2's "3·SMSS"; 0 otherwise).
     */
    void onCongestionEvent(CongestionEvent kind, long nowNs, long bytesInFlight, int segmentsLeft);

    /**
     * Loss recovery newly marked a segment (or TSO super-segment) lost: called once per segment,
     * while the ACK or timeout that revealed it is processed and before that ACK's {@link #onAck}.
     * {@code bytes} is what was marked; {@code txInFlight} the flight when it was (last) sent,
     * itself included; {@code lostSinceSent} the bytes marked lost on the connection since then,
     * this segment's included; {@code appLimited} whether it was sent while application-limited.
     * A controller can tell from these at which flight a probe's loss rate crossed a threshold
     * (BBRv3's per-lost-packet {@code inflight_hi} check). Called only while the engine keeps
     * delivery-rate records (see {@link #readsDeliveryRate()}); the default does nothing.
     */
    default void onSegmentLost(long nowNs, long bytes, long txInFlight, long lostSinceSent, boolean appLimited) {}

    /** The recovery episode ended: everything outstanding at its start is acknowledged. */
    default void onRecoveryEnd(long nowNs) {}

    /** The last congestion event was spurious (the original transmission arrived): undo it. */
    default void onSpuriousCongestion(long nowNs) {}

    /** Data is sent again after {@code idleNs} without anything in flight (RFC 5681 §4.1, RFC 7661). */
    default void onRestartAfterIdle(long nowNs, long idleNs) {}

    /** The sender's MSS changed (path MTU discovery, RFC 1191). */
    default void onMssChange(int mss) {}

    /** Bytes that may be in flight. Never below one MSS once initialised. */
    long cwnd();

    /** Slow-start threshold in bytes; {@link Long#MAX_VALUE} while unknown. */
    long ssthresh();

    /** Pacing rate in bytes per second; 0 means unpaced (send as the window allows). */
    default long pacingRate() {
        return 0;
    }

    /** The algorithm's phase, for traces and the status page ({@code "slow-start"}, {@code "probe-bw"}). */
    default String phase() {
        return "";
    }

    /** Creates one controller per connection; registered by name (see {@code CongestionControls}). */
    interface Factory {
        /** The name {@link CongestionControl#name()} of what {@link #create()} returns. */
        String name();

        CongestionControl create();
    }
}
