package io.jtcp.stack.tcp;

/**
 * A listening port as the engine keeps it: the application's listener plus its own SYN queue
 * (half-open connections counted per listener, as Linux does per listening socket) and when it
 * last overflowed into SYN cookies.
 *
 * <p>It stands in for the application's listener in a half-open {@link Tcb} (the accept call is
 * passed on), so the connection knows whose queue it occupies.
 */
final class ListenPort implements TcpListener {
    final int port;
    final TcpListener app;
    /** The most half-open connections this listener keeps; past it, SYN cookies. */
    final int synBacklog;
    /** Half-open connections (SYN_RECEIVED) in this listener's queue. */
    int halfOpen;

    private boolean overflowed;
    private long lastOverflowNs;

    ListenPort(int port, TcpListener app, int synBacklog) {
        this.port = port;
        this.app = app;
        this.synBacklog = synBacklog;
    }

    @Override
    public TcpHandler onAccept(TcpConnection connection) {
        return app.onAccept(connection);
    }

    /** A SYN was answered with a cookie: ACKs to this port are checked for cookies for a while. */
    void onOverflow(long nowNs) {
        overflowed = true;
        lastOverflowNs = nowNs;
    }

    /**
     * True while a cookie sent by this listener may still come back (Linux's
     * {@code tcp_synq_no_recent_overflow}, negated): outside that time an ACK to the listener is not
     * even tried as a cookie, which keeps blind guessing away when there is no flood.
     */
    boolean recentOverflow(long nowNs) {
        return overflowed && nowNs - lastOverflowNs < SynCookies.MAX_AGE * SynCookies.SLOT_NS;
    }

    /** At least half of this listener's queue is taken. */
    boolean underPressure() {
        return 2 * halfOpen >= synBacklog;
    }
}
