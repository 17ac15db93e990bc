package io.jtcp.stack;

import io.jtcp.stack.cc.AckSample;
import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpState;
import org.agrona.DirectBuffer;

/**
 * Observes the stack: every IPv4 packet in and out, every TCP state transition, and what
 * congestion control made of every ACK. For tracing,
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

    /**
     * The sender processed an ACK (new, duplicate or SACK-only) and {@code cc} has seen it: called
     * on the engine's thread right after {@link CongestionControl#onAck}, so {@code cc.cwnd()},
     * {@code cc.ssthresh()}, {@code cc.pacingRate()} and {@code cc.phase()} are the values the ACK
     * left. One call per {@code onAck}, only while a tracer is installed. {@code sample} is the
     * connection's reused instance, valid only during the call: copy what you keep. For {@code
     * --cc-log} and congestion-window plots. A tracer whose class implements this method gets the
     * sample's delivery-rate fields on every connection, whatever its controller reads ({@link
     * CongestionControl#readsDeliveryRate()}).
     */
    default void onAck(long nowNs, TcpConnection connection, AckSample sample, CongestionControl cc) {}
}
