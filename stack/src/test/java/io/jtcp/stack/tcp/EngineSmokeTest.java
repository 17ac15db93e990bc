package io.jtcp.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.DeviceCapabilities;
import io.jtcp.stack.DropReason;
import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.PacketSink;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.StackTracer;
import io.jtcp.stack.harness.EchoClient;
import io.jtcp.stack.harness.EchoServer;
import io.jtcp.stack.wire.Seq;
import io.jtcp.stack.wire.TcpHeader;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Random;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The engine's own quick check: an echo exchange through two engines over a lossy in-memory wire. */
class EngineSmokeTest {
    private static final int A = (10 << 24) | (7 << 16) | 2;
    private static final int B = (10 << 24) | (7 << 16) | 1;

    private static final class Wire {
        final ArrayDeque<byte[]> toA = new ArrayDeque<>();
        final ArrayDeque<byte[]> toB = new ArrayDeque<>();
        final Random random;
        final double loss;

        Wire(long seed, double loss) {
            this.random = new Random(seed);
            this.loss = loss;
        }
    }

    private static final ArrayDeque<String> TRACE = new ArrayDeque<>();

    private static StackConfig config(int addr, int seed) {
        byte[] secret = new byte[16];
        secret[0] = (byte) seed;
        String name = seed == 1 ? "A" : "B";
        return new StackConfig()
                .localAddr(addr)
                .isnSecret(secret)
                .receiveBufferBytes(1 << 18)
                .sendBufferBytes(1 << 18)
                .tracer(new StackTracer() {
                    @Override
                    public void onPacket(long nowNs, boolean inbound, DirectBuffer buffer, int offset, int length) {
                        if (inbound) {
                            return;
                        }
                        UnsafeBuffer copy = new UnsafeBuffer(new byte[length]);
                        copy.putBytes(0, buffer, offset, length);
                        TcpHeader t = new TcpHeader().wrap(copy, 20, length - 20);
                        record(nowNs + " " + name + "> " + TcpHeader.flagsToString(t.flags()) + " seq "
                                + Seq.unsigned(t.seq()) + " ack " + Seq.unsigned(t.ackNum()) + " win " + t.window()
                                + " len " + t.payloadLength());
                    }

                    @Override
                    public void onStateChange(long nowNs, TcpConnection c, TcpState from, TcpState to) {
                        record(nowNs + " " + name + " " + from + " -> " + to);
                    }

                    @Override
                    public void onDrop(long nowNs, DropReason reason, DirectBuffer buffer, int offset, int length) {
                        record(nowNs + " " + name + " drop " + reason);
                    }
                });
    }

    private static void record(String line) {
        TRACE.addLast(line);
        if (TRACE.size() > 40) {
            TRACE.removeFirst();
        }
    }

    private static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    /** How A's offloaded output crosses the wire. */
    private enum Offload {
        NONE,
        /** A emits TSO super-segments with partial checksums; the wire acts as the device: cuts and checksums. */
        TSO_CUT_BY_DEVICE,
        /** A emits super-segments; B takes them whole, trusting the checksum (GSO from the kernel). */
        TSO_WHOLE_TO_PEER
    }

    private void runEcho(double loss, int size) throws Exception {
        runEcho(loss, size, Offload.NONE);
    }

    private void runEcho(double loss, int size, Offload offload) throws Exception {
        Wire wire = new Wire(42, loss);
        java.util.Set<byte[]> trusted = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        int[] superSegments = {0};
        PacketSink aSink = new PacketSink() {
            @Override
            public void transmit(DirectBuffer buf, int off, int len) {
                if (wire.random.nextDouble() >= wire.loss) {
                    byte[] copy = new byte[len];
                    buf.getBytes(off, copy);
                    wire.toB.add(copy);
                }
            }

            @Override
            public void transmitOffload(DirectBuffer buf, int off, int len, int segmentBytes, boolean partial) {
                if (segmentBytes > 0) {
                    superSegments[0]++;
                }
                byte[] copy = new byte[len];
                buf.getBytes(off, copy);
                if (offload == Offload.TSO_WHOLE_TO_PEER) {
                    if (wire.random.nextDouble() >= wire.loss) {
                        trusted.add(copy);
                        wire.toB.add(copy);
                    }
                    return;
                }
                for (byte[] piece : cut(copy, segmentBytes)) {
                    transmit(new UnsafeBuffer(piece), 0, piece.length);
                }
            }
        };
        DeviceCapabilities aDevice =
                offload != Offload.NONE ? new DeviceCapabilities(60_000, true) : DeviceCapabilities.NONE;
        NetworkStack a = new NetworkStack(config(A, 1), aDevice, aSink);
        NetworkStack b = new NetworkStack(config(B, 2), (buf, off, len) -> {
            if (wire.random.nextDouble() >= wire.loss) {
                byte[] copy = new byte[len];
                buf.getBytes(off, copy);
                wire.toA.add(copy);
            }
        });
        b.listen(7, conn -> new EchoServer());
        byte[] data = new byte[size];
        new Random(7).nextBytes(data);
        long[] now = {1_000_000_000L};
        EchoClient client = new EchoClient(data);
        TcpConnection conn = a.connect(now[0], B, 7, client);
        UnsafeBuffer rx = new UnsafeBuffer(new byte[65536]);
        for (int step = 0; step < 5_000_000; step++) {
            a.flush(now[0]);
            b.flush(now[0]);
            if (client.closeReason() != null && wire.toA.isEmpty() && wire.toB.isEmpty() && b.connectionCount() == 0) {
                break; // the server may still need an RTO to resend a FIN whose last ACK was lost
            }
            if (wire.toA.isEmpty() && wire.toB.isEmpty()) {
                long next = Math.min(a.nextDeadlineNs(), b.nextDeadlineNs());
                if (next == Long.MAX_VALUE) {
                    break;
                }
                now[0] = Math.max(now[0], next);
                a.onTimeout(now[0]);
                b.onTimeout(now[0]);
                continue;
            }
            now[0] += 10_000; // 10 µs per delivery round
            byte[] p;
            while ((p = wire.toB.poll()) != null) {
                rx.putBytes(0, p);
                b.onPacket(now[0], rx, 0, p.length, trusted.remove(p));
            }
            while ((p = wire.toA.poll()) != null) {
                rx.putBytes(0, p);
                a.onPacket(now[0], rx, 0, p.length);
            }
            a.onTimeout(now[0]);
            b.onTimeout(now[0]);
        }
        assertEquals(
                CloseReason.NORMAL,
                client.closeReason(),
                "client close reason; conn " + conn + "\n" + a.counters().describe() + "\nB: "
                        + b.counters().describe() + String.join("\n", TRACE));
        assertEquals(TcpState.TIME_WAIT, conn.state());
        byte[] got = client.received();
        int firstDiff = -1;
        for (int i = 0; i < Math.min(got.length, data.length); i++) {
            if (got[i] != data[i]) {
                firstDiff = i;
                break;
            }
        }
        assertArrayEquals(
                sha256(data),
                sha256(got),
                "echoed content differs: got " + got.length + " of " + data.length + ", first difference at "
                        + firstDiff);
        StringBuilder states = new StringBuilder();
        b.forEachConnection(c -> states.append(c).append(' '));
        assertTrue(b.connectionCount() == 0, "server side fully closed: " + states + "\n" + String.join("\n", TRACE));
        if (offload != Offload.NONE) {
            assertTrue(superSegments[0] > 0, "no super-segment was sent");
        }
        System.out.printf(
                offload + " loss %.2f: %d bytes echoed, virtual %.3f s, retransmits %d/%d%n",
                loss,
                size,
                (now[0] - 1e9) / 1e9,
                a.counters().tcpRetransmits,
                b.counters().tcpRetransmits);
    }

    /** What a device does with an offloaded packet: cut at segmentBytes, complete every checksum. */
    static java.util.List<byte[]> cut(byte[] packet, int segmentBytes) {
        UnsafeBuffer in = new UnsafeBuffer(packet);
        TcpHeader t = new TcpHeader().wrap(in, 20, packet.length - 20);
        int headerBytes = 20 + t.headerLength();
        int payload = packet.length - headerBytes;
        int piece = segmentBytes > 0 ? segmentBytes : Math.max(payload, 1);
        java.util.List<byte[]> out = new java.util.ArrayList<>();
        int done = 0;
        do {
            int n = Math.min(piece, payload - done);
            byte[] p = new byte[headerBytes + n];
            System.arraycopy(packet, 0, p, 0, headerBytes);
            System.arraycopy(packet, headerBytes + done, p, headerBytes, n);
            UnsafeBuffer pb = new UnsafeBuffer(p);
            boolean last = done + n == payload;
            int flags = t.flags() & ~(last ? 0 : (TcpHeader.FIN | TcpHeader.PSH));
            TcpHeader pt = new TcpHeader().wrap(pb, 20, p.length - 20);
            pt.seq(t.seq() + done).flags(flags).computeChecksum(A, B);
            new io.jtcp.stack.wire.Ipv4Header()
                    .wrap(pb, 0, p.length)
                    .totalLength(p.length)
                    .computeChecksum();
            out.add(p);
            done += n;
        } while (done < payload);
        return out;
    }

    @Test
    void shouldEchoWhenSenderSegmentsAreCutByTheDevice() throws Exception {
        runEcho(0.0, 2 << 20, Offload.TSO_CUT_BY_DEVICE);
        runEcho(0.02, 1 << 20, Offload.TSO_CUT_BY_DEVICE);
    }

    @Test
    void shouldEchoWhenReceiverTakesSuperSegmentsWhole() throws Exception {
        runEcho(0.0, 2 << 20, Offload.TSO_WHOLE_TO_PEER);
        runEcho(0.02, 1 << 20, Offload.TSO_WHOLE_TO_PEER);
    }

    @Test
    void shouldEchoTwoMegabytesWhenLinkIsClean() throws Exception {
        runEcho(0.0, 2 << 20);
    }

    @Test
    void shouldEchoWhenFivePercentOfPacketsAreLost() throws Exception {
        runEcho(0.05, 1 << 20);
    }
}
