package io.jtcp.tun.socket;

import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.tcp.TcpListener;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.BindException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A listening port whose connections are taken by blocking {@link #accept} calls from any thread,
 * like {@link java.net.ServerSocket}. Connections that completed their handshake wait in an accept
 * queue of at most {@code backlog}; beyond it a new connection is reset (counted by {@link
 * #overflows()}), so a server that does not accept cannot make memory grow.
 */
public final class JtcpAcceptor implements Closeable {
    /** java.net's default backlog. */
    public static final int DEFAULT_BACKLOG = 50;

    private static final SocketCore CLOSED = new SocketCore(null);

    private final LoopContext loop;
    private final int port;
    private final int backlog;
    private final LinkedBlockingQueue<SocketCore> queue = new LinkedBlockingQueue<>();
    private final AtomicLong overflows = new AtomicLong();
    private volatile boolean closed;
    private volatile int soTimeoutMs;

    private JtcpAcceptor(LoopContext loop, int port, int backlog) {
        this.loop = loop;
        this.port = port;
        this.backlog = backlog;
    }

    static JtcpAcceptor open(LoopContext loop, int port, int backlog) throws IOException {
        if (port <= 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range (jtcp has no ephemeral listen ports): " + port);
        }
        final JtcpAcceptor acceptor = new JtcpAcceptor(loop, port, backlog > 0 ? backlog : DEFAULT_BACKLOG);
        // On every shard: a SYN is handled by the shard owning its 4-tuple, whichever that is.
        final LoopContext[] shards = loop.shards();
        for (int i = 0; i < shards.length; i++) {
            final LoopContext shard = shards[i];
            try {
                LoopCalls.call(shard, () -> {
                    shard.stack().listen(port, acceptor.new Listener(shard));
                    return null;
                });
            } catch (IllegalStateException | IllegalArgumentException e) {
                for (int j = 0; j < i; j++) {
                    final LoopContext listening = shards[j];
                    listening.executeIfRunning(() -> listening.stack().unlisten(port));
                }
                BindException bind = new BindException("cannot listen on port " + port + ": " + e.getMessage());
                bind.initCause(e);
                throw bind;
            }
        }
        return acceptor;
    }

    /** A shard's loop thread: a handshake completed. */
    private final class Listener implements TcpListener {
        private final LoopContext shard;

        Listener(LoopContext shard) {
            this.shard = shard;
        }

        @Override
        public TcpHandler onAccept(TcpConnection connection) {
            // With one queue the loop is the only producer, so the size check cannot be overtaken;
            // with several, the queue may pass the backlog by one per other shard.
            if (closed || queue.size() >= backlog) {
                overflows.incrementAndGet();
                return null; // the stack resets it
            }
            final SocketCore core = new SocketCore(shard, connection);
            queue.offer(core);
            return core;
        }
    }

    /**
     * Waits for the next connection, at most {@link #setSoTimeout} (0: for ever).
     *
     * @throws SocketTimeoutException when the timeout passed
     * @throws SocketException when the acceptor was closed (also while waiting)
     */
    public JtcpConnection accept() throws IOException {
        LoopCalls.checkNotLoopThread(loop);
        final int timeoutMs = soTimeoutMs;
        final long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        try {
            while (true) {
                if (closed) {
                    throw new SocketException("Socket is closed");
                }
                final long waitNs =
                        timeoutMs == 0 ? loop.watchdogNs() : Math.min(loop.watchdogNs(), deadline - System.nanoTime());
                if (waitNs <= 0) {
                    throw new SocketTimeoutException("Accept timed out");
                }
                final SocketCore core = queue.poll(waitNs, TimeUnit.NANOSECONDS);
                if (core == CLOSED) {
                    queue.offer(CLOSED); // for the next waiter
                    throw new SocketException("Socket is closed");
                }
                if (core != null) {
                    return new JtcpConnection(core.loop(), core);
                }
                if (loop.stopped()) {
                    throw new SocketException("jtcp host stopped");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while accepting");
        }
    }

    /** How long {@link #accept} waits; 0: for ever. */
    public void setSoTimeout(int timeoutMs) {
        if (timeoutMs < 0) {
            throw new IllegalArgumentException("negative timeout: " + timeoutMs);
        }
        soTimeoutMs = timeoutMs;
    }

    /** The accept timeout in milliseconds; 0: none. */
    public int getSoTimeout() {
        return soTimeoutMs;
    }

    /** The listening port. */
    public int port() {
        return port;
    }

    /** The accept queue's bound. */
    public int backlog() {
        return backlog;
    }

    /** Connections reset because the accept queue was full. */
    public long overflows() {
        return overflows.get();
    }

    /** True after {@link #close}. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Stops listening, resets the connections nobody accepted yet and wakes every thread in {@link
     * #accept} with SocketException. Connections already accepted are unaffected.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.offer(CLOSED);
        for (LoopContext shard : loop.shards()) {
            try {
                shard.execute(() -> {
                    shard.stack().unlisten(port);
                    for (SocketCore core : queue) {
                        if (core != CLOSED && core.loop() == shard && queue.remove(core)) {
                            core.close(true);
                        }
                    }
                });
            } catch (SocketException e) {
                // The loop stopped: nothing listens any more.
            }
        }
    }
}
