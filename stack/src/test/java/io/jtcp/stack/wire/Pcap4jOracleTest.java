package io.jtcp.stack.wire;

import static io.jtcp.stack.wire.WireTestSupport.exact;
import static io.jtcp.stack.wire.WireTestSupport.filled;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.DropReason;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.pcap4j.packet.IcmpV4CommonPacket;
import org.pcap4j.packet.IcmpV4EchoPacket;
import org.pcap4j.packet.IcmpV4EchoReplyPacket;
import org.pcap4j.packet.IllegalRawDataException;
import org.pcap4j.packet.IpV4NoOperationOption;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc791Tos;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpMaximumSegmentSizeOption;
import org.pcap4j.packet.TcpNoOperationOption;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.TcpSackOption;
import org.pcap4j.packet.TcpSackPermittedOption;
import org.pcap4j.packet.TcpTimestampsOption;
import org.pcap4j.packet.TcpWindowScaleOption;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.IcmpV4Code;
import org.pcap4j.packet.namednumber.IcmpV4Type;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.TcpOptionKind;
import org.pcap4j.packet.namednumber.TcpPort;

/**
 * Pcap4J is an independent implementation of the same formats: on thousands of seeded random
 * headers, what it builds we must parse identically, and what we build it must parse identically,
 * checksum validity included. Override the seed with {@code -Djtcp.seed=N} to replay a failure.
 */
class Pcap4jOracleTest {
    private static final long SEED = Long.getLong("jtcp.seed", 0x5EED_0F_7C9L);
    private static final int ROUNDS = 3000;

    /** One option as generated: kind plus its values; NOPs are options too. */
    private record Opt(int kind, int a, int b, int[] sack) {
        int length() {
            switch (kind) {
                case TcpOptions.KIND_NOP:
                    return 1;
                case TcpOptions.KIND_MSS:
                    return TcpOptions.LENGTH_MSS;
                case TcpOptions.KIND_WSCALE:
                    return TcpOptions.LENGTH_WSCALE;
                case TcpOptions.KIND_SACK_PERMITTED:
                    return TcpOptions.LENGTH_SACK_PERMITTED;
                case TcpOptions.KIND_TIMESTAMPS:
                    return TcpOptions.LENGTH_TIMESTAMPS;
                default:
                    return 2 + 4 * sack.length;
            }
        }
    }

    /** A random IPv4 + TCP packet. */
    private record Spec(
            int src,
            int dst,
            int tos,
            int ipId,
            int ttl,
            boolean df,
            int srcPort,
            int dstPort,
            int seq,
            int ack,
            int flags,
            int reservedNibble,
            int window,
            int urgent,
            List<Opt> options,
            int optionsLength,
            byte[] payload,
            int ipNops) {
        /** IPv4 header with {@code ipNops} NOP options, padded with EOL to a 32-bit boundary. */
        int ipHeaderLength() {
            return 20 + ((ipNops + 3) & ~3);
        }

        int tcpHeaderLength() {
            return 20 + ((optionsLength + 3) & ~3);
        }

        int tcpLength() {
            return tcpHeaderLength() + payload.length;
        }

        int totalLength() {
            return ipHeaderLength() + tcpLength();
        }

        Opt find(int kind) {
            for (Opt o : options) {
                if (o.kind() == kind) {
                    return o;
                }
            }
            return null;
        }
    }

    private static Spec randomSpec(Random r) {
        List<Integer> kinds = new ArrayList<>(List.of(
                TcpOptions.KIND_MSS,
                TcpOptions.KIND_WSCALE,
                TcpOptions.KIND_SACK_PERMITTED,
                TcpOptions.KIND_TIMESTAMPS,
                TcpOptions.KIND_SACK));
        Collections.shuffle(kinds, r);
        List<Opt> options = new ArrayList<>();
        int space = 40;
        for (int kind : kinds) {
            if (r.nextBoolean()) {
                continue;
            }
            for (int nops = r.nextInt(3); nops > 0 && space > 0; nops--, space--) {
                options.add(new Opt(TcpOptions.KIND_NOP, 0, 0, null));
            }
            Opt o;
            switch (kind) {
                case TcpOptions.KIND_MSS:
                    o = new Opt(kind, r.nextInt(65536), 0, null);
                    break;
                case TcpOptions.KIND_WSCALE:
                    // Shift counts above 14 are legal on the wire and capped by the reader.
                    o = new Opt(kind, r.nextInt(4) == 0 ? r.nextInt(256) : r.nextInt(15), 0, null);
                    break;
                case TcpOptions.KIND_SACK_PERMITTED:
                    o = new Opt(kind, 0, 0, null);
                    break;
                case TcpOptions.KIND_TIMESTAMPS:
                    o = new Opt(kind, r.nextInt(), r.nextInt(), null);
                    break;
                default:
                    int maxBlocks = Math.min(TcpOptions.MAX_SACK_BLOCKS, (space - 2) / 8);
                    if (maxBlocks < 1) {
                        continue;
                    }
                    int[] edges = new int[2 * (1 + r.nextInt(maxBlocks))];
                    for (int i = 0; i < edges.length; i++) {
                        edges[i] = r.nextInt();
                    }
                    o = new Opt(kind, 0, 0, edges);
            }
            if (o.length() > space) {
                continue;
            }
            options.add(o);
            space -= o.length();
        }
        int payloadLength = r.nextInt(4) == 0 ? 0 : r.nextInt(1461);
        byte[] payload = new byte[payloadLength];
        r.nextBytes(payload);
        return new Spec(
                r.nextInt(),
                r.nextInt(),
                r.nextInt(256),
                r.nextInt(65536),
                1 + r.nextInt(255),
                r.nextBoolean(),
                1 + r.nextInt(65535),
                1 + r.nextInt(65535),
                r.nextInt(),
                r.nextInt(),
                r.nextInt(256),
                r.nextInt(16),
                r.nextInt(65536),
                r.nextInt(65536),
                options,
                40 - space,
                payload,
                r.nextInt(4) == 0 ? r.nextInt(41) : 0);
    }

    // ---------------------------------------------------------------- Pcap4J builds, we parse

    @Test
    void shouldAgreeOnEveryFieldWhenParsingTcpPacketsPcap4jBuilt() throws Exception {
        Random r = new Random(SEED);
        Ipv4Header ip = new Ipv4Header();
        TcpHeader tcp = new TcpHeader();
        TcpOptions parsed = new TcpOptions();
        for (int round = 0; round < ROUNDS; round++) {
            Spec s = randomSpec(r);
            String where = "seed=" + SEED + " round=" + round + " " + s;
            IpV4Packet built = pcap4jBuild(s);
            byte[] raw = built.getRawData();
            assertEquals(s.totalLength(), raw.length, where);

            ip.wrap(exact(raw), 0, raw.length);
            assertEquals(DropReason.NONE, ip.validate(), where);
            assertEquals(4, ip.version(), where);
            assertEquals(s.ipHeaderLength() / 4, ip.ihl(), where);
            assertEquals(s.tos(), ip.tos(), where);
            assertEquals(s.totalLength(), ip.totalLength(), where);
            assertEquals(s.ipId(), ip.identification(), where);
            assertFalse(ip.reservedFlag(), where);
            assertEquals(s.df(), ip.dontFragment(), where);
            assertFalse(ip.moreFragments(), where);
            assertEquals(0, ip.fragmentOffset(), where);
            assertEquals(s.ttl(), ip.ttl(), where);
            assertEquals(Ipv4Header.PROTOCOL_TCP, ip.protocol(), where);
            assertEquals(built.getHeader().getHeaderChecksum() & 0xFFFF, ip.headerChecksum(), where);
            assertEquals(s.src(), ip.srcAddr(), where);
            assertEquals(s.dst(), ip.dstAddr(), where);

            tcp.wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
            assertEquals(DropReason.NONE, tcp.validate(ip.srcAddr(), ip.dstAddr()), where);
            TcpPacket.TcpHeader th = built.get(TcpPacket.class).getHeader();
            assertEquals(s.srcPort(), tcp.srcPort(), where);
            assertEquals(s.dstPort(), tcp.dstPort(), where);
            assertEquals(s.seq(), tcp.seq(), where);
            assertEquals(s.ack(), tcp.ackNum(), where);
            assertEquals(s.tcpHeaderLength() / 4, tcp.dataOffset(), where);
            assertEquals(th.getDataOffsetAsInt(), tcp.dataOffset(), where);
            assertEquals(s.flags(), tcp.flags(), where);
            assertEquals(s.window(), tcp.window(), where);
            assertEquals(th.getChecksum() & 0xFFFF, tcp.checksum(), where);
            assertEquals(s.urgent(), tcp.urgentPointer(), where);
            assertEquals(s.payload().length, tcp.payloadLength(), where);
            byte[] payload = new byte[tcp.payloadLength()];
            tcp.buffer().getBytes(tcp.payloadOffset(), payload);
            assertArrayEquals(s.payload(), payload, where);

            assertEquals(DropReason.NONE, parsed.parse(tcp), where);
            assertOptions(s, parsed, where);

            assertChecksumVerdictsAgree(r, raw, s, where);
        }
    }

    private static void assertOptions(Spec s, TcpOptions parsed, String where) {
        Opt mss = s.find(TcpOptions.KIND_MSS);
        assertEquals(mss == null ? -1 : mss.a(), parsed.mss(), where);
        Opt ws = s.find(TcpOptions.KIND_WSCALE);
        assertEquals(ws == null ? -1 : Math.min(ws.a(), 14), parsed.windowScale(), where);
        assertEquals(s.find(TcpOptions.KIND_SACK_PERMITTED) != null, parsed.sackPermitted(), where);
        Opt ts = s.find(TcpOptions.KIND_TIMESTAMPS);
        assertEquals(ts != null, parsed.hasTimestamps(), where);
        if (ts != null) {
            assertEquals(ts.a(), parsed.tsVal(), where);
            assertEquals(ts.b(), parsed.tsEcr(), where);
        }
        Opt sack = s.find(TcpOptions.KIND_SACK);
        assertEquals(sack == null ? 0 : sack.sack().length / 2, parsed.sackBlockCount(), where);
        for (int b = 0; b < parsed.sackBlockCount(); b++) {
            assertEquals(sack.sack()[2 * b], parsed.sackLeft(b), where);
            assertEquals(sack.sack()[2 * b + 1], parsed.sackRight(b), where);
        }
    }

    /**
     * Damages one byte of a copy (an IPv4 header byte that does not change the layout, or any TCP
     * byte but the data offset) and asks both implementations whether the checksums still hold.
     */
    private static void assertChecksumVerdictsAgree(Random r, byte[] good, Spec s, String where)
            throws IllegalRawDataException {
        byte[] bad = good.clone();
        int[] ipBytes = {1, 4, 5, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
        int at;
        if (r.nextBoolean()) {
            at = ipBytes[r.nextInt(ipBytes.length)];
        } else {
            do {
                at = s.ipHeaderLength() + r.nextInt(s.tcpLength());
            } while (at == s.ipHeaderLength() + TcpHeader.DATA_OFFSET_OFFSET);
        }
        bad[at] ^= (byte) (1 + r.nextInt(255));
        where += " damaged byte " + at;
        IpV4Packet theirs = IpV4Packet.newPacket(bad, 0, bad.length);
        Ipv4Header ip = new Ipv4Header().wrap(exact(bad), 0, bad.length);
        DropReason ipVerdict = ip.validate();
        boolean theirIpValid = theirs.getHeader().hasValidChecksum(false);
        assertEquals(theirIpValid, ipVerdict != DropReason.IP_BAD_CHECKSUM, where);
        if (!theirIpValid) {
            return;
        }
        assertEquals(DropReason.NONE, ipVerdict, where);
        TcpHeader tcp = new TcpHeader().wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
        DropReason tcpVerdict = tcp.validate(ip.srcAddr(), ip.dstAddr());
        TcpPacket theirTcp = theirs.get(TcpPacket.class);
        assertNotNull(theirTcp, where);
        boolean theirTcpValid = theirTcp.hasValidChecksum(inet(ip.srcAddr()), inet(ip.dstAddr()), false);
        assertEquals(theirTcpValid, tcpVerdict == DropReason.NONE, where);
        // One damaged byte changes one 16-bit word by a non-multiple of 0xFFFF: always detected.
        assertFalse(theirTcpValid, where);
    }

    private static IpV4Packet pcap4jBuild(Spec s) throws UnknownHostException {
        List<TcpPacket.TcpOption> options = new ArrayList<>();
        for (Opt o : s.options()) {
            options.add(pcap4jOption(o));
        }
        TcpPacket.Builder tcp = new TcpPacket.Builder()
                .srcAddr(inet(s.src()))
                .dstAddr(inet(s.dst()))
                .srcPort(TcpPort.getInstance((short) s.srcPort()))
                .dstPort(TcpPort.getInstance((short) s.dstPort()))
                .sequenceNumber(s.seq())
                .acknowledgmentNumber(s.ack())
                // Pcap4J's 6 "reserved" bits are RFC 9293's 4 reserved bits, then CWR and ECE.
                .reserved((byte) ((s.reservedNibble() << 2) | (s.flags() >>> 6)))
                .urg((s.flags() & TcpHeader.URG) != 0)
                .ack((s.flags() & TcpHeader.ACK) != 0)
                .psh((s.flags() & TcpHeader.PSH) != 0)
                .rst((s.flags() & TcpHeader.RST) != 0)
                .syn((s.flags() & TcpHeader.SYN) != 0)
                .fin((s.flags() & TcpHeader.FIN) != 0)
                .window((short) s.window())
                .urgentPointer((short) s.urgent())
                .options(options)
                .paddingAtBuild(true)
                .correctLengthAtBuild(true)
                .correctChecksumAtBuild(true);
        if (s.payload().length > 0) {
            tcp.payloadBuilder(new UnknownPacket.Builder().rawData(s.payload()));
        }
        List<IpV4Packet.IpV4Option> ipOptions = new ArrayList<>();
        for (int i = 0; i < s.ipNops(); i++) {
            ipOptions.add(IpV4NoOperationOption.getInstance());
        }
        return new IpV4Packet.Builder()
                .version(IpVersion.IPV4)
                .ihl((byte) (s.ipHeaderLength() / 4))
                .options(ipOptions)
                .paddingAtBuild(true)
                .tos(IpV4Rfc791Tos.newInstance((byte) s.tos()))
                .identification((short) s.ipId())
                .dontFragmentFlag(s.df())
                .ttl((byte) s.ttl())
                .protocol(IpNumber.TCP)
                .srcAddr(inet(s.src()))
                .dstAddr(inet(s.dst()))
                .payloadBuilder(tcp)
                .correctLengthAtBuild(true)
                .correctChecksumAtBuild(true)
                .build();
    }

    private static TcpPacket.TcpOption pcap4jOption(Opt o) {
        switch (o.kind()) {
            case TcpOptions.KIND_NOP:
                return TcpNoOperationOption.getInstance();
            case TcpOptions.KIND_MSS:
                return new TcpMaximumSegmentSizeOption.Builder()
                        .maxSegSize((short) o.a())
                        .correctLengthAtBuild(true)
                        .build();
            case TcpOptions.KIND_WSCALE:
                return new TcpWindowScaleOption.Builder()
                        .shiftCount((byte) o.a())
                        .correctLengthAtBuild(true)
                        .build();
            case TcpOptions.KIND_SACK_PERMITTED:
                return TcpSackPermittedOption.getInstance();
            case TcpOptions.KIND_TIMESTAMPS:
                return new TcpTimestampsOption.Builder()
                        .tsValue(o.a())
                        .tsEchoReply(o.b())
                        .correctLengthAtBuild(true)
                        .build();
            default:
                List<TcpSackOption.Sack> sacks = new ArrayList<>();
                for (int b = 0; b < o.sack().length; b += 2) {
                    sacks.add(new TcpSackOption.Sack(o.sack()[b], o.sack()[b + 1]));
                }
                return new TcpSackOption.Builder()
                        .sacks(sacks)
                        .correctLengthAtBuild(true)
                        .build();
        }
    }

    // ---------------------------------------------------------------- we build, Pcap4J parses

    @Test
    void shouldBeReadIdenticallyByPcap4jWhenWeBuildTcpPackets() throws Exception {
        Random r = new Random(SEED + 1);
        for (int round = 0; round < ROUNDS; round++) {
            Spec s = randomSpec(r);
            String where = "seed=" + (SEED + 1) + " round=" + round + " " + s;
            byte[] out = ourBuild(s);

            IpV4Packet theirs = IpV4Packet.newPacket(out, 0, out.length);
            IpV4Packet.IpV4Header h = theirs.getHeader();
            assertEquals(IpVersion.IPV4, h.getVersion(), where);
            assertEquals(s.ipHeaderLength() / 4, h.getIhlAsInt(), where);
            assertEquals(
                    s.ipNops(),
                    h.getOptions().stream()
                            .filter(o -> o instanceof IpV4NoOperationOption)
                            .count(),
                    where);
            assertEquals(s.tos(), h.getTos().value() & 0xFF, where);
            assertEquals(s.totalLength(), h.getTotalLengthAsInt(), where);
            assertEquals(s.ipId(), h.getIdentificationAsInt(), where);
            assertFalse(h.getReservedFlag(), where);
            assertEquals(s.df(), h.getDontFragmentFlag(), where);
            assertFalse(h.getMoreFragmentFlag(), where);
            assertEquals(0, h.getFragmentOffset(), where);
            assertEquals(s.ttl(), h.getTtlAsInt(), where);
            assertEquals(IpNumber.TCP, h.getProtocol(), where);
            assertEquals(inet(s.src()), h.getSrcAddr(), where);
            assertEquals(inet(s.dst()), h.getDstAddr(), where);
            assertTrue(h.hasValidChecksum(false), where);

            TcpPacket t = theirs.get(TcpPacket.class);
            assertNotNull(t, where);
            TcpPacket.TcpHeader th = t.getHeader();
            assertEquals(s.srcPort(), th.getSrcPort().valueAsInt(), where);
            assertEquals(s.dstPort(), th.getDstPort().valueAsInt(), where);
            assertEquals(s.seq(), th.getSequenceNumber(), where);
            assertEquals(s.ack(), th.getAcknowledgmentNumber(), where);
            assertEquals(s.tcpHeaderLength() / 4, th.getDataOffsetAsInt(), where);
            // Our data-offset setter writes the 4 reserved bits as zero (RFC 9293 §3.1).
            assertEquals(s.flags() >>> 6, th.getReserved(), where);
            assertEquals((s.flags() & TcpHeader.URG) != 0, th.getUrg(), where);
            assertEquals((s.flags() & TcpHeader.ACK) != 0, th.getAck(), where);
            assertEquals((s.flags() & TcpHeader.PSH) != 0, th.getPsh(), where);
            assertEquals((s.flags() & TcpHeader.RST) != 0, th.getRst(), where);
            assertEquals((s.flags() & TcpHeader.SYN) != 0, th.getSyn(), where);
            assertEquals((s.flags() & TcpHeader.FIN) != 0, th.getFin(), where);
            assertEquals(s.window(), th.getWindowAsInt(), where);
            assertEquals(s.urgent(), th.getUrgentPointerAsInt(), where);
            assertTrue(t.hasValidChecksum(inet(s.src()), inet(s.dst()), false), where);
            assertPcap4jOptions(s, th.getOptions(), where);
            if (s.payload().length == 0) {
                assertNull(t.getPayload(), where);
            } else {
                assertArrayEquals(s.payload(), t.getPayload().getRawData(), where);
            }
        }
    }

    private static byte[] ourBuild(Spec s) {
        byte[] out = filled(s.totalLength());
        UnsafeBuffer buf = exact(out);
        // IPv4 options: NOPs, then EOL up to the header length (RFC 791 §3.1).
        for (int i = 20; i < s.ipHeaderLength(); i++) {
            buf.putByte(i, (byte) (i < 20 + s.ipNops() ? 1 : 0));
        }
        new Ipv4Header()
                .wrap(buf, 0, out.length)
                .versionAndIhl(4, s.ipHeaderLength() / 4)
                .tos(s.tos())
                .totalLength(s.totalLength())
                .identification(s.ipId())
                .flagsAndFragment(s.df() ? Ipv4Header.FLAG_DF : 0)
                .ttl(s.ttl())
                .protocol(Ipv4Header.PROTOCOL_TCP)
                .srcAddr(s.src())
                .dstAddr(s.dst())
                .computeChecksum();
        TcpHeader tcp = new TcpHeader()
                .wrap(buf, s.ipHeaderLength(), s.tcpLength())
                .srcPort(s.srcPort())
                .dstPort(s.dstPort())
                .seq(s.seq())
                .ackNum(s.ack())
                .dataOffset(s.tcpHeaderLength() / 4)
                .flags(s.flags())
                .window(s.window())
                .urgentPointer(s.urgent());
        int o = tcp.optionsOffset();
        for (Opt opt : s.options()) {
            switch (opt.kind()) {
                case TcpOptions.KIND_NOP:
                    o = TcpOptions.writeNop(buf, o);
                    break;
                case TcpOptions.KIND_MSS:
                    o = TcpOptions.writeMss(buf, o, opt.a());
                    break;
                case TcpOptions.KIND_WSCALE:
                    o = TcpOptions.writeWindowScaleOption(buf, o, opt.a());
                    break;
                case TcpOptions.KIND_SACK_PERMITTED:
                    o = TcpOptions.writeSackPermittedOption(buf, o);
                    break;
                case TcpOptions.KIND_TIMESTAMPS:
                    o = TcpOptions.writeTimestampsOption(buf, o, opt.a(), opt.b());
                    break;
                default:
                    o = TcpOptions.writeSackOption(buf, o, opt.sack(), opt.sack().length / 2);
            }
        }
        o = TcpOptions.pad(buf, tcp.optionsOffset(), o);
        assertEquals(tcp.payloadOffset(), o);
        buf.putBytes(o, s.payload());
        tcp.computeChecksum(s.src(), s.dst());
        return out;
    }

    private static void assertPcap4jOptions(Spec s, List<TcpPacket.TcpOption> theirs, String where) {
        int i = 0;
        for (TcpPacket.TcpOption t : theirs) {
            if (t.getKind().equals(TcpOptionKind.END_OF_OPTION_LIST)) {
                break;
            }
            assertTrue(i < s.options().size(), where + " extra option " + t);
            Opt o = s.options().get(i++);
            assertEquals(o.kind(), t.getKind().value() & 0xFF, where);
            assertEquals(o.length(), t.length(), where);
            if (t instanceof TcpMaximumSegmentSizeOption) {
                assertEquals(o.a(), ((TcpMaximumSegmentSizeOption) t).getMaxSegSizeAsInt(), where);
            } else if (t instanceof TcpWindowScaleOption) {
                assertEquals(o.a(), ((TcpWindowScaleOption) t).getShiftCountAsInt(), where);
            } else if (t instanceof TcpTimestampsOption) {
                assertEquals(o.a(), ((TcpTimestampsOption) t).getTsValue(), where);
                assertEquals(o.b(), ((TcpTimestampsOption) t).getTsEchoReply(), where);
            } else if (t instanceof TcpSackOption) {
                // Pcap4J 1.8.2 exposes no SACK accessor: the edges follow kind and length.
                ByteBuffer edges = ByteBuffer.wrap(t.getRawData(), 2, t.length() - 2);
                for (int e = 0; e < o.sack().length; e++) {
                    assertEquals(o.sack()[e], edges.getInt(), where);
                }
            }
        }
        assertEquals(s.options().size(), i, where + " options Pcap4J saw: " + theirs);
    }

    // ---------------------------------------------------------------- ICMP echo, both ways

    @Test
    void shouldAgreeWithPcap4jWhenEchoMessagesGoEitherWay() throws Exception {
        Random r = new Random(SEED + 2);
        for (int round = 0; round < ROUNDS; round++) {
            boolean request = r.nextBoolean();
            int id = r.nextInt(65536);
            int seq = r.nextInt(65536);
            int src = r.nextInt();
            int dst = r.nextInt();
            byte[] data = new byte[r.nextInt(1473)];
            r.nextBytes(data);
            String where = "seed=" + (SEED + 2) + " round=" + round;

            // Pcap4J builds, we parse.
            Packet.Builder echo = request
                    ? new IcmpV4EchoPacket.Builder().identifier((short) id).sequenceNumber((short) seq)
                    : new IcmpV4EchoReplyPacket.Builder().identifier((short) id).sequenceNumber((short) seq);
            if (data.length > 0) {
                UnknownPacket.Builder payload = new UnknownPacket.Builder().rawData(data);
                if (request) {
                    ((IcmpV4EchoPacket.Builder) echo).payloadBuilder(payload);
                } else {
                    ((IcmpV4EchoReplyPacket.Builder) echo).payloadBuilder(payload);
                }
            }
            IcmpV4CommonPacket.Builder icmp = new IcmpV4CommonPacket.Builder()
                    .type(request ? IcmpV4Type.ECHO : IcmpV4Type.ECHO_REPLY)
                    .code(IcmpV4Code.NO_CODE)
                    .payloadBuilder(echo)
                    .correctChecksumAtBuild(true);
            byte[] raw = new IpV4Packet.Builder()
                    .version(IpVersion.IPV4)
                    .ihl((byte) 5)
                    .tos(IpV4Rfc791Tos.newInstance((byte) 0))
                    .identification((short) id)
                    .ttl((byte) 64)
                    .protocol(IpNumber.ICMPV4)
                    .srcAddr(inet(src))
                    .dstAddr(inet(dst))
                    .payloadBuilder(icmp)
                    .correctLengthAtBuild(true)
                    .correctChecksumAtBuild(true)
                    .build()
                    .getRawData();
            Ipv4Header ip = new Ipv4Header().wrap(exact(raw), 0, raw.length);
            assertEquals(DropReason.NONE, ip.validate(), where);
            assertEquals(Ipv4Header.PROTOCOL_ICMP, ip.protocol(), where);
            IcmpHeader ours = new IcmpHeader().wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
            assertEquals(DropReason.NONE, ours.validate(), where);
            assertEquals(request ? IcmpHeader.TYPE_ECHO_REQUEST : IcmpHeader.TYPE_ECHO_REPLY, ours.type(), where);
            assertEquals(0, ours.code(), where);
            assertEquals(id, ours.identifier(), where);
            assertEquals(seq, ours.sequence(), where);
            assertEquals(data.length, ours.dataLength(), where);
            byte[] got = new byte[ours.dataLength()];
            ip.buffer().getBytes(ours.dataOffset(), got);
            assertArrayEquals(data, got, where);

            // We build, Pcap4J parses.
            byte[] out = filled(20 + 8 + data.length);
            UnsafeBuffer buf = exact(out);
            new Ipv4Header()
                    .wrap(buf, 0, out.length)
                    .writeHeader(out.length, id, 64, Ipv4Header.PROTOCOL_ICMP, src, dst);
            IcmpHeader mine = new IcmpHeader()
                    .wrap(buf, 20, 8 + data.length)
                    .type(request ? IcmpHeader.TYPE_ECHO_REQUEST : IcmpHeader.TYPE_ECHO_REPLY)
                    .code(0)
                    .identifier(id)
                    .sequence(seq);
            buf.putBytes(mine.dataOffset(), data);
            mine.computeChecksum();
            IpV4Packet theirs = IpV4Packet.newPacket(out, 0, out.length);
            assertTrue(theirs.getHeader().hasValidChecksum(false), where);
            assertTrue(theirs.getHeader().getDontFragmentFlag(), where);
            IcmpV4CommonPacket common = theirs.get(IcmpV4CommonPacket.class);
            assertNotNull(common, where);
            assertTrue(common.hasValidChecksum(false), where);
            assertEquals(
                    request ? IcmpV4Type.ECHO : IcmpV4Type.ECHO_REPLY,
                    common.getHeader().getType(),
                    where);
            Packet payload;
            if (request) {
                IcmpV4EchoPacket e = theirs.get(IcmpV4EchoPacket.class);
                assertNotNull(e, where);
                assertEquals(id, e.getHeader().getIdentifierAsInt(), where);
                assertEquals(seq, e.getHeader().getSequenceNumberAsInt(), where);
                payload = e.getPayload();
            } else {
                IcmpV4EchoReplyPacket e = theirs.get(IcmpV4EchoReplyPacket.class);
                assertNotNull(e, where);
                assertEquals(id, e.getHeader().getIdentifierAsInt(), where);
                assertEquals(seq, e.getHeader().getSequenceNumberAsInt(), where);
                payload = e.getPayload();
            }
            assertArrayEquals(data, payload == null ? new byte[0] : payload.getRawData(), where);
        }
    }

    private static Inet4Address inet(int addr) {
        try {
            return (Inet4Address) InetAddress.getByAddress(
                    new byte[] {(byte) (addr >>> 24), (byte) (addr >>> 16), (byte) (addr >>> 8), (byte) addr});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
