package io.jtcp.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;

/**
 * Headless Chromium (Debian's {@code chromium}) drawing an SVG into a PNG, for the tests that check
 * what a person sees: this module's {@code SvgChromiumTest} and the pictures other modules write
 * ({@code jtcp replay}'s two-column ladder). Without chromium a test is skipped, unless
 * JTCP_REQUIRE_TUN=1 (CI) makes that a failure.
 */
public final class Chromium {
    private static final String BINARY = find();

    private Chromium() {}

    private static String find() {
        for (String p : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            for (String name : new String[] {"chromium", "chromium-browser", "google-chrome"}) {
                if (Files.isExecutable(Path.of(p, name))) {
                    return Path.of(p, name).toString();
                }
            }
        }
        return null;
    }

    /** Fails (CI) or skips (elsewhere) when there is no chromium. */
    public static void require() {
        if (BINARY == null && "1".equals(System.getenv("JTCP_REQUIRE_TUN"))) {
            throw new AssertionError("no chromium on PATH (apt-get install chromium)");
        }
        Assumptions.assumeTrue(BINARY != null, "no chromium");
    }

    /** Renders {@code svg} at 1200x2000 (scratch files in {@code work}) and returns the screenshot. */
    public static BufferedImage screenshot(Path svg, Path work) throws Exception {
        return screenshot(svg, work, 1200, 2000);
    }

    /** Renders {@code svg} in a window of {@code width} x {@code height} pixels. */
    public static BufferedImage screenshot(Path svg, Path work, int width, int height) throws Exception {
        require();
        Path png = svg.resolveSibling(svg.getFileName() + ".png");
        Path profile = Files.createTempDirectory(work, "chromium");
        Path log = work.resolve("chromium.log");
        Process p = new ProcessBuilder(List.of(
                        BINARY,
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--no-first-run",
                        "--user-data-dir=" + profile,
                        "--screenshot=" + png,
                        "--window-size=" + width + "," + height,
                        svg.toUri().toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 60 s");
        }
        assertEquals(0, p.exitValue(), Files.readString(log));
        return ImageIO.read(png.toFile());
    }

    /** Pixels that are not white between columns {@code x0} (inclusive) and {@code x1} (exclusive). */
    public static int ink(BufferedImage img, int x0, int x1) {
        int ink = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = Math.max(0, x0); x < Math.min(img.getWidth(), x1); x++) {
                int rgb = img.getRGB(x, y);
                if (((rgb >> 16) & 0xff) < 240 || ((rgb >> 8) & 0xff) < 240 || (rgb & 0xff) < 240) {
                    ink++;
                }
            }
        }
        return ink;
    }
}
