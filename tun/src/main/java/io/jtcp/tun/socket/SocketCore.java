package io.jtcp.tun.socket;

import io.jtcp.stack.tcp.CloseReason;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;

/**
 * The loop-thread half of one connection: it holds at most one pending connect, read and write
 * ({@link Op}) and moves bytes between the connection's TCP buffers and the callers' buffers when
 * the stack says they can move. Nothing here is queued besides those operations, so a writer waits
 * while the send buffer is full and a reader while nothing is readable: the TCP windows are the only
 * buffers (backpressure).
 *
 * <p>Every method runs on the loop thread; the application-thread half is {@link JtcpConnection}.
 */
final class SocketCore implements TcpHandler {
    private final LoopContext loop;
    private TcpConnection connection;
    private Op connectOp;
    private Op readOp;
    private Op writeOp;
    /** Set by onClosed: the connection is gone for the application. */
    private CloseReason closeReason;
    /** The application closed (or aborted) this socket. */
    private boolean closedLocally;

    private boolean outputShut;
    /**
     * The 4-tuple, copied on the loop thread before the connection is handed to an application
     * thread (a completed connect, the accept queue), which publishes them.
     */
    int localAddr;

    int localPort;
    int remoteAddr;
    int remotePort;

    SocketCore(LoopContext loop) {
        this.loop = loop;
    }

    /** The loop (the shard) whose stack holds this connection. */
    LoopContext loop() {
        return loop;
    }

    /** An accepted connection. */
    SocketCore(LoopContext loop, TcpConnection connection) {
        this.loop = loop;
        this.connection = connection;
        copyAddresses(connection);
    }

    private void copyAddresses(TcpConnection c) {
        localAddr = c.localAddr();
        localPort = c.localPort();
        remoteAddr = c.remoteAddr();
        remotePort = c.remotePort();
    }

    TcpConnection connection() {
        return connection;
    }

    /** Active open (RFC 9293 §3.10.1); {@code op} completes when the handshake does. */
    void startConnect(int remoteAddr, int remotePort, Op op) {
        if (!op.claim()) {
            return;
        }
        try {
            connection = loop.stack().connect(System.nanoTime(), remoteAddr, remotePort, this);
        } catch (RuntimeException e) {
            // Out of ephemeral ports, the memory budget spent, an address the stack refuses.
            op.fail(Failure.REFUSED_BY_STACK, String.valueOf(e.getMessage()));
            return;
        }
        connectOp = op;
        op.release();
    }

    void startRead(Op op) {
        readOp = op;
        pumpRead();
    }

    void startWrite(Op op) {
        writeOp = op;
        pumpWrite();
    }

    /** Half-close: FIN after what is buffered (RFC 9293 §3.6). */
    void shutdownOutput(Op op) {
        if (!op.claim()) {
            return;
        }
        if (closeReason == null && !closedLocally && !outputShut) {
            outputShut = true;
            connection.shutdownOutput();
        }
        op.complete(0);
    }

    /** Readable bytes (for InputStream.available()). */
    void available(Op op) {
        if (op.claim()) {
            op.complete(closeReason != null && closeReason != CloseReason.NORMAL ? 0 : connection.readableBytes());
        }
    }

    /** Graceful close (FIN); with {@code reset}, RST at once (RFC 9293 §3.10.5 ABORT). */
    void close(boolean reset) {
        if (closedLocally) {
            return;
        }
        closedLocally = true;
        failPending(Failure.CLOSED);
        if (connection != null) {
            // Also after the peer reset it: close() then gives up unread data and its storage.
            if (reset && closeReason == null) {
                connection.abort();
            } else {
                connection.close();
            }
        }
    }

    private void failPending(Failure why) {
        if (connectOp != null) {
            connectOp.failIfPending(why, null);
            connectOp = null;
        }
        if (readOp != null) {
            readOp.failIfPending(why, null);
            readOp = null;
        }
        if (writeOp != null) {
            writeOp.failIfPending(why, null);
            writeOp = null;
        }
    }

    private void pumpRead() {
        final Op op = readOp;
        if (op == null) {
            return;
        }
        if (!op.claim()) {
            readOp = null; // the caller gave up (read timeout)
            return;
        }
        if (closedLocally) {
            readOp = null;
            op.fail(Failure.CLOSED, null);
            return;
        }
        final int n = connection.read(op.buffer, op.offset, op.length);
        if (n > 0) {
            readOp = null;
            op.complete(n);
        } else if (closeReason != null && closeReason != CloseReason.NORMAL) {
            readOp = null;
            op.fail(Failure.of(closeReason, false), null);
        } else if (n < 0) {
            readOp = null;
            op.complete(-1);
        } else {
            op.release(); // onReadable continues
        }
    }

    private void pumpWrite() {
        final Op op = writeOp;
        if (op == null) {
            return;
        }
        if (!op.claim()) {
            writeOp = null;
            return;
        }
        if (closedLocally || closeReason != null || outputShut) {
            writeOp = null;
            op.fail(
                    closedLocally
                            ? Failure.CLOSED
                            : closeReason != null ? Failure.of(closeReason, false) : Failure.OUTPUT_SHUTDOWN,
                    null);
            return;
        }
        final int n;
        try {
            n = connection.write(op.buffer, op.offset + op.progress, op.length - op.progress);
        } catch (IllegalStateException e) {
            writeOp = null;
            op.fail(Failure.OUTPUT_SHUTDOWN, null);
            return;
        }
        op.progress += n;
        if (op.progress == op.length) {
            writeOp = null;
            op.complete(op.length);
        } else {
            op.release(); // onWritable continues
        }
    }

    @Override
    public void onConnected(TcpConnection c) {
        connection = c;
        copyAddresses(c);
        final Op op = connectOp;
        connectOp = null;
        if (op != null) {
            if (op.claim()) {
                op.complete(0);
            } else {
                // The caller timed out or was interrupted meanwhile: nobody will use it.
                closedLocally = true;
                c.abort();
            }
        }
    }

    @Override
    public void onReadable(TcpConnection c) {
        pumpRead();
    }

    @Override
    public void onWritable(TcpConnection c) {
        pumpWrite();
    }

    @Override
    public void onPeerClosed(TcpConnection c) {
        pumpRead();
    }

    @Override
    public void onClosed(TcpConnection c, CloseReason reason) {
        closeReason = reason;
        if (connectOp != null) {
            connectOp.failIfPending(Failure.of(reason, true), null);
            connectOp = null;
        }
        // A reader gets what was received before the end, then -1 or the reason.
        pumpRead();
        if (writeOp != null) {
            writeOp.failIfPending(closedLocally ? Failure.CLOSED : Failure.of(reason, false), null);
            writeOp = null;
        }
    }
}
