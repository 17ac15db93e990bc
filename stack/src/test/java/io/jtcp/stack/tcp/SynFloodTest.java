package io.jtcp.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.harness.PacketBuilder;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.stack.wire.TcpHeader;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Hostile input must not grow memory without bound: half-open connections are limited (like Linux's
 * tcp_max_syn_backlog) and cost no connection buffers until their handshake completes.
 */
class SynFloodTest {
    private static final int PORT = 80;

    private final List<byte[]> sent = new ArrayList<>();
    private final UnsafeBuffer buf = new UnsafeBuffer(new byte[2048]);

    private NetworkStack stack(StackConfig config) {
        return new NetworkStack(config.localAddr(PacketBuilder.ENGINE_ADDR).isnSecret(new byte[16]), (b, off, len) -> {
            byte[] copy = new byte[len];
            b.getBytes(off, copy);
            sent.add(copy);
        });
    }

    private void segment(NetworkStack s, int srcPort, int seq, int ack, int flags) {
        int len = PacketBuilder.tcp(
                buf,
                PacketBuilder.PEER_ADDR,
                PacketBuilder.ENGINE_ADDR,
                srcPort,
                PORT,
                seq,
                ack,
                flags,
                65_535,
                new byte[0],
                new byte[0],
                0,
                0);
        s.onPacket(1_000_000_000L, buf, 0, len);
        s.flush(1_000_000_000L);
    }

    private int synAcks() {
        int n = 0;
        for (byte[] p : sent) {
            int flags = new TcpHeader()
                    .wrap(new UnsafeBuffer(p), Ipv4Header.MIN_HEADER_LENGTH, p.length - 20)
                    .flags();
            if (flags == (TcpHeader.SYN | TcpHeader.ACK)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void shouldBoundHalfOpenConnectionsAndAllocateNoBuffersWhenFlooded() {
        // Cookies off, and a listener queue as large as the global one: the global bound is tested.
        NetworkStack s = stack(new StackConfig().synCookies(false).synBacklog(4096));
        s.listen(PORT, c -> new TcpHandler() {});
        for (int i = 0; i < 5000; i++) {
            segment(s, 10_000 + i, 1000 * i, 0, TcpHeader.SYN);
        }
        assertEquals(1024, synAcks(), "one SYN-ACK per admitted half-open connection");
        assertEquals(1024, s.halfOpenCount());
        assertEquals(3976L, s.counters().drops(DropReason.TCP_SYN_BACKLOG_FULL));
        assertEquals(0L, s.counters().tcpRingsAllocated, "half-open connections hold no buffers");
    }

    @Test
    void shouldAdmitANewSynOnceAHandshakeCompletes() {
        NetworkStack s = stack(new StackConfig().maxHalfOpen(2).synCookies(false));
        s.listen(PORT, c -> new TcpHandler() {});
        segment(s, 40_001, 100, 0, TcpHeader.SYN);
        segment(s, 40_002, 200, 0, TcpHeader.SYN);
        segment(s, 40_003, 300, 0, TcpHeader.SYN);
        assertEquals(2, synAcks());
        assertEquals(1L, s.counters().drops(DropReason.TCP_SYN_BACKLOG_FULL));
        // Complete 40001's handshake: ACK its SYN-ACK's ISN + 1.
        byte[] first = sent.get(0);
        int iss = new TcpHeader()
                .wrap(new UnsafeBuffer(first), 20, first.length - 20)
                .seq();
        segment(s, 40_001, 101, iss + 1, TcpHeader.ACK);
        assertEquals(1, s.halfOpenCount());
        assertEquals(0L, s.counters().tcpRingsAllocated, "ring storage is taken with the first byte, not before");
        segment(s, 40_003, 300, 0, TcpHeader.SYN); // the peer's retransmitted SYN
        assertEquals(3, synAcks(), "a slot freed up");
    }
}
