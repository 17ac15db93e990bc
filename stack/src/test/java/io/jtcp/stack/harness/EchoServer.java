package io.jtcp.stack.harness;

import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;

/**
 * An RFC 862 echo server for engine tests: everything read is written back, with backpressure
 * (it stops reading while the send buffer is full), and it closes once the peer has closed and all
 * was echoed. One instance per connection.
 */
public final class EchoServer implements TcpHandler {
    private final byte[] buf = new byte[16 * 1024];
    private int pending;

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
        pump(c);
    }

    private void pump(TcpConnection c) {
        for (int guard = 0; guard < 100_000; guard++) {
            if (pending > 0) {
                final int w = c.write(buf, 0, pending);
                System.arraycopy(buf, w, buf, 0, pending - w);
                pending -= w;
                if (pending > 0) {
                    return; // onWritable follows
                }
            }
            final int n = c.read(buf, 0, buf.length);
            if (n < 0) {
                c.close(); // the peer closed and everything is echoed
                return;
            }
            if (n == 0) {
                return;
            }
            pending = n;
        }
    }
}
