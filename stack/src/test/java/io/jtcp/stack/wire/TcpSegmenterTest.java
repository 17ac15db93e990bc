package io.jtcp.stack.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.TcpPacket;

/**
 * The software cut of super-segments: pieces checked against Pcap4J (an independent parser and
 * checksum) and against jtcp's own {@link Checksum}, payload byte for byte.
 */
class TcpSegmenterTest {
    private static final int SRC = Ipv4Header.parseAddress("10.7.0.2");
    private static final int DST = Ipv4Header.parseAddress("10.7.0.1");
    private static final int SEQ = 0xFFFF_F000; // wraps inside the super-segment
    private static final int IP_ID = 0xFFFE; // wraps too

    /** IPv4 + TCP with timestamps (32-byte header) and {@code payload}, checksum as the stack leaves it. */
    private static UnsafeBuffer superSegment(byte[] payload, int flags, boolean partialChecksum) {
        final int tcpHeader = 32;
        final int total = 20 + tcpHeader + payload.length;
        UnsafeBuffer b = new UnsafeBuffer(new byte[total + 7]); // trailing slack must be ignored
        TcpHeader tcp = new TcpHeader().wrap(b, 20, tcpHeader + payload.length);
        tcp.srcPort(80)
                .dstPort(40312)
                .seq(SEQ)
                .ackNum(12345)
                .dataOffset(tcpHeader / 4)
                .flags(flags)
                .window(512);
        TcpOptions.writeTimestamps(b, 40, 777, 888);
        b.putBytes(20 + tcpHeader, payload);
        if (partialChecksum) {
            tcp.checksum(Checksum.pseudoHeaderSum(SRC, DST, Ipv4Header.PROTOCOL_TCP, tcpHeader + payload.length));
        } else {
            tcp.computeChecksum(SRC, DST);
        }
        new Ipv4Header().wrap(b, 0, total).writeHeader(total, IP_ID, 64, Ipv4Header.PROTOCOL_TCP, SRC, DST);
        return b;
    }

    private static List<byte[]> cut(UnsafeBuffer packet, int length, int mss) {
        List<byte[]> pieces = new ArrayList<>();
        int n = new TcpSegmenter().segment(packet, 0, length, mss, (buf, off, len) -> {
            byte[] copy = new byte[len];
            buf.getBytes(off, copy);
            pieces.add(copy);
        });
        assertEquals(pieces.size(), n);
        return pieces;
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void shouldCutAtTheMssWithPerPieceHeadersAndChecksums() throws Exception {
        byte[] payload = random(5000, 1);
        int flags = TcpHeader.ACK | TcpHeader.PSH | TcpHeader.FIN | TcpHeader.CWR;
        UnsafeBuffer packet = superSegment(payload, flags, true);
        List<byte[]> pieces = cut(packet, 20 + 32 + 5000, 1448);

        assertEquals(4, pieces.size());
        int[] sizes = {1448, 1448, 1448, 656};
        int at = 0;
        for (int i = 0; i < pieces.size(); i++) {
            byte[] p = pieces.get(i);
            String where = "piece " + i;
            IpV4Packet ip = IpV4Packet.newPacket(p, 0, p.length);
            assertEquals(52 + sizes[i], ip.getHeader().getTotalLengthAsInt(), where);
            assertEquals(p.length, ip.getHeader().getTotalLengthAsInt(), where);
            assertEquals((IP_ID + i) & 0xFFFF, ip.getHeader().getIdentificationAsInt(), where);
            assertTrue(ip.getHeader().getDontFragmentFlag(), where);
            assertTrue(ip.getHeader().hasValidChecksum(false), where);
            TcpPacket tcp = ip.get(TcpPacket.class);
            assertTrue(tcp.hasValidChecksum(inet(SRC), inet(DST), false), where);
            assertEquals(SEQ + at, tcp.getHeader().getSequenceNumber(), where);
            assertEquals(12345, tcp.getHeader().getAcknowledgmentNumber(), where);
            assertEquals(8, tcp.getHeader().getDataOffsetAsInt(), where);
            assertEquals(3, tcp.getHeader().getOptions().size(), where); // NOP NOP TS
            boolean last = i == pieces.size() - 1;
            assertEquals(last, tcp.getHeader().getPsh(), where);
            assertEquals(last, tcp.getHeader().getFin(), where);
            assertTrue(tcp.getHeader().getAck(), where);
            // CWR on the first piece only (the reserved nibble's neighbours: flags byte bit 7).
            assertEquals(i == 0, (p[20 + TcpHeader.FLAGS_OFFSET] & TcpHeader.CWR) != 0, where);
            byte[] expected = new byte[sizes[i]];
            System.arraycopy(payload, at, expected, 0, sizes[i]);
            assertArrayEquals(expected, tcp.getPayload().getRawData(), where);
            // jtcp's own checksum agrees.
            UnsafeBuffer b = new UnsafeBuffer(p);
            assertTrue(Checksum.verify(b, 0, 20, 0), where);
            assertTrue(
                    Checksum.verify(b, 20, p.length - 20, Checksum.pseudoHeaderSum(SRC, DST, 6, p.length - 20)), where);
            at += sizes[i];
        }
        assertEquals(payload.length, at);
    }

    @Test
    void shouldCompleteAPartialChecksumWithoutCutting() throws Exception {
        byte[] payload = random(1000, 2);
        UnsafeBuffer packet = superSegment(payload, TcpHeader.ACK | TcpHeader.PSH, true);
        List<byte[]> pieces = cut(packet, 20 + 32 + 1000, 0);
        assertEquals(1, pieces.size());
        TcpPacket tcp =
                IpV4Packet.newPacket(pieces.get(0), 0, pieces.get(0).length).get(TcpPacket.class);
        assertTrue(tcp.hasValidChecksum(inet(SRC), inet(DST), false));
        assertTrue(tcp.getHeader().getPsh());
        assertArrayEquals(payload, tcp.getPayload().getRawData());
        // Same with a segment size above the payload: still one piece.
        assertEquals(
                1, cut(superSegment(payload, TcpHeader.ACK, true), 1052, 1448).size());
    }

    @Test
    void shouldCutAnExactMultipleIntoFullPieces() throws Exception {
        byte[] payload = random(3 * 1460, 3);
        List<byte[]> pieces = cut(superSegment(payload, TcpHeader.ACK | TcpHeader.PSH, false), 52 + 3 * 1460, 1460);
        assertEquals(3, pieces.size());
        for (byte[] p : pieces) {
            assertEquals(52 + 1460, p.length);
            assertTrue(IpV4Packet.newPacket(p, 0, p.length)
                    .get(TcpPacket.class)
                    .hasValidChecksum(inet(SRC), inet(DST), false));
        }
    }

    @Test
    void shouldKeepABareAckWhole() throws Exception {
        List<byte[]> pieces = cut(superSegment(new byte[0], TcpHeader.ACK, true), 52, 1448);
        assertEquals(1, pieces.size());
        assertEquals(52, pieces.get(0).length);
        assertTrue(IpV4Packet.newPacket(pieces.get(0), 0, 52)
                .get(TcpPacket.class)
                .hasValidChecksum(inet(SRC), inet(DST), false));
    }

    @Test
    void shouldPassAnythingElseThroughUntouched() {
        // Not TCP, a fragment, a lying total length, a truncated header: passed on as given.
        UnsafeBuffer udp = superSegment(random(3000, 4), TcpHeader.ACK, true);
        udp.putByte(Ipv4Header.PROTOCOL_OFFSET, (byte) Ipv4Header.PROTOCOL_UDP);
        UnsafeBuffer fragment = superSegment(random(3000, 5), TcpHeader.ACK, true);
        fragment.putShort(Ipv4Header.FLAGS_FRAGMENT_OFFSET, (short) Ipv4Header.FLAG_MF, ByteOrder.BIG_ENDIAN);
        UnsafeBuffer lying = superSegment(random(3000, 6), TcpHeader.ACK, true);
        lying.putShort(Ipv4Header.TOTAL_LENGTH_OFFSET, (short) 9000, ByteOrder.BIG_ENDIAN);
        UnsafeBuffer badOffset = superSegment(random(10, 7), TcpHeader.ACK, true);
        badOffset.putByte(20 + TcpHeader.DATA_OFFSET_OFFSET, (byte) 0xF0); // 60 bytes > what is there
        for (UnsafeBuffer b : new UnsafeBuffer[] {udp, fragment, lying, badOffset}) {
            int length = b.capacity() - 7;
            byte[] before = new byte[length];
            b.getBytes(0, before);
            List<byte[]> pieces = cut(b, length, 1448);
            assertEquals(1, pieces.size());
            assertArrayEquals(before, pieces.get(0));
        }
        assertEquals(1, cut(new UnsafeBuffer(new byte[10]), 10, 1448).size());
    }

    @Test
    void shouldCountCutsAndReuseOneBuffer() {
        TcpSegmenter segmenter = new TcpSegmenter();
        UnsafeBuffer packet = superSegment(random(4000, 8), TcpHeader.ACK, true);
        List<Long> addresses = new ArrayList<>();
        segmenter.segment(packet, 0, 52 + 4000, 1000, (buf, off, len) -> addresses.add(buf.addressOffset() + off));
        segmenter.segment(packet, 0, 52 + 4000, 0, (buf, off, len) -> addresses.add(buf.addressOffset() + off));
        assertEquals(5, addresses.size());
        assertEquals(1, addresses.stream().distinct().count(), "one scratch buffer for every piece");
        assertEquals(1, segmenter.cut());
        assertEquals(5, segmenter.pieces());
        assertFalse(addresses.isEmpty());
    }

    /**
     * Seeded random super-segments, some with mangled headers, random segment sizes: the cut never
     * throws, never hands out more than it was given per piece, and for intact packets the pieces
     * carry the payload exactly once, each within the segment size.
     */
    @Test
    void shouldNeverThrowAndConserveThePayloadOnRandomInput() {
        Random r = new Random(0x13_13);
        TcpSegmenter segmenter = new TcpSegmenter();
        for (int round = 0; round < 3000; round++) {
            int payload = r.nextInt(8000);
            int length = 52 + payload;
            int flags = r.nextInt(256);
            UnsafeBuffer packet = superSegment(random(payload, round), flags, r.nextBoolean());
            boolean intact = r.nextInt(3) > 0;
            if (!intact) {
                for (int m = 1 + r.nextInt(4); m > 0; m--) {
                    packet.putByte(r.nextInt(52), (byte) r.nextInt());
                }
            }
            int mss = r.nextInt(3000) - 100;
            long[] carried = {0};
            String where = "round " + round + " payload " + payload + " mss " + mss;
            int n = segmenter.segment(packet, 0, length, mss, (b, off, len) -> {
                assertTrue(len <= length, where);
                if (intact) {
                    assertTrue(mss <= 0 || len - 52 <= mss, where);
                    assertTrue(
                            Checksum.verify(b, off + 20, len - 20, Checksum.pseudoHeaderSum(SRC, DST, 6, len - 20)),
                            where);
                    carried[0] += len - 52;
                }
            });
            assertTrue(n >= 1, where);
            if (intact) {
                assertEquals(payload, carried[0], where);
            }
        }
    }

    private static Inet4Address inet(int addr) throws UnknownHostException {
        return (Inet4Address) InetAddress.getByAddress(
                new byte[] {(byte) (addr >>> 24), (byte) (addr >>> 16), (byte) (addr >>> 8), (byte) addr});
    }
}
