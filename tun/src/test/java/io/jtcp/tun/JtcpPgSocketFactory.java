package io.jtcp.tun;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.SocketFactory;

/**
 * What PostgreSQL JDBC's {@code socketFactory} connection property names: pgjdbc instantiates the
 * class itself (a public constructor taking the connection's {@link Properties}), so the jtcp
 * factory it delegates to is looked up by the {@value #KEY} property in a registry the test fills.
 */
public final class JtcpPgSocketFactory extends SocketFactory {
    /** The connection property naming the registered factory. */
    public static final String KEY = "jtcpSockets";

    private static final Map<String, SocketFactory> REGISTRY = new ConcurrentHashMap<>();

    private final SocketFactory delegate;

    /** Called by pgjdbc with the connection's properties. */
    public JtcpPgSocketFactory(Properties info) {
        String name = info.getProperty(KEY);
        delegate = name == null ? null : REGISTRY.get(name);
        if (delegate == null) {
            throw new IllegalArgumentException("no jtcp socket factory registered as " + KEY + "=" + name);
        }
    }

    static void register(String name, SocketFactory factory) {
        REGISTRY.put(name, factory);
    }

    static void unregister(String name) {
        REGISTRY.remove(name);
    }

    @Override
    public Socket createSocket() throws IOException {
        return delegate.createSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return delegate.createSocket(host, port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return delegate.createSocket(host, port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return delegate.createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return delegate.createSocket(address, port, localAddress, localPort);
    }
}
