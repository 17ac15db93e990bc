package io.jtcp.stack.fuzz;

import static io.jtcp.stack.harness.PacketBuilder.ENGINE_ADDR;
import static io.jtcp.stack.harness.PacketBuilder.PEER_ADDR;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.harness.PacketBuilder;
import io.jtcp.stack.harness.Seg;
import io.jtcp.stack.harness.StateFixture;
import io.jtcp.stack.harness.TcpScript;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.tcp.TcpListener;
import io.jtcp.stack.tcp.TcpState;
import io.jtcp.stack.wire.IcmpHeader;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.stack.wire.TcpHeader;
import io.jtcp.stack.wire.TcpOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The {@code NetworkStack.onPacket} fuzz driver: one input is a fixture (a connection table seeded
 * in one TCP state) and a sequence of steps decoded from the fuzzer's bytes, each a packet (mostly
 * a well-formed TCP segment with valid checksums, so the fuzzer gets past them; also raw bytes,
 * ICMP errors quoting the connection, IPv4 fragments), a clock move that fires timers, or an
 * application call. After every step the invariants hold: nothing escapes the engine, the table
 * stays within its configured bounds, every connection's windows and buffers are in range, every
 * emitted packet is well formed and at most the MTU, and the timers run out (no timer storm).
 *
 * <p>Only public and harness entry points are used, so the driver keeps working while the engine
 * behind them changes.
 */
final class StackFuzzer {
    static final int MAX_CONNECTIONS = 8;
    static final int MAX_HALF_OPEN = 4;
    static final int MAX_TIME_WAIT = 16;
    static final int BUFFER = 16 * 1024;
    static final int MTU = 1500;
    static final int MAX_STEPS = 48;

    private static final byte[] PATTERN = new byte[20_000];

    static {
        for (int i = 0; i < PATTERN.length; i++) {
            PATTERN[i] = (byte) ('A' + i % 26);
        }
    }

    private record Setup(String name, Supplier<TcpScript> create) {}

    private static final List<Setup> SETUPS = setups();

    // Scratch space reused across inputs (the fuzzer runs one input at a time): only what a step
    // writes is ever handed to the engine, in a buffer of exactly the packet's size.
    private static final UnsafeBuffer BUF = new UnsafeBuffer(new byte[70_000]);
    private static final UnsafeBuffer FRAG = new UnsafeBuffer(new byte[70_000]);
    private static final byte[] READ_BUF = new byte[BUFFER];

    private final FuzzedDataProvider data;
    private final UnsafeBuffer buf = BUF;
    private final UnsafeBuffer frag = FRAG;
    private final byte[] readBuf = READ_BUF;
    private final OutputChecker output = new OutputChecker(MTU, ENGINE_ADDR);
    private final String setupName;
    private final NetworkStack stack;
    private final int localPort;
    private final int peerPort;
    private final int peerIsn;
    private final int localIsn;
    private long now;
    private int step;
    private int checks; // invariant checks run: one per step and one after the timers drain
    private String lastStep = "setup";

    private StackFuzzer(FuzzedDataProvider data) {
        this.data = data;
        Setup setup = SETUPS.get(data.consumeInt(0, SETUPS.size() - 1));
        setupName = setup.name();
        TcpScript s = setup.create().get();
        s.fast(output);
        stack = s.stack();
        localPort = s.localPort();
        peerPort = s.hasConn() ? s.conn().remotePort() : TcpScript.PEER_PORT;
        peerIsn = s.peerIsnValue();
        localIsn = s.localIsn();
        now = s.now();
    }

    /** Runs one fuzz input; throws (AssertionError or whatever escaped the engine) on a finding. */
    /** What one run did: its steps, and how many times the invariants were checked. */
    record Result(int steps, int checks) {}

    static Result run(FuzzedDataProvider data) {
        MemoryLog.count();
        StackFuzzer f = new StackFuzzer(data);
        f.run();
        return new Result(f.step, f.checks);
    }

    private void run() {
        while (data.remainingBytes() > 0 && step < MAX_STEPS) {
            step++;
            int op = data.consumeInt(0, 11);
            switch (op) {
                case 0, 1, 2, 3, 4 -> packet(tcpSegment(), "tcp");
                case 5 -> rawPacket();
                case 6 -> icmpPacket();
                case 7 -> fragments();
                case 8 -> advance(data.consumeLong(0, 1L << data.consumeInt(0, 38)));
                case 9 -> nextDeadlines(data.consumeInt(1, 16));
                default -> appAction();
            }
            checkInvariants();
        }
        drainTimers();
        checkInvariants();
    }

    // ------------------------------------------------------------------ packets

    private void packet(int length, String what) {
        packetAt(buf, length, what);
    }

    private void packetAt(UnsafeBuffer b, int length, String what) {
        lastStep = what + " " + length + " bytes";
        // Exactly the packet, so a read past its end trips Agrona's bounds check.
        UnsafeBuffer exact = new UnsafeBuffer(new byte[length]);
        exact.putBytes(0, b, 0, length);
        stack.onPacket(now, exact, 0, length);
        stack.onTimeout(now);
        stack.flush(now);
    }

    /** A TCP segment built from fuzzer-chosen fields, checksums valid unless a mutation breaks them. */
    private int tcpSegment() {
        int flags =
                switch (data.consumeInt(0, 7)) {
                    case 0 -> TcpHeader.ACK;
                    case 1 -> TcpHeader.ACK | TcpHeader.PSH;
                    case 2 -> TcpHeader.SYN;
                    case 3 -> TcpHeader.SYN | TcpHeader.ACK;
                    case 4 -> TcpHeader.RST;
                    case 5 -> TcpHeader.RST | TcpHeader.ACK;
                    case 6 -> TcpHeader.FIN | TcpHeader.ACK;
                    default -> data.consumeInt(0, 255);
                };
        int src = data.consumeInt(0, 15) == 0 ? data.consumeInt() : PEER_ADDR;
        int dst = data.consumeInt(0, 31) == 0 ? data.consumeInt() : ENGINE_ADDR;
        int srcPort =
                switch (data.consumeInt(0, 3)) {
                    case 0, 1 -> peerPort;
                    case 2 -> peerPort + data.consumeInt(1, 2 * MAX_CONNECTIONS);
                    default -> data.consumeInt(0, 65_535);
                };
        int dstPort = data.consumeInt(0, 7) == 0 ? data.consumeInt(0, 65_535) : localPort;
        int seq = peerIsn + near();
        int ack = localIsn + near();
        int window =
                switch (data.consumeInt(0, 3)) {
                    case 0 -> 0;
                    case 1 -> 65_535;
                    default -> data.consumeInt(0, 65_535);
                };
        byte[] options = options();
        int room = MTU - 40 - options.length;
        byte[] payload = PATTERN;
        int payloadLength =
                switch (data.consumeInt(0, 3)) {
                    case 0 -> 0;
                    case 1 -> {
                        payload = data.consumeBytes(data.consumeInt(1, 16));
                        yield payload.length;
                    }
                    case 2 -> data.consumeInt(0, room);
                    default -> room;
                };
        int len = PacketBuilder.tcp(
                buf, src, dst, srcPort, dstPort, seq, ack, flags, window, options, payload, 0, payloadLength);
        return mutate(len, src, dst);
    }

    /** A sequence offset: near the ISN-relative numbers in play, or anywhere in the space. */
    private int near() {
        return switch (data.consumeInt(0, 3)) {
            case 0 -> data.consumeInt(-2, 4);
            case 1 -> data.consumeInt(-70_000, 70_000);
            case 2 -> data.consumeInt();
            default -> data.consumeInt(0, 20_000);
        };
    }

    private byte[] options() {
        switch (data.consumeInt(0, 5)) {
            case 1 -> {
                return PacketBuilder.options(
                        data.consumeBoolean() ? data.consumeInt(0, 65_535) : -1,
                        data.consumeBoolean() ? data.consumeInt(0, 20) : -1,
                        data.consumeBoolean(),
                        data.consumeBoolean(),
                        1001 + data.consumeInt(-100, 100_000),
                        data.consumeInt());
            }
            case 2 -> {
                // SACK blocks near what the engine sent (RFC 2018 §3), maybe with timestamps.
                int blocks = data.consumeInt(1, TcpOptions.MAX_SACK_BLOCKS);
                int[] edges = new int[2 * blocks];
                for (int i = 0; i < edges.length; i++) {
                    edges[i] = localIsn + near();
                }
                UnsafeBuffer ob = new UnsafeBuffer(new byte[40]);
                int end = TcpOptions.writeSack(ob, 0, edges, blocks);
                if (blocks < 4 && data.consumeBoolean()) {
                    end = TcpOptions.writeTimestamps(ob, end, 1001 + data.consumeInt(-100, 100_000), data.consumeInt());
                }
                return copy(ob, TcpOptions.pad(ob, 0, end));
            }
            case 3 -> {
                UnsafeBuffer ob = new UnsafeBuffer(new byte[40]);
                int end = TcpOptions.writeTimestamps(ob, 0, 1001 + data.consumeInt(-100, 100_000), data.consumeInt());
                return copy(ob, end);
            }
            case 4 -> {
                byte[] raw = data.consumeBytes(4 * data.consumeInt(1, 10));
                byte[] padded = new byte[(raw.length + 3) & ~3];
                System.arraycopy(raw, 0, padded, 0, raw.length);
                return padded;
            }
            default -> {
                return new byte[0];
            }
        }
    }

    private static byte[] copy(UnsafeBuffer b, int length) {
        byte[] out = new byte[length];
        b.getBytes(0, out);
        return out;
    }

    /** Sometimes damages a built segment; most damage keeps the checksums right. */
    private int mutate(int len, int src, int dst) {
        Ipv4Header ip = new Ipv4Header().wrap(buf, 0, len);
        switch (data.consumeInt(0, 15)) {
            case 0 -> {
                // Bytes of the TCP header changed, then the checksum fixed: the engine must parse them.
                for (int k = data.consumeInt(1, 3); k > 0; k--) {
                    int at = 20 + data.consumeInt(0, Math.min(60, len - 20) - 1);
                    buf.putByte(at, data.consumeByte());
                }
                new TcpHeader().wrap(buf, 20, len - 20).computeChecksum(src, dst);
            }
            case 1 -> {
                return data.consumeInt(0, len - 1); // truncated: the IPv4 total length now lies
            }
            case 2 -> ip.totalLength(data.consumeInt(0, 65_535)).computeChecksum();
            case 3 -> ip.tos(data.consumeInt(0, 255))
                    .ttl(data.consumeInt(0, 255))
                    .identification(data.consumeInt(0, 65_535))
                    .flagsAndFragment(data.consumeInt(0, 65_535))
                    .computeChecksum();
            case 4 -> buf.putByte(20 + TcpHeader.CHECKSUM_OFFSET, (byte) (buf.getByte(36) ^ 0x5A));
            case 5 -> {
                TcpHeader tcp = new TcpHeader().wrap(buf, 20, len - 20);
                tcp.flags(tcp.flags() | TcpHeader.URG).urgentPointer(data.consumeInt(0, 65_535));
                tcp.computeChecksum(src, dst);
            }
            default -> {}
        }
        return len;
    }

    /** Bytes as the wire might carry them, optionally repaired far enough to reach TCP or ICMP. */
    private void rawPacket() {
        byte[] raw = data.consumeBytes(data.consumeInt(0, MTU));
        buf.putBytes(0, raw);
        int len = raw.length;
        int repair = data.consumeInt(0, 2);
        if (repair > 0 && len >= 20) {
            Ipv4Header ip = new Ipv4Header().wrap(buf, 0, len);
            ip.versionAndIhl(4, ip.ihl()).totalLength(len).srcAddr(PEER_ADDR).dstAddr(ENGINE_ADDR);
            if (ip.headerLength() >= 20 && ip.headerLength() <= len) {
                ip.computeChecksum();
                int payload = len - ip.headerLength();
                if (repair == 2 && ip.protocol() == Ipv4Header.PROTOCOL_TCP) {
                    if (payload >= TcpHeader.MIN_HEADER_LENGTH) {
                        new TcpHeader().wrap(buf, ip.headerLength(), payload).computeChecksum(PEER_ADDR, ENGINE_ADDR);
                    }
                } else if (repair == 2 && ip.protocol() == Ipv4Header.PROTOCOL_ICMP) {
                    if (payload >= IcmpHeader.HEADER_LENGTH) {
                        new IcmpHeader().wrap(buf, ip.headerLength(), payload).computeChecksum();
                    }
                }
            }
        }
        packet(len, "raw");
    }

    /**
     * An ICMP message: mostly an error (RFC 792) quoting a segment of the connection with a
     * fuzzer-chosen sequence number (RFC 5927's check), sometimes an echo request.
     */
    private void icmpPacket() {
        int type;
        int code;
        switch (data.consumeInt(0, 5)) {
            case 0, 1 -> {
                type = IcmpHeader.TYPE_DEST_UNREACHABLE;
                code = data.consumeInt(0, 15);
            }
            case 2 -> {
                type = 11; // time exceeded
                code = data.consumeInt(0, 1);
            }
            case 3 -> {
                type = data.consumeBoolean() ? 4 : 12; // source quench, parameter problem
                code = 0;
            }
            case 4 -> {
                type = IcmpHeader.TYPE_ECHO_REQUEST;
                code = 0;
            }
            default -> {
                type = data.consumeInt(0, 255);
                code = data.consumeInt(0, 255);
            }
        }
        int quoted = type == IcmpHeader.TYPE_ECHO_REQUEST
                ? data.consumeInt(0, MTU - 28)
                : switch (data.consumeInt(0, 3)) {
                    case 0 -> 28; // RFC 792: the IPv4 header and 64 bits of the datagram
                    case 1 -> 40;
                    case 2 -> data.consumeInt(0, 60);
                    default -> data.consumeInt(0, 576);
                };
        int icmpLength = IcmpHeader.HEADER_LENGTH + quoted;
        int total = 20 + icmpLength;
        new Ipv4Header()
                .wrap(buf, 0, total)
                .writeHeader(
                        total, data.consumeInt(0, 65_535), 64, Ipv4Header.PROTOCOL_ICMP, icmpSource(), ENGINE_ADDR);
        IcmpHeader icmp = new IcmpHeader().wrap(buf, 20, icmpLength);
        // The next-hop MTU of "fragmentation needed" (RFC 1191 §4) sits in the low 16 bits.
        icmp.type(type)
                .code(code)
                .restOfHeader(data.consumeInt(0, 7) == 0 ? data.consumeInt() : data.consumeInt(0, 65_535));
        buf.setMemory(28, quoted, (byte) 0);
        if (quoted >= 20) {
            int quotedTotal = data.consumeBoolean() ? 40 + data.consumeInt(0, MTU - 40) : data.consumeInt(0, 65_535);
            new Ipv4Header()
                    .wrap(buf, 28, quoted)
                    .writeHeader(
                            quotedTotal,
                            data.consumeInt(0, 65_535),
                            64,
                            data.consumeInt(0, 7) == 0 ? data.consumeInt(0, 255) : Ipv4Header.PROTOCOL_TCP,
                            ENGINE_ADDR,
                            data.consumeInt(0, 7) == 0 ? data.consumeInt() : PEER_ADDR);
        }
        if (quoted >= 28) {
            TcpHeader q = new TcpHeader().wrap(buf, 48, quoted - 20);
            q.srcPort(data.consumeInt(0, 7) == 0 ? data.consumeInt(0, 65_535) : localPort)
                    .dstPort(data.consumeInt(0, 7) == 0 ? data.consumeInt(0, 65_535) : peerPort)
                    .seq(localIsn + near());
            if (quoted >= 40) {
                q.ackNum(peerIsn + near()).dataOffset(5).flags(TcpHeader.ACK).window(65_535);
            }
        }
        if (type == IcmpHeader.TYPE_ECHO_REQUEST && quoted > 0) {
            buf.putBytes(28, PATTERN, 0, quoted);
        }
        icmp.computeChecksum();
        if (data.consumeInt(0, 15) == 0) {
            buf.putByte(20 + IcmpHeader.CHECKSUM_OFFSET, (byte) (buf.getByte(22) ^ 0x5A));
        }
        packet(total, "icmp " + type + "/" + code);
    }

    private int icmpSource() {
        // Routers quote our segments from their own addresses; the peer's address is common too.
        return data.consumeBoolean() ? PEER_ADDR : Ipv4Header.parseAddress("10.7.9.1") + data.consumeInt(0, 3);
    }

    /**
     * One TCP segment cut into IPv4 fragments (RFC 791) at fuzzer-chosen 8-byte boundaries, sent in
     * a fuzzer-chosen order, some repeated or overlapping.
     */
    private void fragments() {
        // Mostly a TCP segment; sometimes an echo request larger than the MTU, whose reassembled
        // whole must not come back as one reply above the MTU.
        int len = data.consumeInt(0, 7) == 0 ? bigEchoRequest() : tcpSegment();
        if (len <= 20) {
            packet(len, "tcp");
            return;
        }
        Ipv4Header ip = new Ipv4Header().wrap(buf, 0, len);
        int src = ip.srcAddr();
        int dst = ip.dstAddr();
        int protocol = ip.protocol();
        int id = data.consumeInt(0, 65_535);
        int payload = len - 20;
        // Fragments fit the MTU, as they do on the device; the last may leave the datagram short.
        int maxFragment = (MTU - 20) & ~7;
        int needed = (payload + maxFragment - 1) / maxFragment;
        int count = data.consumeInt(needed, needed + 3);
        int[] starts = new int[count];
        int[] ends = new int[count];
        for (int i = 0; i < count; i++) {
            int start = i == 0 ? 0 : ends[i - 1];
            if (i > 0 && data.consumeInt(0, 7) == 0) {
                start -= 8; // overlapping the previous fragment
            }
            start = Math.max(0, Math.min(start, payload)) & ~7;
            int end = Math.min(payload, start + 8 * data.consumeInt(1, maxFragment / 8));
            starts[i] = start;
            ends[i] = i == count - 1 ? Math.min(payload, start + maxFragment) : end;
        }
        int order = data.consumeInt(0, 2);
        for (int k = 0; k < count; k++) {
            // In order, reversed, or an order (with repeats and gaps) the fuzzer picks.
            int i = order == 0 ? k : order == 1 ? count - 1 - k : data.consumeInt(0, count - 1);
            int fragLen = ends[i] - starts[i];
            boolean more = ends[i] < payload || data.consumeInt(0, 15) == 0;
            int total = 20 + fragLen;
            Ipv4Header f = new Ipv4Header().wrap(frag, 0, total);
            f.writeHeader(total, id, 64, protocol, src, dst);
            f.flagsAndFragment((more ? Ipv4Header.FLAG_MF : 0) | (starts[i] / 8))
                    .computeChecksum();
            frag.putBytes(20, buf, 20 + starts[i], fragLen);
            packetAt(frag, total, "fragment " + starts[i] + ".." + ends[i]);
            if (data.consumeInt(0, 3) == 0) {
                advance(data.consumeLong(0, 40_000_000_000L));
            }
        }
    }

    private int bigEchoRequest() {
        int icmpLength = IcmpHeader.HEADER_LENGTH + data.consumeInt(0, 9000);
        int total = 20 + icmpLength;
        new Ipv4Header()
                .wrap(buf, 0, total)
                .writeHeader(total, 0, 64, Ipv4Header.PROTOCOL_ICMP, PEER_ADDR, ENGINE_ADDR);
        buf.putBytes(28, PATTERN, 0, icmpLength - IcmpHeader.HEADER_LENGTH);
        new IcmpHeader()
                .wrap(buf, 20, icmpLength)
                .type(IcmpHeader.TYPE_ECHO_REQUEST)
                .code(0)
                .identifier(data.consumeInt(0, 65_535))
                .sequence(1)
                .computeChecksum();
        return total;
    }

    // ------------------------------------------------------------------ time

    private void advance(long dtNs) {
        lastStep = "clock +" + dtNs + " ns";
        now += dtNs;
        stack.onTimeout(now);
        stack.flush(now);
        long next = stack.nextDeadlineNs();
        if (next != Long.MAX_VALUE && next - now < 0) {
            throw new AssertionError(
                    where() + ": deadline " + next + " still in the past after onTimeout(" + now + ")");
        }
    }

    /** Moves to the next {@code n} deadlines one at a time, as a punctual event loop would. */
    private void nextDeadlines(int n) {
        for (int i = 0; i < n; i++) {
            long next = stack.nextDeadlineNs();
            if (next == Long.MAX_VALUE) {
                return;
            }
            advance(Math.max(0, next - now));
        }
    }

    /** Lets every timer run out: the engine must go quiet, not loop. */
    private void drainTimers() {
        lastStep = "drain timers";
        long end = now + 30L * 60 * 1_000_000_000L;
        int firings = 0;
        while (stack.nextDeadlineNs() != Long.MAX_VALUE && stack.nextDeadlineNs() - end <= 0) {
            advance(Math.max(0, stack.nextDeadlineNs() - now));
            if (++firings > 100_000) {
                throw new AssertionError(where() + ": timer storm, over 100000 firings in 30 minutes");
            }
        }
    }

    // ------------------------------------------------------------------ the application

    private void appAction() {
        List<TcpConnection> conns = new ArrayList<>();
        stack.forEachConnection(conns::add);
        int action = data.consumeInt(0, 9);
        lastStep = "app action " + action;
        try {
            if (action == 8) {
                stack.connect(now, PEER_ADDR, data.consumeInt(1, 65_535), new TcpHandler() {});
            } else if (action == 9) {
                int port = data.consumeInt(1, 65_535);
                if (data.consumeBoolean()) {
                    stack.listen(port, new AcceptAll());
                } else {
                    stack.unlisten(port);
                }
            } else if (!conns.isEmpty()) {
                TcpConnection c = conns.get(data.consumeInt(0, conns.size() - 1));
                if (c.state() == TcpState.CLOSED) {
                    return;
                }
                switch (action) {
                    case 0, 1 -> c.read(readBuf, 0, data.consumeInt(0, readBuf.length));
                    case 2, 3 -> c.write(PATTERN, 0, data.consumeInt(0, PATTERN.length));
                    case 4 -> c.shutdownOutput();
                    case 5 -> c.close();
                    case 6 -> c.abort();
                    default -> c.skip(data.consumeInt(0, BUFFER));
                }
            }
        } catch (IllegalStateException documented) {
            // The application's own error (write after shutdown, a full table, a port in use).
        }
        stack.onTimeout(now);
        stack.flush(now);
    }

    private static final class AcceptAll implements TcpListener {
        @Override
        public TcpHandler onAccept(TcpConnection connection) {
            return new TcpHandler() {};
        }
    }

    // ------------------------------------------------------------------ invariants

    private void checkInvariants() {
        checks++;
        output.check(where());
        // TIME_WAIT records live outside the table, with a cap of their own.
        int timeWaits = stack.timeWaitCount();
        int count = stack.connectionCount() - timeWaits;
        if (count < 0 || count > MAX_CONNECTIONS) {
            throw new AssertionError(where() + ": connection count " + count);
        }
        if (timeWaits < 0 || timeWaits > MAX_TIME_WAIT) {
            throw new AssertionError(where() + ": TIME_WAIT records " + timeWaits);
        }
        int halfOpen = stack.halfOpenCount();
        if (halfOpen < 0 || halfOpen > MAX_HALF_OPEN) {
            throw new AssertionError(where() + ": half-open count " + halfOpen);
        }
        stack.forEachConnection(this::checkConnection);
    }

    private void checkConnection(TcpConnection c) {
        String w = where() + " " + c.state() + " :" + c.localPort() + "↔:" + c.remotePort();
        require(c.bytesInFlight() >= 0 && c.bytesInFlight() <= BUFFER + 2, w, "in flight", c.bytesInFlight());
        require(c.readableBytes() >= 0 && c.readableBytes() <= BUFFER, w, "readable", c.readableBytes());
        require(c.writableBytes() >= 0 && c.writableBytes() <= BUFFER, w, "writable", c.writableBytes());
        require(
                c.receiveWindowBytes() >= 0 && c.receiveWindowBytes() <= BUFFER,
                w,
                "receive window",
                c.receiveWindowBytes());
        require(c.sendWindowBytes() >= 0, w, "send window", c.sendWindowBytes());
        require(c.rtoNs() >= 0 && c.rtoNs() <= 60_000_000_000L, w, "rto", c.rtoNs());
        require(c.congestionWindowBytes() > 0, w, "cwnd", c.congestionWindowBytes());
        require(c.bytesReceived() >= 0 && c.bytesSent() >= 0, w, "byte counts", c.bytesReceived());
    }

    private static void require(boolean ok, String where, String what, long value) {
        if (!ok) {
            throw new AssertionError(where + ": " + what + " " + value);
        }
    }

    private String where() {
        return setupName + " step " + step + " (" + lastStep + ")";
    }

    // ------------------------------------------------------------------ fixtures

    private static List<Setup> setups() {
        List<Setup> list = new ArrayList<>();
        for (StateFixture f : StateFixture.values()) {
            list.add(new Setup(f.name(), () -> f.create(fresh())));
        }
        list.add(new Setup("SYN_SENT", () -> fresh().synSent()));
        list.add(new Setup("SYN_RECEIVED", () -> fresh().synReceived()));
        list.add(new Setup("LISTEN", () -> fresh().listen(TcpScript.LISTEN_PORT)));
        list.add(new Setup("ESTABLISHED_WSCALE_SACK_TS", StackFuzzer::establishedWithAllOptions));
        list.add(new Setup("ZERO_WINDOW", StackFuzzer::zeroWindow));
        list.add(new Setup("HALF_OPEN_FULL", StackFuzzer::halfOpenFull));
        return list;
    }

    private static TcpScript fresh() {
        return new TcpScript(c -> c.maxConnections(MAX_CONNECTIONS)
                        .maxTimeWait(MAX_TIME_WAIT)
                        .maxHalfOpen(MAX_HALF_OPEN)
                        .mtuBytes(MTU)
                        .receiveBufferBytes(BUFFER)
                        .sendBufferBytes(BUFFER)
                        .synRetries(2)
                        .synAckRetries(2)
                        .dataRetries(4))
                .noCoverage()
                .quiet()
                .autoRead(false);
    }

    /** Window scaling, SACK and timestamps negotiated (RFC 7323, RFC 2018), data in flight. */
    private static TcpScript establishedWithAllOptions() {
        TcpScript s = fresh();
        s.listen(TcpScript.LISTEN_PORT);
        s.inject(Seg.syn().seq(0).mss(1460).wscale(7).sackOk().ts(1000, 0));
        var synAck = s.expect(Seg.synAck().seq(0).ack(1));
        s.inject(Seg.ack().seq(1).ack(1).win(1000).ts(1001, synAck.tsVal));
        s.write(8000);
        s.drain();
        return s;
    }

    /** The peer's window closed with data queued: the persist timer runs (RFC 9293 §3.8.6.1). */
    private static TcpScript zeroWindow() {
        TcpScript s = fresh().establishedPassive();
        s.inject(Seg.ack().seq(1).ack(1).win(0));
        s.write(3000);
        s.drain();
        return s;
    }

    /** A listener whose half-open limit is reached by SYNs from other ports. */
    private static TcpScript halfOpenFull() {
        TcpScript s = fresh().listen(TcpScript.LISTEN_PORT);
        for (int p = 1; p <= MAX_HALF_OPEN; p++) {
            s.inject(Seg.syn().seq(0).mss(1460).srcPort(TcpScript.PEER_PORT + p));
        }
        s.drain();
        return s;
    }
}
