package io.jtcp.tun.service;

import io.jtcp.stack.tcp.TcpConnection;

/**
 * The idle timeout of one echo, discard or chargen connection: {@link #touch} whenever a byte
 * moves either way; when none has moved for the idle time, the connection is closed with FIN, or
 * reset when data is stuck (unacknowledged, or the peer's window shut), since a FIN would wait
 * behind data a peer that stopped reading never takes.
 */
abstract class IdleTimeout extends ServiceTimer {
    private final ServiceTimers timers;
    private final long idleNs;
    final TcpConnection connection;

    IdleTimeout(ServiceTimers timers, long idleNs, TcpConnection connection) {
        this.timers = idleNs > 0 ? timers : null;
        this.idleNs = idleNs;
        this.connection = connection;
        touch();
    }

    /** Something moved: the idle clock restarts (O(1) while the deadline only moves later). */
    final void touch() {
        if (timers != null) {
            timers.schedule(this, timers.nowNs() + idleNs);
        }
    }

    /** The connection is closing or closed: no timeout any more. */
    final void stop() {
        if (timers != null) {
            timers.cancel(this);
        }
    }

    /** Marks the handler closed (it ignores later callbacks). */
    abstract void markClosed();

    @Override
    protected final void onExpired(long nowNs) {
        timers.idleTimeouts++;
        markClosed();
        if (connection.bytesInFlight() > 0 || connection.sendWindowBytes() == 0) {
            connection.abort();
        } else {
            connection.close();
        }
    }
}
