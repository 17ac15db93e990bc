package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.PacketBuilder.ENGINE_ADDR;
import static io.jtcp.stack.harness.PacketBuilder.PEER_ADDR;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.harness.PacketBuilder;
import io.jtcp.stack.harness.StateFixture;
import io.jtcp.stack.harness.TcpScript;
import io.jtcp.stack.wire.TcpHeader;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Robustness (RFC 9293 §3.10.7 must hold for anything the wire can carry; RFC 1122 §1.2.2
 * robustness principle): seeded random and mutated segments thrown at a connection in every
 * state. No exception may escape onPacket/onTimeout/flush, the connection table stays bounded,
 * and per-connection invariants hold.
 */
class FuzzTest {
    /** Override with -Djtcp.fuzz.seed / -Djtcp.fuzz.packets / -Djtcp.fuzz.seconds for longer hunts. */
    private static final long SEED = Long.getLong("jtcp.fuzz.seed", 0x5EED_7C9L);

    private static final long TARGET_PACKETS = Long.getLong("jtcp.fuzz.packets", 1_000_000);
    private static final long REAL_BUDGET_NS = Long.getLong("jtcp.fuzz.seconds", 6) * 1_000_000_000L;
    private static final int MAX_CONNECTIONS = 64;
    private static final int BUFFER = 16 * 1024;

    private record Setup(String name, Supplier<TcpScript> create) {}

    private static List<Setup> setups() {
        List<Setup> list = new ArrayList<>();
        for (StateFixture f : StateFixture.values()) {
            list.add(new Setup(f.name(), () -> f.create(fresh())));
        }
        list.add(new Setup("SYN_SENT", () -> fresh().synSent()));
        list.add(new Setup("SYN_RECEIVED", () -> fresh().synReceived()));
        list.add(new Setup("LISTEN", () -> fresh().listen(TcpScript.LISTEN_PORT)));
        list.add(new Setup("ESTABLISHED_WSCALE_SACK_TS", FuzzTest::establishedWithAllOptions));
        return list;
    }

    /** Window scaling, SACK and timestamps negotiated (RFC 7323, RFC 2018), data in flight. */
    private static TcpScript establishedWithAllOptions() {
        TcpScript s = fresh();
        s.listen(TcpScript.LISTEN_PORT);
        s.inject(io.jtcp.stack.harness.Seg.syn()
                .seq(0)
                .mss(1460)
                .wscale(7)
                .sackOk()
                .ts(1000, 0));
        var synAck = s.expect(io.jtcp.stack.harness.Seg.synAck().seq(0).ack(1));
        s.inject(io.jtcp.stack.harness.Seg.ack().seq(1).ack(1).win(1000).ts(1001, synAck.tsVal));
        s.write(8000);
        s.drain();
        return s;
    }

    private static TcpScript fresh() {
        return new TcpScript(c -> c.maxConnections(MAX_CONNECTIONS)
                        .receiveBufferBytes(BUFFER)
                        .sendBufferBytes(BUFFER)
                        .synRetries(2)
                        .synAckRetries(2)
                        .dataRetries(4))
                .noCoverage()
                .autoRead(false);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldSurviveRandomAndMutatedSegmentsInEveryState() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        List<Setup> setups = setups();
        UnsafeBuffer buf = new UnsafeBuffer(new byte[2048]);
        byte[] payload = new byte[1500];
        rnd.nextBytes(payload);
        byte[] readBuf = new byte[BUFFER];
        long packets = 0;
        long rounds = 0;
        long realStart = System.nanoTime();
        while (packets < TARGET_PACKETS && System.nanoTime() - realStart < REAL_BUDGET_NS) {
            Setup setup = setups.get((int) (rounds++ % setups.size()));
            TcpScript s = setup.create().get();
            int localPort = s.localPort();
            int peerIsn = s.peerIsnValue();
            int localIsn = s.localIsn();
            var conn = s.hasConn() ? s.conn() : null;
            s.fast();
            NetworkStack stack = s.stack();
            long now = s.now();
            for (int i = 0; i < 10_000; i++, packets++) {
                int len = mutate(rnd, buf, payload, localPort, peerIsn, localIsn);
                try {
                    stack.onPacket(now, buf, 0, len);
                    if ((i & 15) == 0) {
                        now += rnd.nextLong(300_000_000L);
                        stack.onTimeout(now);
                        if (conn != null && rnd.nextInt(8) == 0) {
                            appAction(rnd, conn, readBuf);
                        }
                    }
                    stack.flush(now);
                } catch (RuntimeException e) {
                    byte[] bytes = new byte[len];
                    buf.getBytes(0, bytes);
                    throw new AssertionError(
                            "engine threw in " + setup.name() + " after " + i + " packets (seed " + SEED + ") on "
                                    + HexFormat.of().formatHex(bytes),
                            e);
                }
                if ((i & 255) == 0) {
                    checkInvariants(stack, setup.name());
                }
            }
            assertTrue(s.malformed().isEmpty(), "malformed output in " + setup.name() + ": " + s.malformed());
            // Let every timer run out: the engine must go quiet, not loop.
            int firings = 0;
            long end = now + 30L * 60 * 1_000_000_000L;
            while (stack.nextDeadlineNs() != Long.MAX_VALUE && stack.nextDeadlineNs() <= end) {
                now = Math.max(now, stack.nextDeadlineNs());
                stack.onTimeout(now);
                stack.flush(now);
                assertTrue(++firings < 100_000, "timer storm in " + setup.name());
            }
            checkInvariants(stack, setup.name());
        }
        long realMs = (System.nanoTime() - realStart) / 1_000_000;
        System.out.printf(
                "fuzz: %d packets in %d rounds over %d states, %d ms%n", packets, rounds, setups.size(), realMs);
        assertTrue(packets >= 100_000, "too few packets in the budget: " + packets);
    }

    private static void appAction(SplittableRandom rnd, TcpConnection conn, byte[] readBuf) {
        TcpState st = conn.state();
        if (st == TcpState.CLOSED || st == TcpState.TIME_WAIT) {
            return;
        }
        try {
            switch (rnd.nextInt(4)) {
                case 0 -> conn.read(readBuf, 0, readBuf.length);
                case 1 -> conn.write(readBuf, 0, rnd.nextInt(3000));
                case 2 -> conn.readableBytes();
                default -> {
                    if (rnd.nextInt(50) == 0) {
                        conn.close();
                    }
                }
            }
        } catch (IllegalStateException expected) {
            // write after shutdown/close is the application's error, reported as documented
        }
    }

    private static void checkInvariants(NetworkStack stack, String where) {
        // TIME_WAIT records live outside the table (and its maxConnections) under their own cap.
        int timeWait = stack.timeWaitCount();
        int count = stack.connectionCount() - timeWait;
        assertTrue(count >= 0 && count <= MAX_CONNECTIONS, where + ": connection count " + count);
        assertTrue(timeWait >= 0 && timeWait <= stack.config().maxTimeWait(), where + ": TIME_WAIT " + timeWait);
        stack.forEachConnection(c -> {
            assertTrue(
                    c.bytesInFlight() >= 0 && c.bytesInFlight() <= BUFFER + 2,
                    where + ": in flight " + c.bytesInFlight());
            assertTrue(
                    c.readableBytes() >= 0 && c.readableBytes() <= BUFFER, where + ": readable " + c.readableBytes());
            assertTrue(
                    c.writableBytes() >= 0 && c.writableBytes() <= BUFFER, where + ": writable " + c.writableBytes());
            assertTrue(
                    c.receiveWindowBytes() >= 0 && c.receiveWindowBytes() <= BUFFER,
                    where + ": rcv wnd " + c.receiveWindowBytes());
            assertTrue(c.sendWindowBytes() >= 0, where + ": snd wnd " + c.sendWindowBytes());
            assertTrue(c.rtoNs() >= 0 && c.rtoNs() <= 60_000_000_000L, where + ": rto " + c.rtoNs());
        });
    }

    /** One fuzzed packet into buf; returns its length. */
    private static int mutate(
            SplittableRandom rnd, UnsafeBuffer buf, byte[] payload, int localPort, int peerIsn, int localIsn) {
        int kind = rnd.nextInt(100);
        if (kind < 3) {
            // Pure garbage of random length.
            int len = rnd.nextInt(80);
            for (int i = 0; i < len; i++) {
                buf.putByte(i, (byte) rnd.nextInt(256));
            }
            return len;
        }
        int flags =
                switch (rnd.nextInt(6)) {
                    case 0 -> rnd.nextInt(256);
                    case 1 -> TcpHeader.ACK;
                    case 2 -> TcpHeader.ACK | TcpHeader.PSH;
                    case 3 -> TcpHeader.RST | (rnd.nextBoolean() ? TcpHeader.ACK : 0);
                    case 4 -> TcpHeader.SYN | (rnd.nextBoolean() ? TcpHeader.ACK : 0);
                    default -> TcpHeader.FIN | TcpHeader.ACK;
                };
        int seq = peerIsn + near(rnd);
        int ack = localIsn + near(rnd);
        int srcPort = rnd.nextInt(20) == 0 ? rnd.nextInt(65536) : TcpScript.PEER_PORT + (rnd.nextInt(10) == 0 ? 1 : 0);
        int dstPort = rnd.nextInt(20) == 0 ? rnd.nextInt(65536) : localPort;
        int window = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(65536);
        int plen =
                switch (rnd.nextInt(4)) {
                    case 0 -> 0;
                    case 1 -> rnd.nextInt(10);
                    case 2 -> rnd.nextInt(1500);
                    default -> 1460;
                };
        byte[] options = null;
        if (rnd.nextInt(5) == 0) {
            // SACK blocks near what the engine sent (RFC 2018 §3), some inverted or absurd.
            int blocks = 1 + rnd.nextInt(4);
            UnsafeBuffer ob = new UnsafeBuffer(new byte[40]);
            int[] edges = new int[2 * blocks];
            for (int b = 0; b < blocks; b++) {
                int left = localIsn + near(rnd);
                edges[2 * b] = left;
                edges[2 * b + 1] = rnd.nextInt(8) == 0 ? left - rnd.nextInt(3000) : left + rnd.nextInt(3000);
            }
            int end = io.jtcp.stack.wire.TcpOptions.writeSack(ob, 0, edges, blocks);
            if (rnd.nextBoolean() && end + 12 <= 40) {
                end = io.jtcp.stack.wire.TcpOptions.writeTimestamps(
                        ob, end, 1001 + rnd.nextInt(100) - 50, rnd.nextInt());
            }
            end = io.jtcp.stack.wire.TcpOptions.pad(ob, 0, end);
            options = new byte[end];
            ob.getBytes(0, options);
        } else if (rnd.nextInt(4) == 0) {
            if (rnd.nextBoolean()) {
                options = PacketBuilder.options(
                        rnd.nextInt(70000) - 2000 > 0 ? rnd.nextInt(65536) : -1,
                        rnd.nextBoolean() ? rnd.nextInt(20) : -1,
                        rnd.nextBoolean(),
                        rnd.nextBoolean(),
                        rnd.nextInt(),
                        rnd.nextInt());
            } else {
                options = new byte[4 * (1 + rnd.nextInt(10))];
                rnd.nextBytes(options);
            }
        }
        int len = PacketBuilder.tcp(
                buf, PEER_ADDR, ENGINE_ADDR, srcPort, dstPort, seq, ack, flags, window, options, payload, 0, plen);
        int m = rnd.nextInt(100);
        if (m < 5) {
            // Flip bytes anywhere, checksums left stale (most die at validation).
            for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
                int at = rnd.nextInt(len);
                buf.putByte(at, (byte) (buf.getByte(at) ^ (1 + rnd.nextInt(255))));
            }
        } else if (m < 10) {
            // Flip bytes in the TCP header, then fix both checksums so the engine parses them.
            for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
                int at = 20 + rnd.nextInt(Math.min(40, len - 20));
                buf.putByte(at, (byte) (buf.getByte(at) ^ (1 + rnd.nextInt(255))));
            }
            new TcpHeader().wrap(buf, 20, len - 20).computeChecksum(PEER_ADDR, ENGINE_ADDR);
        } else if (m < 12) {
            // Truncate (IPv4 total length now lies).
            len = 20 + rnd.nextInt(len - 19);
        } else if (m < 14) {
            // Lie in the IPv4 total length, checksum fixed.
            new io.jtcp.stack.wire.Ipv4Header()
                    .wrap(buf, 0, len)
                    .totalLength(rnd.nextInt(65536))
                    .computeChecksum();
        }
        return len;
    }

    /** A sequence offset: mostly near the connection's numbers, sometimes anywhere in the space. */
    private static int near(SplittableRandom rnd) {
        return switch (rnd.nextInt(5)) {
            case 0 -> rnd.nextInt();
            case 1 -> rnd.nextInt(4) - 1;
            case 2 -> rnd.nextInt(70_000) - 1000;
            case 3 -> -rnd.nextInt(70_000);
            default -> rnd.nextInt(3000);
        };
    }
}
