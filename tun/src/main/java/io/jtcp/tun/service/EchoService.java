package io.jtcp.tun.service;

import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.tcp.TcpListener;

/**
 * Echo (RFC 862): sends back everything received. Backpressure: once the send buffer is full it stops
 * reading, so a peer that does not read its echoes fills our receive window and is throttled by
 * TCP itself; at most one chunk per connection waits here. When the peer closes
 * and everything has been echoed, it closes too.
 */
public final class EchoService implements TcpListener {
    private final byte[] scratch = new byte[64 * 1024];

    @Override
    public TcpHandler onAccept(TcpConnection connection) {
        return new Handler();
    }

    private final class Handler implements TcpHandler {
        /**
         * Bytes read but not yet taken by the send buffer: at most one scratch's worth. Needed
         * because {@link TcpHandler#onWritable} is promised only after a write that took fewer
         * bytes than offered, so the echo must offer more than fits rather than wait politely.
         */
        private byte[] pending;

        private int pendingOffset;
        private int pendingLength;
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
                if (pendingLength > 0) {
                    int w = c.write(pending, pendingOffset, pendingLength);
                    pendingOffset += w;
                    pendingLength -= w;
                    if (pendingLength > 0) {
                        return; // send buffer full: onWritable follows
                    }
                }
                int n = Math.min(c.readableBytes(), scratch.length);
                if (n <= 0) {
                    break;
                }
                int r = c.read(scratch, 0, n);
                if (r <= 0) {
                    break;
                }
                int w = c.write(scratch, 0, r);
                if (w < r) {
                    if (pending == null) {
                        pending = new byte[scratch.length];
                    }
                    System.arraycopy(scratch, w, pending, 0, r - w);
                    pendingOffset = 0;
                    pendingLength = r - w;
                    return;
                }
            }
            if (peerClosed && c.readableBytes() == 0 && pendingLength == 0) {
                closed = true;
                c.close();
            }
        }
    }
}
