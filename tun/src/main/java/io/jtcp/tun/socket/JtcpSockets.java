package io.jtcp.tun.socket;

import io.jtcp.tun.JtcpHost;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;

/**
 * Sockets on a running {@link JtcpHost}, for application threads (platform or virtual): blocking
 * connections ({@link #connect}, {@link #listen}), java.net sockets and factories for libraries
 * ({@link #socketFactory}, {@link #serverSocketFactory}), and non-blocking connections with
 * futures ({@link #connectAsync}).
 *
 * <p>All of them hand their work to the event loop through its task queue (an eventfd wakes it) and
 * are woken by the connection's callbacks; none buffers beyond the connection's TCP buffers. The
 * blocking calls must not be made on the loop thread itself. Zero-copy use stays with the callback
 * API ({@code TcpHandler}) on the loop thread.
 *
 * <pre>{@code
 * try (JtcpHost host = JtcpHost.start(new TunConfig(), new StackConfig())) {
 *     JtcpSockets sockets = JtcpSockets.of(host);
 *     try (Socket s = sockets.socketFactory().createSocket("10.7.0.1", 80)) { ... }
 * }
 * }</pre>
 */
public final class JtcpSockets {
    private final LoopContext loop;

    private JtcpSockets(LoopContext loop) {
        this.loop = loop;
    }

    /** Sockets on {@code host}'s stack. Cheap; any number may exist for one host. */
    public static JtcpSockets of(JtcpHost host) {
        return new JtcpSockets(LoopContext.of(host));
    }

    static JtcpSockets of(LoopContext loop) {
        return new JtcpSockets(loop);
    }

    /**
     * Opens a connection, waiting at most {@code timeoutMs} (0: until the stack gives up after its
     * SYN retries).
     *
     * @throws java.net.ConnectException refused (RST), or the SYN retries ran out
     * @throws java.net.SocketTimeoutException {@code timeoutMs} passed first
     */
    public JtcpConnection connect(int remoteAddr, int remotePort, int timeoutMs) throws IOException {
        return JtcpConnection.connect(loop, remoteAddr, remotePort, timeoutMs);
    }

    /** As {@link #connect(int, int, int)}, to an IPv4 address. */
    public JtcpConnection connect(InetAddress remote, int remotePort, int timeoutMs) throws IOException {
        return connect(Addresses.toInt(remote), remotePort, timeoutMs);
    }

    /** Listens on {@code port} with an accept queue of {@link JtcpAcceptor#DEFAULT_BACKLOG}. */
    public JtcpAcceptor listen(int port) throws IOException {
        return JtcpAcceptor.open(loop, port, JtcpAcceptor.DEFAULT_BACKLOG);
    }

    /**
     * Listens on {@code port}; at most {@code backlog} handshaken connections wait for {@code
     * accept}.
     *
     * @throws java.net.BindException the port is taken
     */
    public JtcpAcceptor listen(int port, int backlog) throws IOException {
        return JtcpAcceptor.open(loop, port, backlog);
    }

    /** An unconnected java.net socket: {@code connect(address, timeout)} it. */
    public Socket socket() throws IOException {
        return JtcpSocket.unconnected(loop);
    }

    /** A java.net server socket listening on {@code port}. */
    public ServerSocket serverSocket(int port, int backlog) throws IOException {
        return JtcpServerSocket.bound(loop, port, backlog);
    }

    /** For libraries that take a SocketFactory: their sockets go over jtcp. */
    public SocketFactory socketFactory() {
        return new JtcpSocketFactory(loop);
    }

    /** For libraries that take a ServerSocketFactory. */
    public ServerSocketFactory serverSocketFactory() {
        return new JtcpServerSocketFactory(loop);
    }

    /**
     * Opens a non-blocking connection; the future, and those of its reads and writes, complete on
     * {@code executor} (null: on the loop thread, where callbacks must not block).
     */
    public CompletableFuture<JtcpAsyncConnection> connectAsync(int remoteAddr, int remotePort, Executor executor) {
        return JtcpAsyncConnection.connect(loop, remoteAddr, remotePort, executor);
    }
}
