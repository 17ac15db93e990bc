package io.jtcp.tun.service;

import java.util.Arrays;

/**
 * The services' timeouts, for every connection of every service, in one binary min-heap driven by
 * the event loop: its earliest deadline joins the engine's in the loop's {@code ppoll} timeout,
 * and due timers fire right after the engine's (in {@code onTimeout}, so their closes go out in the
 * same cycle's flush). No thread and no clock per connection.
 *
 * <p>Why a heap with lazy postponement: an idle deadline moves later on nearly every read or
 * write, and a service timeout is coarse (seconds). Moving a deadline later only records it (two
 * field writes, O(1)); the entry keeps its older, earlier heap key, and when that key comes due the
 * entry is re-keyed to the real deadline instead of firing. Moving a deadline earlier, arming and
 * cancelling are O(log n). So a busy connection costs one re-key per timeout period, and a
 * cancelled one (its connection closed) leaves the heap at once, so the heap never keeps a closed
 * connection's handler and buffers alive.
 *
 * <p>Loop thread only. Time is the loop's {@code nowNs}, handed in by {@link #now(long)} at every
 * engine entry point, so the services never read a clock.
 */
public final class ServiceTimers {
    /** Default idle time of echo, discard and chargen connections. */
    public static final long DEFAULT_IDLE_TIMEOUT_NS = 300_000_000_000L;

    private ServiceTimer[] heap = new ServiceTimer[64];
    private int size;
    private long nowNs;

    /** HTTP connections closed because a request head did not arrive in time. */
    public long httpHeadTimeouts;
    /** Keep-alive HTTP connections closed after idling between requests. */
    public long httpIdleTimeouts;
    /** HTTP connections reset because a response (or a request body) made no progress. */
    public long httpSendTimeouts;
    /** Echo, discard and chargen connections closed (or reset, with data stuck) after idling. */
    public long idleTimeouts;
    /** Timers whose expiry handler threw (counted; the other timers still fire). */
    public long timerFailures;

    /** The loop's time of the event being processed. */
    public long nowNs() {
        return nowNs;
    }

    /** The loop's time: called at each engine entry point before handlers can run. */
    public void now(long nowNs) {
        this.nowNs = nowNs;
    }

    /** Timers armed (entries in the heap). */
    public int size() {
        return size;
    }

    /** Arms or moves {@code t} to {@code deadlineNs} (Long.MAX_VALUE cancels). */
    public void schedule(ServiceTimer t, long deadlineNs) {
        if (deadlineNs == Long.MAX_VALUE) {
            cancel(t);
            return;
        }
        t.deadlineNs = deadlineNs;
        if (t.heapIndex < 0) {
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
            }
            t.keyNs = deadlineNs;
            heap[size] = t;
            t.heapIndex = size;
            size++;
            siftUp(t.heapIndex);
        } else if (deadlineNs - t.keyNs < 0) {
            t.keyNs = deadlineNs;
            siftUp(t.heapIndex);
        }
        // Later than the key: lazily re-keyed when the key comes due.
    }

    /** Disarms {@code t}; it leaves the heap at once. */
    public void cancel(ServiceTimer t) {
        t.deadlineNs = Long.MAX_VALUE;
        final int i = t.heapIndex;
        if (i < 0) {
            return;
        }
        size--;
        final ServiceTimer last = heap[size];
        heap[size] = null;
        t.heapIndex = -1;
        if (i != size) {
            heap[i] = last;
            last.heapIndex = i;
            siftUp(i);
            siftDown(last.heapIndex);
        }
    }

    /** The earliest heap key, or Long.MAX_VALUE: the loop may wake there to re-key, not to fire. */
    public long nextDeadlineNs() {
        return size == 0 ? Long.MAX_VALUE : heap[0].keyNs;
    }

    /**
     * Fires every timer whose deadline has passed; a postponed one is re-keyed instead. Bounded: each
     * entry is handled at most twice per call (a handler re-arming lands at a later time).
     *
     * @return timers fired
     */
    public int fire(long nowNs) {
        this.nowNs = nowNs;
        int fired = 0;
        for (int guard = 2 * size; guard > 0 && size > 0; guard--) {
            final ServiceTimer t = heap[0];
            if (t.keyNs - nowNs > 0) {
                break;
            }
            if (t.deadlineNs - nowNs > 0) {
                t.keyNs = t.deadlineNs;
                siftDown(0);
                continue;
            }
            cancel(t);
            fired++;
            try {
                t.onExpired(nowNs);
            } catch (RuntimeException e) {
                // A service's bug must not abandon the loop's cycle (and its flush) for everyone.
                timerFailures++;
            }
        }
        return fired;
    }

    private void siftUp(int i) {
        final ServiceTimer t = heap[i];
        while (i > 0) {
            final int parent = (i - 1) >>> 1;
            final ServiceTimer p = heap[parent];
            if (p.keyNs - t.keyNs <= 0) {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = t;
        t.heapIndex = i;
    }

    private void siftDown(int i) {
        final ServiceTimer t = heap[i];
        final int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            ServiceTimer c = heap[child];
            final int right = child + 1;
            if (right < size && heap[right].keyNs - c.keyNs < 0) {
                child = right;
                c = heap[child];
            }
            if (t.keyNs - c.keyNs <= 0) {
                break;
            }
            heap[i] = c;
            c.heapIndex = i;
            i = child;
        }
        heap[i] = t;
        t.heapIndex = i;
    }
}
