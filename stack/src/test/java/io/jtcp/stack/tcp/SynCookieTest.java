package io.jtcp.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.harness.Packet;
import io.jtcp.stack.harness.PacketBuilder;
import io.jtcp.stack.wire.TcpHeader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * SYN cookies (RFC 4987 §3.6) in Linux's encoding and per-listener SYN queues: a SYN burst from
 * spoofed sources must not lock a port (or every port) out, and a cookie must bring back what the
 * SYN negotiated.
 */
class SynCookieTest {
    private static final long SEC = 1_000_000_000L;
    private static final int PORT = 80;
    private static final int OTHER_PORT = 7;
    private static final int PEER = PacketBuilder.PEER_ADDR;

    private final List<Packet> sent = new ArrayList<>();
    private final UnsafeBuffer buf = new UnsafeBuffer(new byte[2048]);
    private final List<TcpConnection> accepted = new ArrayList<>();
    private final StringBuilder received = new StringBuilder();
    private long now = 1_000 * SEC;
    private NetworkStack stack;

    private NetworkStack start(Consumer<StackConfig> customize) {
        StackConfig config =
                new StackConfig().localAddr(PacketBuilder.ENGINE_ADDR).isnSecret(new byte[16]);
        customize.accept(config);
        stack = new NetworkStack(config, (b, off, len) -> sent.add(new Packet(b, off, len)));
        TcpListener l = c -> {
            accepted.add(c);
            return new TcpHandler() {
                @Override
                public void onReadable(TcpConnection c) {
                    byte[] b = new byte[4096];
                    int n;
                    while ((n = c.read(b, 0, b.length)) > 0) {
                        received.append(new String(b, 0, n, StandardCharsets.ISO_8859_1));
                    }
                }
            };
        };
        stack.listen(PORT, l);
        stack.listen(OTHER_PORT, l);
        return stack;
    }

    private void segment(int src, int srcPort, int dstPort, int seq, int ack, int flags, byte[] options, byte[] data) {
        int len = PacketBuilder.tcp(
                buf,
                src,
                PacketBuilder.ENGINE_ADDR,
                srcPort,
                dstPort,
                seq,
                ack,
                flags,
                65_535,
                options,
                data,
                0,
                data.length);
        stack.onPacket(now, buf, 0, len);
        stack.flush(now);
    }

    private static byte[] linuxSynOptions(int tsVal) {
        return PacketBuilder.options(1460, 7, true, true, tsVal, 0);
    }

    /** 1,100 SYNs, each from its own spoofed address (10.7.x.y) and port, never answered. */
    private void spoofedBurst(int count, int port) {
        for (int i = 0; i < count; i++) {
            int src = (10 << 24) | (7 << 16) | ((1 + i / 250) << 8) | (1 + i % 250);
            segment(
                    src,
                    1024 + i,
                    port,
                    77 * i,
                    0,
                    TcpHeader.SYN,
                    PacketBuilder.options(1460, -1, false, false, 0, 0),
                    new byte[0]);
        }
        sent.clear();
    }

    private Packet lastSynAckTo(int port) {
        for (int i = sent.size() - 1; i >= 0; i--) {
            Packet p = sent.get(i);
            if (p.dstPort == port && p.syn() && p.isAck()) {
                return p;
            }
        }
        return null;
    }

    /** The three-way handshake from the legitimate peer, with Linux's options; returns the SYN-ACK. */
    private Packet handshake(int srcPort, int dstPort, int isn) {
        segment(PEER, srcPort, dstPort, isn, 0, TcpHeader.SYN, linuxSynOptions(5000), new byte[0]);
        Packet synAck = lastSynAckTo(srcPort);
        assertNotNull(synAck, "a SYN-ACK for the legitimate SYN to port " + dstPort);
        byte[] ackOptions =
                synAck.hasTimestamps ? PacketBuilder.options(-1, -1, false, true, 5001, synAck.tsVal) : new byte[0];
        segment(PEER, srcPort, dstPort, isn + 1, synAck.seq + 1, TcpHeader.ACK, ackOptions, new byte[0]);
        return synAck;
    }

    private TcpConnection acceptedFrom(int srcPort) {
        for (TcpConnection c : accepted) {
            if (c.remotePort() == srcPort) {
                return c;
            }
        }
        return null;
    }

    @Test
    void shouldStillAcceptALegitimateClientOnTheFloodedPortAndOthersAfterASpoofedBurst() {
        start(c -> {});
        spoofedBurst(1_100, PORT);
        handshake(40_000, PORT, 1_000_000);
        TcpConnection flooded = acceptedFrom(40_000);
        assertNotNull(flooded, "the flooded port still accepts");
        assertEquals(TcpState.ESTABLISHED, flooded.state());
        handshake(40_001, OTHER_PORT, 2_000_000);
        assertNotNull(acceptedFrom(40_001), "another port still accepts");
        assertTrue(stack.counters().tcpSynCookiesSent >= 1_100 - stack.config().synBacklog());
        assertEquals(1L, stack.counters().tcpSynCookiesValid, "the flooded port's client came in by cookie");
        assertEquals(0L, stack.counters().drops(DropReason.TCP_SYN_BACKLOG_FULL));
        assertTrue(
                stack.halfOpenCount() <= stack.config().synBacklog(), "one listener's queue: " + stack.halfOpenCount());
        // Rings are taken lazily, on first data: neither the flood nor two idle handshakes hold any.
        assertTrue(stack.counters().tcpRingsAllocated <= 4, "rings at most for the two real connections");
        assertEquals(0L, stack.counters().memRingBytes, "no ring storage for a half-open flood");
    }

    @Test
    void shouldRecoverMssWindowScaleAndSackFromACookieWithTimestamps() {
        start(c -> c.synBacklog(1));
        spoofedBurst(1, PORT);
        segment(
                PEER,
                40_000,
                PORT,
                1_000_000,
                0,
                TcpHeader.SYN,
                PacketBuilder.options(1400, 9, true, true, 5000, 0),
                new byte[0]);
        Packet synAck = lastSynAckTo(40_000);
        assertEquals(1, stack.counters().tcpSynCookiesSent);
        assertTrue(synAck.hasTimestamps, "timestamps on the cookie SYN-ACK");
        assertEquals(5000, synAck.tsEcr);
        assertTrue(synAck.sackPermitted, "SACK offered");
        assertTrue(synAck.windowScale >= 0, "window scale offered");
        assertEquals(9, synAck.tsVal & 0xF, "the peer's window scale in our TSval's low bits");
        // The ACK carries data at once (as a client that speaks first may): it must be delivered.
        byte[] req = "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        segment(
                PEER,
                40_000,
                PORT,
                1_000_001,
                synAck.seq + 1,
                TcpHeader.ACK | TcpHeader.PSH,
                PacketBuilder.options(-1, -1, false, true, 5001, synAck.tsVal),
                req);
        assertEquals(1, stack.counters().tcpSynCookiesValid);
        Tcb c = (Tcb) acceptedFrom(40_000);
        assertNotNull(c, "accepted from the cookie");
        assertEquals(TcpState.ESTABLISHED, c.state());
        assertEquals(1300, c.tx.sndMss, "1400 rounds down to the table's 1300");
        assertEquals(9, c.tx.sndWscale);
        assertEquals(synAck.windowScale, c.rx.rcvWscale);
        assertTrue(c.sackOk);
        assertTrue(c.tsOk);
        assertEquals(5001, c.rx.tsRecent);
        assertEquals("GET / HTTP/1.0\r\n\r\n", received.toString());
        Packet ack = sent.get(sent.size() - 1);
        assertEquals(1_000_001 + req.length, ack.ack, "the data is acknowledged");
        assertTrue(ack.hasTimestamps && ack.tsEcr == 5001);
        assertTrue(ack.tsVal - synAck.tsVal >= 0, "our TSval clock does not run backwards");
        int pairOffset = new IsnGenerator(new byte[16]).tsOffset(PacketBuilder.ENGINE_ADDR, PEER);
        assertEquals(pairOffset, c.tsOffset, "a cookie's connection has the address pair's TSval offset");
        assertEquals(Tcb.tsVal(now, pairOffset), ack.tsVal, "and sends on the pair's TSval clock");
    }

    @Test
    void shouldNegotiateNeitherWindowScaleNorSackThroughACookieWithoutTimestamps() {
        start(c -> c.synBacklog(1));
        spoofedBurst(1, PORT);
        segment(
                PEER,
                40_000,
                PORT,
                1_000_000,
                0,
                TcpHeader.SYN,
                PacketBuilder.options(1460, 7, true, false, 0, 0),
                new byte[0]);
        Packet synAck = lastSynAckTo(40_000);
        assertFalse(synAck.hasTimestamps);
        assertFalse(synAck.sackPermitted, "nowhere to remember SACK");
        assertEquals(-1, synAck.windowScale, "nowhere to remember the window scale");
        assertEquals(stack.config().mssBytes(), synAck.mss);
        segment(PEER, 40_000, PORT, 1_000_001, synAck.seq + 1, TcpHeader.ACK, new byte[0], new byte[0]);
        Tcb c = (Tcb) acceptedFrom(40_000);
        assertNotNull(c);
        assertEquals(1460, c.tx.sndMss);
        assertEquals(0, c.tx.sndWscale);
        assertEquals(0, c.rx.rcvWscale);
        assertFalse(c.sackOk);
        assertFalse(c.tsOk);
    }

    @Test
    void shouldRejectAndCountAForgedCookieWithARst() {
        start(c -> c.synBacklog(1));
        spoofedBurst(2, PORT); // one queued, one cookie: the listener overflowed
        segment(PEER, 40_000, PORT, 1_000_000, 0, TcpHeader.SYN, new byte[0], new byte[0]);
        Packet synAck = lastSynAckTo(40_000);
        sent.clear();
        int forged = synAck.seq + 1 + (1 << 20); // the low bits carry the MSS index: flip a hash bit
        segment(PEER, 40_000, PORT, 1_000_001, forged, TcpHeader.ACK, new byte[0], new byte[0]);
        assertEquals(1L, stack.counters().tcpSynCookiesInvalid);
        assertEquals(1L, stack.counters().drops(DropReason.TCP_SYN_COOKIE_INVALID));
        assertEquals(1, sent.size());
        assertTrue(sent.get(0).rst(), "RST as Linux answers a failed cookie");
        assertEquals(forged, sent.get(0).seq);
        // The same cookie with another peer ISN (or from another port) is no cookie either.
        segment(PEER, 40_000, PORT, 1_000_002, synAck.seq + 1, TcpHeader.ACK, new byte[0], new byte[0]);
        segment(PEER, 40_001, PORT, 1_000_001, synAck.seq + 1, TcpHeader.ACK, new byte[0], new byte[0]);
        assertEquals(3L, stack.counters().tcpSynCookiesInvalid);
        assertTrue(accepted.isEmpty());
    }

    @Test
    void shouldAcceptACookieFromThePreviousSlotButNotOlder() {
        start(c -> c.synBacklog(1));
        spoofedBurst(2, PORT);
        segment(PEER, 40_000, PORT, 1_000_000, 0, TcpHeader.SYN, new byte[0], new byte[0]);
        Packet first = lastSynAckTo(40_000);
        segment(PEER, 40_001, PORT, 2_000_000, 0, TcpHeader.SYN, new byte[0], new byte[0]);
        Packet second = lastSynAckTo(40_001);
        now += SynCookies.SLOT_NS; // the next slot: still valid
        segment(PEER, 40_000, PORT, 1_000_001, first.seq + 1, TcpHeader.ACK, new byte[0], new byte[0]);
        assertNotNull(acceptedFrom(40_000), "a cookie of the previous slot is valid");
        spoofedBurst(2, PORT); // overflow again, so ACKs are still tried as cookies
        now += SynCookies.SLOT_NS; // two slots on: too old
        segment(PEER, 40_001, PORT, 2_000_001, second.seq + 1, TcpHeader.ACK, new byte[0], new byte[0]);
        assertEquals(null, acceptedFrom(40_001), "a cookie two slots old is rejected");
        assertEquals(1L, stack.counters().tcpSynCookiesInvalid);
    }

    @Test
    void shouldNotTryCookiesWhenNoListenerOverflowed() {
        start(c -> {});
        int cookie = new SynCookies(new IsnGenerator(new byte[16]))
                .encode(now, PacketBuilder.ENGINE_ADDR, PORT, PEER, 40_000, 1_000_000, 3);
        segment(PEER, 40_000, PORT, 1_000_001, cookie + 1, TcpHeader.ACK, new byte[0], new byte[0]);
        assertTrue(accepted.isEmpty(), "no flood, no cookie: a stray ACK is a stray ACK");
        assertEquals(1L, stack.counters().drops(DropReason.TCP_SYN_IN_LISTEN_INVALID));
    }

    @Test
    void shouldGiveUpSpoofedHalfOpenConnectionsEarlyUnderPressure() {
        start(c -> {});
        spoofedBurst(1_100, PORT);
        assertEquals(256, stack.halfOpenCount());
        // Unanswered SYN-ACKs: RTO 1 s, then 2 s. Five retries would keep them for 63 s.
        for (int i = 0; i < 40; i++) {
            now += SEC / 4;
            stack.onTimeout(now);
            stack.flush(now);
        }
        assertEquals(0, stack.halfOpenCount(), "the queue is empty after 10 s");
        assertEquals(256L, stack.counters().tcpSynAckRetriesShortened);
    }

    @Test
    void shouldDropInsteadOfCookiesWhenCookiesAreOff() {
        start(c -> c.synCookies(false));
        spoofedBurst(300, PORT);
        assertEquals(256, stack.halfOpenCount());
        assertEquals(44L, stack.counters().drops(DropReason.TCP_SYN_BACKLOG_FULL));
        assertEquals(0L, stack.counters().tcpSynCookiesSent);
    }

    @Test
    void shouldRoundTripEveryMssIndexAndRejectBitFlips() {
        SynCookies cookies =
                new SynCookies(new IsnGenerator(new byte[] {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6}));
        for (int idx = 0; idx < SynCookies.MSS_TABLE.length; idx++) {
            int c = cookies.encode(now, 1, 2, 3, 4, 0xDEAD_BEEF, idx);
            assertEquals(idx, cookies.check(now, 1, 2, 3, 4, 0xDEAD_BEEF, c));
            assertEquals(idx, cookies.check(now + SynCookies.SLOT_NS, 1, 2, 3, 4, 0xDEAD_BEEF, c));
            assertEquals(SynCookies.INVALID, cookies.check(now + 2 * SynCookies.SLOT_NS, 1, 2, 3, 4, 0xDEAD_BEEF, c));
            int rejected = 0;
            for (int bit = 0; bit < 32; bit++) {
                if (cookies.check(now, 1, 2, 3, 4, 0xDEAD_BEEF, c ^ (1 << bit)) == SynCookies.INVALID) {
                    rejected++;
                }
            }
            assertTrue(rejected >= 30, "bit flips rejected: " + rejected);
        }
        assertEquals(0, SynCookies.mssIndex(100));
        assertEquals(1, SynCookies.mssIndex(1400));
        assertEquals(3, SynCookies.mssIndex(9000));
    }

    /** The flood path (SYN in, cookie SYN-ACK out) allocates nothing per packet. */
    @Test
    void shouldAnswerAFloodWithCookiesWithoutAllocating() {
        StackConfig config =
                new StackConfig().localAddr(PacketBuilder.ENGINE_ADDR).isnSecret(new byte[16]);
        long[] out = {0};
        stack = new NetworkStack(config, (b, off, len) -> out[0]++);
        stack.listen(PORT, c -> new TcpHandler() {});
        byte[] options = linuxSynOptions(1234);
        int[] lengths = new int[1024]; // 256 fill the listener's queue, the rest get cookies
        UnsafeBuffer[] packets = new UnsafeBuffer[1024];
        for (int i = 0; i < packets.length; i++) {
            packets[i] = new UnsafeBuffer(new byte[128]);
            lengths[i] = PacketBuilder.tcp(
                    packets[i],
                    (10 << 24) | (7 << 16) | (200 << 8) | i,
                    PacketBuilder.ENGINE_ADDR,
                    2000 + i,
                    PORT,
                    i * 7919,
                    0,
                    TcpHeader.SYN,
                    65_535,
                    options,
                    new byte[0],
                    0,
                    0);
        }
        java.util.function.IntConsumer flood = n -> {
            for (int i = 0; i < n; i++) {
                stack.onPacket(now, packets[i & 1023], 0, lengths[i & 1023]);
                if ((i & 63) == 0) {
                    stack.flush(now);
                }
            }
        };
        flood.accept(20_000); // fills the queue (its half-open entries allocate) and warms up
        long before = allocatedBytes();
        flood.accept(20_000);
        long allocated = allocatedBytes() - before;
        assertTrue(stack.counters().tcpSynCookiesSent >= 29_000, "cookies: " + stack.counters().tcpSynCookiesSent);
        assertTrue(allocated < 20_000, "allocated " + allocated + " bytes for 20,000 flood SYNs");
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
