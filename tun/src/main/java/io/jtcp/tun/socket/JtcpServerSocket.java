package io.jtcp.tun.socket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;

/**
 * A {@link ServerSocket} listening on a jtcp stack; {@link #accept} returns {@link JtcpSocket}s
 * and honours {@code setSoTimeout}. jtcp has no ephemeral listening ports: bind to a port above 0.
 */
public final class JtcpServerSocket extends ServerSocket {
    private final LoopContext loop;

    private JtcpServerSocket(LoopContext loop) throws IOException {
        super(new JtcpSocketImpl(loop));
        this.loop = loop;
    }

    static JtcpServerSocket unbound(LoopContext loop) throws IOException {
        return new JtcpServerSocket(loop);
    }

    static JtcpServerSocket bound(LoopContext loop, int port, int backlog) throws IOException {
        JtcpServerSocket s = new JtcpServerSocket(loop);
        try {
            s.bind(new InetSocketAddress(port), backlog);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    @Override
    public Socket accept() throws IOException {
        if (isClosed()) {
            throw new SocketException("Socket is closed");
        }
        if (!isBound()) {
            throw new SocketException("Socket is not bound yet");
        }
        // ServerSocket's own accept() would need a SocketImplFactory for the accepted side; with
        // a jtcp socket handed in, implAccept() fills it through JtcpSocketImpl.accept.
        Socket s = JtcpSocket.unconnected(loop);
        implAccept(s);
        return s;
    }
}
