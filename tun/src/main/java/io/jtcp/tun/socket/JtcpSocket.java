package io.jtcp.tun.socket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;

/**
 * A {@link Socket} whose connection runs on a jtcp stack: connect, streams, {@code setSoTimeout},
 * {@code shutdownOutput} and {@code close} behave as java.net documents them (see {@link
 * JtcpConnection} for the details). Make one through {@link JtcpSockets#socketFactory()} or {@link
 * JtcpSockets#socket()}.
 */
public final class JtcpSocket extends Socket {
    private final JtcpSocketImpl impl;

    private JtcpSocket(JtcpSocketImpl impl) throws SocketException {
        super(impl);
        this.impl = impl;
    }

    static JtcpSocket unconnected(LoopContext loop) throws SocketException {
        return new JtcpSocket(new JtcpSocketImpl(loop));
    }

    static JtcpSocket connected(LoopContext loop, InetSocketAddress remote, int timeoutMs) throws IOException {
        JtcpSocket s = unconnected(loop);
        try {
            s.connect(remote, timeoutMs);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** The blocking connection underneath (null until connected). */
    public JtcpConnection connection() {
        return impl.connection();
    }
}
