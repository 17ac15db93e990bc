/**
 * Sockets on a jtcp stack for application threads, platform or virtual: the way to use jtcp from
 * ordinary Java code and from libraries that take a {@link javax.net.SocketFactory}.
 *
 * <ul>
 *   <li>{@link io.jtcp.tun.socket.JtcpSockets}: the entry point, one per {@link io.jtcp.tun.JtcpHost}
 *       (or per side of a {@link io.jtcp.tun.socket.JtcpLoopback}, two stacks in memory, no device).
 *   <li>Blocking: {@link io.jtcp.tun.socket.JtcpConnection} (connect with a timeout, streams,
 *       {@code setSoTimeout}, {@code shutdownOutput}, {@code close}) and {@link
 *       io.jtcp.tun.socket.JtcpAcceptor} (accept with a timeout, bounded backlog).
 *   <li>java.net: {@link io.jtcp.tun.socket.JtcpSocket} and {@link io.jtcp.tun.socket.JtcpServerSocket}
 *       (real {@link java.net.Socket}/{@link java.net.ServerSocket} subclasses through {@link
 *       java.net.SocketImpl}, no {@code --add-opens}), {@link io.jtcp.tun.socket.JtcpSocketFactory} and
 *       {@link io.jtcp.tun.socket.JtcpServerSocketFactory}.
 *   <li>Non-blocking: {@link io.jtcp.tun.socket.JtcpAsyncConnection}, futures completed on the loop
 *       thread or on an executor of the caller's.
 * </ul>
 *
 * <p>Errors are java.net's: end of stream is -1; a refused connect {@link java.net.ConnectException};
 * a connect or read timeout {@link java.net.SocketTimeoutException}; a reset {@link
 * java.net.SocketException} "Connection reset"; use after close "Socket closed".
 *
 * <p>How it works: each operation is handed to the event loop through its task queue (an eventfd
 * wakes it) and completed from the connection's callbacks; the caller parks until then. The only
 * buffers are the connection's TCP send and receive buffers, so a fast writer waits for the
 * peer's window and a slow reader closes it (backpressure). The loop-thread callback API ({@code
 * TcpHandler}) stays the zero-copy path; {@link io.jtcp.tun.JtcpHost#stack()} refuses other
 * threads while the loop runs.
 */
package io.jtcp.tun.socket;
