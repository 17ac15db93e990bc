package io.jtcp.stack.ip;

import io.jtcp.stack.wire.IcmpHeader;
import io.jtcp.stack.wire.Ipv4Header;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/** Builders for the ICMP errors and IPv4 fragments these tests inject. */
final class IcmpPackets {
    private IcmpPackets() {}

    /** A router on the path (not the peer), the usual source of a fragmentation-needed. */
    static final int ROUTER_ADDR = Ipv4Header.parseAddress("10.7.1.1");

    /**
     * An ICMP error from {@code src} to {@code dst} about {@code quoted}, of which the first
     * {@code quoteLength} bytes are copied (RFC 792: the IPv4 header and 8 bytes at least).
     */
    static byte[] error(int src, int dst, int type, int code, int nextHopMtu, byte[] quoted, int quoteLength) {
        int icmpLen = IcmpHeader.HEADER_LENGTH + quoteLength;
        int total = Ipv4Header.MIN_HEADER_LENGTH + icmpLen;
        byte[] out = new byte[total];
        UnsafeBuffer buf = new UnsafeBuffer(out);
        new Ipv4Header().wrap(buf, 0, total).writeHeader(total, 7, 64, Ipv4Header.PROTOCOL_ICMP, src, dst);
        IcmpHeader icmp = new IcmpHeader().wrap(buf, Ipv4Header.MIN_HEADER_LENGTH, icmpLen);
        icmp.type(type).code(code).identifier(0).sequence(nextHopMtu);
        buf.putBytes(icmp.dataOffset(), quoted, 0, quoteLength);
        icmp.computeChecksum();
        return out;
    }

    /** The usual quote: header and 8 bytes. */
    static byte[] error(int src, int dst, int type, int code, int nextHopMtu, byte[] quoted) {
        return error(src, dst, type, code, nextHopMtu, quoted, 28);
    }

    /**
     * Cuts a whole datagram (20-byte header) into fragments whose payload starts at the given
     * offsets (multiples of 8, ascending, the first 0), in that order.
     */
    static List<byte[]> fragments(byte[] datagram, int... payloadStarts) {
        int payload = datagram.length - 20;
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < payloadStarts.length; i++) {
            int start = payloadStarts[i];
            int end = i + 1 < payloadStarts.length ? payloadStarts[i + 1] : payload;
            out.add(fragment(datagram, start, end, i + 1 < payloadStarts.length));
        }
        return out;
    }

    /** One fragment: payload bytes [start, end) of {@code datagram}, MF as given. */
    static byte[] fragment(byte[] datagram, int start, int end, boolean more) {
        byte[] f = new byte[20 + end - start];
        System.arraycopy(datagram, 0, f, 0, 20);
        System.arraycopy(datagram, 20 + start, f, 20, end - start);
        new Ipv4Header()
                .wrap(new UnsafeBuffer(f), 0, f.length)
                .totalLength(f.length)
                .flagsAndFragment((more ? Ipv4Header.FLAG_MF : 0) | (start / 8))
                .computeChecksum();
        return f;
    }

    /** Sets the IPv4 identification of a datagram (and fixes its checksum). */
    static byte[] withId(byte[] datagram, int id) {
        byte[] d = Arrays.copyOf(datagram, datagram.length);
        new Ipv4Header()
                .wrap(new UnsafeBuffer(d), 0, d.length)
                .identification(id)
                .computeChecksum();
        return d;
    }

    /** Reassembles fragments the engine sent (by offset; test code, not hostile input). */
    static byte[] reassemble(List<byte[]> pieces) {
        int total = 0;
        for (byte[] p : pieces) {
            Ipv4Header h = new Ipv4Header().wrap(new UnsafeBuffer(p), 0, p.length);
            total = Math.max(total, h.fragmentOffset() * 8 + h.payloadLength());
        }
        byte[] out = new byte[20 + total];
        for (byte[] p : pieces) {
            Ipv4Header h = new Ipv4Header().wrap(new UnsafeBuffer(p), 0, p.length);
            if (h.fragmentOffset() == 0) {
                System.arraycopy(p, 0, out, 0, 20);
            }
            System.arraycopy(p, 20, out, 20 + h.fragmentOffset() * 8, h.payloadLength());
        }
        new Ipv4Header()
                .wrap(new UnsafeBuffer(out), 0, out.length)
                .totalLength(out.length)
                .flagsAndFragment(0)
                .computeChecksum();
        return out;
    }

    static int flagsAndOffset(byte[] packet) {
        return ((packet[6] & 0xFF) << 8) | (packet[7] & 0xFF);
    }
}
