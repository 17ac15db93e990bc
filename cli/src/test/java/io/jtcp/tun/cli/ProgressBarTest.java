package io.jtcp.tun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void shouldDrawBarPercentSizesAndRateWhenTheSizeIsKnown() {
        assertEquals(
                "[###############...............]  50%  50.0 MiB / 100.0 MiB  25.0 MiB/s",
                ProgressBar.render(50 * MIB, 100 * MIB, 2.0));
        assertEquals("[..............................]   0%  0 B / 10.0 KiB  0 B/s", ProgressBar.render(0, 10_240, 0));
        assertEquals(
                "[##############################] 100%  1.00 GiB / 1.00 GiB  512.0 MiB/s",
                ProgressBar.render(1024 * MIB, 1024 * MIB, 2.0));
    }

    @Test
    void shouldShowBytesAndRateOnlyWhenTheSizeIsUnknown() {
        assertEquals("12.0 MiB  6.0 MiB/s", ProgressBar.render(12 * MIB, -1, 2.0));
    }

    @Test
    void shouldRedrawInPlaceAndWipeALongerPreviousLine() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(sink, true, StandardCharsets.UTF_8), 0);
        bar.update(12 * MIB, -1, 2_000_000_000L);
        bar.finish(1, -1, 2_000_000_000L);
        String out = sink.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("\r12.0 MiB  6.0 MiB/s\r1 B  0 B/s"), out);
        assertTrue(out.endsWith(" \n") || out.endsWith(" " + System.lineSeparator()), "old characters wiped: " + out);
    }
}
