package io.jtcp.tun.socket;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A blocking TCP connection on a jtcp stack, usable from any platform or virtual thread, with the
 * semantics of {@link java.net.Socket}'s streams: {@code read} blocks until data arrives and
 * returns -1 at the end of the stream; {@code write} blocks until the send buffer took every byte
 * (the TCP windows are the backpressure, nothing else is buffered); a read waits at most {@link
 * #setSoTimeout} and then throws {@link SocketTimeoutException} (the connection stays usable); a
 * reset throws {@link SocketException} ("Connection reset"). {@link #close} from any thread wakes
 * a blocked reader or writer with {@code SocketException("Socket closed")}. Interrupts are not
 * acted on, as with java.net's platform sockets: close the connection to unblock a thread.
 *
 * <p>Each read and write is one handoff to the event loop (its task queue and eventfd wake-up); a
 * write larger than the send buffer continues on the loop as the peer acknowledges, without
 * further handoffs. Reads with a large buffer (64 KiB or more) keep the handoffs few.
 *
 * <p>Get one from {@link JtcpSockets#connect} or {@link JtcpAcceptor#accept}. Methods must not
 * be called on the event loop thread (they would wait for it): {@link IllegalStateException}.
 */
public final class JtcpConnection implements Closeable {
    private final LoopContext loop;
    private final SocketCore core;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    // Reused under their lock: a completed or cancelled Op is never touched by the loop again.
    private final UnsafeBuffer readView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer writeView = new UnsafeBuffer(0, 0);
    private final InputStream in = new In();
    private final OutputStream out = new Out();
    private volatile long soTimeoutNs;
    private volatile boolean closed;
    private volatile boolean inputShut;
    private volatile boolean outputShut;

    JtcpConnection(LoopContext loop, SocketCore core) {
        this.loop = loop;
        this.core = core;
    }

    /** Active open; see {@link JtcpSockets#connect(int, int, int)}. */
    static JtcpConnection connect(LoopContext host, int remoteAddr, int remotePort, int timeoutMs) throws IOException {
        LoopCalls.checkNotLoopThread(host);
        final LoopContext loop = host.forConnect();
        if (remotePort <= 0 || remotePort > 65_535) {
            throw new IllegalArgumentException("port out of range: " + remotePort);
        }
        if (timeoutMs < 0) {
            throw new IllegalArgumentException("negative timeout: " + timeoutMs);
        }
        final SocketCore core = new SocketCore(loop);
        final Op op = Op.blocking(null, 0, 0);
        loop.execute(() -> core.startConnect(remoteAddr, remotePort, op));
        switch (op.awaitOutcome(timeoutMs * 1_000_000L, false, loop)) {
            case TIMED_OUT:
                loop.executeIfRunning(() -> core.close(true));
                throw new SocketTimeoutException("Connect timed out");
            case LOOP_STOPPED:
                throw new SocketException("jtcp host stopped");
            default:
                op.resultOrThrow();
                return new JtcpConnection(loop, core);
        }
    }

    /**
     * Reads up to {@code len} bytes, blocking until at least one is there.
     *
     * @return the number of bytes read, or -1 when the peer closed and everything was read
     * @throws SocketTimeoutException when {@link #setSoTimeout} passed without data
     * @throws SocketException on reset, or when the connection was closed
     */
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        LoopCalls.checkNotLoopThread(loop);
        readLock.lock();
        try {
            if (closed) {
                throw Failure.CLOSED.exception(null);
            }
            if (inputShut) {
                return -1;
            }
            readView.wrap(b);
            final Op op = Op.blocking(readView, off, len);
            loop.execute(() -> core.startRead(op));
            return op.await(soTimeoutNs, loop);
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Writes all {@code len} bytes, blocking while the send buffer is full.
     *
     * @throws SocketException on reset, after {@link #shutdownOutput}, or when closed
     */
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        LoopCalls.checkNotLoopThread(loop);
        writeLock.lock();
        try {
            if (closed) {
                throw Failure.CLOSED.exception(null);
            }
            if (outputShut) {
                throw Failure.OUTPUT_SHUTDOWN.exception(null);
            }
            if (len == 0) {
                return;
            }
            writeView.wrap(b);
            final Op op = Op.blocking(writeView, off, len);
            loop.execute(() -> core.startWrite(op));
            // No timeout: java.net has none for writes; close() from another thread ends the wait.
            op.await(0, loop);
        } finally {
            writeLock.unlock();
        }
    }

    /** Bytes that can be read without blocking (one round trip to the loop). */
    public int available() throws IOException {
        if (closed) {
            throw Failure.CLOSED.exception(null);
        }
        if (inputShut) {
            return 0;
        }
        return roundTrip(core::available);
    }

    private int roundTrip(java.util.function.Consumer<Op> action) throws IOException {
        LoopCalls.checkNotLoopThread(loop);
        final Op op = Op.blocking(null, 0, 0);
        loop.execute(() -> action.accept(op));
        return op.await(0, loop);
    }

    /**
     * Half-close (RFC 9293 §3.6): FIN after every byte already written; reading goes on. Writes
     * after it throw.
     */
    public void shutdownOutput() throws IOException {
        if (closed) {
            throw Failure.CLOSED.exception(null);
        }
        writeLock.lock();
        try {
            if (outputShut) {
                return;
            }
            outputShut = true;
            roundTrip(core::shutdownOutput);
        } finally {
            writeLock.unlock();
        }
    }

    /** Reads return -1 from now on (received data is still acknowledged and discarded on close). */
    public void shutdownInput() {
        inputShut = true;
    }

    /**
     * Closes both directions (FIN after buffered data, RFC 9293 §3.10.4) and wakes any thread
     * blocked in read or write with {@code SocketException("Socket closed")}. Idempotent; does not
     * wait for the peer.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        loop.executeIfRunning(() -> core.close(false));
    }

    /** Closes at once with RST (RFC 9293 §3.10.5 ABORT), as SO_LINGER 0 does. */
    public void abort() {
        if (closed) {
            return;
        }
        closed = true;
        loop.executeIfRunning(() -> core.close(true));
    }

    /** True after {@link #close} or {@link #abort}. */
    public boolean isClosed() {
        return closed;
    }

    /** True after {@link #shutdownInput}. */
    public boolean isInputShutdown() {
        return inputShut;
    }

    /** True after {@link #shutdownOutput}. */
    public boolean isOutputShutdown() {
        return outputShut;
    }

    /** How long a read waits for data before it throws SocketTimeoutException; 0: for ever. */
    public void setSoTimeout(int timeoutMs) {
        if (timeoutMs < 0) {
            throw new IllegalArgumentException("negative timeout: " + timeoutMs);
        }
        soTimeoutNs = timeoutMs * 1_000_000L;
    }

    /** The read timeout in milliseconds; 0: none. */
    public int getSoTimeout() {
        return (int) (soTimeoutNs / 1_000_000L);
    }

    /** jtcp's IPv4 address on this connection. */
    public int localAddr() {
        return core.localAddr;
    }

    /** The local port. */
    public int localPort() {
        return core.localPort;
    }

    /** The peer's IPv4 address. */
    public int remoteAddr() {
        return core.remoteAddr;
    }

    /** The peer's port. */
    public int remotePort() {
        return core.remotePort;
    }

    /** The stream view of {@link #read}; closing it closes the connection. */
    public InputStream getInputStream() {
        return in;
    }

    /** The stream view of {@link #write}; {@code flush} does nothing (writes are never held). */
    public OutputStream getOutputStream() {
        return out;
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            // A byte of its own per call: two threads may read one byte each at once.
            final byte[] one = new byte[1];
            final int n = JtcpConnection.this.read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return JtcpConnection.this.read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return JtcpConnection.this.available();
        }

        @Override
        public void close() {
            JtcpConnection.this.close();
        }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            JtcpConnection.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            JtcpConnection.this.write(b, off, len);
        }

        @Override
        public void close() {
            JtcpConnection.this.close();
        }
    }
}
