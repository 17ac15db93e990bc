package io.jtcp.examples;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.tun.JtcpHost;

/**
 * An uppercase echo server on the callback API: every byte a client sends comes back with ASCII
 * letters in upper case. The handler runs on jtcp's event loop thread, reads straight out of the
 * connection's receive buffer and never blocks.
 *
 * <p>Backpressure without a queue of its own: it reads only as much as the send buffer can take
 * ({@code writableBytes}), so a client that does not read stops the echo, whose receive window
 * then closes, which stops the client's sending.
 *
 * <p>Run: {@code src/examples.sh UpperEchoServer}; then, in the namespace: {@code echo hello | nc
 * -N 10.7.0.2 7000}.
 */
public final class UpperEchoServer {
    /** The port it listens on. */
    public static final int PORT = 7000;

    private UpperEchoServer() {}

    /** Listens on {@code port}; call on the loop thread ({@code host.run(...)}). */
    public static void listen(NetworkStack stack, int port) {
        stack.listen(port, accepted -> new TcpHandler() {
            private final byte[] buf = new byte[16 * 1024];
            private boolean peerClosed;

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
                int n;
                while ((n = Math.min(buf.length, c.writableBytes())) > 0 && (n = c.read(buf, 0, n)) > 0) {
                    for (int i = 0; i < n; i++) {
                        if (buf[i] >= 'a' && buf[i] <= 'z') {
                            buf[i] -= 'a' - 'A';
                        }
                    }
                    c.write(buf, 0, n); // all of it: at most writableBytes were read
                }
                if (peerClosed && c.readableBytes() == 0) {
                    c.close(); // after what was written is sent
                }
            }
        });
    }

    /** Starts a host, listens on {@value #PORT} and serves until Ctrl-C. */
    public static void main(String[] args) throws Exception {
        JtcpHost host = Examples.startHost();
        host.run(() -> listen(host.stack(), PORT));
        System.out.println("uppercase echo on " + Examples.JTCP + ":" + PORT + " (Ctrl-C stops it)");
        Examples.serveForever(host);
    }
}
