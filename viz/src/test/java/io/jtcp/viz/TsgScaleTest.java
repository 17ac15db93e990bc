package io.jtcp.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.viz.tcp.CaptureConnections;
import io.jtcp.viz.tcp.ConnectionAnalysis;
import io.jtcp.viz.tsg.TimeSequence;
import io.jtcp.viz.tsg.TsgBuilder;
import io.jtcp.viz.tsg.TsgSvgRenderer;
import io.jtcp.viz.tsg.XplRenderer;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long capture stays a bounded picture: 100k data segments (145 MB of payload, headers-only
 * records) give an SVG and an .xpl whose size depends on the columns, not on the capture. Prints
 * the time taken (not asserted: the machine is shared). {@code JTCP_TSG_SEGMENTS=741000} runs the
 * size of a 1 GiB transfer.
 */
class TsgScaleTest {
    @TempDir
    Path dir;

    @Test
    void shouldDrawHundredThousandSegmentsIntoBoundedFiles() throws Exception {
        int segments = Integer.parseInt(System.getenv().getOrDefault("JTCP_TSG_SEGMENTS", "100000"));
        Path pcap = dir.resolve("bulk.pcap");
        long payload = HeadersOnlyCapture.bulk(pcap, segments, 1000);
        long start = System.nanoTime();
        CaptureConnections cap = CaptureConnections.read(pcap);
        long read = System.nanoTime();
        ConnectionAnalysis an = ConnectionAnalysis.of(cap.connections().get(0));
        long analysed = System.nanoTime();
        TimeSequence g = new TsgBuilder(false, TsgSvgRenderer.PLOT_WIDTH, true).build(an, true);
        String svg = TsgSvgRenderer.render(g);
        long drawn = System.nanoTime();
        String xpl = XplRenderer.render(new TsgBuilder(false, 4000, false).build(an, true));
        long xplDone = System.nanoTime();
        System.out.printf(
                Locale.ROOT,
                "tsg scale: %d segments (%d frames, %.0f MB payload): read %d ms, analyse %d ms, tsg+svg %d ms"
                        + " (%d bars, %d KB), xpl %d ms (%d KB)%n",
                g.stats().dataSegments(),
                cap.tcpSegments(),
                payload / 1e6,
                (read - start) / 1_000_000,
                (analysed - read) / 1_000_000,
                (drawn - analysed) / 1_000_000,
                g.bars().size(),
                svg.length() / 1024,
                (xplDone - drawn) / 1_000_000,
                xpl.length() / 1024);
        // Kept for a person to look at after the build, beside the other pictures.
        java.nio.file.Files.createDirectories(Path.of("target", "ladder-pictures"));
        java.nio.file.Files.writeString(Path.of("target", "ladder-pictures", "tsg-bulk.svg"), svg);
        long again = System.nanoTime();
        TimeSequence warm = new TsgBuilder(false, TsgSvgRenderer.PLOT_WIDTH, true).build(an, true);
        long built = System.nanoTime();
        String warmSvg = TsgSvgRenderer.render(warm);
        System.out.printf(
                Locale.ROOT,
                "tsg scale, second run: tsg %d ms, svg %d ms%n",
                (built - again) / 1_000_000,
                (System.nanoTime() - built) / 1_000_000);
        assertEquals(svg, warmSvg, "the same input draws the same picture");
        assertTrue(
                g.stats().dataSegments() >= segments, "segments: " + g.stats().dataSegments());
        assertEquals(segments / 1000, g.stats().retransmissions());
        assertTrue(svg.length() < 1_000_000, "SVG of " + svg.length() + " bytes");
        assertTrue(xpl.length() < 3_000_000, "xpl of " + xpl.length() + " bytes");
        assertTrue(g.notes().stream().anyMatch(n -> n.startsWith("decimated: ")));
    }
}
