package io.jtcp.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.StackTracer;
import io.jtcp.stack.harness.Packet;
import io.jtcp.stack.harness.PacketBuilder;
import io.jtcp.stack.wire.TcpHeader;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * TIME_WAIT as a compact record (like Linux's inet_timewait_sock): it does not count against
 * maxConnections, lets the connection (handler, rings) go, has its own cap that recycles the oldest,
 * and still follows RFC 9293 §3.10.7.4, RFC 1337 and RFC 6191. The rules themselves are also run
 * by {@link TimeWaitTest} through the record.
 */
class TimeWaitRecordTest {
    private static final long SEC = 1_000_000_000L;
    private static final int PORT = 80;
    private static final int PEER = PacketBuilder.PEER_ADDR;

    private final List<Packet> sent = new ArrayList<>();
    private final List<String> transitions = new ArrayList<>();
    private final UnsafeBuffer buf = new UnsafeBuffer(new byte[2048]);
    private final List<TcpConnection> accepted = new ArrayList<>();
    private long now = 1_000 * SEC;
    private NetworkStack stack;
    private boolean recording = true;
    private final long[] acks = {0};

    private void start(Consumer<StackConfig> customize) {
        StackConfig config = new StackConfig()
                .localAddr(PacketBuilder.ENGINE_ADDR)
                .isnSecret(new byte[16])
                .mslNs(30 * SEC)
                .tracer(new StackTracer() {
                    @Override
                    public void onStateChange(long nowNs, TcpConnection c, TcpState from, TcpState to) {
                        transitions.add(c.remotePort() + " " + from + ">" + to);
                    }
                });
        customize.accept(config);
        stack = new NetworkStack(config, (b, off, len) -> {
            if (recording) {
                sent.add(new Packet(b, off, len));
            } else {
                acks[0]++;
            }
        });
        // HTTP/1.0 style: the server closes first, so it is the side that ends in TIME_WAIT.
        stack.listen(PORT, c -> {
            accepted.add(c);
            return new TcpHandler() {
                @Override
                public void onConnected(TcpConnection c) {
                    c.close();
                }
            };
        });
    }

    private void segment(int srcPort, int seq, int ack, int flags, byte[] options) {
        int len = PacketBuilder.tcp(
                buf,
                PEER,
                PacketBuilder.ENGINE_ADDR,
                srcPort,
                PORT,
                seq,
                ack,
                flags,
                65_535,
                options,
                new byte[0],
                0,
                0);
        stack.onPacket(now, buf, 0, len);
        stack.flush(now);
    }

    private Packet last() {
        return sent.get(sent.size() - 1);
    }

    private static byte[] ts(int tsVal, int tsEcr) {
        return PacketBuilder.options(-1, -1, false, true, tsVal, tsEcr);
    }

    /** One connection from {@code srcPort}, closed by the server first: it ends in TIME_WAIT. */
    private int closeFirst(int srcPort, int isn, boolean timestamps) {
        sent.clear();
        segment(srcPort, isn, 0, TcpHeader.SYN, PacketBuilder.options(1460, -1, false, timestamps, 100, 0));
        Packet synAck = last();
        assertTrue(synAck.syn() && synAck.isAck(), "SYN-ACK for " + srcPort + ": " + synAck);
        int iss = synAck.seq;
        segment(srcPort, isn + 1, iss + 1, TcpHeader.ACK, timestamps ? ts(101, synAck.tsVal) : new byte[0]);
        Packet fin = last();
        assertTrue(fin.fin(), "the server's FIN: " + fin);
        segment(
                srcPort,
                isn + 1,
                iss + 2,
                TcpHeader.ACK | TcpHeader.FIN,
                timestamps ? ts(102, fin.tsVal) : new byte[0]);
        Packet ack = last();
        assertEquals(isn + 2, ack.ack, "the peer's FIN is ACKed");
        return iss;
    }

    /**
     * Spoofed bare segments on a TIME_WAIT 4-tuple are answered at most once per interval (Linux's
     * tw_last_oow_ack_time), so they cannot be reflected to the real peer one for one; a
     * retransmitted FIN is still ACKed every time.
     */
    @Test
    void shouldRateLimitOutOfWindowAcksFromATimeWaitRecord() {
        start(c -> {});
        int iss = closeFirst(31_000, 5_000, false);
        assertEquals(1, stack.timeWaitCount());
        sent.clear();
        for (int i = 0; i < 200; i++) {
            segment(31_000, 5_000 + 100_000 + i * 1_000, iss + 2, TcpHeader.ACK, new byte[0]); // out of window
            segment(31_000, 5_000 + 2, iss + 2, TcpHeader.SYN, new byte[0]); // SYN below RCV.NXT: challenge
            now += 1_000_000L; // 1 ms apart: 200 ms in all, inside one 500 ms interval
        }
        assertEquals(1, sent.size(), "one ACK for 400 spoofed segments: " + sent);
        assertTrue(stack.counters().drops(io.jtcp.stack.DropReason.TCP_OOW_ACK_RATE_LIMITED) > 0);
        for (int i = 0; i < 3; i++) {
            segment(31_000, 5_000 + 1, iss + 2, TcpHeader.ACK | TcpHeader.FIN, new byte[0]);
        }
        assertEquals(4, sent.size(), "every retransmitted FIN is ACKed again");
        now += 600_000_000L;
        segment(31_000, 5_000 + 100_000, iss + 2, TcpHeader.ACK, new byte[0]);
        assertEquals(5, sent.size(), "after the interval the next one is answered");
    }

    @Test
    void shouldNotCountTimeWaitAgainstMaxConnections() {
        start(c -> c.maxConnections(2));
        for (int i = 0; i < 10; i++) {
            closeFirst(30_000 + i, 1_000 * i, false);
        }
        assertEquals(10, accepted.size(), "every connection accepted although 10 > maxConnections");
        assertEquals(10, stack.timeWaitCount());
        assertEquals(0, stack.openConnectionCount());
        assertEquals(10, stack.connectionCount(), "TIME_WAIT records still show in the count");
        for (TcpConnection c : accepted) {
            assertEquals(TcpState.TIME_WAIT, c.state());
        }
        assertTrue(stack.counters().tcpRingsAllocated <= 2, "at most one pair of rings, reused");
    }

    @Test
    void shouldLetTheConnectionHandlerAndBuffersGoInTimeWait() {
        start(c -> {});
        closeFirst(30_000, 1_000, false);
        TcpConnection c = accepted.remove(0);
        assertEquals(TcpState.TIME_WAIT, c.state());
        assertNull(c.handler(), "the handler is let go");
        Tcb tcb = (Tcb) c;
        assertNull(tcb.tx.sendRing);
        assertNull(tcb.rx.recvRing);
        WeakReference<TcpConnection> ref = new WeakReference<>(c);
        c = null;
        tcb = null;
        for (int i = 0; i < 20 && ref.get() != null; i++) {
            System.gc();
        }
        assertNull(ref.get(), "nothing in the engine keeps the connection of a TIME_WAIT");
        assertEquals(1, stack.timeWaitCount());
        // ... and the record still answers: a retransmitted FIN is ACKed.
        sent.clear();
        segment(30_000, 1_001, 0, TcpHeader.ACK | TcpHeader.FIN, new byte[0]);
        assertEquals(1, sent.size());
        assertEquals(1_002, last().ack);
    }

    @Test
    void shouldRecycleTheOldestRecordAtTheCap() {
        start(c -> c.maxTimeWait(3));
        int[] iss = new int[5];
        for (int i = 0; i < 5; i++) {
            iss[i] = closeFirst(30_000 + i, 1_000 * i, false);
            now += SEC;
        }
        assertEquals(3, stack.timeWaitCount());
        assertEquals(2L, stack.counters().tcpTimeWaitRecycled);
        assertTrue(transitions.contains("30000 TIME_WAIT>CLOSED"), transitions.toString());
        assertTrue(transitions.contains("30001 TIME_WAIT>CLOSED"));
        assertFalse(transitions.contains("30002 TIME_WAIT>CLOSED"));
        assertEquals(TcpState.CLOSED, accepted.get(0).state(), "the recycled connection's handle says CLOSED");
        assertEquals(TcpState.TIME_WAIT, accepted.get(2).state());
        // The recycled tuple is unknown now (RST as for any stray ACK); the kept one still answers.
        sent.clear();
        segment(30_000, 1, iss[0] + 2, TcpHeader.ACK | TcpHeader.FIN, new byte[0]);
        assertTrue(last().rst(), "recycled: " + last());
        sent.clear();
        segment(30_002, 2_001, iss[2] + 2, TcpHeader.ACK | TcpHeader.FIN, new byte[0]);
        assertEquals(TcpHeader.ACK, last().flags);
        assertEquals(2_002, last().ack);
        assertEquals(iss[2] + 2, last().seq);
    }

    @Test
    void shouldExpireRecordsInOrderAndTellTheHandle() {
        start(c -> {});
        closeFirst(30_000, 1_000, false);
        long first = now;
        now += 10 * SEC;
        closeFirst(30_001, 2_000, false);
        assertEquals(first + 60 * SEC, stack.nextDeadlineNs());
        now = first + 60 * SEC;
        stack.onTimeout(now);
        assertEquals(1, stack.timeWaitCount());
        assertEquals(TcpState.CLOSED, accepted.get(0).state());
        assertEquals(TcpState.TIME_WAIT, accepted.get(1).state());
        assertEquals(first + 70 * SEC, stack.nextDeadlineNs());
        // ABORT in TIME_WAIT deletes it (RFC 9293 §3.9.1), through the handle.
        accepted.get(1).abort();
        assertEquals(0, stack.timeWaitCount());
        assertEquals(TcpState.CLOSED, accepted.get(1).state());
        assertEquals(Long.MAX_VALUE, stack.nextDeadlineNs());
        assertEquals(
                2,
                transitions.stream().filter(t -> t.endsWith("TIME_WAIT>CLOSED")).count());
    }

    @Test
    void shouldAnswerWithTimestampsAndReopenOnANewerTsValAsRfc6191() {
        start(c -> {});
        int iss = closeFirst(30_000, 1_000, true);
        Packet finAck = last();
        assertTrue(finAck.hasTimestamps);
        assertEquals(102, finAck.tsEcr);
        now += SEC;
        // A retransmitted FIN: ACKed from the record with TSval on the same clock, TSecr = TS.Recent.
        sent.clear();
        segment(30_000, 1_001, iss + 2, TcpHeader.ACK | TcpHeader.FIN, ts(103, 0));
        assertEquals(1, sent.size());
        assertTrue(last().hasTimestamps);
        assertEquals(103, last().tsEcr);
        assertEquals(1_000, last().tsVal - finAck.tsVal, "1 s later on a 1 ms clock");
        // A SYN with an older TSval is an old duplicate (PAWS), even with a higher sequence number.
        sent.clear();
        segment(30_000, 50_000, 0, TcpHeader.SYN, PacketBuilder.options(1460, -1, false, true, 50, 0));
        assertEquals(TcpHeader.ACK, last().flags, "challenged, not reopened");
        assertEquals(1, stack.timeWaitCount());
        // A SYN with a lower sequence number but a newer TSval opens a new incarnation (RFC 6191).
        sent.clear();
        segment(30_000, 10, 0, TcpHeader.SYN, PacketBuilder.options(1460, -1, false, true, 5_000, 0));
        Packet synAck = last();
        assertTrue(synAck.syn() && synAck.isAck(), "reopened: " + synAck);
        assertTrue(synAck.seq - (iss + 2 + 65_536) >= 0, "ISN above the old incarnation's");
        assertEquals(0, stack.timeWaitCount());
        assertNotNull(synAck);
    }

    /** Answering from the records (retransmitted FINs: ACK, restart 2·MSL) allocates nothing per packet. */
    @Test
    void shouldAnswerFromRecordsWithoutAllocating() {
        start(c -> {});
        int n = 512;
        UnsafeBuffer[] fins = new UnsafeBuffer[n];
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) {
            int iss = closeFirst(30_000 + i, 1_000 * i, true);
            fins[i] = new UnsafeBuffer(new byte[128]);
            lengths[i] = PacketBuilder.tcp(
                    fins[i],
                    PEER,
                    PacketBuilder.ENGINE_ADDR,
                    30_000 + i,
                    PORT,
                    1_000 * i + 1,
                    iss + 2,
                    TcpHeader.ACK | TcpHeader.FIN,
                    65_535,
                    ts(200, 0),
                    new byte[0],
                    0,
                    0);
        }
        sent.clear();
        recording = false; // the recording sink allocates a Packet per segment; count instead
        for (int round = 0; round < 2; round++) {
            long before = allocatedBytes();
            for (int i = 0; i < 20_000; i++) {
                stack.onPacket(now, fins[i % n], 0, lengths[i % n]);
            }
            stack.flush(now);
            if (round == 1) {
                long allocated = allocatedBytes() - before;
                assertTrue(allocated < 20_000, "allocated " + allocated + " bytes for 20,000 segments to records");
            }
        }
        assertEquals(n, stack.timeWaitCount());
        assertTrue(sent.isEmpty(), "the counting sink took the ACKs");
        assertTrue(acks[0] >= 40_000, "every retransmitted FIN ACKed: " + acks[0]);
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
