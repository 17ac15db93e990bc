package io.jtcp.tun.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.wire.TcpHeader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** Issue #11: a bulk transfer folds into summary lines, and every event around it stays visible. */
class BulkFoldTest {
    private static final int SYN = TcpHeader.SYN;
    private static final int ACK = TcpHeader.ACK;
    private static final int JTCP_ISN = 99;
    private static final int KERNEL_ISN = 2711;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream print = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private long now = 1_000_000;

    private void send(TextTracer t, boolean fromKernel, int seq, int ack, int flags, int len, long stepNs) {
        UnsafeBuffer b = Packets.tcp(fromKernel, seq, ack, flags, 512, len);
        now += stepNs;
        t.onPacket(now, fromKernel, b, 0, b.capacity());
    }

    private void handshake(TextTracer t) {
        send(t, true, KERNEL_ISN, 0, SYN, 0, 1000);
        send(t, false, JTCP_ISN, KERNEL_ISN + 1, SYN | ACK, 0, 1000);
        send(t, true, KERNEL_ISN + 1, JTCP_ISN + 1, ACK, 0, 1000);
    }

    /** jtcp's data segment number {@code i} (from 0), 1000 bytes each. */
    private void data(TextTracer t, int i, long stepNs) {
        send(t, false, JTCP_ISN + 1 + 1000 * i, KERNEL_ISN + 1, ACK, 1000, stepNs);
    }

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void shouldFoldInOrderDataAndItsAcksUntilSomethingHappens() {
        TextTracer t = new TextTracer(print, 0, new TraceStyle(true, true, false, 3));
        handshake(t);
        for (int i = 0; i < 6; i++) {
            data(t, i, 1000);
        }
        send(t, true, KERNEL_ISN + 1, JTCP_ISN + 5001, ACK, 0, 1000); // a plain ACK of folded data
        data(t, 5, 1000); // a retransmission: the fold's summary first, then the segment
        data(t, 6, 1000); // the count starts again: printed
        t.flush(now);
        List<String> lines = lines();
        String all = String.join("\n", lines);
        assertEquals(9, lines.size(), all);
        assertTrue(lines.get(5).endsWith("seq 2001:3001, ack 1, win 512, length 1000"), all);
        assertTrue(
                lines.get(6)
                        .endsWith(" fold 10.7.0.2.80 > 10.7.0.1.40312: … 3 segments, 3000 bytes (seq 3001:6001),"
                                + " 1 ACK folded …"),
                all);
        assertTrue(lines.get(7).endsWith("seq 5001:6001, ack 1, win 512, length 1000 [retransmission]"), all);
        assertTrue(lines.get(8).endsWith("seq 6001:7001, ack 1, win 512, length 1000"), all);
    }

    @Test
    void shouldPrintASummaryEverySecondWhileTheTransferRuns() {
        TextTracer t = new TextTracer(print, 0, new TraceStyle(true, true, false, 1));
        handshake(t);
        for (int i = 0; i < 20; i++) {
            data(t, i, 300_000_000L); // 0.3 s apart: 6 s in all
        }
        long summariesWhileRunning =
                lines().stream().filter(l -> l.contains(" fold ")).count();
        t.flush(now);
        List<String> lines = lines();
        // The fold starts at 0.6 s; a summary once a second of it: at 1.8, 3.0, 4.2 and 5.4 s.
        assertEquals(4, summariesWhileRunning, String.join("\n", lines));
        long printed = lines.stream().filter(l -> l.contains("length 1000")).count();
        long folded = 0;
        Matcher m = Pattern.compile("… (\\d+) segments?").matcher(String.join("\n", lines));
        while (m.find()) {
            folded += Long.parseLong(m.group(1));
        }
        assertEquals(1, printed, String.join("\n", lines));
        assertEquals(19, folded, String.join("\n", lines));
        assertTrue(lines.get(lines.size() - 1).endsWith(" (seq 18001:20001) folded …"), lines.toString());
    }

    @Test
    void shouldNotFoldDataOutOfOrder() {
        TextTracer t = new TextTracer(print, 0, new TraceStyle(true, true, false, 2));
        handshake(t);
        for (int i = 0; i < 4; i++) {
            data(t, i, 1000);
        }
        data(t, 6, 1000); // a gap: 4001..6001 missing
        t.flush(now);
        List<String> lines = lines();
        String all = String.join("\n", lines);
        assertTrue(lines.get(lines.size() - 1).endsWith("seq 6001:7001, ack 1, win 512, length 1000"), all);
        assertTrue(lines.get(lines.size() - 2).contains("… 2 segments, 2000 bytes (seq 2001:4001) folded …"), all);
    }

    @Test
    void shouldNeverFoldWithZeroAndRememberBoundedly() {
        TextTracer plain = new TextTracer(print, 0, new TraceStyle(true, true, false, 0));
        handshake(plain);
        for (int i = 0; i < 50; i++) {
            data(plain, i, 1000);
        }
        assertEquals(53, lines().size());

        TextTracer t = new TextTracer(new PrintStream(new ByteArrayOutputStream()), 0, true);
        for (int port = 1; port <= 3000; port++) {
            UnsafeBuffer b = Packets.tcp(true, KERNEL_ISN, 0, SYN, 64240, 0);
            b.putShort(20, (short) port, java.nio.ByteOrder.BIG_ENDIAN);
            t.onPacket(now, true, b, 0, b.capacity());
        }
        assertEquals(BulkFold.MAX_DIRECTIONS, t.folding());
    }
}
