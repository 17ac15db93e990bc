package io.jtcp.stack.harness;

import io.jtcp.stack.tcp.CloseReason;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import java.io.ByteArrayOutputStream;

/** Sends {@code data}, half-closes, and collects what comes back, for echo tests. */
public final class EchoClient implements TcpHandler {
    private final byte[] data;
    private final byte[] buf = new byte[16 * 1024];
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private int sent;
    private CloseReason closed;

    public EchoClient(byte[] data) {
        this.data = data;
    }

    public byte[] received() {
        return received.toByteArray();
    }

    /** Null until the connection ended. */
    public CloseReason closeReason() {
        return closed;
    }

    @Override
    public void onConnected(TcpConnection c) {
        onWritable(c);
    }

    @Override
    public void onWritable(TcpConnection c) {
        while (sent < data.length) {
            final int w = c.write(data, sent, data.length - sent);
            if (w == 0) {
                return;
            }
            sent += w;
        }
        c.shutdownOutput();
    }

    @Override
    public void onReadable(TcpConnection c) {
        int n;
        while ((n = c.read(buf, 0, buf.length)) > 0) {
            received.write(buf, 0, n);
        }
    }

    @Override
    public void onClosed(TcpConnection c, CloseReason reason) {
        closed = reason;
    }
}
