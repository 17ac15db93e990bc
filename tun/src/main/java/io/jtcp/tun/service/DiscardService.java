package io.jtcp.tun.service;

import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.tcp.TcpListener;

/** Discard (RFC 863): reads and throws away everything; closes when the peer does. */
public final class DiscardService implements TcpListener {
    private final TcpHandler handler = new TcpHandler() {
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

    /** Discards everything buffered, without copying it out; returns bytes discarded. */
    long drain(TcpConnection c) {
        long total = 0;
        int n;
        while ((n = c.skip(Integer.MAX_VALUE)) > 0) {
            total += n;
        }
        return total;
    }

    @Override
    public TcpHandler onAccept(TcpConnection connection) {
        // Stateless: one handler serves every connection.
        return handler;
    }
}
