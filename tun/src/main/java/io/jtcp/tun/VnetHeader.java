package io.jtcp.tun;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * {@code struct virtio_net_hdr} (linux/virtio_net.h), the 10 bytes before each packet on a TUN
 * device opened with {@code IFF_VNET_HDR}, in the machine's byte order (legacy virtio, as the
 * kernel uses unless TUNSETVNETLE says otherwise):
 *
 * <pre>
 *   u8 flags; u8 gso_type; u16 hdr_len; u16 gso_size; u16 csum_start; u16 csum_offset;
 * </pre>
 */
public final class VnetHeader {
    public static final int LENGTH = 10;
    public static final int FLAGS_OFFSET = 0;
    public static final int GSO_TYPE_OFFSET = 1;
    public static final int HDR_LEN_OFFSET = 2;
    public static final int GSO_SIZE_OFFSET = 4;
    public static final int CSUM_START_OFFSET = 6;
    public static final int CSUM_OFFSET_OFFSET = 8;

    /** The checksum from csum_start on is partial: the field holds the pseudo-header sum. */
    public static final int F_NEEDS_CSUM = 1;
    /** The kernel already verified the checksum. */
    public static final int F_DATA_VALID = 2;

    public static final int GSO_NONE = 0;
    public static final int GSO_TCPV4 = 1;
    /** Or'ed into gso_type when the super-segment carries ECN's CWR (linux/virtio_net.h). */
    public static final int GSO_ECN = 0x80;

    /** Offset of the TCP checksum field within the TCP header. */
    static final int TCP_CSUM_OFFSET = 16;

    private VnetHeader() {}

    /** True when the packet's TCP checksum need not (or cannot) be verified in software. */
    public static boolean checksumTrusted(DirectBuffer b, int offset) {
        return (b.getByte(offset + FLAGS_OFFSET) & (F_NEEDS_CSUM | F_DATA_VALID)) != 0;
    }

    public static void writeNone(MutableDirectBuffer b, int offset) {
        b.setMemory(offset, LENGTH, (byte) 0);
    }

    /**
     * Describes an outgoing IPv4/TCP packet at {@code packet}: a TSO super-segment to cut into
     * {@code segmentBytes}-byte payloads when that is positive, with the TCP checksum left for the
     * kernel when {@code checksumPartial}.
     */
    public static void writeOffload(
            MutableDirectBuffer h,
            int offset,
            DirectBuffer packet,
            int packetOffset,
            int segmentBytes,
            boolean checksumPartial) {
        int ipHeader = (packet.getByte(packetOffset) & 0xF) * 4;
        int tcpHeader = ((packet.getByte(packetOffset + ipHeader + 12) >> 4) & 0xF) * 4;
        h.putByte(offset + FLAGS_OFFSET, (byte) (checksumPartial ? F_NEEDS_CSUM : 0));
        h.putByte(offset + GSO_TYPE_OFFSET, (byte) (segmentBytes > 0 ? GSO_TCPV4 : GSO_NONE));
        h.putShort(offset + HDR_LEN_OFFSET, (short) (ipHeader + tcpHeader), ByteOrder.nativeOrder());
        h.putShort(offset + GSO_SIZE_OFFSET, (short) Math.max(segmentBytes, 0), ByteOrder.nativeOrder());
        h.putShort(offset + CSUM_START_OFFSET, (short) (checksumPartial ? ipHeader : 0), ByteOrder.nativeOrder());
        h.putShort(
                offset + CSUM_OFFSET_OFFSET, (short) (checksumPartial ? TCP_CSUM_OFFSET : 0), ByteOrder.nativeOrder());
    }
}
