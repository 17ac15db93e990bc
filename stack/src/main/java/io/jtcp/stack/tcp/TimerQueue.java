package io.jtcp.stack.tcp;

import java.util.Arrays;

/**
 * A binary min-heap of connections keyed by each one's earliest timer deadline. Each {@link Tcb}
 * stores its own heap index, so re-arming is O(log n) with no allocation, and the earliest
 * deadline — what the event loop sleeps until — is O(1).
 *
 * <p>Why not Agrona's DeadlineTimerWheel: the loop needs the exact earliest deadline to sleep in
 * poll(), which a wheel does not give cheaply, and per-connection deadlines move on nearly every
 * ACK; a heap with intrusive indices handles both without an id-to-connection map.
 */
final class TimerQueue {
    private Tcb[] heap = new Tcb[64];
    private int size;

    int size() {
        return size;
    }

    long earliestNs() {
        return size == 0 ? Long.MAX_VALUE : heap[0].wakeupNs;
    }

    Tcb peek() {
        return size == 0 ? null : heap[0];
    }

    /** Inserts, moves or removes {@code t} to match its {@code wakeupNs} (MAX_VALUE = none). */
    void update(Tcb t) {
        if (t.wakeupNs == Long.MAX_VALUE) {
            remove(t);
        } else if (t.heapIndex < 0) {
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
            }
            heap[size] = t;
            t.heapIndex = size;
            size++;
            siftUp(t.heapIndex);
        } else {
            siftUp(t.heapIndex);
            siftDown(t.heapIndex);
        }
    }

    void remove(Tcb t) {
        final int i = t.heapIndex;
        if (i < 0) {
            return;
        }
        size--;
        final Tcb last = heap[size];
        heap[size] = null;
        t.heapIndex = -1;
        if (i != size) {
            heap[i] = last;
            last.heapIndex = i;
            siftUp(i);
            siftDown(last.heapIndex);
        }
    }

    private void siftUp(int i) {
        final Tcb t = heap[i];
        while (i > 0) {
            final int parent = (i - 1) >>> 1;
            final Tcb p = heap[parent];
            if (p.wakeupNs - t.wakeupNs <= 0) {
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
        final Tcb t = heap[i];
        final int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            final int right = child + 1;
            if (right < size && heap[right].wakeupNs - heap[child].wakeupNs < 0) {
                child = right;
            }
            if (t.wakeupNs - heap[child].wakeupNs <= 0) {
                break;
            }
            heap[i] = heap[child];
            heap[i].heapIndex = i;
            i = child;
        }
        heap[i] = t;
        t.heapIndex = i;
    }
}
