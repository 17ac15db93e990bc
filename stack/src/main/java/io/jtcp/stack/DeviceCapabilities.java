package io.jtcp.stack;

/**
 * What the device under a stack does for it, as opposed to the protocol settings in {@link
 * StackConfig}: the device layer (the TUN device with a virtio-net header, a test wire) states it
 * when it builds a {@link NetworkStack}, and the sink it passes must then accept {@link
 * PacketSink#transmitOffload}.
 *
 * @param tsoSegmentBytes TCP segmentation offload: data segments of up to this many payload bytes,
 *     which the device cuts at the connection's MSS; 0 turns it off, else 1024..65415 (IPv4 and TCP
 *     headers with options must still fit in 64 KiB) and above the stack's MSS
 * @param txChecksumOffload the device completes TCP checksums: the stack leaves the pseudo-header
 *     sum in the field (RFC 1071)
 */
public record DeviceCapabilities(int tsoSegmentBytes, boolean txChecksumOffload) {
    /** A plain device: whole packets, checksums done by the stack. */
    public static final DeviceCapabilities NONE = new DeviceCapabilities(0, false);

    /** The largest TSO payload that keeps IPv4 + TCP with options under 64 KiB. */
    public static final int MAX_TSO_SEGMENT_BYTES = 65_535 - 120;

    public DeviceCapabilities {
        if (tsoSegmentBytes != 0 && (tsoSegmentBytes < 1024 || tsoSegmentBytes > MAX_TSO_SEGMENT_BYTES)) {
            throw new IllegalArgumentException("DeviceCapabilities.tsoSegmentBytes must be 0 or 1024.."
                    + MAX_TSO_SEGMENT_BYTES + ": " + tsoSegmentBytes);
        }
    }

    /**
     * Checks these capabilities against the protocol settings: a TSO size must exceed the MSS
     * (MTU − 40), or a super-segment would carry no more than one segment.
     *
     * @throws IllegalArgumentException naming both fields
     */
    public DeviceCapabilities validateFor(StackConfig config) {
        if (tsoSegmentBytes != 0 && tsoSegmentBytes <= config.mssBytes()) {
            throw new IllegalArgumentException("DeviceCapabilities.tsoSegmentBytes (" + tsoSegmentBytes
                    + ") must be 0 or above the MSS (" + config.mssBytes() + ", StackConfig.mtuBytes "
                    + config.mtuBytes() + " - 40)");
        }
        return this;
    }
}
