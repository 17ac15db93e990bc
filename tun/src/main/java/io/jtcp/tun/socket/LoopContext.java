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

    static LoopContext of(JtcpHost host) {
        StackLoop loop = host.loop();
        // The engine reference is taken on the loop thread (JtcpHost.stack() checks that).
        NetworkStack stack = loop.inLoopThread() ? host.stack() : host.call(host::stack);
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
