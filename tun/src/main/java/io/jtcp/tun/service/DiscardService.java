package io.jtcp.tun.service;

import io.jtcp.stack.tcp.CloseReason;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.tcp.TcpListener;

/**
 * Discard (RFC 863): reads and throws away everything; closes when the peer does. With {@link
 * ServiceTimers}, a connection that sends nothing for the idle time is closed ({@link IdleTimeout}).
 */
public final class DiscardService implements TcpListener {
    private final ServiceTimers timers;
    private final long idleNs;

    private final TcpHandler stateless = new TcpHandler() {
        @Override
        public void onReadable(TcpConnection c) {
            drain(c);
        }

        @Override
        public void onPeerClosed(TcpConnection c) {
            drain(c);
            c.close();
        }
    };

    /** Without an idle timeout. */
    public DiscardService() {
        this(null, 0);
    }

    /** @param idleNs idle time before a connection is closed (0: never) */
    public DiscardService(ServiceTimers timers, long idleNs) {
        this.timers = timers;
        this.idleNs = idleNs;
    }

    /** Discards everything buffered, without copying it out; returns bytes discarded. */
    static long drain(TcpConnection c) {
        long total = 0;
        int n;
        while ((n = c.skip(Integer.MAX_VALUE)) > 0) {
            total += n;
        }
        return total;
    }

    @Override
    public TcpHandler onAccept(TcpConnection connection) {
        // Without a timeout it is stateless: one handler serves every connection.
        return timers == null || idleNs <= 0 ? stateless : new Timed(timers, idleNs, connection);
    }

    private static final class Timed extends IdleTimeout implements TcpHandler {
        private boolean closed;

        Timed(ServiceTimers timers, long idleNs, TcpConnection connection) {
            super(timers, idleNs, connection);
        }

        @Override
        public void onReadable(TcpConnection c) {
            if (!closed && drain(c) > 0) {
                touch();
            }
        }

        @Override
        public void onPeerClosed(TcpConnection c) {
            drain(c);
            if (!closed) {
                closed = true;
                stop();
                c.close();
            }
        }

        @Override
        public void onClosed(TcpConnection c, CloseReason reason) {
            closed = true;
            stop();
        }

        @Override
        void markClosed() {
            closed = true;
        }
    }
}
