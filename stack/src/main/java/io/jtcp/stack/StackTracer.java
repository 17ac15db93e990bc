package io.jtcp.stack;

import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpState;
import org.agrona.DirectBuffer;

/**
 * Observes the stack: every IPv4 packet in and out, and every TCP state transition. For tracing,
 * pcap capture and teaching. Called synchronously on the stack's thread; must not call back into
 * the stack. Packet bytes are valid only during the call.
 */
public interface StackTracer {
    /** A packet arrived from the device ({@code inbound}) or is being sent. */
    default void onPacket(long nowNs, boolean inbound, DirectBuffer buffer, int offset, int length) {}

    /** A connection changed state (RFC 9293 §3.3.2). */
    default void onStateChange(long nowNs, TcpConnection connection, TcpState from, TcpState to) {}

    /** A packet from the wire was dropped, with the reason. */
    default void onDrop(long nowNs, DropReason reason, DirectBuffer buffer, int offset, int length) {}
}
