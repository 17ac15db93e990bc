package io.jtcp.tun;

import io.jtcp.stack.wire.Ipv4Header;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * Which shard owns a connection, by its 4-tuple (the local address is the same on every shard): a
 * keyed hash, so nobody outside can choose 4-tuples that pile onto one shard, and stable for the
 * life of the host. The same function decides where an inbound packet is handled and which
 * ephemeral ports a shard may open connections from ({@link io.jtcp.stack.EphemeralPortFilter}).
 *
 * <p>Its choice need not agree with the kernel's queue choice: the kernel steers a flow to the
 * queue jtcp last wrote it on, and only the owner writes a connection's packets, so after the first
 * packets the kernel agrees by itself; until then a segment read by another shard is handed over.
 */
final class FlowSteering {
    /** Any shard may handle the packet: not TCP (ICMP echo, unknown protocols), a fragment, malformed. */
    static final int ANY = -1;

    private static final int TYPE_DEST_UNREACHABLE = 3;
    private static final int TYPE_SOURCE_QUENCH = 4;
    private static final int TYPE_TIME_EXCEEDED = 11;
    private static final int TYPE_PARAMETER_PROBLEM = 12;

    private final int shards;
    private final long key;

    FlowSteering(int shards, long key) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be positive: " + shards);
        }
        this.shards = shards;
        this.key = key;
    }

    int shards() {
        return shards;
    }

    /** The shard owning the connection {@code remoteAddr:remotePort} ↔ local {@code localPort}. */
    int shardOf(int remoteAddr, int remotePort, int localPort) {
        long h = ((long) remoteAddr << 32 | (remotePort & 0xFFFFL) << 16 | (localPort & 0xFFFFL)) ^ key;
        // MurmurHash3's 64-bit finaliser: every input bit reaches every output bit.
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        // Scaled rather than taken modulo, as the kernel's reciprocal_scale: no division.
        return (int) (((h & 0xFFFF_FFFFL) * shards) >>> 32);
    }

    /**
     * The owner of the IPv4 packet at {@code offset}: a TCP segment's connection, or the connection an
     * ICMP error quotes (RFC 1122 §4.2.3.9: it goes to that connection's state); {@link #ANY} for
     * everything else, including packets too short to say (the stack that reads them drops them).
     * A fragment is {@link #ANY}: the kernel hashes all fragments of a datagram alike (no ports), so
     * they arrive on one queue and are reassembled there.
     */
    int ownerOf(DirectBuffer b, int offset, int length) {
        if (shards == 1 || length < Ipv4Header.MIN_HEADER_LENGTH) {
            return ANY;
        }
        final int versionIhl = b.getByte(offset) & 0xFF;
        final int ihl = (versionIhl & 0x0F) * 4;
        if ((versionIhl >>> 4) != 4 || ihl < Ipv4Header.MIN_HEADER_LENGTH || ihl + 8 > length) {
            return ANY;
        }
        if ((b.getShort(offset + 6, ByteOrder.BIG_ENDIAN) & 0x3FFF) != 0) {
            return ANY; // MF set or an offset: a fragment
        }
        final int protocol = b.getByte(offset + 9) & 0xFF;
        if (protocol == Ipv4Header.PROTOCOL_TCP) {
            return shardOf(
                    b.getInt(offset + 12, ByteOrder.BIG_ENDIAN),
                    b.getShort(offset + ihl, ByteOrder.BIG_ENDIAN) & 0xFFFF,
                    b.getShort(offset + ihl + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF);
        }
        if (protocol == Ipv4Header.PROTOCOL_ICMP) {
            return ownerOfIcmpError(b, offset + ihl, length - ihl);
        }
        return ANY;
    }

    /** An ICMP error quoting one of our TCP segments: we were its source, the peer its destination. */
    private int ownerOfIcmpError(DirectBuffer b, int icmp, int length) {
        final int type = b.getByte(icmp) & 0xFF;
        if (type != TYPE_DEST_UNREACHABLE
                && type != TYPE_SOURCE_QUENCH
                && type != TYPE_TIME_EXCEEDED
                && type != TYPE_PARAMETER_PROBLEM) {
            return ANY;
        }
        final int quoted = icmp + 8;
        final int room = length - 8;
        if (room < Ipv4Header.MIN_HEADER_LENGTH) {
            return ANY;
        }
        final int ihl = (b.getByte(quoted) & 0x0F) * 4;
        if (ihl < Ipv4Header.MIN_HEADER_LENGTH
                || ihl + 4 > room
                || (b.getByte(quoted + 9) & 0xFF) != Ipv4Header.PROTOCOL_TCP) {
            return ANY;
        }
        return shardOf(
                b.getInt(quoted + 16, ByteOrder.BIG_ENDIAN),
                b.getShort(quoted + ihl + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF,
                b.getShort(quoted + ihl, ByteOrder.BIG_ENDIAN) & 0xFFFF);
    }
}
