package io.jtcp.tun.socket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import javax.net.ServerSocketFactory;

/** Server sockets over jtcp for libraries that take a {@link ServerSocketFactory}. */
public final class JtcpServerSocketFactory extends ServerSocketFactory {
    private final LoopContext loop;

    JtcpServerSocketFactory(LoopContext loop) {
        this.loop = loop;
    }

    @Override
    public ServerSocket createServerSocket() throws IOException {
        return JtcpServerSocket.unbound(loop);
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        return JtcpServerSocket.bound(loop, port, JtcpAcceptor.DEFAULT_BACKLOG);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
        return JtcpServerSocket.bound(loop, port, backlog);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress ifAddress) throws IOException {
        return JtcpServerSocket.bound(loop, port, backlog);
    }
}
