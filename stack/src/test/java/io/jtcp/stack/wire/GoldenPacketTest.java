package io.jtcp.stack.wire;

import static io.jtcp.stack.wire.WireTestSupport.exact;
import static io.jtcp.stack.wire.WireTestSupport.filled;
import static io.jtcp.stack.wire.WireTestSupport.ipv4;
import static io.jtcp.stack.wire.WireTestSupport.toHex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.DropReason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Packets the Linux kernel sent (curl to python's http.server, then ping), captured once between
 * two network namespaces with checksum offload off: see resources/golden/capture.sh. Every expected
 * value below comes from tcpdump's decode of the same capture (golden/veth-http-ping.tcpdump.txt),
 * not from our parser; header lengths tcpdump does not print are IP length minus payload length.
 *
 * <p>Each packet is parsed field by field, then rebuilt with our setters and option writers into a
 * buffer pre-filled with 0xA5 and compared byte for byte, checksums included: a forgotten field
 * shows as A5, a wrong checksum as a mismatch against the kernel's.
 */
class GoldenPacketTest {
    private static final Map<String, byte[]> GOLDEN = WireTestSupport.golden("/golden/veth-http-ping.hex");

    private static final int CLIENT = ipv4(10, 7, 9, 1);
    private static final int SERVER = ipv4(10, 7, 9, 2);
    private static final int CLIENT_PORT = 57382;
    private static final int HTTP_PORT = 8080;
    /** Initial sequence numbers as tcpdump printed them in the SYN and SYN-ACK. */
    private static final int CLIENT_ISS = (int) 3888763973L;

    private static final int SERVER_ISS = (int) 3761757730L;

    /** "cksum 0x.... (correct)" as tcpdump printed it for each TCP packet. */
    private static final Map<String, Integer> TCPDUMP_CHECKSUM = Map.of(
            "syn", 0x1c56, "syn-ack", 0x9788, "data-get", 0x53f5, "data-response-body", 0x1009, "fin-server", 0xc367);

    private static final String GET =
            "GET /index.html HTTP/1.1\r\nHost: 10.7.9.2:8080\r\n" + "User-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n";
    private static final String BODY = "hello from the golden capture\n";

    /** Writes the options area at the given offset, returns the offset past it. */
    private interface OptionsWriter {
        int write(MutableDirectBuffer buffer, int offset);
    }

    /** What tcpdump said about one TCP packet. */
    private record TcpSpec(
            int ipId,
            int src,
            int dst,
            int srcPort,
            int dstPort,
            int seq,
            int ack,
            int flags,
            int window,
            int mss,
            int wscale,
            boolean sackPermitted,
            long tsVal,
            long tsEcr,
            int optionsLength,
            byte[] payload,
            OptionsWriter options) {}

    private static final TcpSpec SYN = new TcpSpec(
            17331,
            CLIENT,
            SERVER,
            CLIENT_PORT,
            HTTP_PORT,
            CLIENT_ISS,
            0,
            TcpHeader.SYN,
            64240,
            1460,
            10,
            true,
            251346916L,
            0L,
            20,
            new byte[0],
            // Linux's SYN layout: MSS, SACK-permitted, timestamps, NOP, window scale.
            (b, o) -> TcpOptions.writeWindowScaleOption(
                    b,
                    TcpOptions.writeNop(
                            b,
                            TcpOptions.writeTimestampsOption(
                                    b,
                                    TcpOptions.writeSackPermittedOption(b, TcpOptions.writeMss(b, o, 1460)),
                                    251346916,
                                    0)),
                    10));

    private static final TcpSpec SYN_ACK = new TcpSpec(
            0,
            SERVER,
            CLIENT,
            HTTP_PORT,
            CLIENT_PORT,
            SERVER_ISS,
            CLIENT_ISS + 1,
            TcpHeader.SYN | TcpHeader.ACK,
            65160,
            1460,
            10,
            true,
            3847282040L,
            251346916L,
            20,
            new byte[0],
            (b, o) -> TcpOptions.writeWindowScaleOption(
                    b,
                    TcpOptions.writeNop(
                            b,
                            TcpOptions.writeTimestampsOption(
                                    b,
                                    TcpOptions.writeSackPermittedOption(b, TcpOptions.writeMss(b, o, 1460)),
                                    (int) 3847282040L,
                                    251346916)),
                    10));

    private static final TcpSpec DATA_GET = established(
            17333,
            CLIENT,
            SERVER,
            CLIENT_PORT,
            HTTP_PORT,
            CLIENT_ISS + 1,
            SERVER_ISS + 1,
            TcpHeader.PSH | TcpHeader.ACK,
            63,
            251346917L,
            3847282040L,
            GET.getBytes(StandardCharsets.US_ASCII));

    private static final TcpSpec DATA_BODY = established(
            49618,
            SERVER,
            CLIENT,
            HTTP_PORT,
            CLIENT_PORT,
            SERVER_ISS + 186,
            CLIENT_ISS + 88,
            TcpHeader.PSH | TcpHeader.ACK,
            64,
            3847282045L,
            251346921L,
            BODY.getBytes(StandardCharsets.US_ASCII));

    private static final TcpSpec FIN_SERVER = established(
            49619,
            SERVER,
            CLIENT,
            HTTP_PORT,
            CLIENT_PORT,
            SERVER_ISS + 216,
            CLIENT_ISS + 88,
            TcpHeader.FIN | TcpHeader.ACK,
            64,
            3847282045L,
            251346921L,
            new byte[0]);

    private static TcpSpec established(
            int ipId,
            int src,
            int dst,
            int srcPort,
            int dstPort,
            int seq,
            int ack,
            int flags,
            int window,
            long tsVal,
            long tsEcr,
            byte[] payload) {
        // After the handshake Linux sends only NOP NOP timestamps: our aligned writer's layout.
        return new TcpSpec(
                ipId,
                src,
                dst,
                srcPort,
                dstPort,
                seq,
                ack,
                flags,
                window,
                -1,
                -1,
                false,
                tsVal,
                tsEcr,
                12,
                payload,
                (b, o) -> TcpOptions.writeTimestamps(b, o, (int) tsVal, (int) tsEcr));
    }

    @Test
    void shouldAcceptEveryCapturedPacketWhenValidatingKernelOutput() {
        assertEquals(14, GOLDEN.size());
        Ipv4Header ip = new Ipv4Header();
        TcpHeader tcp = new TcpHeader();
        IcmpHeader icmp = new IcmpHeader();
        TcpOptions options = new TcpOptions();
        for (Map.Entry<String, byte[]> e : GOLDEN.entrySet()) {
            byte[] p = e.getValue();
            ip.wrap(exact(p), 0, p.length);
            assertEquals(DropReason.NONE, ip.validate(), e.getKey());
            assertEquals(p.length, ip.totalLength(), e.getKey());
            if (ip.protocol() == Ipv4Header.PROTOCOL_TCP) {
                tcp.wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
                assertEquals(DropReason.NONE, tcp.validate(ip.srcAddr(), ip.dstAddr()), e.getKey());
                assertEquals(DropReason.NONE, options.parse(tcp), e.getKey());
                assertTrue(options.hasTimestamps(), e.getKey());
            } else {
                assertEquals(Ipv4Header.PROTOCOL_ICMP, ip.protocol(), e.getKey());
                icmp.wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
                assertEquals(DropReason.NONE, icmp.validate(), e.getKey());
            }
        }
    }

    @Test
    void shouldParseEveryFieldWhenReadingCapturedSyn() {
        assertTcp("syn", SYN);
    }

    @Test
    void shouldParseEveryFieldWhenReadingCapturedSynAck() {
        assertTcp("syn-ack", SYN_ACK);
    }

    @Test
    void shouldParseEveryFieldWhenReadingCapturedDataSegment() {
        assertTcp("data-get", DATA_GET);
        assertTcp("data-response-body", DATA_BODY);
    }

    @Test
    void shouldParseEveryFieldWhenReadingCapturedFin() {
        assertTcp("fin-server", FIN_SERVER);
    }

    @Test
    void shouldRebuildByteForByteWhenWritingCapturedSyn() {
        assertRebuilt("syn", SYN);
    }

    @Test
    void shouldRebuildByteForByteWhenWritingCapturedSynAck() {
        assertRebuilt("syn-ack", SYN_ACK);
    }

    @Test
    void shouldRebuildByteForByteWhenWritingCapturedDataSegment() {
        assertRebuilt("data-get", DATA_GET);
        assertRebuilt("data-response-body", DATA_BODY);
    }

    @Test
    void shouldRebuildByteForByteWhenWritingCapturedFin() {
        assertRebuilt("fin-server", FIN_SERVER);
    }

    @Test
    void shouldParseEveryFieldWhenReadingCapturedEchoRequestAndReply() {
        // tcpdump: "10.7.9.1 > 10.7.9.2: ICMP echo request, id 4042, seq 1, length 64", id 2945, DF.
        assertEcho("echo-request", 2945, true, CLIENT, SERVER, IcmpHeader.TYPE_ECHO_REQUEST);
        // tcpdump: "10.7.9.2 > 10.7.9.1: ICMP echo reply, id 4042, seq 1, length 64", id 7292, flags [none].
        assertEcho("echo-reply", 7292, false, SERVER, CLIENT, IcmpHeader.TYPE_ECHO_REPLY);
    }

    @Test
    void shouldRebuildByteForByteWhenWritingCapturedEcho() {
        rebuildEcho("echo-request", 2945, true, CLIENT, SERVER, IcmpHeader.TYPE_ECHO_REQUEST);
        rebuildEcho("echo-reply", 7292, false, SERVER, CLIENT, IcmpHeader.TYPE_ECHO_REPLY);
    }

    @Test
    void shouldAgreeWithIncrementalUpdateWhenRewritingCapturedAddresses() {
        // What a NAT-ing or re-addressing path does: rewrite the destination, patch both checksums
        // with RFC 1624 instead of re-summing, and the packet must stay valid.
        byte[] p = GOLDEN.get("data-get").clone();
        UnsafeBuffer buf = exact(p);
        Ipv4Header ip = new Ipv4Header().wrap(buf, 0, p.length);
        TcpHeader tcp = new TcpHeader().wrap(buf, 20, p.length - 20);
        int newDst = ipv4(10, 7, 200, 33);
        int oldDst = ip.dstAddr();
        ip.headerChecksum(Checksum.update32(ip.headerChecksum(), oldDst, newDst))
                .dstAddr(newDst);
        tcp.checksum(Checksum.update32(tcp.checksum(), oldDst, newDst));
        assertEquals(DropReason.NONE, ip.validate());
        assertEquals(DropReason.NONE, tcp.validate(CLIENT, newDst));
        int ipChecksum = ip.headerChecksum();
        int tcpChecksum = tcp.checksum();
        assertEquals(ipChecksum, ip.computeChecksum().headerChecksum());
        assertEquals(tcpChecksum, tcp.computeChecksum(CLIENT, newDst).checksum());
    }

    private static void assertTcp(String name, TcpSpec s) {
        byte[] p = GOLDEN.get(name);
        Ipv4Header ip = new Ipv4Header().wrap(exact(p), 0, p.length);
        assertEquals(DropReason.NONE, ip.validate());
        assertEquals(4, ip.version());
        assertEquals(5, ip.ihl());
        assertEquals(20, ip.headerLength());
        assertEquals(0, ip.tos());
        assertEquals(0, ip.dscp());
        assertEquals(0, ip.ecn());
        assertEquals(20 + 20 + s.optionsLength() + s.payload().length, ip.totalLength());
        assertEquals(s.ipId(), ip.identification());
        assertFalse(ip.reservedFlag());
        assertTrue(ip.dontFragment());
        assertFalse(ip.moreFragments());
        assertEquals(0, ip.fragmentOffset());
        assertEquals(64, ip.ttl());
        assertEquals(Ipv4Header.PROTOCOL_TCP, ip.protocol());
        assertEquals(s.src(), ip.srcAddr());
        assertEquals(s.dst(), ip.dstAddr());
        assertEquals(20, ip.payloadOffset());
        assertEquals(p.length - 20, ip.payloadLength());

        TcpHeader tcp = new TcpHeader().wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
        assertEquals(DropReason.NONE, tcp.validate(ip.srcAddr(), ip.dstAddr()));
        assertEquals(s.srcPort(), tcp.srcPort());
        assertEquals(s.dstPort(), tcp.dstPort());
        assertEquals(s.seq(), tcp.seq());
        assertEquals(s.ack(), tcp.ackNum());
        assertEquals((20 + s.optionsLength()) / 4, tcp.dataOffset());
        assertEquals(20 + s.optionsLength(), tcp.headerLength());
        assertEquals(s.flags(), tcp.flags());
        assertEquals((s.flags() & TcpHeader.SYN) != 0, tcp.syn());
        assertEquals((s.flags() & TcpHeader.ACK) != 0, tcp.ack());
        assertEquals((s.flags() & TcpHeader.FIN) != 0, tcp.fin());
        assertEquals((s.flags() & TcpHeader.PSH) != 0, tcp.psh());
        assertFalse(tcp.rst());
        assertFalse(tcp.urg());
        assertFalse(tcp.ece());
        assertFalse(tcp.cwr());
        assertEquals(s.window(), tcp.window());
        assertEquals(TCPDUMP_CHECKSUM.get(name), tcp.checksum());
        assertEquals(0, tcp.urgentPointer());
        assertEquals(s.optionsLength(), tcp.optionsLength());
        assertEquals(s.payload().length, tcp.payloadLength());
        byte[] payload = new byte[tcp.payloadLength()];
        tcp.buffer().getBytes(tcp.payloadOffset(), payload);
        assertArrayEquals(s.payload(), payload);

        TcpOptions options = new TcpOptions();
        assertEquals(DropReason.NONE, options.parse(tcp));
        assertEquals(s.mss(), options.mss());
        assertEquals(s.wscale(), options.windowScale());
        assertEquals(s.sackPermitted(), options.sackPermitted());
        assertTrue(options.hasTimestamps());
        assertEquals(s.tsVal(), Integer.toUnsignedLong(options.tsVal()));
        assertEquals(s.tsEcr(), Integer.toUnsignedLong(options.tsEcr()));
        assertEquals(0, options.sackBlockCount());
    }

    private static void assertRebuilt(String name, TcpSpec s) {
        byte[] expected = GOLDEN.get(name);
        byte[] out = filled(expected.length);
        UnsafeBuffer buf = exact(out);
        int tcpLength = 20 + s.optionsLength() + s.payload().length;
        new Ipv4Header()
                .wrap(buf, 0, out.length)
                .writeHeader(20 + tcpLength, s.ipId(), 64, Ipv4Header.PROTOCOL_TCP, s.src(), s.dst());
        TcpHeader tcp = new TcpHeader()
                .wrap(buf, 20, tcpLength)
                .srcPort(s.srcPort())
                .dstPort(s.dstPort())
                .seq(s.seq())
                .ackNum(s.ack())
                .dataOffset((20 + s.optionsLength()) / 4)
                .flags(s.flags())
                .window(s.window())
                .urgentPointer(0);
        int end = s.options().write(buf, tcp.optionsOffset());
        assertEquals(tcp.payloadOffset(), end, "options end where the data offset says");
        buf.putBytes(end, s.payload());
        tcp.computeChecksum(s.src(), s.dst());
        assertEquals(toHex(expected), toHex(out), name);
    }

    private static void assertEcho(String name, int ipId, boolean df, int src, int dst, int type) {
        byte[] p = GOLDEN.get(name);
        Ipv4Header ip = new Ipv4Header().wrap(exact(p), 0, p.length);
        assertEquals(DropReason.NONE, ip.validate());
        assertEquals(84, ip.totalLength());
        assertEquals(ipId, ip.identification());
        assertEquals(df, ip.dontFragment());
        assertEquals(64, ip.ttl());
        assertEquals(Ipv4Header.PROTOCOL_ICMP, ip.protocol());
        assertEquals(src, ip.srcAddr());
        assertEquals(dst, ip.dstAddr());
        IcmpHeader icmp = new IcmpHeader().wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
        assertEquals(DropReason.NONE, icmp.validate());
        assertEquals(type, icmp.type());
        assertEquals(0, icmp.code());
        assertEquals(4042, icmp.identifier());
        assertEquals(1, icmp.sequence());
        assertEquals(28, icmp.dataOffset());
        assertEquals(56, icmp.dataLength());
        // iputils ping fills the data after its 16-byte timeval with 0x10, 0x11, ...
        for (int i = 16; i < 56; i++) {
            assertEquals(i, ip.buffer().getByte(icmp.dataOffset() + i));
        }
    }

    private static void rebuildEcho(String name, int ipId, boolean df, int src, int dst, int type) {
        byte[] expected = GOLDEN.get(name);
        byte[] out = filled(expected.length);
        UnsafeBuffer buf = exact(out);
        new Ipv4Header()
                .wrap(buf, 0, out.length)
                .versionAndIhl(4, 5)
                .tos(0)
                .totalLength(84)
                .identification(ipId)
                .flagsAndFragment(df ? Ipv4Header.FLAG_DF : 0)
                .ttl(64)
                .protocol(Ipv4Header.PROTOCOL_ICMP)
                .srcAddr(src)
                .dstAddr(dst)
                .computeChecksum();
        IcmpHeader icmp = new IcmpHeader()
                .wrap(buf, 20, 64)
                .type(type)
                .code(0)
                .identifier(4042)
                .sequence(1);
        // The timeval ping put in the first 16 data bytes is not derivable: copy it from the capture.
        buf.putBytes(28, Arrays.copyOfRange(expected, 28, 44));
        for (int i = 16; i < 56; i++) {
            buf.putByte(28 + i, (byte) i);
        }
        icmp.computeChecksum();
        assertEquals(toHex(expected), toHex(out), name);
    }
}
