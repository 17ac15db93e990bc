package io.jtcp.tun.socket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.net.SocketOptions;
import java.net.StandardSocketOptions;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import jdk.net.ExtendedSocketOptions;

/**
 * java.net's socket plumbing over a {@link JtcpConnection} (client or accepted) or a {@link
 * JtcpAcceptor} (server). Public {@code SocketImpl} subclassing works without {@code --add-opens}:
 * {@link JtcpSocket} and {@link JtcpServerSocket} hand an instance to the protected constructors.
 *
 * <p>Options: SO_TIMEOUT is honoured (reads and accept); TCP_NODELAY, SO_KEEPALIVE, SO_REUSEADDR,
 * SO_LINGER, SO_SNDBUF, SO_RCVBUF, IP_TOS and SO_OOBINLINE are accepted and reported back but do
 * not change the stack (jtcp sends without Nagle by default; buffer sizes are the stack's), and so
 * are {@code jdk.net.ExtendedSocketOptions}' TCP_KEEPIDLE, TCP_KEEPINTERVAL and TCP_KEEPCOUNT on
 * client sockets, which clients such as Apache HttpClient 5 set on every connection they open.
 */
final class JtcpSocketImpl extends SocketImpl {
    private final LoopContext loop;
    private JtcpConnection connection;
    private JtcpAcceptor acceptor;
    private int timeoutMs;
    private int bindPort;
    private boolean noDelay = true;
    private boolean keepAlive;
    private boolean reuseAddress;
    private int linger = -1;
    private int sendBuffer = 64 * 1024;
    private int receiveBuffer = 64 * 1024;
    private int trafficClass;
    private boolean oobInline;
    /** TCP_KEEPIDLE/INTERVAL/COUNT as set (seconds, seconds, probes); Linux's defaults otherwise. */
    private final Map<SocketOption<?>, Integer> keepAliveTuning = new HashMap<>(Map.of(
            ExtendedSocketOptions.TCP_KEEPIDLE,
            7200,
            ExtendedSocketOptions.TCP_KEEPINTERVAL,
            75,
            ExtendedSocketOptions.TCP_KEEPCOUNT,
            9));

    JtcpSocketImpl(LoopContext loop) {
        this.loop = loop;
    }

    JtcpConnection connection() {
        return connection;
    }

    @Override
    protected void create(boolean stream) throws IOException {
        if (!stream) {
            throw new SocketException("jtcp has no datagram sockets");
        }
    }

    @Override
    protected void connect(String host, int port) throws IOException {
        connect(new InetSocketAddress(host, port), 0);
    }

    @Override
    protected void connect(InetAddress address, int port) throws IOException {
        connect(new InetSocketAddress(address, port), 0);
    }

    @Override
    protected void connect(SocketAddress address, int timeout) throws IOException {
        final InetSocketAddress remote = Addresses.resolved(address);
        attach(JtcpConnection.connect(loop, Addresses.toInt(remote.getAddress()), remote.getPort(), timeout));
    }

    private void attach(JtcpConnection c) {
        connection = c;
        c.setSoTimeout(timeoutMs);
        this.address = Addresses.toInet(c.remoteAddr());
        this.port = c.remotePort();
        this.localport = c.localPort();
    }

    @Override
    protected void bind(InetAddress host, int port) throws IOException {
        if (host != null && !host.isAnyLocalAddress() && Addresses.toInt(host) != loop.localAddr()) {
            throw new java.net.BindException("not jtcp's address: " + host);
        }
        bindPort = port;
        localport = port;
    }

    @Override
    protected void listen(int backlog) throws IOException {
        acceptor = JtcpAcceptor.open(loop, bindPort, backlog);
    }

    @Override
    protected void accept(SocketImpl s) throws IOException {
        if (acceptor == null) {
            throw new SocketException("not listening");
        }
        if (!(s instanceof JtcpSocketImpl)) {
            throw new SocketException("a jtcp server socket accepts into jtcp sockets only");
        }
        acceptor.setSoTimeout(timeoutMs);
        ((JtcpSocketImpl) s).attach(acceptor.accept());
    }

    private JtcpConnection requireConnection() throws SocketException {
        if (connection == null) {
            throw new SocketException("Socket is not connected");
        }
        return connection;
    }

    @Override
    protected InputStream getInputStream() throws IOException {
        return requireConnection().getInputStream();
    }

    @Override
    protected OutputStream getOutputStream() throws IOException {
        return requireConnection().getOutputStream();
    }

    @Override
    protected int available() throws IOException {
        return requireConnection().available();
    }

    @Override
    protected void close() {
        if (connection != null) {
            if (linger == 0) {
                connection.abort(); // SO_LINGER 0: RST, as the kernel does
            } else {
                connection.close();
            }
        }
        if (acceptor != null) {
            acceptor.close();
        }
    }

    @Override
    protected void shutdownInput() throws IOException {
        requireConnection().shutdownInput();
    }

    @Override
    protected void shutdownOutput() throws IOException {
        requireConnection().shutdownOutput();
    }

    @Override
    protected void sendUrgentData(int data) throws IOException {
        throw new SocketException("jtcp does not send urgent data");
    }

    @Override
    public void setOption(int optID, Object value) throws SocketException {
        switch (optID) {
            case SocketOptions.SO_TIMEOUT:
                timeoutMs = (Integer) value;
                if (connection != null) {
                    connection.setSoTimeout(timeoutMs);
                }
                if (acceptor != null) {
                    acceptor.setSoTimeout(timeoutMs);
                }
                break;
            case SocketOptions.TCP_NODELAY:
                noDelay = (Boolean) value;
                break;
            case SocketOptions.SO_KEEPALIVE:
                keepAlive = (Boolean) value;
                break;
            case SocketOptions.SO_REUSEADDR:
                reuseAddress = (Boolean) value;
                break;
            case SocketOptions.SO_LINGER:
                linger = value instanceof Integer ? (Integer) value : -1;
                break;
            case SocketOptions.SO_SNDBUF:
                sendBuffer = (Integer) value;
                break;
            case SocketOptions.SO_RCVBUF:
                receiveBuffer = (Integer) value;
                break;
            case SocketOptions.IP_TOS:
                trafficClass = (Integer) value;
                break;
            case SocketOptions.SO_OOBINLINE:
                oobInline = (Boolean) value;
                break;
            default:
                throw new SocketException("option not supported by jtcp: " + optID);
        }
    }

    @Override
    public Object getOption(int optID) throws SocketException {
        switch (optID) {
            case SocketOptions.SO_TIMEOUT:
                return timeoutMs;
            case SocketOptions.SO_BINDADDR:
                return Addresses.toInet(loop.localAddr());
            case SocketOptions.TCP_NODELAY:
                return noDelay;
            case SocketOptions.SO_KEEPALIVE:
                return keepAlive;
            case SocketOptions.SO_REUSEADDR:
                return reuseAddress;
            case SocketOptions.SO_LINGER:
                return linger < 0 ? (Object) Boolean.FALSE : (Object) linger;
            case SocketOptions.SO_SNDBUF:
                return sendBuffer;
            case SocketOptions.SO_RCVBUF:
                return receiveBuffer;
            case SocketOptions.IP_TOS:
                return trafficClass;
            case SocketOptions.SO_OOBINLINE:
                return oobInline;
            default:
                throw new SocketException("option not supported by jtcp: " + optID);
        }
    }

    /**
     * The {@code java.net.SocketOption} forms ({@code Socket.setOption}), which {@code SocketImpl}'s
     * defaults refuse for an impl of its own: the standard ones map to the int IDs above.
     */
    @Override
    protected <T> void setOption(SocketOption<T> name, T value) throws IOException {
        if (keepAliveTuning.containsKey(name)) {
            if (!(value instanceof Integer) || (Integer) value < 1) {
                throw new IllegalArgumentException(name.name() + " must be a positive integer: " + value);
            }
            keepAliveTuning.put(name, (Integer) value);
            return;
        }
        int id = legacyId(name);
        if (id < 0) {
            throw new UnsupportedOperationException("'" + name.name() + "' not supported by jtcp");
        }
        if (value == null || (id == SocketOptions.SO_LINGER && (Integer) value < 0)) {
            // SO_LINGER < 0 is "off", as java.net's own socket takes it.
            setOption(id, id == SocketOptions.SO_LINGER ? Boolean.FALSE : value);
            return;
        }
        setOption(id, value);
    }

    @Override
    protected <T> T getOption(SocketOption<T> name) throws IOException {
        if (keepAliveTuning.containsKey(name)) {
            return name.type().cast(keepAliveTuning.get(name));
        }
        int id = legacyId(name);
        if (id < 0) {
            throw new UnsupportedOperationException("'" + name.name() + "' not supported by jtcp");
        }
        if (id == SocketOptions.SO_LINGER) {
            return name.type().cast(linger);
        }
        return name.type().cast(getOption(id));
    }

    @Override
    protected Set<SocketOption<?>> supportedOptions() {
        Set<SocketOption<?>> options = new HashSet<>(STANDARD.keySet());
        options.addAll(keepAliveTuning.keySet());
        return Set.copyOf(options);
    }

    private static final Map<SocketOption<?>, Integer> STANDARD = Map.of(
            StandardSocketOptions.TCP_NODELAY, SocketOptions.TCP_NODELAY,
            StandardSocketOptions.SO_KEEPALIVE, SocketOptions.SO_KEEPALIVE,
            StandardSocketOptions.SO_REUSEADDR, SocketOptions.SO_REUSEADDR,
            StandardSocketOptions.SO_LINGER, SocketOptions.SO_LINGER,
            StandardSocketOptions.SO_SNDBUF, SocketOptions.SO_SNDBUF,
            StandardSocketOptions.SO_RCVBUF, SocketOptions.SO_RCVBUF,
            StandardSocketOptions.IP_TOS, SocketOptions.IP_TOS);

    private static int legacyId(SocketOption<?> name) {
        Integer id = STANDARD.get(name);
        return id == null ? -1 : id;
    }
}
