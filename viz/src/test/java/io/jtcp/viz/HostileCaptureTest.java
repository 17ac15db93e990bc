package io.jtcp.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.viz.capture.CaptureException;
import io.jtcp.viz.ladder.Ladder;
import io.jtcp.viz.ladder.LadderBuilder;
import io.jtcp.viz.ladder.MermaidRenderer;
import io.jtcp.viz.ladder.SvgRenderer;
import io.jtcp.viz.ladder.TextRenderer;
import io.jtcp.viz.tcp.CaptureConnections;
import io.jtcp.viz.tcp.Connection;
import io.jtcp.viz.tcp.ConnectionAnalysis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whatever the file holds, reading and drawing either works or fails with a CaptureException. */
class HostileCaptureTest {
    @TempDir
    Path dir;

    private void drawAll(byte[] bytes, String name) throws Exception {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        CaptureConnections cap;
        try {
            cap = CaptureConnections.read(f);
        } catch (CaptureException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().contains("\n"), e.getMessage());
            return;
        }
        for (Connection c : cap.connections()) {
            Ladder l = new LadderBuilder(false, 50)
                    .build(ConnectionAnalysis.of(c), cap.connections().size());
            TextRenderer.render(l);
            MermaidRenderer.render(l);
            SvgRenderer.render(l);
            new LadderBuilder(true, 50).build(ConnectionAnalysis.of(c), 1);
        }
    }

    @Test
    void shouldRejectNonCapturesInOneLine() throws Exception {
        Files.writeString(dir.resolve("text.pcap"), "GET / HTTP/1.1\r\n\r\n");
        CaptureException e =
                assertThrows(CaptureException.class, () -> CaptureConnections.read(dir.resolve("text.pcap")));
        assertTrue(e.getMessage().startsWith("not a capture file libpcap can read: "), e.getMessage());
        Files.write(dir.resolve("empty.pcap"), new byte[0]);
        assertThrows(CaptureException.class, () -> CaptureConnections.read(dir.resolve("empty.pcap")));
        e = assertThrows(CaptureException.class, () -> CaptureConnections.read(dir.resolve("missing.pcap")));
        assertTrue(e.getMessage().startsWith("no such capture file: "), e.getMessage());
    }

    @Test
    void shouldSayWhenThereIsNoTcp() throws Exception {
        byte[] icmp = new byte[28];
        icmp[0] = 0x45;
        icmp[3] = 28;
        icmp[9] = 1;
        Path f = new ScriptedCapture().raw(icmp).raw(new byte[] {0x60, 0, 0}).write(dir.resolve("icmp.pcap"));
        CaptureException e = assertThrows(CaptureException.class, () -> CaptureConnections.read(f));
        assertEquals("no TCP segment in " + f + " (2 frames)", e.getMessage());
    }

    @Test
    void shouldKeepFramesBeforeTruncation() throws Exception {
        byte[] whole = Ladders.lossy().bytes();
        Path f = dir.resolve("cut.pcap");
        Files.write(f, Arrays.copyOf(whole, whole.length - 30));
        CaptureConnections cap = CaptureConnections.read(f);
        assertEquals(19, cap.connections().get(0).segments().size());
        assertTrue(
                cap.truncation() != null && cap.truncation().startsWith("capture ends early after frame 19"),
                cap.truncation());
    }

    /** Every prefix and a few hundred mutations of a real capture: no exception but CaptureException. */
    @Test
    void shouldSurviveTruncationsAndMutations() throws Exception {
        byte[] good = Files.readAllBytes(Ladders.curlPcap());
        for (int cut = 0; cut < good.length; cut += 7) {
            drawAll(Arrays.copyOf(good, cut), "cut" + cut);
        }
        Random rnd = new Random(11);
        for (int i = 0; i < 300; i++) {
            byte[] b = good.clone();
            int flips = 1 + rnd.nextInt(20);
            for (int k = 0; k < flips; k++) {
                // Mostly inside the headers, where structure lives; the file header only sometimes.
                int at = rnd.nextInt(10) == 0 ? rnd.nextInt(24) : 24 + rnd.nextInt(b.length - 24);
                b[at] = (byte) rnd.nextInt(256);
            }
            drawAll(b, "mut" + i);
        }
    }
}
