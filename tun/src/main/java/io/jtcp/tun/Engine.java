package io.jtcp.tun;

import io.jtcp.stack.NetworkStack;
import io.jtcp.tun.service.ServiceTimers;
import org.agrona.MutableDirectBuffer;

/**
 * What the event loop drives: the four calls of {@link NetworkStack}'s driving contract. An
 * interface so the loop and the device can be tested with a stand-in engine.
 */
public interface Engine {
    void onPacket(long nowNs, MutableDirectBuffer buffer, int offset, int length);

    /** A packet whose TCP checksum the device vouches for (virtio-net header flags). */
    default void onPacket(long nowNs, MutableDirectBuffer buffer, int offset, int length, boolean checksumTrusted) {
        onPacket(nowNs, buffer, offset, length);
    }

    void onTimeout(long nowNs);

    void flush(long nowNs);

    long nextDeadlineNs();

    /** Called once on the loop thread when the loop stops. */
    default void shutdown(long nowNs) {}

    /** Graceful shutdown starts: stop accepting, close every connection with FIN. */
    default void closeGracefully(long nowNs) {}

    /** The last failure the engine caught in one connection's work (null if none since the last call). */
    default Throwable takeConnectionError() {
        return null;
    }

    /**
     * A line describing the memory budget while it is under pressure (new connections refused),
     * else null.
     */
    default String memoryPressure() {
        return null;
    }

    /** The heap ran out outside any one connection's work: give spare memory back. */
    default void onOutOfMemory() {}

    /** Connections a graceful shutdown still waits for. */
    default int openConnections() {
        return 0;
    }

    static Engine of(NetworkStack stack) {
        return of(stack, new ServiceTimers());
    }

    /**
     * The stack with the services' timers: they learn the loop's time at each entry point, fire
     * after the stack's timers (their closes go out in the same cycle's flush), and their earliest
     * deadline joins the stack's in the loop's sleep.
     */
    static Engine of(NetworkStack stack, ServiceTimers timers) {
        return new Engine() {
            @Override
            public void onPacket(long nowNs, MutableDirectBuffer buffer, int offset, int length) {
                timers.now(nowNs);
                stack.onPacket(nowNs, buffer, offset, length);
            }

            @Override
            public void onPacket(
                    long nowNs, MutableDirectBuffer buffer, int offset, int length, boolean checksumTrusted) {
                timers.now(nowNs);
                stack.onPacket(nowNs, buffer, offset, length, checksumTrusted);
            }

            @Override
            public void onTimeout(long nowNs) {
                timers.now(nowNs);
                stack.onTimeout(nowNs);
                timers.fire(nowNs);
            }

            @Override
            public void flush(long nowNs) {
                timers.now(nowNs);
                stack.flush(nowNs);
            }

            @Override
            public long nextDeadlineNs() {
                final long a = stack.nextDeadlineNs();
                final long b = timers.nextDeadlineNs();
                if (a == Long.MAX_VALUE) {
                    return b;
                }
                if (b == Long.MAX_VALUE) {
                    return a;
                }
                return a - b <= 0 ? a : b;
            }

            @Override
            public void closeGracefully(long nowNs) {
                stack.closeAll(nowNs);
            }

            @Override
            public int openConnections() {
                return stack.openConnectionCount();
            }

            @Override
            public Throwable takeConnectionError() {
                return stack.takeConnectionError();
            }

            @Override
            public void onOutOfMemory() {
                stack.onOutOfMemory();
            }

            @Override
            public String memoryPressure() {
                if (!stack.memoryPressure()) {
                    return null;
                }
                return "memory budget under pressure (" + (stack.memoryUsedBytes() >> 20) + " of "
                        + (stack.memoryBudgetBytes() >> 20) + " MiB in use, " + stack.connectionCount()
                        + " connections): refusing new connections, buffers not growing";
            }

            @Override
            public void shutdown(long nowNs) {
                // What the grace period did not close gets a RST, so peers do not wait for
                // timeouts (RFC 9293 §3.10.5 ABORT).
                stack.abortAll(nowNs);
                stack.flush(nowNs);
            }
        };
    }
}
