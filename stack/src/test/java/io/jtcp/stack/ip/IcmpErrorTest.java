package io.jtcp.stack.ip;

import static io.jtcp.stack.harness.PacketBuilder.ENGINE_ADDR;
import static io.jtcp.stack.harness.PacketBuilder.PEER_ADDR;
import static io.jtcp.stack.ip.IcmpPackets.ROUTER_ADDR;
import static io.jtcp.stack.ip.IcmpPackets.error;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.harness.Packet;
import io.jtcp.stack.harness.PacketBuilder;
import io.jtcp.stack.harness.Seg;
import io.jtcp.stack.harness.TcpScript;
import io.jtcp.stack.tcp.CloseReason;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpState;
import io.jtcp.stack.wire.IcmpHeader;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.stack.wire.TcpHeader;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** ICMP errors for TCP (RFC 1122 §4.2.3.9, RFC 5461, RFC 5927) and path MTU discovery (RFC 1191). */
class IcmpErrorTest {
    private static final int UNREACH = IcmpHeader.TYPE_DEST_UNREACHABLE;
    private static final int FRAG_NEEDED = IcmpHeader.CODE_FRAGMENTATION_NEEDED;
    private static final int MSS = 1460;

    /** Established (passive), eight full segments in flight; returns them. */
    private static List<Packet> eightInFlight(TcpScript s) {
        s.establishedPassive();
        s.write(8 * MSS);
        List<Packet> sent = s.drain();
        s.checkEquals(8, sent.size(), "segments in flight");
        for (Packet p : sent) {
            s.checkEquals(MSS, p.len(), "full-size segment");
            s.check((IcmpPackets.flagsAndOffset(p.bytes) & Ipv4Header.FLAG_DF) != 0, "DF on every TCP segment");
        }
        return sent;
    }

    private static byte[] withSeq(byte[] segment, int seq) {
        byte[] copy = Arrays.copyOf(segment, segment.length);
        new TcpHeader().wrap(new UnsafeBuffer(copy), 20, copy.length - 20).seq(seq);
        return copy;
    }

    /**
     * RFC 1191 §6.3–6.4: a fragmentation-needed for a segment in flight lowers the MSS, and what is
     * in flight goes out again at once, in pieces of the new size (not after the RTO).
     */
    @Test
    void shouldShrinkMssAndResendInFlightAtOnceOnFragmentationNeeded() {
        TcpScript s = new TcpScript();
        List<Packet> sent = eightInFlight(s);
        long before = s.now();
        s.injectRaw(error(ROUTER_ADDR, ENGINE_ADDR, UNREACH, FRAG_NEEDED, 1000, sent.get(0).bytes), "MTU 1000");
        List<Packet> resent = s.drain();
        s.checkEquals(before, s.now(), "no time passed");
        s.check(!resent.isEmpty(), "the flight is resent at once");
        int expectSeq = sent.get(0).seq;
        int bytes = 0;
        for (Packet p : resent) {
            s.check(p.len() <= 960 && p.bytes.length <= 1000, "segment fits the 1000-byte path: " + p.len());
            s.checkEquals(expectSeq, p.seq, "contiguous resend");
            s.check((IcmpPackets.flagsAndOffset(p.bytes) & Ipv4Header.FLAG_DF) != 0, "DF still set");
            expectSeq += p.len();
            bytes += p.len();
        }
        s.checkEquals(8 * MSS, bytes, "the whole flight resent");
        s.checkEquals(960, s.conn().sendMss(), "MSS = path MTU − 40");
        s.checkEquals(1L, s.counters().icmpPathMtuReductions, "reductions");
        s.checkEquals(1000, s.stack().pathMtu(PEER_ADDR, s.now()), "remembered for the destination");
        s.checkEquals(TcpState.ESTABLISHED, s.state(), "state");
        // New data after the ACK goes out at the new size too.
        s.inject(Seg.ack().seq(1).ack(1 + 8 * MSS));
        s.write(3000);
        for (Packet p : s.drain()) {
            s.check(p.len() <= 960, "new data at the new MSS: " + p.len());
        }
    }

    /** RFC 1191 §6.3: a learned path MTU is used by new connections to the destination, until it ages out. */
    @Test
    void shouldUseLearnedPathMtuForNewConnectionsUntilItAges() {
        TcpScript s = new TcpScript(c -> c.pathMtuAgeNs(5 * TcpScript.SEC));
        List<Packet> sent = eightInFlight(s);
        s.injectRaw(error(ROUTER_ADDR, ENGINE_ADDR, UNREACH, FRAG_NEEDED, 1200, sent.get(3).bytes), "MTU 1200");
        s.drain();
        s.checkEquals(1200, s.stack().pathMtu(PEER_ADDR, s.now()), "learned");
        s.injectRaw(syn(40_001), "second connection's SYN");
        s.checkEquals(1160, mssOf(s, 40_001), "new connection uses the path MTU");
        s.advance(6 * TcpScript.SEC);
        s.checkEquals(0, s.stack().pathMtu(PEER_ADDR, s.now()), "aged out");
        s.drain();
        s.injectRaw(syn(40_002), "third connection's SYN, after the age limit");
        s.checkEquals(MSS, mssOf(s, 40_002), "link MTU again");
    }

    private static byte[] syn(int port) {
        return PacketBuilder.tcp(
                PEER_ADDR,
                ENGINE_ADDR,
                port,
                TcpScript.LISTEN_PORT,
                5000,
                0,
                TcpHeader.SYN,
                65535,
                PacketBuilder.options(1460, -1, false, false, 0, 0),
                null);
    }

    private static int mssOf(TcpScript s, int remotePort) {
        int[] mss = {-1};
        s.stack().forEachConnection(c -> {
            if (c.remotePort() == remotePort) {
                mss[0] = c.sendMss();
            }
        });
        return mss[0];
    }

    /**
     * RFC 1191 §6.3: the estimate belongs to the path. Another connection to the same destination
     * whose own ICMP never came (routers rate-limit them) retransmits at the learned size.
     */
    @Test
    void shouldApplyLearnedPathMtuToOtherConnectionsAtTheirRetransmission() {
        TcpScript s = new TcpScript();
        s.establishedPassive();
        s.peerPort(40_001);
        s.inject(Seg.syn().seq(0).mss(MSS));
        Packet synAck = s.poll();
        s.inject(Seg.ack().seq(1).absAck(synAck.seq + 1));
        // The script's connection is now the second one; "other" is the first.
        TcpConnection[] other = new TcpConnection[1];
        s.stack().forEachConnection(c -> {
            if (c.remotePort() == TcpScript.PEER_PORT) {
                other[0] = c;
            }
        });
        s.app("write 4 segments on the first connection", c -> other[0].write(new byte[4 * MSS], 0, 4 * MSS));
        s.checkEquals(4, s.drain().size(), "first connection's flight");
        s.write(4 * MSS);
        List<Packet> sent = s.drain();
        s.checkEquals(40_001, sent.get(0).dstPort, "second connection's flight");
        s.injectRaw(error(ROUTER_ADDR, ENGINE_ADDR, UNREACH, FRAG_NEEDED, 1000, sent.get(0).bytes), "MTU 1000");
        s.drain();
        s.checkEquals(960, s.conn().sendMss(), "the connection the ICMP was about");
        s.checkEquals(MSS, other[0].sendMss(), "not yet: nothing of the first was lost so far");
        Packet retransmission = null;
        for (int i = 0; i < 5 && retransmission == null; i++) {
            s.advanceToNextDeadline();
            for (Packet p : s.drain()) {
                if (p.dstPort == TcpScript.PEER_PORT && p.len() > 0 && retransmission == null) {
                    retransmission = p;
                }
            }
        }
        s.check(retransmission != null, "the first connection retransmitted");
        s.check(retransmission.len() <= 960, "at the learned size: " + retransmission.len());
        s.checkEquals(960, other[0].sendMss(), "its MSS follows the path");
    }

    /** RFC 5927 §4.1: an error quoting a sequence number not in flight is likely forged: ignored, counted. */
    @Test
    void shouldIgnoreErrorWhoseQuotedSequenceIsOutOfWindow() {
        TcpScript s = new TcpScript();
        List<Packet> sent = eightInFlight(s);
        int una = sent.get(0).seq;
        int nxt = una + 8 * MSS;
        for (int seq : new int[] {una - 1, una - 100_000, nxt, nxt + 1, una + 0x7000_0000}) {
            s.injectRaw(
                    error(ROUTER_ADDR, ENGINE_ADDR, UNREACH, FRAG_NEEDED, 576, withSeq(sent.get(0).bytes, seq)),
                    "forged, seq " + Integer.toUnsignedString(seq));
        }
        s.expectNothing();
        s.checkEquals(5L, s.drops(DropReason.ICMP_SEQ_OUT_OF_WINDOW), "rejects counted");
        s.checkEquals(MSS, s.conn().sendMss(), "MSS unchanged");
        s.checkEquals(0, s.stack().pathMtu(PEER_ADDR, s.now()), "nothing learned");
        // An error quoting data the peer has already acknowledged is stale too.
        s.inject(Seg.ack().seq(1).ack(1 + MSS));
        s.injectRaw(error(PEER_ADDR, ENGINE_ADDR, UNREACH, 3, 0, sent.get(0).bytes), "about acked data");
        s.checkEquals(6L, s.drops(DropReason.ICMP_SEQ_OUT_OF_WINDOW), "stale quote");
        s.checkEquals(-1, s.conn().lastIcmpError(), "nothing recorded");
    }

    /** RFC 1122 §4.2.3.9, RFC 5461 §4: a hard error ends a connection attempt, with a reason the app sees. */
    @Test
    void shouldEndConnectOnHardErrorInSynSent() {
        for (int code : new int[] {2, 3, 9, 10, 13}) {
            TcpScript s = new TcpScript();
            s.connect(TcpScript.REMOTE_PORT);
            Packet syn = s.expect(Seg.syn().seq(0));
            s.injectRaw(error(PEER_ADDR, ENGINE_ADDR, UNREACH, code, 0, syn.bytes), "unreachable code " + code);
            s.checkEquals(CloseReason.UNREACHABLE, s.closeReason(), "close reason, code " + code);
            s.checkEquals(TcpState.CLOSED, s.state(), "state");
            s.checkEquals((UNREACH << 8) | code, s.conn().lastIcmpError(), "type and code kept");
            s.checkEquals(1L, s.counters().icmpHardErrors, "hard errors");
            s.advance(10 * TcpScript.SEC);
            s.expectNothing();
        }
    }

    /** A hard error for a passive open in SYN_RECEIVED removes the half-open connection. */
    @Test
    void shouldDropHalfOpenOnHardErrorInSynReceived() {
        TcpScript s = new TcpScript();
        s.listen(TcpScript.LISTEN_PORT);
        s.injectRaw(syn(40_000), "SYN");
        Packet synAck = s.poll();
        s.check(synAck != null && synAck.syn(), "SYN-ACK sent");
        s.checkEquals(1, s.stack().halfOpenCount(), "half-open");
        s.injectRaw(error(PEER_ADDR, ENGINE_ADDR, UNREACH, 13, 0, synAck.bytes), "admin prohibited");
        s.checkEquals(0, s.stack().halfOpenCount(), "half-open connection gone");
        s.checkEquals(0, s.stack().connectionCount(), "table empty");
        s.advance(5 * TcpScript.SEC);
        s.expectNothing();
    }

    /** RFC 1122 §4.2.3.9: soft errors are recorded, never fatal; in SYN_SENT a soft error does not end it. */
    @Test
    void shouldRecordSoftErrorsWithoutClosing() {
        TcpScript s = new TcpScript();
        List<Packet> sent = eightInFlight(s);
        s.injectRaw(error(ROUTER_ADDR, ENGINE_ADDR, UNREACH, 1, 0, sent.get(1).bytes), "host unreachable");
        s.injectRaw(error(PEER_ADDR, ENGINE_ADDR, UNREACH, 3, 0, sent.get(2).bytes), "port unreachable, established");
        s.injectRaw(error(ROUTER_ADDR, ENGINE_ADDR, IcmpHeader.TYPE_TIME_EXCEEDED, 0, 0, sent.get(3).bytes), "TTL");
        s.injectRaw(error(ROUTER_ADDR, ENGINE_ADDR, IcmpHeader.TYPE_PARAMETER_PROBLEM, 0, 0, sent.get(4).bytes), "pp");
        s.expectNothing();
        s.checkEquals(TcpState.ESTABLISHED, s.state(), "still established");
        s.checkEquals(IcmpHeader.TYPE_PARAMETER_PROBLEM << 8, s.conn().lastIcmpError(), "last soft error");
        s.checkEquals(4L, s.conn().icmpErrors(), "errors on the connection");
        s.checkEquals(4L, s.counters().icmpSoftErrors, "soft errors counted");
        s.inject(Seg.ack().seq(1).ack(1 + 8 * MSS));
        s.checkEquals(8L * MSS, s.conn().bytesSent(), "the transfer goes on");

        TcpScript c = new TcpScript();
        c.connect(TcpScript.REMOTE_PORT);
        Packet syn = c.expect(Seg.syn().seq(0));
        c.injectRaw(error(ROUTER_ADDR, ENGINE_ADDR, UNREACH, 1, 0, syn.bytes), "host unreachable in SYN_SENT");
        c.checkEquals(TcpState.SYN_SENT, c.state(), "a soft error does not end the attempt");
        c.checkEquals((UNREACH << 8) | 1, c.conn().lastIcmpError(), "recorded");
        c.advanceToNextDeadline();
        c.expect(Seg.syn().seq(0));
    }

    /** Hostile or odd ICMP: every case a counted drop, or the RFC's answer; nothing throws. */
    @Test
    void shouldCountHostileIcmpErrors() {
        TcpScript s = new TcpScript();
        List<Packet> sent = eightInFlight(s);
        byte[] seg = sent.get(0).bytes;
        byte[] badSum = error(ROUTER_ADDR, ENGINE_ADDR, UNREACH, FRAG_NEEDED, 1000, seg);
        badSum[22] ^= 0x11;
        s.injectRaw(badSum, "bad ICMP checksum");
        s.checkEquals(1L, s.drops(DropReason.ICMP_BAD_CHECKSUM), "bad checksum");
        s.injectRaw(error(ROUTER_ADDR, ENGINE_ADDR, UNREACH, FRAG_NEEDED, 1000, seg, 27), "quote 1 byte short");
        s.injectRaw(error(ROUTER_ADDR, ENGINE_ADDR, UNREACH, FRAG_NEEDED, 1000, seg, 12), "half a header");
        s.checkEquals(2L, s.drops(DropReason.ICMP_QUOTE_TRUNCATED), "truncated quotes");
        byte[] other = Arrays.copyOf(seg, seg.length);
        other[12] = 10;
        other[13] = 9; // quoted source 10.9.x.x: not ours
        s.injectRaw(error(ROUTER_ADDR, ENGINE_ADDR, UNREACH, FRAG_NEEDED, 1000, other), "quote from elsewhere");
        byte[] udp = Arrays.copyOf(seg, seg.length);
        udp[9] = 17;
        s.injectRaw(error(ROUTER_ADDR, ENGINE_ADDR, UNREACH, 3, 0, udp), "quote of UDP");
        byte[] v6 = Arrays.copyOf(seg, seg.length);
        v6[0] = 0x65;
        s.injectRaw(error(ROUTER_ADDR, ENGINE_ADDR, UNREACH, 3, 0, v6), "quote not IPv4");
        s.checkEquals(3L, s.drops(DropReason.ICMP_QUOTE_NOT_OURS), "not ours");
        byte[] port = Arrays.copyOf(seg, seg.length);
        port[23] ^= 1; // remote port
        s.injectRaw(error(ROUTER_ADDR, ENGINE_ADDR, UNREACH, 3, 0, port), "another 4-tuple");
        s.checkEquals(1L, s.drops(DropReason.ICMP_NO_CONNECTION), "no connection");
        s.injectRaw(error(ROUTER_ADDR, ENGINE_ADDR, UNREACH, FRAG_NEEDED, 1500, seg), "MTU = datagram length");
        s.checkEquals(1L, s.drops(DropReason.ICMP_PMTU_BOGUS), "bogus MTU");
        s.injectRaw(error(ROUTER_ADDR, ENGINE_ADDR, IcmpHeader.TYPE_SOURCE_QUENCH, 0, 0, seg), "source quench");
        s.checkEquals(1L, s.drops(DropReason.ICMP_SOURCE_QUENCH), "source quench ignored (RFC 6633)");
        s.expectNothing();
        s.checkEquals(MSS, s.conn().sendMss(), "nothing changed the MSS");

        // RFC 1191 §5: next-hop MTU 0 (an old router): the plateau below 1500 is 1492.
        s.injectRaw(error(ROUTER_ADDR, ENGINE_ADDR, UNREACH, FRAG_NEEDED, 0, seg), "old-style message");
        s.checkEquals(1452, s.conn().sendMss(), "plateau 1492");
        s.drain();
        // Below the floor (552, Linux's min_pmtu): raised to it.
        s.injectRaw(error(ROUTER_ADDR, ENGINE_ADDR, UNREACH, FRAG_NEEDED, 200, seg), "MTU 200");
        s.checkEquals(512, s.conn().sendMss(), "floored at 552");
        s.drain();
        // RFC 1191 §6.3: never raised by an ICMP message.
        s.injectRaw(error(ROUTER_ADDR, ENGINE_ADDR, UNREACH, FRAG_NEEDED, 1400, seg), "MTU 1400, larger");
        s.checkEquals(512, s.conn().sendMss(), "not raised");
        s.checkEquals(1L, s.drops(DropReason.ICMP_PMTU_NOT_LOWER), "not lower");

        // Random garbage after a plausible header: never throws, never matches.
        Random r = new Random(9);
        for (int i = 0; i < 3000; i++) {
            int quoteLength = r.nextInt(80);
            byte[] quote = new byte[Math.max(quoteLength, 28)];
            r.nextBytes(quote);
            if (r.nextBoolean()) {
                System.arraycopy(seg, 0, quote, 0, Math.min(20 + r.nextInt(9), quote.length));
            }
            int type = new int[] {3, 4, 11, 12, 5, 13, r.nextInt(256)}[r.nextInt(7)];
            s.injectRaw(
                    error(ROUTER_ADDR, ENGINE_ADDR, type, r.nextInt(20), r.nextInt(65536), quote, quoteLength), null);
        }
        s.checkEquals(TcpState.ESTABLISHED, s.state(), "survived");
        s.drain();
        s.inject(Seg.ack().seq(1).ack(1 + 8 * MSS));
        s.checkEquals(8L * MSS, s.conn().bytesSent(), "the connection still works");
    }

    /**
     * RFC 1122 §3.2.2.1: protocol unreachable for a protocol we do not speak, through a token bucket
     * (like Linux's icmp_msgs_per_sec / icmp_msgs_burst); never for an ICMP error.
     */
    @Test
    void shouldSendRateLimitedProtocolUnreachable() {
        TcpScript s = new TcpScript(c -> c.icmpErrorRate(10, 5));
        byte[] udp =
                PacketBuilder.tcp(PEER_ADDR, ENGINE_ADDR, 5000, 53, 1, 0, TcpHeader.SYN, 1000, null, new byte[600]);
        new Ipv4Header().wrap(new UnsafeBuffer(udp), 0, udp.length).protocol(17).computeChecksum();
        for (int i = 0; i < 20; i++) {
            s.injectRaw(udp, "UDP " + i);
        }
        List<Packet> out = s.drain();
        s.checkEquals(5, out.size(), "burst of 5");
        for (Packet p : out) {
            s.checkEquals(PEER_ADDR, p.dst, "to the sender");
            s.checkEquals(UNREACH, p.icmpType, "type");
            s.checkEquals(IcmpHeader.CODE_PROTOCOL_UNREACHABLE, p.icmpCode, "code");
            s.check(p.icmpChecksumOk, "checksum");
            s.check(p.bytes.length <= 576, "at most 576 bytes (RFC 1812 §4.3.2.3)");
            s.check(Arrays.equals(Arrays.copyOf(udp, p.payload.length), p.payload), "quotes the datagram");
        }
        s.checkEquals(15L, s.counters().icmpErrorsRateLimited, "rate limited");
        s.checkEquals(20L, s.drops(DropReason.IP_UNKNOWN_PROTOCOL), "all dropped and counted");
        s.advance(200 * TcpScript.MS);
        for (int i = 0; i < 5; i++) {
            s.injectRaw(udp, "UDP after 200 ms");
        }
        s.checkEquals(2, s.drain().size(), "two tokens in 200 ms at 10/s");
        s.checkEquals(7L, s.counters().icmpErrorsSent, "sent");
        // RFC 1122 §3.2.2: never about an ICMP error, a datagram not unicast to us, or a later fragment.
        s.advance(10 * TcpScript.SEC);
        s.injectRaw(error(ROUTER_ADDR, ENGINE_ADDR, UNREACH, 3, 0, udp), "an error about nothing of ours");
        byte[] broadcast = Arrays.copyOf(udp, udp.length);
        new Ipv4Header()
                .wrap(new UnsafeBuffer(broadcast), 0, broadcast.length)
                .dstAddr(Ipv4Header.parseAddress("10.7.0.255"))
                .computeChecksum();
        s.injectRaw(broadcast, "UDP to the subnet broadcast");
        s.injectRaw(IcmpPackets.fragment(udp, 304, udp.length - 20, false), "a later fragment of a UDP datagram");
        s.expectNothing();
        s.advance(31 * TcpScript.SEC);
        s.expectNothing(); // its reassembly timed out, but without the first fragment nothing is quoted
        s.checkEquals(7L, s.counters().icmpErrorsSent, "nothing more sent");
    }

    /** The handle the app holds shows the last error after the connection ended. */
    @Test
    void shouldShowIcmpErrorOnConnectionHandleAfterClose() {
        TcpScript s = new TcpScript();
        TcpConnection c = s.connect(TcpScript.REMOTE_PORT);
        Packet syn = s.expect(Seg.syn().seq(0));
        s.injectRaw(error(ROUTER_ADDR, ENGINE_ADDR, UNREACH, 10, 0, syn.bytes), "host prohibited");
        s.checkEquals(CloseReason.UNREACHABLE, s.closeReason(), "reason");
        s.checkEquals((3 << 8) | 10, c.lastIcmpError(), "type 3 code 10");
        s.checkEquals(1L, c.icmpErrors(), "one error");
    }

    /** A quoted TCP segment from the engine's connection, with the given sequence number. */
    private static byte[] quoteOf(TcpScript s, int remotePort, int seq) {
        byte[] q = new byte[28];
        UnsafeBuffer b = new UnsafeBuffer(q);
        new Ipv4Header().wrap(b, 0, 28).writeHeader(1500, 1, 64, Ipv4Header.PROTOCOL_TCP, ENGINE_ADDR, PEER_ADDR);
        b.putShort(20, (short) s.localPort(), java.nio.ByteOrder.BIG_ENDIAN);
        b.putShort(22, (short) remotePort, java.nio.ByteOrder.BIG_ENDIAN);
        b.putInt(24, seq, java.nio.ByteOrder.BIG_ENDIAN);
        return q;
    }

    /**
     * Every error type and code, quoting sequence numbers around the flight, in every state: only a
     * hard error in a SYN state ends the connection; nothing throws.
     */
    @Test
    void shouldHandleEveryErrorInEveryState() {
        String[] states = {
            "synSent",
            "synReceived",
            "established",
            "finWait1",
            "finWait2",
            "closing",
            "closeWait",
            "lastAck",
            "timeWait"
        };
        for (String state : states) {
            for (int type : new int[] {UNREACH, IcmpHeader.TYPE_TIME_EXCEEDED, IcmpHeader.TYPE_PARAMETER_PROBLEM}) {
                for (int code = 0; code < 16; code++) {
                    if (type != UNREACH && code > 1) {
                        continue;
                    }
                    TcpScript s = new TcpScript();
                    switch (state) {
                        case "synSent" -> s.synSent();
                        case "synReceived" -> s.synReceived();
                        case "established" -> s.establishedPassive();
                        case "finWait1" -> s.finWait1();
                        case "finWait2" -> s.finWait2();
                        case "closing" -> s.closing();
                        case "closeWait" -> s.closeWait();
                        case "lastAck" -> s.lastAck();
                        default -> s.timeWait();
                    }
                    TcpState before = s.state();
                    int remotePort = state.equals("synSent") ? TcpScript.REMOTE_PORT : TcpScript.PEER_PORT;
                    for (int rel = -2; rel <= 3; rel++) {
                        int mtu = code == FRAG_NEEDED ? 600 : 0;
                        s.injectRaw(
                                error(
                                        ROUTER_ADDR,
                                        ENGINE_ADDR,
                                        type,
                                        code,
                                        mtu,
                                        quoteOf(s, remotePort, s.localIsn() + rel)),
                                state + " type " + type + " code " + code + " seq +" + rel);
                        s.drain();
                    }
                    boolean hard = type == UNREACH && (code == 2 || code == 3 || code >= 9 && code != 11 && code != 12);
                    boolean synState = before == TcpState.SYN_SENT || before == TcpState.SYN_RECEIVED;
                    if (hard && synState) {
                        s.check(s.stack().connectionCount() == 0, state + " code " + code + ": attempt ended");
                    } else {
                        s.checkEquals(before, s.state(), state + " type " + type + " code " + code + ": kept");
                    }
                    s.check(
                            s.drops(DropReason.ICMP_NO_CONNECTION) == 0
                                    || before == TcpState.TIME_WAIT
                                    || hard && synState,
                            "the quote named the connection");
                }
            }
        }
    }
}
