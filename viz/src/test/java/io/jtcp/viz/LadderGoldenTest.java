package io.jtcp.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jtcp.viz.ladder.Ladder;
import io.jtcp.viz.ladder.MermaidRenderer;
import io.jtcp.viz.ladder.TextRenderer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text and Mermaid output against committed golden files. To accept a deliberate change, run with
 * {@code -Djtcp.golden.update=true} (it rewrites src/test/resources/ladder/*) and review the diff.
 */
class LadderGoldenTest {
    private static final Path GOLDEN = Path.of("src/test/resources/ladder");

    @TempDir
    Path dir;

    private static void check(String name, String actual) throws Exception {
        Path file = GOLDEN.resolve(name);
        if (Boolean.getBoolean("jtcp.golden.update")) {
            Files.writeString(file, actual, StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(file, StandardCharsets.UTF_8), actual, "golden file " + file);
    }

    @Test
    void shouldDrawCurlSessionAsGoldenText() throws Exception {
        check("curl.txt", TextRenderer.render(Ladders.ladder(Ladders.curlPcap(), false)));
    }

    @Test
    void shouldDrawCurlSessionWithAbsoluteNumbersAsGoldenText() throws Exception {
        check("curl-absolute.txt", TextRenderer.render(Ladders.ladder(Ladders.curlPcap(), true)));
    }

    @Test
    void shouldDrawCurlSessionAsGoldenMermaid() throws Exception {
        check("curl.mmd", MermaidRenderer.render(Ladders.ladder(Ladders.curlPcap(), false)));
    }

    @Test
    void shouldDrawLossyExchangeAsGoldenTextAndMermaid() throws Exception {
        Ladder l = Ladders.ladder(Ladders.lossy().write(dir.resolve("lossy.pcap")), false);
        check("lossy.txt", TextRenderer.render(l));
        check("lossy.mmd", MermaidRenderer.render(l));
    }
}
