package io.jtcp.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.viz.ladder.SvgRenderer;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a person sees: each SVG is well-formed XML holding the labels a student looks for, and
 * headless Chromium ({@link Chromium}) draws it into a PNG that is not blank. Skipped without
 * chromium, unless JTCP_REQUIRE_TUN=1 (CI) makes that a failure. The SVGs and PNGs stay in
 * {@code viz/target/ladder-pictures/}.
 */
class SvgChromiumTest {
    @TempDir
    static Path dir;

    /** Renders {@code svg} at 1200x2000 and returns the screenshot. */
    private static BufferedImage screenshot(Path svg) throws Exception {
        return Chromium.screenshot(svg, dir);
    }

    private static Path svg(String name, String content) throws Exception {
        // Well-formed XML, or no browser would draw it.
        DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
        // Kept under target/ladder-pictures (with the PNGs) for a person to look at after the build.
        Path out = Path.of("target", "ladder-pictures");
        Files.createDirectories(out);
        Path f = out.resolve(name);
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    /** Pixels that are not white, and of those the blue of SYN/FIN arrows. */
    private static int[] ink(BufferedImage img) {
        int ink = 0;
        int blue = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (r < 240 || g < 240 || b < 240) {
                    ink++;
                }
                if (b > 120 && r < 80 && g < 120) {
                    blue++;
                }
            }
        }
        return new int[] {ink, blue};
    }

    @Test
    void shouldDrawCurlLadderWithHandshakeStatesAndIsns() throws Exception {
        String content = SvgRenderer.render(Ladders.ladder(Ladders.curlPcap(), false));
        for (String label : List.of(
                ">SYN seq=0 (ISN 3612958179)",
                "SYN-ACK seq=0 (ISN 1961586644) ack=1",
                "ESTABLISHED",
                "FIN_WAIT_1",
                "TIME_WAIT",
                "CLOSE_WAIT",
                "LAST_ACK",
                "GET /bytes/2000 HTTP/1.1",
                "HTTP/1.1 200 OK")) {
            assertTrue(content.contains(label), label);
        }
        assertTrue(!content.contains("<script"), "no script");
        int[] ink = ink(screenshot(svg("curl.svg", content)));
        assertTrue(ink[0] > 20_000, "ink: " + ink[0] + " pixels");
        assertTrue(ink[1] > 500, "blue SYN/FIN arrows: " + ink[1] + " pixels");
    }

    @Test
    void shouldDrawLossyLadderWithMarksAndPauses() throws Exception {
        String content = SvgRenderer.render(Ladders.ladder(Ladders.lossy().write(dir.resolve("lossy.pcap")), true));
        for (String label : List.of(
                "SYN seq=1000 (ISN)",
                "ack=1001",
                "[retransmission]",
                "[dup ACK #1]",
                "[out of order]",
                "[zero window]",
                "[zero window probe]",
                "1.501 s later",
                "CLOSING")) {
            assertTrue(content.contains(label), label);
        }
        int[] ink = ink(screenshot(svg("lossy.svg", content)));
        assertTrue(ink[0] > 20_000, "ink: " + ink[0] + " pixels");
    }

    /** Pixels of one colour (within 40 per channel): the red of retransmissions, the orange of highlights. */
    private static int pixels(BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y);
                if (Math.abs(((p >> 16) & 0xff) - ((rgb >> 16) & 0xff)) < 40
                        && Math.abs(((p >> 8) & 0xff) - ((rgb >> 8) & 0xff)) < 40
                        && Math.abs((p & 0xff) - (rgb & 0xff)) < 40) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void shouldDrawTimeSequenceGraphWithEveryElement() throws Exception {
        String content = io.jtcp.viz.tsg.TsgSvgRenderer.render(
                TimeSequences.graph(TimeSequences.lossy().write(dir.resolve("tsg.pcap")), false, 1060, true));
        for (String label : List.of(
                "Time-sequence graph: 10.7.0.1:40000 -&gt; 10.7.0.2:80",
                "time (ms)",
                "sequence number (bytes, relative)",
                "class=\"bar-data\"",
                "class=\"bar-retransmission\"",
                "class=\"bar-probe\"",
                "class=\"ack\"",
                "class=\"window\"",
                "class=\"sack\"",
                "class=\"dup-ack\"",
                "class=\"zero-window\"",
                "class=\"in-flight\"",
                ">SYN<",
                ">FIN<")) {
            assertTrue(content.contains(label), label);
        }
        assertTrue(!content.contains("<script"), "no script");
        BufferedImage img = screenshot(svg("tsg.svg", content));
        assertTrue(ink(img)[0] > 20_000, "ink: " + ink(img)[0] + " pixels");
        assertTrue(pixels(img, 0xd62728) > 10, "red retransmission: " + pixels(img, 0xd62728));
        assertTrue(pixels(img, 0x2e7d32) > 200, "green ACK line: " + pixels(img, 0x2e7d32));
    }

    @Test
    void shouldDrawStateDiagramsBlankAndHighlighted() throws Exception {
        String blank = io.jtcp.viz.states.StateDiagramSvg.blank();
        BufferedImage b = screenshot(svg("states-blank.svg", blank));
        assertTrue(ink(b)[0] > 20_000, "ink: " + ink(b)[0] + " pixels");
        assertEquals(0, pixels(b, 0xd9480f), "nothing highlighted");
        io.jtcp.viz.tcp.ConnectionAnalysis an =
                io.jtcp.viz.tcp.ConnectionAnalysis.of(io.jtcp.viz.tcp.CaptureConnections.read(
                                StateDiagramTest.simultaneousClose().write(dir.resolve("sim.pcap")))
                        .connections()
                        .get(0));
        String lit = io.jtcp.viz.states.StateDiagramSvg.render(
                io.jtcp.viz.states.StatePath.of(an, true), "simultaneous close, side a", List.of());
        assertTrue(lit.contains("CLOSING"));
        BufferedImage h = screenshot(svg("states-simultaneous-close.svg", lit));
        assertTrue(pixels(h, 0xd9480f) > 2_000, "highlighted arrows: " + pixels(h, 0xd9480f));
    }

    /** serve's live pictures (a record capped in the middle): the ladder, Figure 5 and the graph. */
    @Test
    void shouldDrawLivePicturesOfRecordedConnection() throws Exception {
        io.jtcp.viz.live.Recording r = io.jtcp.viz.live.LiveRecordings.exchange(3000, 256);
        String ladder = io.jtcp.viz.live.LivePictures.ladder(r);
        for (String label : List.of(
                ">SYN seq=0 (ISN 1000)",
                "GET /bytes/5000 HTTP/1.1",
                "SYN_RECEIVED",
                "LAST_ACK",
                "states from its own state trace",
                "record capped at 256 segments")) {
            assertTrue(ladder.contains(label), label);
        }
        int[] ink = ink(screenshot(svg("live-ladder.svg", ladder)));
        assertTrue(ink[0] > 20_000, "ink: " + ink[0] + " pixels");
        assertTrue(ink[1] > 500, "blue SYN/FIN arrows: " + ink[1] + " pixels");
        String states = io.jtcp.viz.live.LivePictures.states(r);
        assertTrue(states.contains("the states jtcp went through"), states);
        BufferedImage h = screenshot(svg("live-states.svg", states));
        assertTrue(pixels(h, 0xd9480f) > 2_000, "highlighted arrows: " + pixels(h, 0xd9480f));
        String tsg = io.jtcp.viz.live.LivePictures.tsg(r);
        assertTrue(tsg.contains("class=\"in-flight\""), "bytes in flight");
        BufferedImage g = screenshot(svg("live-tsg.svg", tsg));
        assertTrue(ink(g)[0] > 20_000, "ink: " + ink(g)[0] + " pixels");
        assertTrue(pixels(g, 0x2e7d32) > 200, "green ACK line: " + pixels(g, 0x2e7d32));
    }
}
