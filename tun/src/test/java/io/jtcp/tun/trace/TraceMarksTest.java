package io.jtcp.tun.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.wire.TcpHeader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** Issue #11: the text trace marks retransmissions, dup ACKs, zero windows and window probes. */
class TraceMarksTest {
    private static final int ACK = TcpHeader.ACK;
    private static final int PSH = TcpHeader.PSH;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TextTracer tracer = new TextTracer(new PrintStream(bytes, true, StandardCharsets.UTF_8), 0, true);
    private long now = 1_000_000;

    /** jtcp (10.7.0.2:80, ISN 99) sends, the kernel (10.7.0.1:40312, ISN 2711) acknowledges. */
    private void seg(boolean inbound, int seq, int ack, int flags, int win, int len) {
        UnsafeBuffer b = Packets.tcp(inbound, seq, ack, flags, win, len);
        now += 1000;
        tracer.onPacket(now, inbound, b, 0, b.capacity());
    }

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** What follows tcpdump's "length N": the marks, or "". */
    private static String mark(String line) {
        return line.replaceFirst("^.*, length \\d+ ?", "");
    }

    @Test
    void shouldMarkRetransmissionDupAckZeroWindowAndProbe() {
        seg(true, 2711, 0, TcpHeader.SYN, 64240, 0);
        seg(false, 99, 2712, TcpHeader.SYN | ACK, 65535, 0);
        seg(true, 2712, 100, ACK, 502, 0);
        seg(false, 100, 2712, PSH | ACK, 512, 100); // 3: 100:200
        seg(false, 200, 2712, PSH | ACK, 512, 100); // 4: 200:300
        seg(true, 2712, 100, ACK, 502, 0); // 5: the ACK of 100 again, data outstanding
        seg(true, 2712, 100, ACK, 502, 0); // 6
        seg(false, 100, 2712, PSH | ACK, 512, 100); // 7: 100:200 again
        seg(true, 2712, 300, ACK, 0, 0); // 8: all acknowledged, window closed
        seg(false, 300, 2712, ACK, 512, 1); // 9: one byte into the closed window
        seg(true, 2712, 300, ACK, 0, 0); // 10: still closed; the probe's byte is outstanding (RFC 5681 §2)
        seg(true, 2712, 300, ACK, 502, 0); // 11: open again
        seg(false, 300, 2712, PSH | ACK, 512, 100); // 12: new data from 300: a retransmission of the probe's byte
        List<String> lines = lines();
        assertEquals(13, lines.size(), String.join("\n", lines));
        List<String> marks = lines.stream().map(TraceMarksTest::mark).toList();
        assertEquals(
                List.of(
                        "",
                        "",
                        "",
                        "",
                        "",
                        "[dup ACK #1]",
                        "[dup ACK #2]",
                        "[retransmission]",
                        "[zero window]",
                        "[zero window probe]",
                        "[zero window] [dup ACK #1]",
                        "",
                        "[retransmission]"),
                marks,
                String.join("\n", lines));
        // Relative to the ISNs (99 and 2711) by default since the readable trace.
        assertTrue(lines.get(7).endsWith("seq 1:101, ack 1, win 512, length 100 [retransmission]"), lines.get(7));
    }

    /** Sequence space wraps at 2^32: data across the wrap is new, not a retransmission. */
    @Test
    void shouldNotMarkNewDataAcrossSequenceWrap() {
        seg(false, -150, 2712, PSH | ACK, 512, 100); // 0xffffff6a:0xffffffce
        seg(false, -50, 2712, PSH | ACK, 512, 100); // across the wrap
        seg(false, 50, 2712, PSH | ACK, 512, 100);
        assertEquals(
                List.of("", "", ""), lines().stream().map(TraceMarksTest::mark).toList());
    }
}
