package io.jtcp.stack.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jtcp.stack.DropReason;
import io.jtcp.stack.wire.IcmpHeader;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.stack.wire.TcpHeader;
import io.jtcp.stack.wire.TcpOptions;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The flyweight contract of the wire parsers ({@link Ipv4Header}, {@link TcpHeader}, {@link
 * TcpOptions}, {@link IcmpHeader}): {@code validate()} reads nothing outside the wrapped bytes, and
 * once it passes no accessor throws and every length it reports lies within them. The bytes are
 * wrapped in a buffer exactly their size, so with Agrona's bounds checks on (the surefire argLine) a
 * read past the end throws instead of reading a neighbour's memory.
 *
 * <p>One target for the four parsers, so one fuzzing run (Jazzer fuzzes one target per JVM) covers
 * them all: the input is parsed as an IPv4 packet (and its TCP or ICMP payload), then as a bare TCP
 * segment, a bare option list and a bare ICMP message.
 */
class WireParsersFuzzTest {
    private static final int PEER = Ipv4Header.parseAddress("10.7.0.1");
    private static final int US = Ipv4Header.parseAddress("10.7.0.2");

    private final Ipv4Header ip = new Ipv4Header();
    private final TcpHeader tcp = new TcpHeader();
    private final TcpOptions options = new TcpOptions();
    private final IcmpHeader icmp = new IcmpHeader();

    @FuzzTest(maxDuration = "5s")
    void parsers(byte[] input) {
        UnsafeBuffer exact = new UnsafeBuffer(input);
        int length = input.length;
        checkIpv4(exact, length);
        checkTcp(exact, 0, length, PEER, US);
        checkOptions(exact, 0, length);
        checkIcmp(exact, 0, length);
        // The same bytes at an offset inside a larger buffer: the parsers must honour the offset.
        if (length > 1) {
            checkIpv4(new UnsafeBuffer(input, 1, length - 1), length - 1);
            checkOptions(exact, 1, length - 1);
        }
    }

    private void checkIpv4(UnsafeBuffer b, int length) {
        ip.wrap(b, 0, length);
        DropReason reason = ip.validate();
        if (reason != DropReason.NONE && reason != DropReason.IP_FRAGMENT) {
            return;
        }
        // Past validation (a fragment's header is valid too): every accessor, within the bytes.
        int headerLength = ip.headerLength();
        require(ip.version() == 4, "version", ip.version());
        require(headerLength >= Ipv4Header.MIN_HEADER_LENGTH && headerLength <= 60, "IHL", headerLength);
        require(ip.totalLength() >= headerLength && ip.totalLength() <= length, "total length", ip.totalLength());
        require(ip.payloadOffset() == headerLength, "payload offset", ip.payloadOffset());
        require(
                ip.payloadLength() >= 0 && ip.payloadOffset() + ip.payloadLength() <= length,
                "payload length",
                ip.payloadLength());
        long sink = ip.tos()
                + ip.dscp()
                + ip.ecn()
                + ip.identification()
                + ip.fragmentOffset()
                + ip.ttl()
                + ip.protocol()
                + ip.headerChecksum()
                + ip.srcAddr()
                + ip.dstAddr()
                + ip.bufferLength();
        sink += (ip.reservedFlag() ? 1 : 0) + (ip.dontFragment() ? 1 : 0) + (ip.moreFragments() ? 1 : 0);
        require(sink != Long.MIN_VALUE, "accessors", sink);
        if (reason == DropReason.IP_FRAGMENT) {
            require(ip.moreFragments() || ip.fragmentOffset() != 0, "fragment flags", ip.fragmentOffset());
            return;
        }
        if (ip.protocol() == Ipv4Header.PROTOCOL_TCP) {
            checkTcp(b, ip.payloadOffset(), ip.payloadLength(), ip.srcAddr(), ip.dstAddr());
        } else if (ip.protocol() == Ipv4Header.PROTOCOL_ICMP) {
            checkIcmp(b, ip.payloadOffset(), ip.payloadLength());
        }
    }

    private void checkTcp(UnsafeBuffer b, int offset, int length, int src, int dst) {
        tcp.wrap(b, offset, length);
        DropReason structural = tcp.validateLength();
        DropReason full = tcp.validate(src, dst);
        require(
                structural == DropReason.NONE
                        ? full == DropReason.NONE || full == DropReason.TCP_BAD_CHECKSUM
                        : full == structural,
                "validate disagrees with validateLength: " + full + " vs " + structural,
                0);
        if (structural != DropReason.NONE) {
            return;
        }
        int headerLength = tcp.headerLength();
        require(
                headerLength >= TcpHeader.MIN_HEADER_LENGTH && headerLength <= TcpHeader.MAX_HEADER_LENGTH,
                "data offset",
                headerLength);
        require(headerLength <= length, "header past the segment", headerLength);
        require(tcp.optionsOffset() == offset + TcpHeader.MIN_HEADER_LENGTH, "options offset", tcp.optionsOffset());
        require(tcp.optionsLength() >= 0 && tcp.optionsLength() <= 40, "options length", tcp.optionsLength());
        require(tcp.payloadOffset() == offset + headerLength, "payload offset", tcp.payloadOffset());
        require(
                tcp.payloadLength() >= 0 && tcp.payloadOffset() + tcp.payloadLength() == offset + length,
                "payload length",
                tcp.payloadLength());
        long sink = tcp.srcPort()
                + tcp.dstPort()
                + tcp.seq()
                + tcp.ackNum()
                + tcp.flags()
                + tcp.window()
                + tcp.checksum()
                + tcp.urgentPointer()
                + tcp.segmentLength();
        sink += (tcp.fin() ? 1 : 0)
                + (tcp.syn() ? 1 : 0)
                + (tcp.rst() ? 1 : 0)
                + (tcp.psh() ? 1 : 0)
                + (tcp.ack() ? 1 : 0)
                + (tcp.urg() ? 1 : 0)
                + (tcp.ece() ? 1 : 0)
                + (tcp.cwr() ? 1 : 0);
        require(sink != Long.MIN_VALUE, "accessors", sink);
        if (options.parse(tcp) == DropReason.NONE) {
            checkParsedOptions();
        }
    }

    private void checkOptions(UnsafeBuffer b, int offset, int length) {
        if (options.parse(b, offset, length) == DropReason.NONE) {
            checkParsedOptions();
        }
    }

    private void checkParsedOptions() {
        int count = options.sackBlockCount();
        require(count >= 0 && count <= TcpOptions.MAX_SACK_BLOCKS, "SACK blocks", count);
        long edges = 0;
        for (int i = 0; i < count; i++) {
            edges += options.sackLeft(i) ^ options.sackRight(i);
        }
        require(edges != Long.MIN_VALUE, "SACK edges", edges);
        require(options.mss() >= -1 && options.mss() <= 65_535, "MSS", options.mss());
        require(
                options.windowScale() >= -1 && options.windowScale() <= TcpOptions.MAX_WSCALE,
                "window scale",
                options.windowScale());
        if (!options.hasTimestamps()) {
            require(options.tsVal() == 0 && options.tsEcr() == 0, "timestamps without the option", options.tsVal());
        }
    }

    private void checkIcmp(UnsafeBuffer b, int offset, int length) {
        icmp.wrap(b, offset, length);
        if (icmp.validate() != DropReason.NONE) {
            return;
        }
        require(icmp.length() == length, "length", icmp.length());
        require(icmp.dataOffset() == offset + IcmpHeader.HEADER_LENGTH, "data offset", icmp.dataOffset());
        require(
                icmp.dataLength() >= 0 && icmp.dataOffset() + icmp.dataLength() == offset + length,
                "data length",
                icmp.dataLength());
        long sink =
                icmp.type() + icmp.code() + icmp.checksum() + icmp.identifier() + icmp.sequence() + icmp.nextHopMtu();
        require(sink != Long.MIN_VALUE, "accessors", sink);
    }

    private static void require(boolean ok, String what, long value) {
        assertTrue(ok, () -> "wire parser contract broken: " + what + " (" + value + ")");
    }
}
