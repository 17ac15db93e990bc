package io.jtcp.stack.tcp;

/**
 * Per-connection events, delivered on the stack's thread. A handler may call any {@link
 * TcpConnection} operation from inside a callback.
 */
public interface TcpHandler {
    /** The handshake completed: ESTABLISHED (active open) or accepted (passive open). */
    default void onConnected(TcpConnection connection) {}

    /** New in-order data can be read. */
    default void onReadable(TcpConnection connection) {}

    /**
     * Send-buffer space became free after a write accepted fewer bytes than offered, or after
     * {@link TcpConnection#writableBytes()} returned 0.
     */
    default void onWritable(TcpConnection connection) {}

    /** The peer sent FIN: after the data already buffered, read() returns -1. */
    default void onPeerClosed(TcpConnection connection) {}

    /**
     * The connection is gone for the application: fully closed, refused, reset, timed out or
     * aborted. Called exactly once per connection; no call follows it.
     */
    default void onClosed(TcpConnection connection, CloseReason reason) {}
}
