package io.jtcp.tun.socket;

import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A non-blocking TCP connection on a jtcp stack, usable from any thread: every operation returns
 * at once with a {@link CompletableFuture}, completed on the event loop thread or, when the
 * connection was opened with an executor, on that executor. As with {@link
 * java.nio.channels.AsynchronousSocketChannel}, at most one read and one write may be outstanding,
 * and a buffer belongs to the operation until its future completes.
 *
 * <p>Futures fail with the exceptions java.net would throw ({@code ConnectException}, {@code
 * SocketException("Connection reset")}, …). Callbacks that run on the loop thread must not block.
 */
public final class JtcpAsyncConnection {
    private final LoopContext loop;
    private final SocketCore core;
    private final Executor executor;
    private final AtomicBoolean reading = new AtomicBoolean();
    private final AtomicBoolean writing = new AtomicBoolean();
    private volatile boolean closed;

    private JtcpAsyncConnection(LoopContext loop, SocketCore core, Executor executor) {
        this.loop = loop;
        this.core = core;
        this.executor = executor;
    }

    static CompletableFuture<JtcpAsyncConnection> connect(
            LoopContext host, int remoteAddr, int remotePort, Executor executor) {
        final LoopContext loop = host.forConnect();
        final SocketCore core = new SocketCore(loop);
        final Op op = Op.async(null, 0, 0, executor);
        final JtcpAsyncConnection connection = new JtcpAsyncConnection(loop, core, executor);
        try {
            loop.execute(() -> core.startConnect(remoteAddr, remotePort, op));
        } catch (SocketException e) {
            return CompletableFuture.failedFuture(e);
        }
        return op.future().thenApply(ignored -> connection);
    }

    /**
     * Reads into {@code dst} from its position: completes with the byte count once at least one
     * arrived (the position advanced by it), or -1 at the end of the stream.
     *
     * @throws IllegalStateException when a read is outstanding already
     */
    public CompletableFuture<Integer> read(ByteBuffer dst) {
        if (!reading.compareAndSet(false, true)) {
            throw new IllegalStateException("a read is outstanding already");
        }
        final int position = dst.position();
        final Op op = Op.async(new UnsafeBuffer(dst), position, dst.remaining(), executor);
        return submit(op, () -> core.startRead(op), reading).thenApply(n -> {
            if (n > 0) {
                dst.position(position + n);
            }
            reading.set(false);
            return n;
        });
    }

    /**
     * Writes every remaining byte of {@code src} (the send buffer takes them as the window opens):
     * completes with the count, {@code src}'s position at its limit.
     *
     * @throws IllegalStateException when a write is outstanding already
     */
    public CompletableFuture<Integer> write(ByteBuffer src) {
        if (!writing.compareAndSet(false, true)) {
            throw new IllegalStateException("a write is outstanding already");
        }
        final int position = src.position();
        final Op op = Op.async(new UnsafeBuffer(src), position, src.remaining(), executor);
        return submit(op, () -> core.startWrite(op), writing).thenApply(n -> {
            src.position(position + n);
            writing.set(false);
            return n;
        });
    }

    /** Half-close (RFC 9293 §3.6): FIN after everything written so far. */
    public CompletableFuture<Void> shutdownOutput() {
        final Op op = Op.async(null, 0, 0, executor);
        return submit(op, () -> core.shutdownOutput(op), null).thenApply(n -> null);
    }

    /** Hands {@code task} to the loop; {@code busy} (the read or write flag) is cleared on failure. */
    private CompletableFuture<Integer> submit(Op op, Runnable task, AtomicBoolean busy) {
        if (closed) {
            clear(busy);
            return CompletableFuture.failedFuture(Failure.CLOSED.exception(null));
        }
        try {
            loop.execute(task);
        } catch (SocketException e) {
            clear(busy);
            return CompletableFuture.failedFuture(e);
        }
        return op.future().whenComplete((n, e) -> {
            if (e != null) {
                clear(busy);
            }
        });
    }

    private static void clear(AtomicBoolean busy) {
        if (busy != null) {
            busy.set(false);
        }
    }

    /** Graceful close (FIN); outstanding operations fail with {@code SocketException("Socket closed")}. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        loop.executeIfRunning(() -> core.close(false));
    }

    /** Closes at once with RST (RFC 9293 §3.10.5 ABORT). */
    public void abort() {
        if (closed) {
            return;
        }
        closed = true;
        loop.executeIfRunning(() -> core.close(true));
    }

    /** The local (ephemeral) port. */
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
}
