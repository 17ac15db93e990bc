package io.jtcp.stack.tcp;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.StackConfig;
import java.util.ArrayDeque;
import org.agrona.collections.Int2IntHashMap;

/**
 * The engine's memory and admission policy in one place: which SYN may open a connection (the
 * budget, a listener's own limit), the rings a connection gets, storage given back by idle
 * connections, and writers woken when storage frees up after the budget was spent.
 */
final class MemoryGovernor {
    private final StackConfig config;
    final BufferPool pool;
    private final Int2IntHashMap perListener = new Int2IntHashMap(0); // local port → connections
    private final ArrayDeque<Tcb> memoryWaiters = new ArrayDeque<>();
    // Connection churn (issue #13 goal 3): ring objects, storage already back in the pool, kept
    // for the next connections, so a connection's two rings cost no allocation in steady churn.
    private static final int SPARE_RINGS = 512;
    private final ByteRing[] spareRings = new ByteRing[SPARE_RINGS];
    private int spareRingCount;

    MemoryGovernor(StackConfig config, BufferPool pool) {
        this.config = config;
        this.pool = pool;
    }

    /** Whether a SYN for {@code localPort} may open a connection: {@link DropReason#NONE}, or why not. */
    DropReason admitPassive(int localPort) {
        if (!pool.admitConnection()) {
            // Like a full SYN queue: the peer retries, by when memory may have freed up.
            return DropReason.TCP_MEMORY_PRESSURE;
        }
        final int limit = config.maxConnectionsPerListener();
        if (limit > 0 && perListener.get(localPort) >= limit) {
            return DropReason.TCP_LISTENER_FULL;
        }
        return DropReason.NONE;
    }

    /** A passive open entered the table: it counts against its listener until it closes or sleeps in TIME_WAIT. */
    void onPassiveOpen(Tcb t) {
        pool.connectionOpened();
        t.listenerCounted = true;
        perListener.put(t.localPort, perListener.get(t.localPort) + 1);
    }

    void onStateChange(Tcb t, TcpState to) {
        if (t.listenerCounted && (to == TcpState.CLOSED || to == TcpState.TIME_WAIT)) {
            t.listenerCounted = false;
            final int n = perListener.get(t.localPort) - 1;
            if (n > 0) {
                perListener.put(t.localPort, n);
            } else {
                perListener.remove(t.localPort);
            }
        }
    }

    ByteRing newSendRing() {
        return ring(config.initialSendBufferBytes());
    }

    ByteRing newRecvRing() {
        return ring(config.initialReceiveBufferBytes());
    }

    private ByteRing ring(int capacity) {
        if (spareRingCount == 0) {
            return new ByteRing(pool, capacity);
        }
        final ByteRing r = spareRings[--spareRingCount];
        spareRings[spareRingCount] = null;
        r.reset(capacity);
        return r;
    }

    /** A ring its connection let go of (detached, no field points at it any more): kept for reuse. */
    private void recycle(ByteRing r) {
        if (spareRingCount < SPARE_RINGS) {
            spareRings[spareRingCount++] = r;
        }
    }

    /** Rings waiting for reuse (tests). */
    int spareRings() {
        return spareRingCount;
    }

    /**
     * Rings with nothing stored give their storage back to the pool, so an idle connection holds
     * none; under pressure a drained send buffer also shrinks back to its starting size.
     */
    void releaseIdleStorage(Tcb t) {
        final ByteRing send = t.tx.sendRing;
        if (send != null && send.attached() && send.size() == 0) {
            if (pool.underPressure() && send.capacity() > config.initialSendBufferBytes()) {
                send.resize(config.initialSendBufferBytes());
            }
            send.detach();
        }
        t.rx.releaseIfDrained();
    }

    /** {@code t}'s write found no storage: it hears "writable" once some is free ({@link #wakeMemoryWaiters}). */
    void awaitMemory(Tcb t) {
        if (!t.awaitingMemory) {
            t.awaitingMemory = true;
            memoryWaiters.addLast(t);
        }
    }

    /** Writers that found no storage are told, oldest first, as far as storage is free now. */
    void wakeMemoryWaiters() {
        if (memoryWaiters.isEmpty()) {
            return;
        }
        long room = pool.roomBytes();
        while (room >= config.initialSendBufferBytes() && !memoryWaiters.isEmpty()) {
            final Tcb t = memoryWaiters.pollFirst();
            if (t.state != TcpState.CLOSED) {
                room -= t.tx.sendRing != null ? t.tx.sendRing.capacity() : 0;
                t.memoryAvailable(); // marks it dirty: its handler hears onWritable in this flush
            } else {
                t.awaitingMemory = false;
            }
        }
    }

    /**
     * A connection past the point of carrying data gives its ring storage back (TIME_WAIT costs
     * little); a receive ring with unread data stays until the application reads it ({@link
     * #releaseDrained}).
     */
    void releaseBuffers(Tcb t) {
        if (t.tx.sendRing != null) {
            t.tx.sendRing.detach();
            recycle(t.tx.sendRing);
            t.tx.sendRing = null;
        }
        // Data the application has not read yet outlives the connection: it is its data.
        final TcpReceiver rx = t.rx;
        rx.reassembler.clear();
        if (rx.recvRing != null && (rx.recvRing.size() == 0 || rx.appClosed)) {
            rx.recvRing.consume(rx.recvRing.size());
            rx.recvRing.detach();
            recycle(rx.recvRing);
            rx.recvRing = null;
        }
    }

    /** The application read the last bytes of a connection that is already gone or in TIME_WAIT. */
    void releaseDrained(Tcb t) {
        final TcpReceiver rx = t.rx;
        if (rx.recvRing != null && rx.recvRing.size() == 0) {
            rx.recvRing.detach();
            recycle(rx.recvRing);
            rx.recvRing = null;
        }
    }
}
