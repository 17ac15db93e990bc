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

    /**
     * A packet with offload work left for the device: with {@code segmentBytes > 0} it is a TCP
     * super-segment the device must cut into segments of that payload size (TSO); with {@code
     * checksumPartial} its TCP checksum field holds only the pseudo-header sum, to be completed
     * over the segment (RFC 1071) by the device. Called only when the {@link DeviceCapabilities} the
     * stack was built with enabled it.
     */
    default void transmitOffload(
            DirectBuffer buffer, int offset, int length, int segmentBytes, boolean checksumPartial) {
        throw new UnsupportedOperationException("this sink does not do offloads");
    }
}
