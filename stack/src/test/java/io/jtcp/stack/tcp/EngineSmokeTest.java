package io.jtcp.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.StackTracer;
import io.jtcp.stack.wire.Seq;
import io.jtcp.stack.wire.TcpHeader;
import java.io.ByteArrayOutputStream;
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

    private void runEcho(double loss, int size) throws Exception {
        Wire wire = new Wire(42, loss);
        NetworkStack a = new NetworkStack(config(A, 1), (buf, off, len) -> {
            if (wire.random.nextDouble() >= wire.loss) {
                byte[] copy = new byte[len];
                buf.getBytes(off, copy);
                wire.toB.add(copy);
            }
        });
        NetworkStack b = new NetworkStack(config(B, 2), (buf, off, len) -> {
            if (wire.random.nextDouble() >= wire.loss) {
                byte[] copy = new byte[len];
                buf.getBytes(off, copy);
                wire.toA.add(copy);
            }
        });
        // B: echo server on port 7.
        b.listen(7, conn -> new TcpHandler() {
            final byte[] chunk = new byte[8192];
            int pending;

            @Override
            public void onReadable(TcpConnection c) {
                pump(c);
            }

            @Override
            public void onWritable(TcpConnection c) {
                pump(c);
            }

            void pump(TcpConnection c) {
                while (true) {
                    if (pending > 0) {
                        int w = c.write(chunk, 0, pending);
                        if (w < pending) {
                            System.arraycopy(chunk, w, chunk, 0, pending - w);
                            pending -= w;
                            return;
                        }
                        pending = 0;
                    }
                    int n = c.read(chunk, 0, chunk.length);
                    if (n <= 0) {
                        return;
                    }
                    pending = n;
                }
            }

            @Override
            public void onPeerClosed(TcpConnection c) {
                pump(c);
                if (pending == 0) {
                    c.close();
                }
            }
        });
        byte[] data = new byte[size];
        new Random(7).nextBytes(data);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        int[] written = {0};
        CloseReason[] closed = {null};
        long[] now = {1_000_000_000L};
        TcpHandler client = new TcpHandler() {
            final byte[] buf = new byte[8192];

            @Override
            public void onConnected(TcpConnection c) {
                onWritable(c);
            }

            @Override
            public void onWritable(TcpConnection c) {
                while (written[0] < data.length) {
                    int w = c.write(data, written[0], data.length - written[0]);
                    if (w == 0) {
                        return;
                    }
                    written[0] += w;
                }
                c.shutdownOutput();
            }

            @Override
            public void onReadable(TcpConnection c) {
                int n;
                while ((n = c.read(buf, 0, buf.length)) > 0) {
                    received.write(buf, 0, n);
                }
            }

            @Override
            public void onClosed(TcpConnection c, CloseReason reason) {
                closed[0] = reason;
            }
        };
        TcpConnection conn = a.connect(now[0], B, 7, client);
        UnsafeBuffer rx = new UnsafeBuffer(new byte[65536]);
        for (int step = 0; step < 5_000_000; step++) {
            a.flush(now[0]);
            b.flush(now[0]);
            if (closed[0] != null && wire.toA.isEmpty() && wire.toB.isEmpty()) {
                break;
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
                b.onPacket(now[0], rx, 0, p.length);
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
                closed[0],
                "client close reason; conn " + conn + "\n" + a.counters().describe());
        assertEquals(TcpState.TIME_WAIT, conn.state());
        byte[] got = received.toByteArray();
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
        System.out.printf(
                "loss %.2f: %d bytes echoed, virtual %.3f s, retransmits %d/%d%n",
                loss, size, (now[0] - 1e9) / 1e9, a.counters().tcpRetransmits, b.counters().tcpRetransmits);
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
