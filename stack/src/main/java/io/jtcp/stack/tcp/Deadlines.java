package io.jtcp.stack.tcp;

/**
 * One connection's timer deadlines on the engine's clock, {@link #NONE} when a timer is off. The
 * earliest is the connection's key in the engine's timer heap ({@link #earliest()}); each owner sets
 * and clears only its own: the sender the retransmission, probe, persist, keep-alive and pacing
 * deadlines, the receiver the delayed ACK, the state machine TIME_WAIT.
 */
final class Deadlines {
    static final long NONE = Long.MAX_VALUE;

    /** Retransmission timeout (RFC 6298). */
    long rtx = NONE;
    /** Tail loss probe (RFC 8985 §7) or, in recovery, a recovery probe. */
    long pto = NONE;
    /** RACK's reorder timer (RFC 8985 §6.2): a resent segment's RACK.rtt + reo_wnd passes. */
    long rack = NONE;
    /** Zero-window probe (RFC 9293 §3.8.6.1). */
    long persist = NONE;
    /** Keep-alive (RFC 9293 §3.8.4). */
    long keepAlive = NONE;
    /** TIME_WAIT's 2·MSL, or the orphaned FIN_WAIT_2 timeout. */
    long timeWait = NONE;
    /** Delayed ACK (RFC 5681 §4.2). */
    long delayedAck = NONE;
    /** The next paced segment may leave (the congestion controller's pacing rate). */
    long pacing = NONE;

    /** Whether {@code deadline} has come at {@code nowNs} (wrap-safe, as every clock comparison). */
    static boolean due(long deadline, long nowNs) {
        return deadline - nowNs <= 0;
    }

    long earliest() {
        final long sender = Math.min(Math.min(Math.min(rtx, pto), rack), Math.min(persist, keepAlive));
        return Math.min(Math.min(sender, delayedAck), Math.min(timeWait, pacing));
    }

    /** Every timer off (the connection is gone). */
    void clearAll() {
        rtx = NONE;
        pto = NONE;
        rack = NONE;
        persist = NONE;
        keepAlive = NONE;
        timeWait = NONE;
        delayedAck = NONE;
        pacing = NONE;
    }
}
