package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.PacketBuilder.ENGINE_ADDR;
import static io.jtcp.stack.harness.PacketBuilder.PEER_ADDR;
import static io.jtcp.stack.harness.TcpScript.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.harness.Packet;
import io.jtcp.stack.harness.PacketBuilder;
import io.jtcp.stack.wire.TcpHeader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Initial sequence numbers, observed on the wire: RFC 9293 §3.4.1 (MUST-8: ISN = M + F(4-tuple,
 * secret), M a 4 µs clock) and RFC 6528.
 */
class IsnTest {

    private static final byte[] SECRET_1 = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    private static final byte[] SECRET_2 = {16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1};

    /**
     * The SYN-ACK a fresh engine with {@code secret} sends at {@code nowNs} to a SYN from {@code
     * peer}:{@code peerPort} carrying {@code synOptions}.
     */
    private static Packet synAck(byte[] secret, long nowNs, int peer, int peerPort, byte[] synOptions) {
        List<Packet> out = new ArrayList<>();
        NetworkStack stack = new NetworkStack(
                new StackConfig().localAddr(ENGINE_ADDR).isnSecret(secret), (b, o, l) -> out.add(new Packet(b, o, l)));
        stack.listen(8080, c -> new TcpHandler() {});
        byte[] syn =
                PacketBuilder.tcp(peer, ENGINE_ADDR, peerPort, 8080, 12345, 0, TcpHeader.SYN, 65535, synOptions, null);
        stack.onPacket(nowNs, new UnsafeBuffer(syn), 0, syn.length);
        stack.onTimeout(nowNs);
        stack.flush(nowNs);
        assertEquals(1, out.size(), "one SYN-ACK");
        Packet p = out.get(0);
        assertTrue(p.syn() && p.isAck(), "a SYN-ACK: " + p);
        return p;
    }

    /** The ISN of the SYN-ACK to a SYN from {@code peerPort} with MSS only. */
    private static int synAckIsn(byte[] secret, long nowNs, int peerPort) {
        return synAck(secret, nowNs, PEER_ADDR, peerPort, PacketBuilder.options(1460, -1, false, false, 0, 0)).seq;
    }

    /** The TSval on the SYN-ACK to a SYN from {@code peer}:{@code peerPort} with Linux's options. */
    private static int synAckTsVal(byte[] secret, long nowNs, int peer, int peerPort) {
        Packet p = synAck(secret, nowNs, peer, peerPort, PacketBuilder.options(1460, 7, true, true, 777, 0));
        assertTrue(p.hasTimestamps, "timestamps negotiated");
        return p.tsVal;
    }

    /**
     * RFC 7323 §5.4: the TSval offset is per address pair, so a new incarnation of a 4-tuple (or any
     * other port pair between the same hosts) continues the same TSval clock, and a peer holding the
     * old one in TIME_WAIT does not drop the new SYN under PAWS (§5.3).
     */
    @Test
    void shouldShareTheTsvalClockAcrossPortsOfOneAddressPairOnly() {
        int first = synAckTsVal(SECRET_1, T0, PEER_ADDR, 40000);
        for (int port = 40001; port < 40020; port++) {
            assertEquals(first, synAckTsVal(SECRET_1, T0, PEER_ADDR, port), "same pair, same clock: port " + port);
        }
        assertEquals(first + 1000, synAckTsVal(SECRET_1, T0 + 1_000_000_000L, PEER_ADDR, 40000), "1 ms ticks");
        Set<Integer> perPeer = new HashSet<>();
        for (int host = 1; host <= 20; host++) {
            perPeer.add(synAckTsVal(SECRET_1, T0, (10 << 24) | (7 << 16) | (9 << 8) | host, 40000));
        }
        assertEquals(20, perPeer.size(), "another pair, another offset: the clock is not revealed");
        assertNotEquals(first, synAckTsVal(SECRET_2, T0, PEER_ADDR, 40000), "the offset is keyed by the secret");
    }

    /** The same for active opens: SYNs to one host share the TSval clock whatever the ports. */
    @Test
    void shouldShareTheTsvalClockAcrossActiveOpensToOneHost() {
        List<Packet> out = new ArrayList<>();
        NetworkStack stack = new NetworkStack(
                new StackConfig().localAddr(ENGINE_ADDR).isnSecret(SECRET_1),
                (b, o, l) -> out.add(new Packet(b, o, l)));
        for (int port = 1000; port < 1010; port++) {
            stack.connect(T0, PEER_ADDR, port, new TcpHandler() {});
        }
        stack.flush(T0);
        assertEquals(10, out.size(), "10 SYNs");
        Set<Integer> tsVals = new HashSet<>();
        for (Packet p : out) {
            assertTrue(p.hasTimestamps, "timestamps offered: " + p);
            tsVals.add(p.tsVal);
        }
        assertEquals(1, tsVals.size(), "one TSval clock for one host: " + tsVals);
        assertEquals(
                synAckTsVal(SECRET_1, T0, PEER_ADDR, 5555), tsVals.iterator().next(), "passive and active agree");
    }

    /** RFC 6528 §3: F differs per 4-tuple, so ISNs at the same instant differ across connections. */
    @Test
    void shouldChooseDistinctIsnsWhenFourTuplesDiffer() {
        Set<Integer> isns = new HashSet<>();
        for (int port = 40000; port < 40100; port++) {
            isns.add(synAckIsn(SECRET_1, T0, port));
        }
        assertEquals(100, isns.size(), "100 tuples, 100 ISNs");
    }

    /** RFC 9293 §3.4.1: M is a 4 µs timer, so the same 4-tuple's ISN grows with time. */
    @Test
    void shouldIncreaseIsnWithTimeWhenFourTupleIsTheSame() {
        int first = synAckIsn(SECRET_1, T0, 40000);
        long[] later = {4_000L, 1_000_000L, 1_000_000_000L, 60_000_000_000L};
        for (long dt : later) {
            int isn = synAckIsn(SECRET_1, T0 + dt, 40000);
            long expectedTicks = dt / 4_000L;
            long ticks = (isn - first) & 0xFFFF_FFFFL;
            assertTrue(
                    Math.abs(ticks - expectedTicks) <= 1,
                    "after " + dt + " ns the ISN moved " + ticks + " ticks, expected " + expectedTicks);
        }
    }

    /** RFC 6528 §3: F is keyed by the secret; the same tuple and time give another ISN with another secret. */
    @Test
    void shouldDependOnSecretWhenTupleAndTimeAreTheSame() {
        int a = synAckIsn(SECRET_1, T0, 40000);
        int b = synAckIsn(SECRET_2, T0, 40000);
        assertNotEquals(a, b, "ISN must depend on the secret");
        assertEquals(a, synAckIsn(SECRET_1, T0, 40000), "and be a function of (secret, tuple, time)");
    }

    /** RFC 6528 §3 for active opens: SYNs to different remote ports carry different ISNs. */
    @Test
    void shouldChooseDistinctIsnsForActiveOpensToDifferentPorts() {
        List<Packet> out = new ArrayList<>();
        NetworkStack stack = new NetworkStack(
                new StackConfig().localAddr(ENGINE_ADDR).isnSecret(SECRET_1),
                (b, o, l) -> out.add(new Packet(b, o, l)));
        for (int port = 1000; port < 1050; port++) {
            stack.connect(T0, PEER_ADDR, port, new TcpHandler() {});
        }
        stack.flush(T0);
        Set<Integer> isns = new HashSet<>();
        for (Packet p : out) {
            assertTrue(p.syn() && !p.isAck(), "a SYN: " + p);
            isns.add(p.seq);
            assertTrue(p.srcPort >= 49152 && p.srcPort <= 65535, "ephemeral port in the RFC 6335 range: " + p.srcPort);
        }
        assertEquals(50, out.size(), "50 SYNs");
        assertEquals(50, isns.size(), "50 distinct ISNs");
    }
}
