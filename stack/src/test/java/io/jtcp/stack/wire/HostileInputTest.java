package io.jtcp.stack.wire;

import static io.jtcp.stack.wire.WireTestSupport.exact;
import static io.jtcp.stack.wire.WireTestSupport.hex;
import static io.jtcp.stack.wire.WireTestSupport.naiveSum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.DropReason;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Truncated, bit-flipped, random and malformed input. Every buffer is an {@link UnsafeBuffer} over a
 * {@code byte[]} of exactly the packet's length and the tests run with Agrona bounds checks on, so a
 * read one byte past the packet throws: "never throws" here means "never reads outside the packet".
 *
 * <p>Verdicts are compared with {@link #reference}, a slow, independent restatement of the
 * validation rules (RFC 791 §3.1, RFC 9293 §3.1, RFC 792) over plain byte arrays.
 */
class HostileInputTest {
    private static final long SEED = Long.getLong("jtcp.seed", 0xBAD_F00DL);
    private static final Map<String, byte[]> GOLDEN = WireTestSupport.golden("/golden/veth-http-ping.hex");

    private final Ipv4Header ip = new Ipv4Header();
    private final TcpHeader tcp = new TcpHeader();
    private final IcmpHeader icmp = new IcmpHeader();
    private final TcpOptions options = new TcpOptions();
    /** Getter results land here so the calls cannot be skipped. */
    private long sink;

    /** The stack's receive path in miniature: IPv4, then TCP and its options, or ICMP. */
    private DropReason pipeline(byte[] packet) {
        UnsafeBuffer buf = exact(packet);
        DropReason r = ip.wrap(buf, 0, packet.length).validate();
        if (r != DropReason.NONE) {
            return r;
        }
        touchIp();
        if (ip.protocol() == Ipv4Header.PROTOCOL_TCP) {
            r = tcp.wrap(buf, ip.payloadOffset(), ip.payloadLength()).validate(ip.srcAddr(), ip.dstAddr());
            if (r != DropReason.NONE) {
                return r;
            }
            touchTcp();
            r = options.parse(tcp);
            if (r == DropReason.NONE) {
                touchOptions();
            }
            return r;
        }
        if (ip.protocol() == Ipv4Header.PROTOCOL_ICMP) {
            r = icmp.wrap(buf, ip.payloadOffset(), ip.payloadLength()).validate();
            if (r == DropReason.NONE) {
                touchIcmp(buf);
            }
            return r;
        }
        return DropReason.NONE;
    }

    private void touchIp() {
        sink += ip.version()
                + ip.ihl()
                + ip.headerLength()
                + ip.tos()
                + ip.dscp()
                + ip.ecn()
                + ip.totalLength()
                + ip.identification()
                + ip.fragmentOffset()
                + ip.ttl()
                + ip.protocol()
                + ip.headerChecksum()
                + ip.srcAddr()
                + ip.dstAddr()
                + ip.payloadOffset()
                + ip.payloadLength();
        sink += (ip.reservedFlag() ? 1 : 0) + (ip.dontFragment() ? 2 : 0) + (ip.moreFragments() ? 4 : 0);
        assertTrue(ip.payloadOffset() + ip.payloadLength() <= ip.bufferLength());
    }

    private void touchTcp() {
        sink += tcp.srcPort()
                + tcp.dstPort()
                + tcp.seq()
                + tcp.ackNum()
                + tcp.dataOffset()
                + tcp.headerLength()
                + tcp.flags()
                + tcp.window()
                + tcp.checksum()
                + tcp.urgentPointer()
                + tcp.optionsOffset()
                + tcp.optionsLength()
                + tcp.payloadOffset()
                + tcp.payloadLength();
        sink += (tcp.fin() ? 1 : 0)
                + (tcp.syn() ? 1 : 0)
                + (tcp.rst() ? 1 : 0)
                + (tcp.psh() ? 1 : 0)
                + (tcp.ack() ? 1 : 0)
                + (tcp.urg() ? 1 : 0)
                + (tcp.ece() ? 1 : 0)
                + (tcp.cwr() ? 1 : 0);
        assertTrue(tcp.optionsLength() >= 0 && tcp.optionsLength() <= 40);
        assertTrue(tcp.payloadLength() >= 0);
        // The payload is inside the buffer: reading its last byte must not throw.
        if (tcp.payloadLength() > 0) {
            sink += tcp.buffer().getByte(tcp.payloadOffset() + tcp.payloadLength() - 1);
        }
    }

    private void touchOptions() {
        sink += options.mss() + options.windowScale() + options.tsVal() + options.tsEcr() + options.sackBlockCount();
        sink += (options.sackPermitted() ? 1 : 0) + (options.hasTimestamps() ? 1 : 0);
        assertTrue(options.windowScale() <= TcpOptions.MAX_WSCALE);
        assertTrue(options.sackBlockCount() <= TcpOptions.MAX_SACK_BLOCKS);
        for (int b = 0; b < options.sackBlockCount(); b++) {
            sink += options.sackLeft(b) + options.sackRight(b);
        }
    }

    private void touchIcmp(UnsafeBuffer buf) {
        sink += icmp.type()
                + icmp.code()
                + icmp.checksum()
                + icmp.identifier()
                + icmp.sequence()
                + icmp.nextHopMtu()
                + icmp.dataOffset()
                + icmp.dataLength();
        if (icmp.dataLength() > 0) {
            sink += buf.getByte(icmp.dataOffset() + icmp.dataLength() - 1);
        }
    }

    // ------------------------------------------------------------------ the reference model

    private static int u8(byte[] p, int i) {
        return p[i] & 0xFF;
    }

    private static int u16(byte[] p, int i) {
        return (u8(p, i) << 8) | u8(p, i + 1);
    }

    /** What the pipeline must answer, derived from the RFCs with plain array code. */
    static DropReason reference(byte[] p) {
        if (p.length < 20) {
            return DropReason.IP_TRUNCATED;
        }
        if (u8(p, 0) >>> 4 != 4) {
            return DropReason.IP_BAD_VERSION;
        }
        int ihlBytes = (u8(p, 0) & 0xF) * 4;
        if (ihlBytes < 20) {
            return DropReason.IP_BAD_IHL;
        }
        if (ihlBytes > p.length) {
            return DropReason.IP_HEADER_TRUNCATED;
        }
        int total = u16(p, 2);
        if (total < ihlBytes || total > p.length) {
            return DropReason.IP_BAD_TOTAL_LENGTH;
        }
        if (naiveSum(p, 0, ihlBytes, 0) != 0xFFFF) {
            return DropReason.IP_BAD_CHECKSUM;
        }
        if ((u16(p, 6) & 0x3FFF) != 0) { // MF or a fragment offset
            return DropReason.IP_FRAGMENT;
        }
        int protocol = u8(p, 9);
        int segLength = total - ihlBytes;
        if (protocol == 6) {
            if (segLength < 20) {
                return DropReason.TCP_TRUNCATED;
            }
            int headerBytes = (u8(p, ihlBytes + 12) >>> 4) * 4;
            if (headerBytes < 20 || headerBytes > segLength) {
                return DropReason.TCP_BAD_DATA_OFFSET;
            }
            byte[] pseudo = new byte[12];
            System.arraycopy(p, 12, pseudo, 0, 8);
            pseudo[9] = 6;
            pseudo[10] = (byte) (segLength >>> 8);
            pseudo[11] = (byte) segLength;
            if (naiveSum(p, ihlBytes, segLength, naiveSum(pseudo, 0, 12, 0)) != 0xFFFF) {
                return DropReason.TCP_BAD_CHECKSUM;
            }
            return referenceOptions(p, ihlBytes + 20, headerBytes - 20);
        }
        if (protocol == 1) {
            if (segLength < 8) {
                return DropReason.ICMP_TRUNCATED;
            }
            return naiveSum(p, ihlBytes, segLength, 0) == 0xFFFF ? DropReason.NONE : DropReason.ICMP_BAD_CHECKSUM;
        }
        return DropReason.NONE;
    }

    /**
     * RFC 9293 §3.1 option rules: EOL ends the list, NOP is one byte, every other option has a
     * length byte of at least 2 that stays inside the list; MSS, window scale, SACK-permitted and
     * timestamps have fixed lengths (RFC 9293 §3.2, RFC 7323, RFC 2018), SACK carries 1..n 8-byte
     * blocks; unknown kinds are skipped.
     */
    static DropReason referenceOptions(byte[] p, int from, int length) {
        int i = from;
        int end = from + length;
        while (i < end) {
            int kind = u8(p, i);
            if (kind == 0) {
                return DropReason.NONE;
            }
            if (kind == 1) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                return DropReason.TCP_BAD_OPTIONS;
            }
            int len = u8(p, i + 1);
            if (len < 2 || len > end - i) {
                return DropReason.TCP_BAD_OPTIONS;
            }
            boolean ok;
            switch (kind) {
                case 2:
                    ok = len == 4;
                    break;
                case 3:
                    ok = len == 3;
                    break;
                case 4:
                    ok = len == 2;
                    break;
                case 5:
                    ok = len >= 10 && (len - 2) % 8 == 0;
                    break;
                case 8:
                    ok = len == 10;
                    break;
                default:
                    ok = true;
            }
            if (!ok) {
                return DropReason.TCP_BAD_OPTIONS;
            }
            i += len;
        }
        return DropReason.NONE;
    }

    // ------------------------------------------------------------------ truncation

    @Test
    void shouldRejectWithLengthReasonWhenPacketIsTruncatedAtAnyLength() {
        for (Map.Entry<String, byte[]> e : GOLDEN.entrySet()) {
            byte[] p = e.getValue();
            for (int len = 0; len < p.length; len++) {
                byte[] cut = Arrays.copyOf(p, len);
                DropReason expected = len < 20 ? DropReason.IP_TRUNCATED : DropReason.IP_BAD_TOTAL_LENGTH;
                assertEquals(expected, pipeline(cut), e.getKey() + " cut to " + len);
                assertEquals(expected, reference(cut), e.getKey() + " cut to " + len);
            }
        }
    }

    @Test
    void shouldRejectWhenTransportSegmentIsTruncatedAtAnyLength() {
        // The IPv4 total length would catch these first; here the TCP and ICMP flyweights are
        // wrapped directly over the shortened segment, as a buggy caller might.
        for (Map.Entry<String, byte[]> e : GOLDEN.entrySet()) {
            byte[] p = e.getValue();
            int src = exact(p).getInt(12, java.nio.ByteOrder.BIG_ENDIAN);
            int dst = exact(p).getInt(16, java.nio.ByteOrder.BIG_ENDIAN);
            boolean isTcp = p[9] == 6;
            int headerBytes = isTcp ? (u8(p, 32) >>> 4) * 4 : 8;
            for (int len = 0; len < p.length - 20; len++) {
                byte[] seg = Arrays.copyOfRange(p, 20, 20 + len);
                String where = e.getKey() + " segment cut to " + len;
                if (isTcp) {
                    DropReason r = new TcpHeader().wrap(exact(seg), 0, len).validate(src, dst);
                    DropReason expected = len < 20
                            ? DropReason.TCP_TRUNCATED
                            : len < headerBytes ? DropReason.TCP_BAD_DATA_OFFSET : DropReason.TCP_BAD_CHECKSUM;
                    assertEquals(expected, r, where);
                } else {
                    DropReason r = new IcmpHeader().wrap(exact(seg), 0, len).validate();
                    assertEquals(
                            len < headerBytes ? DropReason.ICMP_TRUNCATED : DropReason.ICMP_BAD_CHECKSUM, r, where);
                }
            }
        }
    }

    // ------------------------------------------------------------------ bit flips

    @Test
    void shouldRejectEverySingleBitFlipWhenPacketWasValid() {
        // A flipped bit changes one 16-bit word by 2^k, never a multiple of 0xFFFF, so the one's
        // complement sum always moves: no single flip can leave a valid packet (RFC 1071 §2).
        int flips = 0;
        for (Map.Entry<String, byte[]> e : GOLDEN.entrySet()) {
            byte[] p = e.getValue();
            for (int bit = 0; bit < p.length * 8; bit++) {
                byte[] bad = p.clone();
                bad[bit >>> 3] ^= (byte) (0x80 >>> (bit & 7));
                String where = e.getKey() + " bit " + bit;
                DropReason r = pipeline(bad);
                assertNotEquals(DropReason.NONE, r, where);
                assertEquals(reference(bad), r, where);
                String layer = bit < 160 ? "IP_" : p[9] == 6 ? "TCP_" : "ICMP_";
                assertTrue(r.name().startsWith(layer), where + " gave " + r);
                flips++;
            }
        }
        assertEquals(8 * GOLDEN.values().stream().mapToInt(b -> b.length).sum(), flips);
    }

    // ------------------------------------------------------------------ random bytes

    @Test
    void shouldNeverThrowWhenValidatingRandomBytesOfEveryLength() {
        Random r = new Random(SEED);
        for (int len = 0; len <= 1600; len++) {
            for (int variant = 0; variant < 4; variant++) {
                byte[] p = new byte[len];
                r.nextBytes(p);
                if (variant > 0) {
                    makePlausible(r, p, variant);
                }
                String where = "seed=" + SEED + " len=" + len + " variant=" + variant;
                assertEquals(reference(p), pipeline(p), where);

                // Each flyweight alone, wrapped over the whole array.
                UnsafeBuffer buf = exact(p);
                ip.wrap(buf, 0, len);
                if (ip.validate() == DropReason.NONE) {
                    touchIp();
                }
                tcp.wrap(buf, 0, len);
                DropReason t = tcp.validate(r.nextInt(), r.nextInt());
                assertTrue(t == DropReason.NONE || t.name().startsWith("TCP_"), where);
                if (tcp.validateLength() == DropReason.NONE) {
                    touchTcp();
                }
                DropReason o = options.parse(buf, 0, len);
                assertEquals(referenceOptions(p, 0, len), o, where);
                if (o == DropReason.NONE) {
                    touchOptions();
                }
                icmp.wrap(buf, 0, len);
                if (icmp.validate() == DropReason.NONE) {
                    touchIcmp(buf);
                }
            }
        }
        assertNotEquals(0, sink | 1);
    }

    /**
     * Random bytes shaped so the checks pass more and more often: variant 1 fixes the IPv4 version
     * and header length, variant 2 also a consistent total length and IPv4 checksum, variant 3 also
     * a TCP or ICMP checksum. Options stay random, so the option parser sees every kind of garbage
     * behind a valid checksum.
     */
    private static void makePlausible(Random r, byte[] p, int variant) {
        if (p.length < 20) {
            return;
        }
        int ihlWords = 5 + r.nextInt(r.nextInt(4) == 0 ? 11 : 1);
        int ihlBytes = ihlWords * 4;
        if (ihlBytes > p.length) {
            ihlWords = 5;
            ihlBytes = 20;
        }
        p[0] = (byte) (0x40 | ihlWords);
        if (variant < 2) {
            return;
        }
        int total = ihlBytes + r.nextInt(p.length - ihlBytes + 1);
        p[2] = (byte) (total >>> 8);
        p[3] = (byte) total;
        p[6] &= (byte) (r.nextInt(8) == 0 ? 0xFF : 0x80); // mostly not a fragment
        p[9] = (byte) (r.nextBoolean() ? 6 : 1);
        int segLength = total - ihlBytes;
        if (variant == 3 && p[9] == 6 && segLength >= 20) {
            p[ihlBytes + 12] = (byte) ((5 + r.nextInt(Math.min(11, (segLength - 20) / 4 + 1))) << 4);
            p[ihlBytes + 16] = 0;
            p[ihlBytes + 17] = 0;
            byte[] pseudo = new byte[12];
            System.arraycopy(p, 12, pseudo, 0, 8);
            pseudo[9] = 6;
            pseudo[10] = (byte) (segLength >>> 8);
            pseudo[11] = (byte) segLength;
            int c = ~naiveSum(p, ihlBytes, segLength, naiveSum(pseudo, 0, 12, 0)) & 0xFFFF;
            p[ihlBytes + 16] = (byte) (c >>> 8);
            p[ihlBytes + 17] = (byte) c;
        } else if (variant == 3 && p[9] == 1 && segLength >= 8) {
            p[ihlBytes + 2] = 0;
            p[ihlBytes + 3] = 0;
            int c = ~naiveSum(p, ihlBytes, segLength, 0) & 0xFFFF;
            p[ihlBytes + 2] = (byte) (c >>> 8);
            p[ihlBytes + 3] = (byte) c;
        }
        p[10] = 0;
        p[11] = 0;
        int c = ~naiveSum(p, 0, ihlBytes, 0) & 0xFFFF;
        p[10] = (byte) (c >>> 8);
        p[11] = (byte) c;
    }

    @Test
    void shouldReachEveryVerdictWhenFuzzing() {
        // Guards the fuzzer itself: if makePlausible stopped producing valid packets, the test
        // above would only ever exercise the first check.
        Random r = new Random(SEED);
        java.util.EnumSet<DropReason> seen = java.util.EnumSet.noneOf(DropReason.class);
        for (int len = 0; len <= 1600; len++) {
            for (int variant = 0; variant < 4; variant++) {
                byte[] p = new byte[len];
                r.nextBytes(p);
                if (variant > 0) {
                    makePlausible(r, p, variant);
                }
                seen.add(pipeline(p));
                r.nextInt();
                r.nextInt();
            }
        }
        for (DropReason expected : new DropReason[] {
            DropReason.NONE,
            DropReason.IP_TRUNCATED,
            DropReason.IP_BAD_VERSION,
            DropReason.IP_BAD_TOTAL_LENGTH,
            DropReason.IP_BAD_CHECKSUM,
            DropReason.IP_FRAGMENT,
            DropReason.TCP_BAD_CHECKSUM,
            DropReason.TCP_BAD_OPTIONS,
            DropReason.ICMP_BAD_CHECKSUM
        }) {
            assertTrue(seen.contains(expected), "fuzzer never produced " + expected + "; saw " + seen);
        }
    }

    // ------------------------------------------------------------------ IPv4 by hand

    /** A valid 20-byte header (with checksum) of the given total length, padded with zero bytes. */
    private static byte[] ipPacket(int bufferLength, int ihlWords, int totalLength, int flagsAndFragment) {
        byte[] p = new byte[bufferLength];
        UnsafeBuffer b = exact(p);
        Ipv4Header h = new Ipv4Header().wrap(b, 0, bufferLength);
        h.versionAndIhl(4, ihlWords)
                .totalLength(totalLength)
                .flagsAndFragment(flagsAndFragment)
                .ttl(64)
                .protocol(Ipv4Header.PROTOCOL_UDP)
                .srcAddr(WireTestSupport.ipv4(10, 7, 0, 1))
                .dstAddr(WireTestSupport.ipv4(10, 7, 0, 2));
        if (ihlWords * 4 <= bufferLength && ihlWords >= 5) {
            h.computeChecksum();
        }
        return p;
    }

    @Test
    void shouldNameTheBrokenFieldWhenIpv4HeaderIsMalformed() {
        assertEquals(DropReason.NONE, validateIp(ipPacket(40, 5, 40, Ipv4Header.FLAG_DF)));
        assertEquals(DropReason.NONE, validateIp(ipPacket(60, 15, 60, 0)));
        // Trailing bytes beyond the total length (Ethernet padding) are ignored.
        assertEquals(DropReason.NONE, validateIp(ipPacket(64, 5, 46, 0)));
        byte[] v6 = ipPacket(40, 5, 40, 0);
        v6[0] = 0x65;
        assertEquals(DropReason.IP_BAD_VERSION, validateIp(v6));
        assertEquals(DropReason.IP_BAD_IHL, validateIp(ipPacket(40, 4, 40, 0)));
        assertEquals(DropReason.IP_BAD_IHL, validateIp(ipPacket(40, 0, 40, 0)));
        assertEquals(DropReason.IP_HEADER_TRUNCATED, validateIp(ipPacket(40, 15, 40, 0)));
        assertEquals(DropReason.IP_BAD_TOTAL_LENGTH, validateIp(ipPacket(40, 5, 41, 0)));
        assertEquals(DropReason.IP_BAD_TOTAL_LENGTH, validateIp(ipPacket(40, 5, 19, 0)));
        assertEquals(DropReason.IP_BAD_TOTAL_LENGTH, validateIp(ipPacket(60, 10, 39, 0)));
        assertEquals(DropReason.IP_FRAGMENT, validateIp(ipPacket(40, 5, 40, Ipv4Header.FLAG_MF)));
        assertEquals(DropReason.IP_FRAGMENT, validateIp(ipPacket(40, 5, 40, 185)));
        // The reserved flag is ignored on receipt (RFC 791 says it must be zero when sent).
        assertEquals(DropReason.NONE, validateIp(ipPacket(40, 5, 40, 0x8000)));
        byte[] bad = ipPacket(40, 5, 40, 0);
        bad[8]++; // TTL changed without fixing the checksum
        assertEquals(DropReason.IP_BAD_CHECKSUM, validateIp(bad));
    }

    private static DropReason validateIp(byte[] p) {
        return new Ipv4Header().wrap(exact(p), 0, p.length).validate();
    }

    @Test
    void shouldRejectDataOffsetWhenBelowFiveOrPastSegment() {
        byte[] seg = new byte[24];
        TcpHeader h = new TcpHeader().wrap(exact(seg), 0, seg.length);
        for (int words = 0; words < 16; words++) {
            h.dataOffset(words);
            DropReason expected = words < 5 || words * 4 > 24 ? DropReason.TCP_BAD_DATA_OFFSET : DropReason.NONE;
            assertEquals(expected, h.validateLength(), "data offset " + words);
        }
    }

    // ------------------------------------------------------------------ hostile options

    private DropReason parseOptions(String hexBytes) {
        byte[] p = hex(hexBytes);
        DropReason r = options.parse(exact(p), 0, p.length);
        assertEquals(referenceOptions(p, 0, p.length), r, hexBytes);
        return r;
    }

    @Test
    void shouldRejectWhenOptionLengthIsZeroOrOne() {
        // A length below 2 would loop forever or step backwards if accepted.
        assertEquals(DropReason.TCP_BAD_OPTIONS, parseOptions("02000000"));
        assertEquals(DropReason.TCP_BAD_OPTIONS, parseOptions("1e000000"));
        assertEquals(DropReason.TCP_BAD_OPTIONS, parseOptions("02010000"));
        assertEquals(DropReason.TCP_BAD_OPTIONS, parseOptions("1e010000"));
    }

    @Test
    void shouldRejectWhenOptionRunsPastTheHeader() {
        assertEquals(DropReason.TCP_BAD_OPTIONS, parseOptions("020405"));
        assertEquals(DropReason.TCP_BAD_OPTIONS, parseOptions("01010204"));
        assertEquals(DropReason.TCP_BAD_OPTIONS, parseOptions("080a000000010000"));
        assertEquals(DropReason.TCP_BAD_OPTIONS, parseOptions("1eff0000"));
        // A kind byte with no room for its length byte.
        assertEquals(DropReason.TCP_BAD_OPTIONS, parseOptions("010101" + "02"));
        assertEquals(DropReason.TCP_BAD_OPTIONS, parseOptions("1e"));
    }

    @Test
    void shouldRejectWhenKnownOptionHasWrongLength() {
        assertEquals(DropReason.TCP_BAD_OPTIONS, parseOptions("02030500"), "MSS with length 3");
        assertEquals(DropReason.TCP_BAD_OPTIONS, parseOptions("0205050000000000"), "MSS with length 5");
        assertEquals(DropReason.TCP_BAD_OPTIONS, parseOptions("03040700"), "wscale with length 4");
        assertEquals(DropReason.TCP_BAD_OPTIONS, parseOptions("04030000"), "SACK-permitted with length 3");
        assertEquals(DropReason.TCP_BAD_OPTIONS, parseOptions("0505010203000000"), "SACK with 3 bytes of blocks");
        assertEquals(DropReason.TCP_BAD_OPTIONS, parseOptions("05020000"), "SACK with no block");
        assertEquals(DropReason.TCP_BAD_OPTIONS, parseOptions("080900000001000000020000"), "timestamps length 9");
        assertEquals(DropReason.TCP_BAD_OPTIONS, parseOptions("080b0000000100000002000000"), "timestamps length 11");
    }

    @Test
    void shouldCapWindowScaleAtFourteenWhenPeerSendsMore() {
        // RFC 7323 §2.3: a shift count above 14 is logged and used as 14.
        for (int shift = 0; shift < 256; shift++) {
            assertEquals(DropReason.NONE, parseOptions("010303" + hexByte(shift)));
            assertEquals(Math.min(shift, 14), options.windowScale(), "shift " + shift);
        }
    }

    private static String hexByte(int b) {
        return String.format("%02x", b);
    }

    @Test
    void shouldSkipUnknownKindsWhenTheirLengthIsSane() {
        // RFC 9293 §3.1: options a receiver does not implement are skipped by their length.
        assertEquals(DropReason.NONE, parseOptions("1e06aabbccdd" + "020405b4" + "1b02" + "0303" + "07"));
        assertEquals(1460, options.mss());
        assertEquals(7, options.windowScale());
        assertEquals(DropReason.NONE, parseOptions("fe04abcd" + "0402"));
        assertTrue(options.sackPermitted());
        assertEquals(-1, options.mss());
    }

    @Test
    void shouldStopAtEndOfListWhenGarbageFollows() {
        assertEquals(DropReason.NONE, parseOptions("020405b4" + "00" + "02ff0303"));
        assertEquals(1460, options.mss());
        assertEquals(DropReason.NONE, parseOptions("01010101"));
        assertEquals(DropReason.NONE, parseOptions(""));
    }

    @Test
    void shouldReadSackBlocksWhenLengthIsWholeBlocks() {
        assertEquals(DropReason.NONE, parseOptions("0101050a0000000100000002"));
        assertEquals(1, options.sackBlockCount());
        assertEquals(1, options.sackLeft(0));
        assertEquals(2, options.sackRight(0));
        String four =
                "0101" + "0522" + "0000000a0000000b" + "0000000c0000000d" + "fffffff0ffffffff" + "0000000100000002";
        assertEquals(DropReason.NONE, parseOptions(four));
        assertEquals(4, options.sackBlockCount());
        assertEquals(0xFFFF_FFF0, options.sackLeft(2));
        assertEquals(2, options.sackRight(3));
    }

    @Test
    void shouldForgetPreviousSegmentWhenParsingAgain() {
        // One TcpOptions serves every segment: nothing may leak from the last one.
        assertEquals(DropReason.NONE, parseOptions("020405b4" + "010303" + "07" + "0402" + "080a0000000100000002"));
        assertEquals(DropReason.NONE, parseOptions("0101050a0000000100000002"));
        assertEquals(-1, options.mss());
        assertEquals(-1, options.windowScale());
        assertFalse(options.sackPermitted());
        assertFalse(options.hasTimestamps());
        assertEquals(0, options.tsVal());
        assertEquals(1, options.sackBlockCount());
        assertEquals(DropReason.TCP_BAD_OPTIONS, parseOptions("020405b4" + "0203"));
        assertEquals(DropReason.NONE, parseOptions(""));
        assertEquals(-1, options.mss());
        assertEquals(0, options.sackBlockCount());
    }

    @Test
    void shouldParseWhatWritersWriteWhenLayingOutAllOptions() {
        byte[] p = new byte[40];
        UnsafeBuffer b = exact(p);
        int o = TcpOptions.writeMss(b, 0, 1460);
        o = TcpOptions.writeWindowScale(b, o, 9);
        o = TcpOptions.writeSackPermitted(b, o);
        o = TcpOptions.writeTimestamps(b, o, 0x01020304, 0x05060708);
        int[] edges = {100, 200};
        o = TcpOptions.writeSack(b, o, edges, 1);
        assertEquals(36, o);
        o = TcpOptions.pad(b, 0, TcpOptions.writeNop(b, o));
        assertEquals(40, o);
        assertEquals(DropReason.NONE, options.parse(b, 0, 40));
        assertEquals(1460, options.mss());
        assertEquals(9, options.windowScale());
        assertTrue(options.sackPermitted());
        assertEquals(0x01020304, options.tsVal());
        assertEquals(0x05060708, options.tsEcr());
        assertEquals(1, options.sackBlockCount());
        assertEquals(100, options.sackLeft(0));
        assertEquals(200, options.sackRight(0));
        // Written after the NOP: EOL padding, the byte pattern RFC 9293 §3.1 expects.
        assertEquals(
                "0100000", WireTestSupport.toHex(Arrays.copyOfRange(p, 36, 40)).substring(0, 7));
    }
}
