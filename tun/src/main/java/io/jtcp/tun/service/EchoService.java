package io.jtcp.tun.service;

import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.tcp.TcpListener;

/**
 * Echo (RFC 862): sends back everything received. Backpressure: it reads only as much as the send
 * buffer can take, so a peer that does not read its echoes fills our receive window and is
 * throttled by TCP itself; nothing is buffered here beyond one scratch array. When the peer closes
 * and everything has been echoed, it closes too.
 */
public final class EchoService implements TcpListener {
    private final byte[] scratch = new byte[64 * 1024];

    @Override
    public TcpHandler onAccept(TcpConnection connection) {
        return new Handler();
    }

    private final class Handler implements TcpHandler {
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

        private void pump(TcpConnection c) {
            if (closed) {
                return;
            }
            while (true) {
                int n = Math.min(Math.min(c.readableBytes(), c.writableBytes()), scratch.length);
                if (n <= 0) {
                    break;
                }
                int r = c.read(scratch, 0, n);
                if (r <= 0) {
                    break;
                }
                c.write(scratch, 0, r);
            }
            if (peerClosed && c.readableBytes() == 0) {
                closed = true;
                c.close();
            }
        }
    }
}
