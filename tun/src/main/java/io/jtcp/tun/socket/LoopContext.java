package io.jtcp.tun.socket;

import io.jtcp.stack.NetworkStack;
import io.jtcp.tun.JtcpHost;
import io.jtcp.tun.StackLoop;
import java.net.SocketException;

/**
 * The event loop as the socket layer sees it: a stack that only its loop thread may touch, and a
 * task queue into that thread. An interface so the layer can be driven by a loop without a device
 * (tests, benchmarks).
 */
interface LoopContext {
    /** The engine; only the loop thread may call it. */
    NetworkStack stack();

    /**
     * Queues {@code task} for the loop thread and wakes it.
     *
     * @throws SocketException when the loop no longer takes tasks (the host is stopping)
     */
    void execute(Runnable task) throws SocketException;

    /**
     * Runs {@code task} on the loop, or not at all when the loop has stopped: its shutdown ended
     * every connection it owned, so a close or abort has nothing left to do.
     */
    default void executeIfRunning(Runnable task) {
        try {
            execute(task);
        } catch (SocketException e) {
            // The loop stopped.
        }
    }

    boolean inLoopThread();

    /** True once the loop has stopped for good: a task queued now may never run. */
    boolean stopped();

    /** The local IPv4 address of the stack, as an int. */
    int localAddr();

    /**
     * How long a waiting caller sleeps before it checks {@link #stopped()}: the backstop for a task
     * queued just as the loop stopped. Tests make it long, so that a lost wake-up hangs them instead
     * of only slowing them down.
     */
    default long watchdogNs() {
        return Op.SLICE_NS;
    }

    /**
     * The context of the shard an active open goes to: this one with one queue, else the shards in
     * turn (each opens from ports whose 4-tuple it owns).
     */
    default LoopContext forConnect() {
        return this;
    }

    /** Every shard's context (listeners go on each); just this one with one queue. */
    default LoopContext[] shards() {
        return new LoopContext[] {this};
    }

    /** The host's loops: with several queues, the first shard's context standing for all of them. */
    static LoopContext of(JtcpHost host) {
        if (host.shardCount() == 1) {
            return of(host, 0);
        }
        final LoopContext[] shards = new LoopContext[host.shardCount()];
        for (int i = 0; i < shards.length; i++) {
            shards[i] = of(host, i);
        }
        return new LoopContext() {
            @Override
            public NetworkStack stack() {
                return shards[0].stack();
            }

            @Override
            public void execute(Runnable task) throws SocketException {
                shards[0].execute(task);
            }

            @Override
            public boolean inLoopThread() {
                for (LoopContext shard : shards) {
                    if (shard.inLoopThread()) {
                        return true;
                    }
                }
                return false;
            }

            @Override
            public boolean stopped() {
                return shards[0].stopped();
            }

            @Override
            public int localAddr() {
                return shards[0].localAddr();
            }

            @Override
            public LoopContext forConnect() {
                return shards[host.nextShard()];
            }

            @Override
            public LoopContext[] shards() {
                return shards.clone();
            }
        };
    }

    private static LoopContext of(JtcpHost host, int shard) {
        StackLoop loop = host.loop(shard);
        // The engine reference is taken on the loop thread (JtcpHost.stack(int) checks that).
        NetworkStack stack = loop.inLoopThread() ? host.stack(shard) : loop.call(() -> host.stack(shard));
        int addr = stack.config().localAddr();
        return new LoopContext() {
            @Override
            public NetworkStack stack() {
                return stack;
            }

            @Override
            public void execute(Runnable task) throws SocketException {
                try {
                    loop.execute(task);
                } catch (IllegalStateException e) {
                    throw new SocketException("jtcp host stopped");
                }
            }

            @Override
            public boolean inLoopThread() {
                return loop.inLoopThread();
            }

            @Override
            public boolean stopped() {
                return loop.stopped().isDone();
            }

            @Override
            public int localAddr() {
                return addr;
            }
        };
    }
}
