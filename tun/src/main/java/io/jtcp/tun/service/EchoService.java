package io.jtcp.tun.service;

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
 * everything has been echoed, it closes too.
 */
public final class EchoService implements TcpListener {
    @Override
    public TcpHandler onAccept(TcpConnection connection) {
        return new Handler();
    }

    private static final class Handler implements TcpHandler, TcpReader {
        private TcpConnection connection;
        private boolean peerClosed;
        private boolean closed;

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
            connection = c;
            c.read(this);
            if (peerClosed && c.readableBytes() == 0) {
                closed = true;
                c.close();
            }
        }
    }
}
