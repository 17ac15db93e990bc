package io.jtcp.viz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.viz.states.StateDiagramSvg;
import io.jtcp.viz.states.StatePath;
import io.jtcp.viz.tcp.CaptureConnections;
import io.jtcp.viz.tcp.Connection;
import io.jtcp.viz.tcp.ConnectionAnalysis;
import io.jtcp.viz.tsg.TsgBuilder;
import io.jtcp.viz.tsg.TsgSvgRenderer;
import io.jtcp.viz.tsg.XplRenderer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random conversations (any flags, sequence and ACK numbers anywhere in 2^32, zero and huge
 * windows, SACK blocks pointing anywhere, several segments at one instant) draw a time-sequence
 * graph, an .xpl and a state diagram without throwing, and the SVGs are well-formed with finite
 * coordinates.
 */
class HostilePicturesTest {
    @TempDir
    Path dir;

    @Test
    void shouldDrawWhateverTheSegmentsSay() throws Exception {
        Random rnd = new Random(2026);
        DocumentBuilder xml = DocumentBuilderFactory.newInstance().newDocumentBuilder();
        int[] flagSet = {
            ScriptedCapture.SYN,
            ScriptedCapture.SYN | ScriptedCapture.ACK,
            ScriptedCapture.ACK,
            ScriptedCapture.PSH | ScriptedCapture.ACK,
            ScriptedCapture.FIN | ScriptedCapture.ACK,
            ScriptedCapture.RST,
            ScriptedCapture.RST | ScriptedCapture.ACK,
            0
        };
        for (int round = 0; round < 30; round++) {
            ScriptedCapture c = new ScriptedCapture();
            int n = 1 + rnd.nextInt(40);
            for (int i = 0; i < n; i++) {
                if (rnd.nextInt(4) == 0) {
                    c.pause(rnd.nextInt(3) == 0 ? 0 : rnd.nextDouble() * 3);
                }
                long seq = rnd.nextBoolean() ? rnd.nextInt(5000) : rnd.nextInt() & 0xffffffffL;
                long ack = rnd.nextBoolean() ? rnd.nextInt(5000) : rnd.nextInt() & 0xffffffffL;
                int win = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(65536);
                if (rnd.nextInt(6) == 0) {
                    c.sackFromB(ack, win, new long[] {rnd.nextInt(), rnd.nextInt()});
                } else {
                    int flags = flagSet[rnd.nextInt(flagSet.length)];
                    c.seg(
                            rnd.nextBoolean(),
                            flags,
                            seq,
                            ack,
                            rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(1400),
                            win,
                            (flags & ScriptedCapture.SYN) != 0);
                }
            }
            CaptureConnections cap = CaptureConnections.read(c.write(dir.resolve("r" + round + ".pcap")));
            for (Connection conn : cap.connections()) {
                ConnectionAnalysis an = ConnectionAnalysis.of(conn);
                for (boolean fromA : new boolean[] {true, false}) {
                    int columns = 10 + rnd.nextInt(2000);
                    TsgBuilder b = new TsgBuilder(rnd.nextBoolean(), columns, true);
                    if (rnd.nextInt(3) == 0) {
                        b.window(rnd.nextDouble(), 1 + rnd.nextDouble() * 5);
                    }
                    var g = b.build(an, fromA);
                    check(xml, TsgSvgRenderer.render(g));
                    String x = XplRenderer.render(g);
                    assertTrue(x.endsWith("go\n"));
                    assertFalse(x.contains("NaN") || x.contains("Infinity"), x);
                    check(xml, StateDiagramSvg.render(StatePath.of(an, fromA), "t", List.of(conn.summary())));
                }
            }
        }
    }

    private static void check(DocumentBuilder xml, String svg) throws Exception {
        xml.parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertFalse(svg.contains("NaN") || svg.contains("Infinity"), "non-finite coordinates");
    }
}
