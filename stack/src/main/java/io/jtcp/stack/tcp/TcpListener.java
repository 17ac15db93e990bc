package io.jtcp.stack.tcp;

/** Accepts connections on a listening port. */
@FunctionalInterface
public interface TcpListener {
    /**
     * A passive open completed its handshake (ESTABLISHED). Return the handler for its events.
     * {@link TcpHandler#onConnected} is called on the returned handler right after.
     */
    TcpHandler onAccept(TcpConnection connection);
}
