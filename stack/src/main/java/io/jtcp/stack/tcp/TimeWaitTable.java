package io.jtcp.stack.tcp;

import java.util.Arrays;
import org.agrona.collections.Long2LongHashMap;

/**
 * TIME_WAIT as compact records (like Linux's {@code inet_timewait_sock}): what a connection needs
 * to answer for 2·MSL after it closed (RFC 9293 §3.10.7.4) kept in parallel primitive arrays, one
 * slot per 4-tuple, with no reference to the connection, its handler or its buffers.
 *
 * <p>Slots are in a doubly linked FIFO by deadline: every deadline is set to now + 2·MSL when a
 * record is made or restarted, and a restarted record moves to the tail, so the head is always the
 * earliest deadline (expiry O(1)) and the oldest record (what {@link #add} recycles at the cap).
 * Each slot has a generation, bumped when it is freed, so an application's handle can tell whether
 * its record still lives without the table pointing back at it.
 *
 * <p>Memory: about 64 bytes per slot plus ~25 per entry of the key index, grown by doubling up to
 * {@code capacity} (no allocation per packet; at the default cap of 262,144 at most ~21 MB).
 */
final class TimeWaitTable {
    static final int NONE = -1;

    static final int F_TIMESTAMPS = 1;
    /** An out-of-window or challenge ACK went from this record at {@link #lastInvalidAckNs}. */
    static final int F_INVALID_ACK_SENT = 2;

    private final int capacity;
    private final Long2LongHashMap index;
    private long[] keys;
    private long[] deadlines;
    private long[] lastInvalidAckNs; // Linux's tw_last_oow_ack_time
    private int[] sndNxt;
    private int[] rcvNxt;
    private int[] window;
    private int[] tsRecent;
    private int[] tsOffset;
    private int[] flags;
    private int[] generation;
    private int[] prev;
    private int[] next;
    private int head = NONE;
    private int tail = NONE;
    private int free = NONE; // free slots, linked through next[]
    private int used; // slots handed out so far (free or live)
    private int size;

    TimeWaitTable(int capacity) {
        this.capacity = capacity;
        this.index = new Long2LongHashMap(Math.max(8, Math.min(capacity, 1024)), 0.65f, NONE);
        allocate(Math.max(1, Math.min(capacity, 64)));
    }

    private void allocate(int n) {
        keys = keys == null ? new long[n] : Arrays.copyOf(keys, n);
        deadlines = deadlines == null ? new long[n] : Arrays.copyOf(deadlines, n);
        lastInvalidAckNs = lastInvalidAckNs == null ? new long[n] : Arrays.copyOf(lastInvalidAckNs, n);
        sndNxt = grow(sndNxt, n);
        rcvNxt = grow(rcvNxt, n);
        window = grow(window, n);
        tsRecent = grow(tsRecent, n);
        tsOffset = grow(tsOffset, n);
        flags = grow(flags, n);
        generation = grow(generation, n);
        prev = grow(prev, n);
        next = grow(next, n);
    }

    private static int[] grow(int[] a, int n) {
        return a == null ? new int[n] : Arrays.copyOf(a, n);
    }

    int size() {
        return size;
    }

    int capacity() {
        return capacity;
    }

    /** The slot of {@code key}, or {@link #NONE}. */
    int find(long key) {
        return size == 0 ? NONE : (int) index.get(key);
    }

    /** The oldest record (earliest deadline), or {@link #NONE}. */
    int oldest() {
        return head;
    }

    /** The earliest deadline, or {@link Long#MAX_VALUE} when the table is empty. */
    long earliestNs() {
        return head == NONE ? Long.MAX_VALUE : deadlines[head];
    }

    /**
     * A new record at the tail; the caller has made room ({@code size() < capacity()}) and checked
     * the key is absent.
     */
    int add(long key, long deadlineNs, int snd, int rcv, int wnd, int flagBits, int tsRec, int tsOff) {
        int slot = free;
        if (slot != NONE) {
            free = next[slot];
        } else {
            if (used == keys.length) {
                allocate((int) Math.min((long) keys.length * 2, capacity));
            }
            slot = used++;
        }
        keys[slot] = key;
        deadlines[slot] = deadlineNs;
        sndNxt[slot] = snd;
        rcvNxt[slot] = rcv;
        window[slot] = wnd;
        flags[slot] = flagBits;
        tsRecent[slot] = tsRec;
        tsOffset[slot] = tsOff;
        linkSorted(slot);
        index.put(key, slot);
        size++;
        return slot;
    }

    /** Frees {@code slot}; handles holding its old generation now see it gone. */
    void remove(int slot) {
        unlink(slot);
        index.remove(keys[slot]);
        generation[slot]++;
        next[slot] = free;
        free = slot;
        size--;
    }

    /** RFC 9293 §3.10.7.4: a retransmitted FIN restarts 2·MSL; the record moves to the tail. */
    void restart(int slot, long deadlineNs) {
        deadlines[slot] = deadlineNs;
        if (slot != tail) {
            unlink(slot);
            linkTail(slot);
        }
    }

    boolean live(int slot, int gen) {
        return slot >= 0 && slot < used && generation[slot] == gen && index.get(keys[slot]) == slot;
    }

    long key(int slot) {
        return keys[slot];
    }

    long deadlineNs(int slot) {
        return deadlines[slot];
    }

    int sndNxt(int slot) {
        return sndNxt[slot];
    }

    int rcvNxt(int slot) {
        return rcvNxt[slot];
    }

    int window(int slot) {
        return window[slot];
    }

    boolean timestamps(int slot) {
        return (flags[slot] & F_TIMESTAMPS) != 0;
    }

    /** Whether an out-of-window or challenge ACK went from this record, and when. */
    boolean invalidAckSent(int slot) {
        return (flags[slot] & F_INVALID_ACK_SENT) != 0;
    }

    long lastInvalidAckNs(int slot) {
        return lastInvalidAckNs[slot];
    }

    void invalidAckSent(int slot, long nowNs) {
        flags[slot] |= F_INVALID_ACK_SENT;
        lastInvalidAckNs[slot] = nowNs;
    }

    int tsRecent(int slot) {
        return tsRecent[slot];
    }

    void tsRecent(int slot, int value) {
        tsRecent[slot] = value;
    }

    int tsOffset(int slot) {
        return tsOffset[slot];
    }

    int generation(int slot) {
        return generation[slot];
    }

    /** Removes every record (shutdown). */
    void clear() {
        while (head != NONE) {
            remove(head);
        }
    }

    /**
     * At the tail, or just before the records whose deadline is later: those restarted within the
     * same event-loop cycle as this connection entered TIME_WAIT, so the walk is short.
     */
    private void linkSorted(int slot) {
        int after = tail;
        while (after != NONE && deadlines[after] - deadlines[slot] > 0) {
            after = prev[after];
        }
        if (after == tail) {
            linkTail(slot);
            return;
        }
        final int before = after == NONE ? head : next[after];
        prev[slot] = after;
        next[slot] = before;
        prev[before] = slot;
        if (after == NONE) {
            head = slot;
        } else {
            next[after] = slot;
        }
    }

    private void linkTail(int slot) {
        prev[slot] = tail;
        next[slot] = NONE;
        if (tail == NONE) {
            head = slot;
        } else {
            next[tail] = slot;
        }
        tail = slot;
    }

    private void unlink(int slot) {
        final int p = prev[slot];
        final int n = next[slot];
        if (p == NONE) {
            head = n;
        } else {
            next[p] = n;
        }
        if (n == NONE) {
            tail = p;
        } else {
            prev[n] = p;
        }
    }
}
