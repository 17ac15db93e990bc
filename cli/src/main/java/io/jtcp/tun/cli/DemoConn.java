package io.jtcp.tun.cli;

import io.jtcp.stack.tcp.CloseReason;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.tcp.TcpState;
import io.jtcp.tun.JtcpHost;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * jtcp's side of one demo connection, driven from the demo's thread: it reads whatever arrives,
 * sends what it is given (keeping what the send buffer did not take for {@code onWritable}), and
 * closes, shuts down or aborts when told. Every operation runs on the stack's thread.
 */
final class DemoConn implements TcpHandler {
    private final JtcpHost host;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private int pendingOffset;
    private boolean closeWhenSent;
    private volatile TcpConnection conn;
    private volatile CloseReason reason;
    final CountDownLatch connected = new CountDownLatch(1);
    final CountDownLatch peerClosed = new CountDownLatch(1);
    final CountDownLatch closed = new CountDownLatch(1);

    DemoConn(JtcpHost host) {
        this.host = host;
    }

    /** For an active open: the connection {@code connect} returned, before its handshake completes. */
    DemoConn withConnection(TcpConnection c) {
        conn = c;
        return this;
    }

    TcpConnection connection() {
        return conn;
    }

    CloseReason reason() {
        return reason;
    }

    @Override
    public void onConnected(TcpConnection c) {
        conn = c;
        connected.countDown();
        pump(c);
    }

    @Override
    public void onReadable(TcpConnection c) {
        byte[] buf = new byte[16384];
        int n;
        while ((n = c.read(buf, 0, buf.length)) > 0) {
            synchronized (received) {
                received.write(buf, 0, n);
            }
        }
    }

    @Override
    public void onWritable(TcpConnection c) {
        pump(c);
    }

    @Override
    public void onPeerClosed(TcpConnection c) {
        onReadable(c);
        peerClosed.countDown();
    }

    @Override
    public void onClosed(TcpConnection c, CloseReason r) {
        conn = c;
        reason = r;
        connected.countDown();
        peerClosed.countDown();
        closed.countDown();
    }

    private void pump(TcpConnection c) {
        while (!pending.isEmpty()) {
            byte[] b = pending.peek();
            int n = c.write(b, pendingOffset, b.length - pendingOffset);
            pendingOffset += Math.max(0, n);
            if (pendingOffset < b.length) {
                return;
            }
            pending.poll();
            pendingOffset = 0;
        }
        if (closeWhenSent) {
            closeWhenSent = false;
            c.close();
        }
    }

    /** Queues {@code data} for sending. */
    void send(byte[] data) {
        host.run(() -> {
            pending.add(data);
            if (conn != null) {
                pump(conn);
            }
        });
    }

    void send(String text) {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Closes (sends FIN) once everything queued went into the send buffer. */
    void close() {
        host.run(() -> {
            closeWhenSent = true;
            pump(conn);
        });
    }

    void shutdownOutput() {
        host.run(() -> conn.shutdownOutput());
    }

    void abort() {
        host.run(() -> conn.abort());
    }

    TcpState state() {
        return host.call(() -> conn.state());
    }

    String text() {
        synchronized (received) {
            return received.toString(StandardCharsets.UTF_8);
        }
    }

    int receivedBytes() {
        synchronized (received) {
            return received.size();
        }
    }

    static void await(CountDownLatch l, long ms, String what) throws InterruptedException {
        if (!l.await(ms, TimeUnit.MILLISECONDS)) {
            throw new CliFailure("timed out waiting for " + what);
        }
    }
}
