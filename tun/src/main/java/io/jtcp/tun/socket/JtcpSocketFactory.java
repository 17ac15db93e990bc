package io.jtcp.tun.socket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * Client sockets over jtcp for libraries that take a {@link SocketFactory} (OkHttp, JDBC drivers,
 * Jedis, …). Host names are resolved by the JVM's resolver; a local address or port to bind to is
 * ignored (the stack picks the ephemeral port, RFC 6056).
 */
public final class JtcpSocketFactory extends SocketFactory {
    private final LoopContext loop;

    JtcpSocketFactory(LoopContext loop) {
        this.loop = loop;
    }

    @Override
    public Socket createSocket() throws IOException {
        return JtcpSocket.unconnected(loop);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return createSocket(InetAddress.getByName(host), port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return JtcpSocket.connected(loop, new InetSocketAddress(host, port), 0);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return createSocket(address, port);
    }
}
