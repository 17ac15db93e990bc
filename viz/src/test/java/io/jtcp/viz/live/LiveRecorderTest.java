package io.jtcp.viz.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpState;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Proxy;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The bounded live record: what it keeps, its caps and counters, and that the hot path does not allocate. */
class LiveRecorderTest {
    static final int JTCP = 0x0a070002; // 10.7.0.2
    static final int PEER = 0x0a070001; // 10.7.0.1
    static final int PORT = 80;

    final List<Recording> done = new ArrayList<>();
    final UnsafeBuffer buf = new UnsafeBuffer(new byte[2048]);

    LiveRecorder recorder(int maxSegments, int maxConnections) {
        return new LiveRecorder(maxSegments, maxConnections, 0, 1_700_000_000_000_000_000L, done::add).ownClock(false);
    }

    /** An IPv4/TCP packet into {@link #buf}; SYNs carry mss 1460, sackOK, wscale 7. */
    int packet(boolean inbound, int peerPort, long seq, long ack, int flags, int window, byte[] payload) {
        boolean syn = (flags & 0x02) != 0;
        int opts = syn ? 12 : 0;
        int total = 20 + 20 + opts + payload.length;
        buf.setMemory(0, total, (byte) 0);
        buf.putByte(0, (byte) 0x45);
        buf.putShort(2, (short) total, ByteOrder.BIG_ENDIAN);
        buf.putByte(8, (byte) 64);
        buf.putByte(9, (byte) 6);
        buf.putInt(12, inbound ? PEER : JTCP, ByteOrder.BIG_ENDIAN);
        buf.putInt(16, inbound ? JTCP : PEER, ByteOrder.BIG_ENDIAN);
        buf.putShort(20, (short) (inbound ? peerPort : PORT), ByteOrder.BIG_ENDIAN);
        buf.putShort(22, (short) (inbound ? PORT : peerPort), ByteOrder.BIG_ENDIAN);
        buf.putInt(24, (int) seq, ByteOrder.BIG_ENDIAN);
        buf.putInt(28, (int) ack, ByteOrder.BIG_ENDIAN);
        buf.putByte(32, (byte) (((20 + opts) / 4) << 4));
        buf.putByte(33, (byte) flags);
        buf.putShort(34, (short) window, ByteOrder.BIG_ENDIAN);
        if (syn) {
            byte[] o = {2, 4, 0x05, (byte) 0xb4, 4, 2, 1, 1, 1, 3, 3, 7};
            buf.putBytes(40, o);
        }
        buf.putBytes(40 + opts, payload);
        return total;
    }

    void send(LiveRecorder r, long ns, boolean inbound, int peerPort, long seq, long ack, int flags, byte[] payload) {
        int n = packet(inbound, peerPort, seq, ack, flags, 512, payload);
        r.onPacket(ns, inbound, buf, 0, n);
    }

    static TcpConnection conn(int peerPort) {
        return (TcpConnection) Proxy.newProxyInstance(
                TcpConnection.class.getClassLoader(), new Class<?>[] {TcpConnection.class}, (p, m, a) -> {
                    switch (m.getName()) {
                        case "localAddr":
                            return JTCP;
                        case "remoteAddr":
                            return PEER;
                        case "localPort":
                            return PORT;
                        case "remotePort":
                            return peerPort;
                        default:
                            throw new UnsupportedOperationException(m.getName());
                    }
                });
    }

    static final int SYN = 0x02;
    static final int ACK = 0x10;
    static final int FIN = 0x01;
    static final int PSH = 0x08;
    static final byte[] NONE = new byte[0];

    /** A curl-like exchange: handshake, GET, 200 OK, the peer closes first, jtcp's LAST_ACK. */
    void exchange(LiveRecorder r, int peerPort, int bodySegments) {
        TcpConnection c = conn(peerPort);
        long ns = 1_000_000;
        send(r, ns++, true, peerPort, 1000, 0, SYN, NONE);
        r.onStateChange(ns++, c, TcpState.LISTEN, TcpState.SYN_RECEIVED);
        send(r, ns++, false, peerPort, 5000, 1001, SYN | ACK, NONE);
        send(r, ns++, true, peerPort, 1001, 5001, ACK, NONE);
        r.onStateChange(ns++, c, TcpState.SYN_RECEIVED, TcpState.ESTABLISHED);
        byte[] get = "GET /bytes/5000 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        send(r, ns++, true, peerPort, 1001, 5001, PSH | ACK, get);
        long seq = 5001;
        byte[] ok = "HTTP/1.1 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        send(r, ns++, false, peerPort, seq, 1001 + get.length, PSH | ACK, ok);
        seq += ok.length;
        byte[] body = new byte[1000];
        for (int i = 0; i < bodySegments; i++) {
            send(r, ns++, false, peerPort, seq, 1001 + get.length, ACK, body);
            seq += body.length;
            if (i % 2 == 1) {
                send(r, ns++, true, peerPort, 1001 + get.length, seq, ACK, NONE);
            }
        }
        long peerFin = 1001 + get.length;
        send(r, ns++, true, peerPort, peerFin, seq, FIN | ACK, NONE);
        r.onStateChange(ns++, c, TcpState.ESTABLISHED, TcpState.CLOSE_WAIT);
        r.onStateChange(ns++, c, TcpState.CLOSE_WAIT, TcpState.LAST_ACK);
        send(r, ns++, false, peerPort, seq, peerFin + 1, FIN | ACK, NONE);
        send(r, ns++, true, peerPort, peerFin + 1, seq + 1, ACK, NONE);
        r.onStateChange(ns, c, TcpState.LAST_ACK, TcpState.CLOSED);
    }

    @Test
    void shouldRecordExchangeWithJtcpsOwnStatesAndHandItOnAfterTheNextSweep() {
        LiveRecorder r = recorder(2048, 8);
        exchange(r, 40000, 4);
        assertEquals(1, r.liveCount());
        r.sweep(); // closed in this generation: kept one more sweep for a trailing ACK
        assertTrue(done.isEmpty());
        r.sweep();
        assertEquals(1, done.size());
        assertEquals(0, r.liveCount());
        Recording rec = done.get(0);
        assertEquals(1, rec.id());
        assertTrue(rec.closed());
        assertEquals(TcpState.CLOSED, rec.state());
        assertEquals(0, rec.elidedSegments());
        assertEquals("000001_10.7.0.1-40000_10.7.0.2-80", rec.fileStem());
        String ladder = LivePictures.ladder(rec);
        for (String label : List.of(
                "SYN seq=0 (ISN 1000)",
                "SYN-ACK seq=0 (ISN 5000) ack=1",
                "mss 1460",
                "GET /bytes/5000 HTTP/1.1",
                "HTTP/1.1 200 OK",
                "SYN_RECEIVED",
                "CLOSE_WAIT",
                "LAST_ACK",
                "TCP connection #1 of jtcp",
                "10.7.0.2:80&apos;s states from its own state trace")) {
            assertTrue(ladder.contains(label) || ladder.contains(label.replace("&apos;", "'")), label + "\n" + ladder);
        }
        String states = LivePictures.states(rec);
        assertTrue(states.contains("the states jtcp went through (connection #1)"), states);
        assertTrue(LivePictures.tsg(rec).startsWith("<?xml")
                || LivePictures.tsg(rec).startsWith("<svg"));
    }

    @Test
    void shouldKeepHeadAndTailOfLongConnectionAndCountTheMiddle() {
        LiveRecorder r = recorder(64, 8);
        exchange(r, 40001, 10_000);
        r.sweep();
        r.sweep();
        Recording rec = done.get(0);
        assertEquals(64, rec.keptSegments());
        long total = rec.totalSegments();
        assertEquals(total - 64, rec.elidedSegments());
        assertEquals(total - 64, r.elidedSegments);
        assertTrue(rec.elidedBytes()[0] > 9_000_000L, "bytes sent by jtcp in the middle: " + rec.elidedBytes()[0]);
        String ladder = LivePictures.ladder(rec);
        // The handshake, the request and the teardown survive the cap.
        assertTrue(ladder.contains("SYN-ACK seq=0"), ladder);
        assertTrue(ladder.contains("GET /bytes/5000"), ladder);
        assertTrue(ladder.contains("LAST_ACK"), ladder);
        assertTrue(ladder.contains("record capped at 64 segments"), ladder);
        assertTrue(ladder.contains("CLOSED"), ladder);
    }

    @Test
    void shouldCapConnectionsAtOnceAndForgetSynsThatNeverBecameConnections() {
        LiveRecorder r = recorder(64, 3);
        for (int p = 1; p <= 5; p++) {
            send(r, p, true, 41000 + p, 100, 0, SYN, NONE); // a flood: no state change follows
        }
        assertEquals(3, r.liveCount());
        assertEquals(3, r.recordedConnections);
        assertEquals(2, r.skippedConnections);
        assertTrue(r.live(10).isEmpty(), "unconfirmed SYNs are not listed");
        for (int i = 0; i <= LiveRecorder.UNCONFIRMED_SWEEPS + 1; i++) {
            r.sweep();
        }
        assertEquals(0, r.liveCount());
        assertEquals(3, r.forgottenSyns);
        assertTrue(done.isEmpty());
        exchange(r, 42000, 2); // room again
        assertEquals(1, r.live(10).size());
        assertNull(r.find(999_999));
        assertEquals(4, r.find(4).id());
    }

    @Test
    void shouldNotAllocatePerSegmentOnceTheRecordIsFull() {
        LiveRecorder r = recorder(2048, 8);
        TcpConnection c = conn(43000);
        send(r, 1, true, 43000, 1, 0, SYN, NONE);
        r.onStateChange(2, c, TcpState.LISTEN, TcpState.SYN_RECEIVED);
        byte[] body = new byte[1000];
        int n = packet(false, 43000, 1, 1, ACK, 512, body);
        int a = packet(true, 43000, 1, 1, ACK, 512, NONE);
        byte[] data = new byte[n];
        buf.getBytes(0, data, 0, n);
        UnsafeBuffer d = new UnsafeBuffer(data);
        byte[] ackBytes = new byte[a];
        buf.getBytes(0, ackBytes);
        UnsafeBuffer ackBuf = new UnsafeBuffer(ackBytes);
        for (int i = 0; i < 20_000; i++) {
            r.onPacket(i, false, d, 0, n);
            r.onPacket(i, true, ackBuf, 0, a);
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 200_000; i++) {
            r.onPacket(i, false, d, 0, n);
            r.onPacket(i, true, ackBuf, 0, a);
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertTrue(allocated < 64 * 1024, "400k segments allocated " + allocated + " bytes");
    }

    @Test
    void shouldIgnoreGarbageWithoutThrowing() {
        LiveRecorder r = recorder(64, 4);
        Random rnd = new Random(11);
        byte[] b = new byte[120];
        UnsafeBuffer g = new UnsafeBuffer(b);
        for (int i = 0; i < 20_000; i++) {
            rnd.nextBytes(b);
            b[0] = (byte) (0x40 | (b[0] & 0x0f));
            b[9] = 6;
            r.onPacket(i, rnd.nextBoolean(), g, 0, rnd.nextInt(b.length + 1));
        }
        for (int i = 0; i < 10; i++) {
            r.sweep();
        }
        r.finishAll();
        assertTrue(r.liveCount() == 0);
    }
}
