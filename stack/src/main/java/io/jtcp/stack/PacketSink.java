package io.jtcp.stack;

import org.agrona.DirectBuffer;

/**
 * Where the stack puts each outgoing IPv4 packet. Called on the stack's thread; the bytes are valid
 * only for the duration of the call (the stack reuses its transmit buffer), so a sink that queues
 * must copy.
 */
@FunctionalInterface
public interface PacketSink {
    void transmit(DirectBuffer buffer, int offset, int length);
}
