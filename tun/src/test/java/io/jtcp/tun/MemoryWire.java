package io.jtcp.tun;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.PacketSink;
import java.util.ArrayDeque;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Two stacks joined by an in-memory wire, for tests that need real connections without a device:
 * each side's sink queues copies of what it sends, and {@link #settle} delivers them, 1 µs of
 * virtual time per hop, until neither side has anything left to say.
 */
public final class MemoryWire {
    private final ArrayDeque<byte[]> toServer = new ArrayDeque<>();
    private final ArrayDeque<byte[]> toClient = new ArrayDeque<>();

    /** The sink for the server's stack: what it sends reaches the client. */
    public PacketSink serverSink() {
        return (b, o, l) -> toClient.add(copy(b, o, l));
    }

    /** The sink for the client's stack: what it sends reaches the server. */
    public PacketSink clientSink() {
        return (b, o, l) -> toServer.add(copy(b, o, l));
    }

    /**
     * Flushes both stacks and delivers what they sent until the wire is quiet, at most {@code
     * maxSteps} round trips; returns the virtual time reached from {@code nowNs}.
     *
     * @throws AssertionError when the stacks are still talking after {@code maxSteps}
     */
    public long settle(NetworkStack server, NetworkStack client, long nowNs, int maxSteps) {
        long now = nowNs;
        for (int step = 0; step < maxSteps; step++) {
            server.flush(now);
            client.flush(now);
            if (toServer.isEmpty() && toClient.isEmpty()) {
                return now;
            }
            now += 1_000;
            byte[] p;
            while ((p = toServer.poll()) != null) {
                server.onPacket(now, new UnsafeBuffer(p), 0, p.length);
            }
            while ((p = toClient.poll()) != null) {
                client.onPacket(now, new UnsafeBuffer(p), 0, p.length);
            }
        }
        throw new AssertionError("did not settle in " + maxSteps + " steps");
    }

    private static byte[] copy(DirectBuffer b, int off, int len) {
        byte[] p = new byte[len];
        b.getBytes(off, p);
        return p;
    }
}
