package io.jtcp.tun.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.StackTracer;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpState;
import io.jtcp.stack.wire.TcpHeader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Issue #11, a trace a student can read: sequence numbers relative to each side's ISN, the scaled
 * window, compact options, states only, and segments the fault injector lost.
 */
class ReadableTraceTest {
    private static final int SYN = TcpHeader.SYN;
    private static final int ACK = TcpHeader.ACK;
    private static final int PSH = TcpHeader.PSH;
    private static final int JTCP_ISN = -16; // 0xfffffff0: relative numbers must wrap with it
    private static final int KERNEL_ISN = 2711;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream print = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private long now = 1_000_000;

    private static byte[] opts(int... b) {
        byte[] a = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            a[i] = (byte) b[i];
        }
        return a;
    }

    private static byte[] ints(byte[] head, int... values) {
        ByteBuffer bb = ByteBuffer.allocate(head.length + 4 * values.length).put(head);
        for (int v : values) {
            bb.putInt(v);
        }
        return bb.array();
    }

    /** Linux's SYN options: mss 1460, sackOK, TS val 12345 ecr 0, nop, wscale 7. */
    private static final byte[] KERNEL_SYN = ints(opts(2, 4, 5, 0xb4, 4, 2, 8, 10), 12345, 0, 0x01030307);
    /** jtcp's: mss 1460, nop, wscale 6, sackOK, nop, nop. */
    private static final byte[] JTCP_SYN = opts(2, 4, 5, 0xb4, 1, 3, 3, 6, 4, 2, 1, 1);

    private static byte[] ts(int val, int ecr) {
        return ints(opts(1, 1, 8, 10), val, ecr);
    }

    private void send(StackTracer t, boolean fromKernel, int seq, int ack, int flags, int win, int len, byte[] o) {
        UnsafeBuffer b = Packets.tcp(fromKernel, seq, ack, flags, win, len, o);
        now += 1000;
        t.onPacket(now, fromKernel, b, 0, b.capacity());
    }

    /** A handshake with window scaling both ways, two data segments and an ACK with a SACK block. */
    private void session(StackTracer t) {
        send(t, true, KERNEL_ISN, 0, SYN, 64240, 0, KERNEL_SYN);
        send(t, false, JTCP_ISN, KERNEL_ISN + 1, SYN | ACK, 65535, 0, JTCP_SYN);
        send(t, true, KERNEL_ISN + 1, JTCP_ISN + 1, ACK, 502, 0, ts(12346, 7));
        send(t, false, JTCP_ISN + 1, KERNEL_ISN + 1, PSH | ACK, 1024, 1448, ts(8, 12346));
        send(t, false, JTCP_ISN + 1449, KERNEL_ISN + 1, PSH | ACK, 1024, 1448, ts(9, 12346));
        byte[] sack = ints(opts(1, 1, 5, 10), JTCP_ISN + 1449, JTCP_ISN + 2897);
        byte[] tsAndSack = ByteBuffer.allocate(24).put(ts(12347, 9)).put(sack).array();
        send(t, true, KERNEL_ISN + 1, JTCP_ISN + 1, ACK, 502, 0, tsAndSack);
    }

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static String afterPorts(String line) {
        return line.replaceFirst("^.*?: ", "");
    }

    @Test
    void shouldPrintRelativeNumbersScaledWindowsAndCompactOptions() {
        session(new TextTracer(print, 0, true));
        List<String> lines = lines();
        String all = String.join("\n", lines);
        assertEquals(
                List.of(
                        "Flags [S], seq 0, win 64240, options [mss 1460,sackOK,TS val 12345 ecr 0,nop,wscale 7],"
                                + " length 0",
                        // RFC 7323 §2.2: a SYN's own window is never scaled.
                        "Flags [S.], seq 0, ack 1, win 65535, options [mss 1460,nop,wscale 6,sackOK,nop,nop], length 0",
                        "Flags [.], seq 1, ack 1, win 64256, length 0", // 502 << 7
                        "Flags [P.], seq 1:1449, ack 1, win 65536, length 1448", // 1024 << 6, no timestamps
                        "Flags [P.], seq 1449:2897, ack 1, win 65536, length 1448",
                        "Flags [.], seq 1, ack 1, win 64256, sack 1449:2897, length 0 [dup ACK #1]"),
                lines.stream().map(ReadableTraceTest::afterPorts).toList(),
                all);
        // tcpdump's layout with its fixed-width time: about 100 characters for a full-sized segment.
        for (String l : lines.subList(3, 5)) {
            assertTrue(l.length() <= 105, l.length() + ": " + l);
        }
    }

    @Test
    void shouldPrintTcpdumpsRawNumbersWhenAbsolute() {
        session(new TextTracer(print, 0, TraceStyle.ABSOLUTE));
        List<String> lines = lines().stream().map(ReadableTraceTest::afterPorts).toList();
        assertEquals(
                "Flags [S.], seq 4294967280, ack 2712, win 65535, options [mss 1460,nop,wscale 6,sackOK,nop,nop],"
                        + " length 0",
                lines.get(1));
        assertEquals(
                "Flags [P.], seq 4294967281:1433, ack 2712, win 1024, options [nop,nop,TS val 8 ecr 12346], length 1448",
                lines.get(3));
        assertEquals(
                "Flags [.], seq 2712, ack 4294967281, win 502,"
                        + " options [nop,nop,TS val 12347 ecr 9,nop,nop,sack 1 {1433:2881}], length 0 [dup ACK #1]",
                lines.get(5));
    }

    @Test
    void shouldPrintEveryOptionRelativeWhenAsked() {
        session(new TextTracer(print, 0, new TraceStyle(true, true, true, 0)));
        assertEquals(
                "Flags [.], seq 1, ack 1, win 64256, options [nop,nop,TS val 12347 ecr 9,nop,nop,sack 1 {1449:2897}],"
                        + " length 0 [dup ACK #1]",
                afterPorts(lines().get(5)));
    }

    /** A connection whose SYN the trace did not see (or not yet) keeps absolute numbers. */
    @Test
    void shouldStayAbsoluteWithoutTheSyn() {
        TextTracer t = new TextTracer(print, 0, true);
        send(t, false, 100, 2712, PSH | ACK, 512, 100, new byte[0]);
        send(t, true, KERNEL_ISN, 0, SYN, 64240, 0, KERNEL_SYN); // only one side's ISN known
        send(t, false, 200, 2712, PSH | ACK, 512, 100, new byte[0]);
        assertEquals(
                List.of(
                        "Flags [P.], seq 100:200, ack 2712, win 512, length 100",
                        "Flags [S], seq 0, win 64240, options [mss 1460,sackOK,TS val 12345 ecr 0,nop,wscale 7],"
                                + " length 0",
                        "Flags [P.], seq 200:300, ack 1, win 512, length 100"),
                lines().stream().map(ReadableTraceTest::afterPorts).toList());
    }

    private static TcpConnection connection(int local, int localPort, int remote, int remotePort) {
        return (TcpConnection) Proxy.newProxyInstance(
                TcpConnection.class.getClassLoader(),
                new Class<?>[] {TcpConnection.class},
                (p, m, a) -> switch (m.getName()) {
                    case "localAddr" -> local;
                    case "localPort" -> localPort;
                    case "remoteAddr" -> remote;
                    case "remotePort" -> remotePort;
                    case "toString" -> "connection";
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    @Test
    void shouldForgetAConnectionWhenItClosesOrIsReset() {
        TextTracer t = new TextTracer(print, 0, true);
        session(t);
        assertEquals(2, t.remembered());
        t.onStateChange(now, connection(Packets.JTCP, 80, Packets.KERNEL, 40312), TcpState.LAST_ACK, TcpState.CLOSED);
        assertEquals(0, t.remembered());
        send(t, false, JTCP_ISN + 1, KERNEL_ISN + 1, PSH | ACK, 1024, 10, new byte[0]);
        assertTrue(lines().get(lines().size() - 1).contains("seq 4294967281:"), lines().toString());

        session(t);
        send(t, true, KERNEL_ISN + 1, 0, TcpHeader.RST, 0, 0, new byte[0]);
        assertTrue(lines().get(lines().size() - 1).contains("Flags [R], seq 1,"), lines().toString());
        assertEquals(0, t.remembered());
    }

    @Test
    void shouldRememberBoundedlyManyConnections() {
        TextTracer t = new TextTracer(new PrintStream(new ByteArrayOutputStream()), 0, true);
        for (int port = 1; port <= 3000; port++) {
            UnsafeBuffer b = Packets.tcp(true, KERNEL_ISN, 0, SYN, 64240, 0, KERNEL_SYN);
            b.putShort(20, (short) port, java.nio.ByteOrder.BIG_ENDIAN);
            t.onPacket(now, true, b, 0, b.capacity());
        }
        assertEquals(ConnectionView.MAX_DIRECTIONS, t.remembered());
    }

    @Test
    void shouldPrintOnlyStatesInStatesMode() {
        TextTracer t = new TextTracer(print, 0, TraceStyle.STATES);
        session(t);
        t.onStateChange(
                now, connection(Packets.JTCP, 80, Packets.KERNEL, 40312), TcpState.LISTEN, TcpState.SYN_RECEIVED);
        assertEquals(1, lines().size(), lines().toString());
        assertTrue(
                lines().get(0).endsWith("state 10.7.0.2:80 <> 10.7.0.1:40312 LISTEN -> SYN_RECEIVED"), lines().get(0));
    }

    private static final class Recorder implements StackTracer {
        final List<String> seen = new ArrayList<>();

        @Override
        public void onPacket(long nowNs, boolean inbound, DirectBuffer buffer, int offset, int length) {
            seen.add(inbound ? "in" : "out");
        }
    }

    /**
     * Lost segments both ways are marked, through the stamping and fan-out decorators; a tracer
     * that knows nothing of losses (the pcap) still records an outbound one as sent, and no inbound.
     */
    @Test
    void shouldMarkSegmentsLostByTheFaultInjector() {
        TextTracer text = new TextTracer(print, 0, true);
        Recorder plain = new Recorder();
        StackTracer t = StampedTracer.of(Tracers.of(text, plain));
        send(t, true, KERNEL_ISN, 0, SYN, 64240, 0, KERNEL_SYN);
        send(t, false, JTCP_ISN, KERNEL_ISN + 1, SYN | ACK, 65535, 0, JTCP_SYN);
        send(t, true, KERNEL_ISN + 1, JTCP_ISN + 1, ACK, 502, 0, new byte[0]);
        UnsafeBuffer lostOut = Packets.tcp(false, JTCP_ISN + 1, KERNEL_ISN + 1, PSH | ACK, 1024, 100, new byte[0]);
        LostPacketTracer.lost(t, now += 1000, false, lostOut, 0, lostOut.capacity());
        UnsafeBuffer lostIn = Packets.tcp(true, KERNEL_ISN + 1, JTCP_ISN + 1, PSH | ACK, 502, 50, new byte[0]);
        LostPacketTracer.lost(t, now += 1000, true, lostIn, 0, lostIn.capacity());
        send(t, false, JTCP_ISN + 1, KERNEL_ISN + 1, PSH | ACK, 1024, 100, new byte[0]);
        List<String> lines = lines();
        assertEquals(6, lines.size(), String.join("\n", lines));
        assertTrue(
                lines.get(3).contains(" out ")
                        && lines.get(3).endsWith("seq 1:101, ack 1, win 65536, length 100 [lost by --fault]"),
                lines.get(3));
        assertTrue(
                lines.get(4).contains(" in  ")
                        && lines.get(4).endsWith("seq 1:51, ack 1, win 64256, length 50 [lost by --fault]"),
                lines.get(4));
        assertTrue(lines.get(5).endsWith("seq 1:101, ack 1, win 65536, length 100 [retransmission]"), lines.get(5));
        assertEquals(List.of("in", "out", "in", "out", "out"), plain.seen);
    }
}
