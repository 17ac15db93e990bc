package io.jtcp.stack;

import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.tcp.TcpListener;
import java.util.function.Consumer;
import org.agrona.MutableDirectBuffer;

/**
 * The sans-I/O protocol engine: IPv4, ICMP echo and TCP (RFC 9293). It never reads a clock, never
 * blocks and never touches a device: time comes in as {@code nowNs}, packets in through {@link
 * #onPacket} and out through the {@link PacketSink}.
 *
 * <p>Driving it (one thread): per cycle, take {@code nowNs} once; {@link #onPacket} every packet
 * read; {@link #onTimeout}; {@link #flush}; sleep until {@link #nextDeadlineNs} or a packet.
 *
 * <p>Replies that belong to no connection (RST for a closed port, ICMP echo reply) go to the sink
 * during {@code onPacket}. Connection output (ACKs, data, FIN) is produced by {@link #flush}, so a
 * batch of segments for one connection is answered by one ACK.
 */
public final class NetworkStack {
    public NetworkStack(StackConfig config, PacketSink sink) {
        throw new UnsupportedOperationException("engine not implemented yet");
    }

    /** One IPv4 packet from the device. Never throws for anything the wire can contain. */
    public void onPacket(long nowNs, MutableDirectBuffer buffer, int offset, int length) {}

    /** Fires every timer due at {@code nowNs}. */
    public void onTimeout(long nowNs) {}

    /** Emits all pending connection output (ACKs, data within the windows, FINs). */
    public void flush(long nowNs) {}

    /** The earliest timer deadline, or {@link Long#MAX_VALUE} when none is armed. */
    public long nextDeadlineNs() {
        return Long.MAX_VALUE;
    }

    /** Accepts connections on {@code port}. */
    public void listen(int port, TcpListener listener) {}

    /** Stops accepting on {@code port}; established connections are unaffected. */
    public void unlisten(int port) {}

    /** Active open (RFC 9293 §3.10.1): sends SYN from an ephemeral port. */
    public TcpConnection connect(long nowNs, int remoteAddr, int remotePort, TcpHandler handler) {
        throw new UnsupportedOperationException();
    }

    /** Aborts every connection (RST) and stops listening: for shutdown. */
    public void abortAll(long nowNs) {}

    public StackCounters counters() {
        throw new UnsupportedOperationException();
    }

    public StackConfig config() {
        throw new UnsupportedOperationException();
    }

    /** Connections in the table (every state but CLOSED, TIME_WAIT included). */
    public int connectionCount() {
        return 0;
    }

    /** Visits every connection in the table (allocates an iterator; for status pages, not the hot path). */
    public void forEachConnection(Consumer<TcpConnection> visitor) {}
}
