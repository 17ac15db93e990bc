package io.jtcp.stack;

import static io.jtcp.stack.harness.PacketBuilder.ENGINE_ADDR;
import static io.jtcp.stack.harness.PacketBuilder.PEER_ADDR;
import static io.jtcp.stack.harness.Seg.ack;
import static io.jtcp.stack.harness.Seg.data;
import static io.jtcp.stack.harness.Seg.flags;
import static io.jtcp.stack.harness.Seg.rst;
import static io.jtcp.stack.harness.Seg.rstAck;
import static io.jtcp.stack.harness.Seg.syn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.jtcp.stack.harness.Packet;
import io.jtcp.stack.harness.PacketBuilder;
import io.jtcp.stack.harness.TcpScript;
import io.jtcp.stack.wire.IcmpHeader;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.stack.wire.TcpHeader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Replies that belong to no connection, sent during onPacket: RST for a closed port (RFC 9293
 * §3.10.7.1) and ICMP echo (RFC 792, RFC 1122 §3.2.2.6); and drops at the IP/TCP checks.
 */
class StatelessReplyTest {

    /** RFC 9293 §3.10.7.1: no ACK bit → <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>; SYN counts one. */
    @Test
    void shouldAnswerSynToClosedPortWithRstAckAtSeqPlusOne() {
        TcpScript s = new TcpScript();
        s.peerPort(40000);
        s.inject(syn().seq(0).dstPort(9));
        s.expect(rstAck().absSeq(0).ack(1).dstPort(40000).srcPort(9));
        s.checkEquals(0, s.stack().connectionCount(), "connections");
        s.check(s.drops(DropReason.TCP_NO_LISTENER) == 1, "counted as no listener");
    }

    /** RFC 9293 §3.10.7.1: with the ACK bit → <SEQ=SEG.ACK><CTL=RST>, no ACK flag. */
    @Test
    void shouldAnswerAckToClosedPortWithRstAtTheirAck() {
        TcpScript s = new TcpScript();
        s.inject(data(10).seq(500).absAck(0xCAFEBABE).dstPort(9));
        s.expect(rst().absSeq(0xCAFEBABE).srcPort(9));
    }

    /** RFC 9293 §3.10.7.1: SEG.LEN counts payload and FIN when the ACK bit is off. */
    @Test
    void shouldAckSeqPlusPayloadPlusFinWhenSegmentWithoutAckHitsClosedPort() {
        TcpScript s = new TcpScript();
        s.inject(flags(TcpHeader.FIN | TcpHeader.PSH).seq(100).len(7).dstPort(9));
        s.expect(rstAck().absSeq(0).ack(108).srcPort(9));
    }

    /** RFC 9293 §3.10.7.1: "An incoming segment containing a RST is discarded." */
    @Test
    void shouldNotAnswerResetWithResetWhenPortIsClosed() {
        TcpScript s = new TcpScript();
        s.inject(rst().seq(5).dstPort(9));
        s.inject(rstAck().seq(5).ack(9).dstPort(9));
        s.expectNothing();
        s.check(s.drops(DropReason.TCP_NO_CONNECTION_RST) == 2, "both counted, none answered");
    }

    /** RFC 9293 §3.1: a bad checksum is dropped silently (no RST), with its counter. */
    @Test
    void shouldDropSegmentWithBadChecksumWithoutAnswering() {
        TcpScript s = new TcpScript();
        s.inject(syn().seq(0).dstPort(9).badChecksum());
        s.expectNothing();
        s.checkEquals(1L, s.drops(DropReason.TCP_BAD_CHECKSUM), "bad checksum drops");
    }

    /** RFC 1122 §3.2.1.3 / §3.3.6: a packet for another address is not ours to answer. */
    @Test
    void shouldDropPacketForAnotherAddress() {
        TcpScript s = new TcpScript();
        byte[] p = PacketBuilder.tcp(
                PEER_ADDR, Ipv4Header.parseAddress("10.7.0.99"), 40000, 9, 1, 0, TcpHeader.SYN, 1000, null, null);
        s.injectRaw(p, "SYN to 10.7.0.99");
        s.expectNothing();
        s.checkEquals(1L, s.drops(DropReason.IP_NOT_FOR_US), "not-for-us drops");
    }

    /** RFC 792 echo / RFC 1122 §3.2.2.6: echo request → echo reply with the same id, seq and data. */
    @Test
    void shouldAnswerEchoRequestWithEchoReply() {
        TcpScript s = new TcpScript();
        byte[] data = "ping payload 0123456789".getBytes(StandardCharsets.US_ASCII);
        s.injectRaw(
                PacketBuilder.icmpEcho(PEER_ADDR, ENGINE_ADDR, IcmpHeader.TYPE_ECHO_REQUEST, 0x1234, 7, data),
                "echo request");
        Packet reply = s.poll();
        s.check(reply != null && reply.isIcmp(), "an ICMP reply: " + reply);
        s.checkEquals(IcmpHeader.TYPE_ECHO_REPLY, reply.icmpType, "type");
        s.checkEquals(0, reply.icmpCode, "code");
        s.checkEquals(0x1234, reply.icmpId, "identifier");
        s.checkEquals(7, reply.icmpSeq, "sequence");
        s.check(reply.icmpChecksumOk, "checksum valid");
        s.checkEquals(ENGINE_ADDR, reply.src, "source");
        s.checkEquals(PEER_ADDR, reply.dst, "destination");
        assertArrayEquals(data, reply.payload, "echoed data");
        s.expectNothing();
        s.checkEquals(1L, s.counters().icmpEchoReplies, "echo replies counted");
    }

    /** RFC 792: a corrupted echo request is dropped (ICMP checksum), never answered. */
    @Test
    void shouldDropEchoRequestWithBadChecksum() {
        TcpScript s = new TcpScript();
        byte[] p = PacketBuilder.icmpEcho(PEER_ADDR, ENGINE_ADDR, IcmpHeader.TYPE_ECHO_REQUEST, 1, 1, new byte[8]);
        p[20 + 2] ^= 0x01;
        s.injectRaw(p, "echo request, bad checksum");
        s.expectNothing();
        s.checkEquals(1L, s.drops(DropReason.ICMP_BAD_CHECKSUM), "ICMP checksum drops");
    }

    /** RFC 1122 §3.2.2: an echo reply nobody asked for is not answered. */
    @Test
    void shouldNotAnswerEchoReply() {
        TcpScript s = new TcpScript();
        s.injectRaw(
                PacketBuilder.icmpEcho(PEER_ADDR, ENGINE_ADDR, IcmpHeader.TYPE_ECHO_REPLY, 1, 1, new byte[8]),
                "echo reply");
        s.expectNothing();
    }

    /** RFC 9293 §3.10.7.1 via a listener on another port: only the listening port answers SYN-ACK. */
    @Test
    void shouldResetSynToClosedPortEvenWhenAnotherPortListens() {
        TcpScript s = new TcpScript();
        s.listen(8080);
        s.inject(syn().seq(0).dstPort(8081));
        s.expect(rstAck().absSeq(0).ack(1).srcPort(8081));
        s.inject(ack().seq(1).absAck(77).dstPort(8081));
        s.expect(rst().absSeq(77).srcPort(8081));
    }
}
