package io.jtcp.tun.service;

import io.jtcp.stack.tcp.CloseReason;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.tcp.TcpListener;
import io.jtcp.stack.tcp.TcpReader;
import org.agrona.DirectBuffer;

/**
 * Echo (RFC 862): sends back everything received. The bytes go from the receive buffer straight
 * into the send buffer ({@link TcpConnection#read(TcpReader)}): no copy in between, and nothing is
 * taken out of the receive buffer that the send buffer cannot hold. So a peer that does not read
 * its echoes fills our receive window and is throttled by TCP itself. When the peer closes and
 * everything has been echoed, it closes too. With {@link ServiceTimers}, a connection where no byte
 * has moved for the idle time is closed ({@link IdleTimeout}).
 */
public final class EchoService implements TcpListener {
    private final ServiceTimers timers;
    private final long idleNs;

    /** Without an idle timeout. */
    public EchoService() {
        this(null, 0);
    }

    /** @param idleNs idle time before a connection is closed (0: never) */
    public EchoService(ServiceTimers timers, long idleNs) {
        this.timers = timers;
        this.idleNs = idleNs;
    }

    @Override
    public TcpHandler onAccept(TcpConnection connection) {
        return new Handler(timers, idleNs, connection);
    }

    private static final class Handler extends IdleTimeout implements TcpHandler, TcpReader {
        private boolean peerClosed;
        private boolean closed;

        Handler(ServiceTimers timers, long idleNs, TcpConnection connection) {
            super(timers, idleNs, connection);
        }

        @Override
        public void onReadable(TcpConnection c) {
            pump(c);
        }

        @Override
        public void onWritable(TcpConnection c) {
            pump(c);
        }

        @Override
        public void onPeerClosed(TcpConnection c) {
            peerClosed = true;
            pump(c);
        }

        @Override
        public void onClosed(TcpConnection c, CloseReason reason) {
            closed = true;
            stop();
        }

        @Override
        void markClosed() {
            closed = true;
        }

        /**
         * Received bytes offered in place: the send buffer takes what fits. A write that takes
         * fewer bytes than offered promises {@link TcpHandler#onWritable}, which pumps again.
         */
        @Override
        public int onBytes(DirectBuffer buffer, int offset, int length) {
            return connection.write(buffer, offset, length);
        }

        private void pump(TcpConnection c) {
            if (closed) {
                return;
            }
            if (c.read(this) > 0) {
                touch();
            }
            if (peerClosed && c.readableBytes() == 0) {
                closed = true;
                stop();
                c.close();
            }
        }
    }
}
