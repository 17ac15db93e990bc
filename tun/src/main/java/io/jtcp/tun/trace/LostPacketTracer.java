package io.jtcp.tun.trace;

import io.jtcp.stack.StackTracer;
import org.agrona.DirectBuffer;

/**
 * A tracer that also hears of packets the {@code --fault} injector dropped (by its loss rate, its
 * bottleneck queue or its full pool), so a trace can show them as lost instead of as sent, and
 * show inbound ones at all: they never reach the stack. {@link #lost} tells a plain {@link
 * StackTracer} of an outbound loss as an ordinary outbound packet (what the stack sent) and of an
 * inbound one nothing, as before this interface.
 */
public interface LostPacketTracer {
    /** The packet in {@code buffer} was offered to the fault injector and dropped there. */
    void onLostPacket(long nowNs, boolean inbound, DirectBuffer buffer, int offset, int length);

    /** Tells {@code tracer} (not null) of a lost packet in the way it understands. */
    static void lost(StackTracer tracer, long nowNs, boolean inbound, DirectBuffer buffer, int offset, int length) {
        if (tracer instanceof LostPacketTracer l) {
            l.onLostPacket(nowNs, inbound, buffer, offset, length);
        } else if (!inbound) {
            tracer.onPacket(nowNs, false, buffer, offset, length);
        }
    }
}
