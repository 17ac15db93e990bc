package io.jtcp.stack.cc;

/** The engine's loss-recovery state, as Linux's {@code tcp_ca_state}. */
public enum RecoveryState {
    /** Nothing looks lost. */
    OPEN,
    /** Duplicate ACKs or SACKs arrived, too few yet to call a segment lost. */
    DISORDER,
    /** Fast recovery (RFC 5681 §3.2, RFC 6582, RFC 6675) is repairing a loss. */
    RECOVERY,
    /** After a retransmission timeout: everything outstanding is presumed lost. */
    LOSS
}
