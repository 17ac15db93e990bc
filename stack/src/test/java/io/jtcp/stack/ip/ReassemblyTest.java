package io.jtcp.stack.ip;

import static io.jtcp.stack.harness.PacketBuilder.ENGINE_ADDR;
import static io.jtcp.stack.harness.PacketBuilder.PEER_ADDR;
import static io.jtcp.stack.ip.IcmpPackets.fragment;
import static io.jtcp.stack.ip.IcmpPackets.fragments;
import static io.jtcp.stack.ip.IcmpPackets.withId;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.harness.Packet;
import io.jtcp.stack.harness.PacketBuilder;
import io.jtcp.stack.harness.Seg;
import io.jtcp.stack.harness.TcpScript;
import io.jtcp.stack.wire.IcmpHeader;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.stack.wire.TcpHeader;
import java.lang.management.ManagementFactory;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** IPv4 reassembly (RFC 791 §3.2, RFC 815) and fragmented ICMP replies. */
class ReassemblyTest {
    private static final long SEC = TcpScript.SEC;

    private static byte[] data(int n, long seed) {
        byte[] d = new byte[n];
        new Random(seed).nextBytes(d);
        return d;
    }

    /** An echo request carrying {@code n} bytes, IPv4 identification {@code id}. */
    private static byte[] ping(int id, int n) {
        return withId(PacketBuilder.icmpEcho(PEER_ADDR, ENGINE_ADDR, 8, 77, id, data(n, id)), id);
    }

    /** The engine's reply, put back together from its fragments; checks each fragment's fields. */
    private static byte[] reply(TcpScript s, int expectedFragments) {
        List<Packet> out = s.drain();
        s.checkEquals(expectedFragments, out.size(), "reply fragments");
        List<byte[]> pieces = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            byte[] p = out.get(i).bytes;
            int flags = IcmpPackets.flagsAndOffset(p);
            s.check(p.length <= s.config().mtuBytes(), "fragment fits the MTU");
            s.checkEquals(0, flags & Ipv4Header.FLAG_DF, "no DF on an ICMP reply");
            s.checkEquals(i < out.size() - 1, (flags & Ipv4Header.FLAG_MF) != 0, "MF on all but the last");
            s.check(io.jtcp.stack.wire.Checksum.verify(new UnsafeBuffer(p), 0, 20, 0), "fragment header checksum");
            pieces.add(p);
        }
        return IcmpPackets.reassemble(pieces);
    }

    private static void checkEchoReply(TcpScript s, byte[] request, byte[] whole) {
        Packet reply = new Packet(whole);
        s.checkEquals(IcmpHeader.TYPE_ECHO_REPLY, reply.icmpType, "echo reply");
        s.check(reply.icmpChecksumOk, "ICMP checksum over the whole reply");
        s.check(Arrays.equals(new Packet(request).payload, reply.payload), "the request's data");
    }

    /** A 4000-byte ping in three fragments, in all six orders: each answered, in three fragments. */
    @Test
    void shouldReassembleInEveryOrderAndFragmentTheReply() {
        TcpScript s = new TcpScript();
        int[][] orders = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
        for (int i = 0; i < orders.length; i++) {
            byte[] request = ping(100 + i, 4000);
            List<byte[]> f = fragments(request, 0, 1480, 2960);
            for (int k = 0; k < 3; k++) {
                s.check(s.pending() == 0, "nothing before the last fragment");
                s.injectRaw(f.get(orders[i][k]), "fragment " + orders[i][k]);
            }
            checkEchoReply(s, request, reply(s, 3));
        }
        s.checkEquals(6L, s.counters().ipDatagramsReassembled, "reassembled");
        s.checkEquals(18L, s.counters().ipFragmentsOut, "fragments sent");
        s.checkEquals(0, s.stack().reassemblyInProgress(), "nothing left over");
        s.checkEquals(0L, s.counters().totalDrops(), "no drops");
    }

    /** Many small fragments in random orders (RFC 815: any order), and the largest datagram. */
    @Test
    void shouldReassembleShuffledFragmentsUpToTheLargestDatagram() {
        TcpScript s = new TcpScript();
        Random r = new Random(5);
        for (int round = 0; round < 20; round++) {
            byte[] request = ping(round, 100 + r.nextInt(8000));
            int payload = request.length - 20;
            List<Integer> starts = new ArrayList<>();
            for (int at = 0; at < payload; at += 8 * (1 + r.nextInt(100))) {
                starts.add(at);
            }
            List<byte[]> f = fragments(
                    request, starts.stream().mapToInt(Integer::intValue).toArray());
            Collections.shuffle(f, r);
            for (byte[] piece : f) {
                s.injectRaw(piece, null);
            }
            checkEchoReply(s, request, reply(s, (payload + 1479) / 1480));
        }
        byte[] max = ping(999, 65_535 - 28);
        List<Integer> starts = new ArrayList<>();
        for (int at = 0; at < max.length - 20; at += 1480) {
            starts.add(at);
        }
        List<byte[]> f =
                fragments(max, starts.stream().mapToInt(Integer::intValue).toArray());
        Collections.reverse(f);
        for (byte[] piece : f) {
            s.injectRaw(piece, null);
        }
        checkEchoReply(s, max, reply(s, 45));
    }

    /** A TCP segment that arrived in fragments reaches the application intact (SHA-256). */
    @Test
    void shouldDeliverReassembledTcpSegmentIntact() throws Exception {
        TcpScript s = new TcpScript().establishedPassive();
        byte[] payload = data(1400, 42);
        byte[] seg = PacketBuilder.tcp(
                PEER_ADDR,
                ENGINE_ADDR,
                TcpScript.PEER_PORT,
                TcpScript.LISTEN_PORT,
                s.peerIsnValue() + 1,
                s.localIsn() + 1,
                TcpHeader.ACK | TcpHeader.PSH,
                65535,
                null,
                payload);
        List<byte[]> f = fragments(withId(seg, 4242), 0, 512, 1024);
        s.injectRaw(f.get(2), "last fragment");
        s.injectRaw(f.get(0), "first fragment (TCP header)");
        s.expectNothing();
        s.injectRaw(f.get(1), "middle fragment");
        s.expect(Seg.ack().seq(1).ack(1401));
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        s.check(
                Arrays.equals(
                        md.digest(payload), MessageDigest.getInstance("SHA-256").digest(s.received())),
                "SHA-256 of the data delivered");

        // The checksum is verified on the whole: a corrupted fragment spoils the datagram.
        byte[] bad = withId(seg, 4243);
        bad[700] ^= 0x40;
        for (byte[] piece : fragments(bad, 0, 512, 1024)) {
            s.injectRaw(piece, null);
        }
        s.checkEquals(1L, s.drops(DropReason.TCP_BAD_CHECKSUM), "bad TCP checksum found after reassembly");
    }

    /** Overlaps drop the whole datagram (Linux since 2018, RFC 5722's rule); exact duplicates are ignored. */
    @Test
    void shouldDropDatagramOnOverlapAndIgnoreExactDuplicates() {
        TcpScript s = new TcpScript();
        byte[] request = ping(1, 2000);
        s.injectRaw(fragment(request, 0, 1000, true), "[0,1000)");
        s.injectRaw(fragment(request, 992, 2008, false), "[992,2008): overlaps by 8");
        s.checkEquals(1L, s.drops(DropReason.IP_FRAGMENT_OVERLAP), "overlap");
        s.checkEquals(0, s.stack().reassemblyInProgress(), "datagram dropped");
        s.injectRaw(fragment(request, 1000, 2008, false), "the rest, alone");
        s.expectNothing();

        byte[] again = ping(2, 2000);
        List<byte[]> f = fragments(again, 0, 1000);
        s.injectRaw(f.get(0), "first");
        s.injectRaw(f.get(0), "first again");
        s.checkEquals(1L, s.drops(DropReason.IP_FRAGMENT_DUPLICATE), "duplicate");
        s.injectRaw(f.get(1), "last");
        checkEchoReply(s, again, reply(s, 2));

        // A fragment inside another (not equal to it) is an overlap too.
        byte[] third = ping(3, 2000);
        s.injectRaw(fragment(third, 0, 1600, true), "[0,1600)");
        s.injectRaw(fragment(third, 800, 1200, true), "[800,1200) inside it");
        s.checkEquals(2L, s.drops(DropReason.IP_FRAGMENT_OVERLAP), "contained overlap");
    }

    /** RFC 791: an incomplete datagram is dropped after the timeout; RFC 792 time exceeded is sent. */
    @Test
    void shouldExpireIncompleteDatagramAndSendTimeExceeded() {
        TcpScript s = new TcpScript(c -> c.reassemblyTimeoutNs(30 * SEC));
        byte[] request = ping(7, 3000);
        long t0 = s.now();
        s.injectRaw(fragment(request, 0, 1480, true), "first fragment only");
        s.checkEquals(t0 + 30 * SEC, s.stack().nextDeadlineNs(), "the loop wakes for the timeout");
        s.advance(30 * SEC - 1);
        s.expectNothing();
        s.checkEquals(1, s.stack().reassemblyInProgress(), "still waiting");
        s.advance(1);
        s.checkEquals(1L, s.drops(DropReason.IP_REASSEMBLY_TIMEOUT), "timed out");
        s.checkEquals(0, s.stack().reassemblyInProgress(), "freed");
        Packet te = s.poll();
        s.check(te != null, "time exceeded sent");
        s.checkEquals(IcmpHeader.TYPE_TIME_EXCEEDED, te.icmpType, "type 11");
        s.checkEquals(IcmpHeader.CODE_REASSEMBLY_TIME_EXCEEDED, te.icmpCode, "code 1");
        s.checkEquals(28, te.payload.length, "quotes the header and 8 bytes");
        s.checkEquals(Long.MAX_VALUE, s.stack().nextDeadlineNs(), "no deadline left");

        // Without the first fragment there is nothing to quote: dropped silently.
        s.injectRaw(fragment(ping(8, 3000), 1480, 3008, false), "last fragment only");
        s.advance(31 * SEC);
        s.checkEquals(2L, s.drops(DropReason.IP_REASSEMBLY_TIMEOUT), "timed out");
        s.expectNothing();
    }

    /** Bounded: at most reassemblyMaxDatagrams at once, the oldest evicted; the memory knob caps it too. */
    @Test
    void shouldBoundDatagramsInProgressAndEvictTheOldest() {
        TcpScript s = new TcpScript(c -> c.reassemblyMaxDatagrams(4));
        List<List<byte[]>> all = new ArrayList<>();
        for (int id = 0; id < 10; id++) {
            all.add(fragments(ping(id, 2000), 0, 1480));
            s.advance(TcpScript.MS);
            s.injectRaw(all.get(id).get(0), "first fragment of " + id);
            s.check(s.stack().reassemblyInProgress() <= 4, "bounded");
        }
        s.checkEquals(6L, s.drops(DropReason.IP_REASSEMBLY_EVICTED), "six oldest evicted");
        for (int id = 6; id < 10; id++) {
            s.injectRaw(all.get(id).get(1), "last fragment of " + id);
            reply(s, 2);
        }
        s.checkEquals(4L, s.counters().ipDatagramsReassembled, "the four newest completed");

        TcpScript m = new TcpScript(c -> c.reassemblyBytes(128 * 1024));
        for (int id = 0; id < 5; id++) {
            m.injectRaw(fragments(ping(id, 2000), 0, 1480).get(0), null);
        }
        m.checkEquals(2, m.stack().reassemblyInProgress(), "128 KiB holds two datagrams");

        TcpScript off = new TcpScript(c -> c.reassemblyMaxDatagrams(0));
        off.injectRaw(fragments(ping(1, 2000), 0, 1480).get(0), "reassembly off");
        off.checkEquals(1L, off.drops(DropReason.IP_FRAGMENT), "dropped as before");
    }

    /** Malformed fragments: counted, and they never throw or grow memory. */
    @Test
    void shouldCountHostileFragments() {
        TcpScript s = new TcpScript();
        byte[] request = ping(1, 3000);
        s.injectRaw(fragment(request, 0, 1001, true), "MF with 1001 bytes (not a multiple of 8)");
        s.injectRaw(fragment(request, 8, 8, true), "empty fragment");
        byte[] big = fragment(request, 0, 200, false);
        new Ipv4Header()
                .wrap(new UnsafeBuffer(big), 0, big.length)
                .flagsAndFragment(8180)
                .computeChecksum();
        s.injectRaw(big, "ends past 65535 (ping of death)");
        s.checkEquals(3L, s.drops(DropReason.IP_FRAGMENT_BAD), "bad fragments");
        s.checkEquals(0, s.stack().reassemblyInProgress(), "none kept");

        byte[] two = ping(2, 3000);
        s.injectRaw(fragment(two, 1480, 3008, false), "last, ends at 3008");
        s.injectRaw(fragment(two, 8, 1000, false), "another last, ends at 1000");
        s.checkEquals(4L, s.drops(DropReason.IP_FRAGMENT_BAD), "two different ends");
        s.injectRaw(fragment(two, 1480, 2000, false), "last ends at 2000");
        s.injectRaw(fragment(two, 2000, 2400, true), "past the end");
        s.checkEquals(5L, s.drops(DropReason.IP_FRAGMENT_BAD), "past the last fragment");

        byte[] many = ping(3, 3000);
        for (int at = 0; at < 8 * (Ipv4Reassembler.MAX_FRAGMENTS + 1); at += 8) {
            s.injectRaw(fragment(many, at, at + 8, true), null);
        }
        s.checkEquals(1L, s.drops(DropReason.IP_REASSEMBLY_TOO_MANY_FRAGMENTS), "too many fragments");

        Random r = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            byte[] base = ping(r.nextInt(8), 100 + r.nextInt(3000));
            int start = 8 * r.nextInt(400);
            int end = Math.min(start + 1 + r.nextInt(1500), base.length - 20);
            if (end <= start) {
                continue;
            }
            byte[] f = fragment(base, start, end, r.nextBoolean());
            if (r.nextInt(4) == 0) {
                f[20 + r.nextInt(f.length - 20)] ^= (byte) (1 + r.nextInt(255));
            }
            if (r.nextInt(8) == 0) {
                f[9] = (byte) new int[] {1, 6, 17, 47}[r.nextInt(4)];
                new Ipv4Header().wrap(new UnsafeBuffer(f), 0, f.length).computeChecksum();
            }
            s.injectRaw(f, null);
            s.check(s.stack().reassemblyInProgress() <= s.config().reassemblyMaxDatagrams(), "bounded");
            if (i % 1000 == 0) {
                s.advance(SEC);
                s.drain();
            }
        }
        s.drain();
        s.advance(31 * SEC);
        s.checkEquals(0, s.stack().reassemblyInProgress(), "everything expired");
    }

    /** Steady state allocates nothing: the per-datagram buffers are pooled. */
    @Test
    void shouldReassembleWithoutAllocatingInSteadyState() {
        StackConfig config = new StackConfig().localAddr(ENGINE_ADDR).isnSecret(new byte[16]);
        NetworkStack stack = new NetworkStack(config, (b, o, l) -> {});
        List<byte[]> f = fragments(ping(5, 4000), 0, 1480, 2960);
        UnsafeBuffer[] buffers = new UnsafeBuffer[3];
        for (int i = 0; i < 3; i++) {
            buffers[i] = new UnsafeBuffer(f.get(i).clone());
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long now = SEC;
        for (int i = 0; i < 2000; i++) {
            for (int k = 2; k >= 0; k--) {
                stack.onPacket(now, buffers[k], 0, f.get(k).length);
            }
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            for (int k = 2; k >= 0; k--) {
                stack.onPacket(now, buffers[k], 0, f.get(k).length);
            }
            stack.onTimeout(now);
            now += 1000;
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        if (stack.counters().ipDatagramsReassembled != 12_000) {
            throw new AssertionError("reassembled " + stack.counters().ipDatagramsReassembled);
        }
        if (allocated > 64 * 1024) {
            throw new AssertionError("10,000 reassemblies and replies allocated " + allocated + " bytes");
        }
    }
}
