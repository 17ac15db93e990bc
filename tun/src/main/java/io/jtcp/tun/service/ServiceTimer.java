package io.jtcp.tun.service;

/**
 * One deadline of a service connection (a head, idle or send timeout), kept intrusively in {@link
 * ServiceTimers}: the handler object is its own heap entry, so arming, moving and cancelling
 * allocate nothing. A handler extends this class and is told when the deadline passes.
 */
public abstract class ServiceTimer {
    /** The deadline wanted, or {@link Long#MAX_VALUE} when not armed. */
    long deadlineNs = Long.MAX_VALUE;
    /** Where the heap has it: never later than {@link #deadlineNs} (postponing is lazy). */
    long keyNs;

    int heapIndex = -1;

    /** Called on the loop thread once the deadline has passed; the timer is disarmed first. */
    protected abstract void onExpired(long nowNs);

    /** Whether a deadline is armed. */
    public final boolean armed() {
        return deadlineNs != Long.MAX_VALUE;
    }
}
