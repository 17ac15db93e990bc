package io.jtcp.stack;

import static io.jtcp.stack.harness.PacketBuilder.ENGINE_ADDR;
import static io.jtcp.stack.harness.PacketBuilder.PEER_ADDR;
import static io.jtcp.stack.harness.Seg.synAck;

import io.jtcp.stack.harness.Packet;
import io.jtcp.stack.harness.PacketBuilder;
import io.jtcp.stack.harness.TcpScript;
import io.jtcp.stack.wire.Checksum;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.stack.wire.TcpHeader;
import java.util.Arrays;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** IPv4 input and output around TCP (RFC 791, RFC 1122 §3.2.1). */
class IpInputTest {

    private static byte[] syn(int srcPort) {
        return PacketBuilder.tcp(
                PEER_ADDR,
                ENGINE_ADDR,
                srcPort,
                8080,
                DEFAULT_PEER_ISN,
                0,
                TcpHeader.SYN,
                65535,
                PacketBuilder.options(1460, -1, false, false, 0, 0),
                null);
    }

    private static final int DEFAULT_PEER_ISN = TcpScript.DEFAULT_PEER_ISN;

    /** RFC 791 §3.1: the TCP header starts after IHL words, options included (RFC 1122 §3.2.1.8: pass options up or ignore). */
    @Test
    void shouldFindTcpHeaderAfterIpOptions() {
        byte[] plain = syn(40000);
        byte[] withOptions = new byte[plain.length + 4];
        System.arraycopy(plain, 0, withOptions, 0, 20);
        withOptions[20] = 1; // NOP NOP NOP EOL
        withOptions[21] = 1;
        withOptions[22] = 1;
        withOptions[23] = 0;
        System.arraycopy(plain, 20, withOptions, 24, plain.length - 20);
        UnsafeBuffer b = new UnsafeBuffer(withOptions);
        new Ipv4Header()
                .wrap(b, 0, withOptions.length)
                .versionAndIhl(4, 6)
                .totalLength(withOptions.length)
                .computeChecksum();
        TcpScript s = new TcpScript();
        s.listen(8080);
        s.injectRaw(withOptions, "SYN behind 4 bytes of IP options");
        s.expect(synAck().seq(0).ack(1));
    }

    /** RFC 791 §3.1 total length: bytes past it (link-layer padding) are not part of the packet. */
    @Test
    void shouldIgnoreBytesBeyondIpTotalLength() {
        byte[] plain = syn(40000);
        byte[] padded = Arrays.copyOf(plain, plain.length + 6);
        Arrays.fill(padded, plain.length, padded.length, (byte) 0x5A);
        TcpScript s = new TcpScript();
        s.listen(8080);
        s.injectRaw(padded, "SYN with 6 bytes of trailing padding");
        s.expect(synAck().seq(0).ack(1));
        s.checkEquals(0L, s.counters().totalDrops(), "no drop");
    }

    /** RFC 1122 §3.2.1.3: a broadcast or multicast source is not a peer; never answered. */
    @Test
    void shouldDropPacketsFromBroadcastOrMulticastSources() {
        TcpScript s = new TcpScript();
        for (String src : new String[] {"255.255.255.255", "224.0.0.1"}) {
            byte[] p = PacketBuilder.tcp(
                    Ipv4Header.parseAddress(src), ENGINE_ADDR, 40000, 9, 1, 0, TcpHeader.SYN, 1000, null, null);
            s.injectRaw(p, "SYN from " + src);
        }
        s.expectNothing();
        s.checkEquals(2L, s.drops(DropReason.IP_BAD_SOURCE), "bad-source drops");
    }

    /** RFC 791 fragmentation with reassembly turned off: fragments are dropped and counted. */
    @Test
    void shouldDropFragmentsWhenReassemblyIsOff() {
        byte[] p = syn(40000);
        UnsafeBuffer b = new UnsafeBuffer(p);
        new Ipv4Header()
                .wrap(b, 0, p.length)
                .flagsAndFragment(Ipv4Header.FLAG_MF)
                .computeChecksum();
        TcpScript s = new TcpScript(c -> c.reassemblyMaxDatagrams(0));
        s.listen(8080);
        s.injectRaw(p, "first fragment of a SYN");
        s.expectNothing();
        s.checkEquals(1L, s.drops(DropReason.IP_FRAGMENT), "fragment drops");
    }

    /** RFC 1122 §3.2.1.7: the TTL we send is the configured one; §3.2.1.8 sanity: header checksum valid. */
    @Test
    void shouldSendConfiguredTtlAndValidIpHeader() {
        TcpScript s = new TcpScript(c -> c.ttl(33));
        s.listen(8080);
        s.injectRaw(syn(40000), "SYN");
        Packet p = s.expect(synAck().seq(0).ack(1));
        s.checkEquals(33, p.ttl, "TTL");
        s.check(Checksum.verify(new UnsafeBuffer(p.bytes), 0, 20, 0), "IPv4 header checksum");
    }

    /** RFC 1122 §3.2.2.1: an unknown protocol is counted and answered with protocol unreachable. */
    @Test
    void shouldDropUnknownProtocol() {
        byte[] p = syn(40000);
        UnsafeBuffer b = new UnsafeBuffer(p);
        new Ipv4Header().wrap(b, 0, p.length).protocol(Ipv4Header.PROTOCOL_UDP).computeChecksum();
        TcpScript s = new TcpScript();
        s.injectRaw(p, "a UDP packet");
        Packet unreachable = s.poll();
        s.check(unreachable != null && unreachable.icmpType == 3 && unreachable.icmpCode == 2, "protocol unreachable");
        s.expectNothing();
        s.checkEquals(1L, s.drops(DropReason.IP_UNKNOWN_PROTOCOL), "unknown-protocol drops");
    }
}
