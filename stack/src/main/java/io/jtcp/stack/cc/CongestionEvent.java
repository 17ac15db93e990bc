package io.jtcp.stack.cc;

/** What started a congestion episode (see {@link CongestionControl#onCongestionEvent}). */
public enum CongestionEvent {
    /** Fast retransmit and fast recovery (RFC 5681 §3.2, RFC 6675 §5): duplicate ACKs or SACKed data. */
    FAST_RECOVERY,
    /** The retransmission timer expired (RFC 6298 §5.5, RFC 5681 §3.1 eqn. 4). */
    RTO,
    /** A tail loss probe revealed a loss of the tail (RFC 8985 §7.4). */
    TAIL_LOSS_PROBE,
    /** The peer echoed a congestion mark (RFC 3168 §6.1.2). */
    ECN
}
