package io.jtcp.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class UnitsTest {
    @Test
    void shouldParseRatesInDecimalBitsPerSecond() {
        assertEquals(100_000_000L, Units.parseRateBitsPerSec("--rate", "100mbit"));
        assertEquals(1_500_000_000L, Units.parseRateBitsPerSec("--rate", "1.5gbit"));
        assertEquals(500_000L, Units.parseRateBitsPerSec("--rate", "500kbit"));
        assertEquals(9600L * 1000, Units.parseRateBitsPerSec("--rate", "9600000bit"));
        assertEquals(200_000_000L, Units.parseRateBitsPerSec("--rate", "200MBIT"));
    }

    @Test
    void shouldRefuseRatesWithoutAKnownUnitOrOutOfRange() {
        for (String bad :
                new String[] {"100", "100mb", "100 mbit", "-1mbit", "mbit", "1e3mbit", "0mbit", "2000gbit", ""}) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> Units.parseRateBitsPerSec("--rate", bad), bad);
            assertTrue(e.getMessage().startsWith("--rate: '" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void shouldParseDurations() {
        assertEquals(100_000_000L, Units.parseDurationNs("--rtt", "100ms"));
        assertEquals(2_500_000_000L, Units.parseDurationNs("--rtt", "2.5s"));
        assertEquals(250_000L, Units.parseDurationNs("--rtt", "250us"));
        assertEquals(7L, Units.parseDurationNs("--rtt", "7ns"));
        for (String bad : new String[] {"100", "100m", "1h", "ms", "-5ms"}) {
            assertThrows(IllegalArgumentException.class, () -> Units.parseDurationNs("--rtt", bad), bad);
        }
    }

    @Test
    void shouldParseLossAsAPercentageOrZeroOnly() {
        assertEquals(0, Units.parseLoss("--loss", "0"));
        assertEquals(0, Units.parseLoss("--loss", "0%"));
        assertEquals(0.0001, Units.parseLoss("--loss", "0.01%"), 1e-15);
        assertEquals(0.01, Units.parseLoss("--loss", "1%"), 1e-15);
        // A bare fraction is ambiguous (1 % or 0.01 %?), 100 % is no link.
        for (String bad : new String[] {"0.01", "1", "100%", "150%", "x%", "-1%", "1%%"}) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> Units.parseLoss("--loss", bad), bad);
            assertTrue(e.getMessage().contains("--loss"), e.getMessage());
        }
    }

    @Test
    void shouldParseQueuesAsBdpMultiplesOrBytes() {
        assertEquals(1_250_000, QueueSize.parse("--queue", "1bdp").bytes(100_000_000L, 100_000_000L));
        assertEquals(625_000, QueueSize.parse("--queue", "0.5bdp").bytes(100_000_000L, 100_000_000L));
        assertEquals(65_536, QueueSize.parse("--queue", "64k").bytes(100_000_000L, 100_000_000L));
        assertEquals(2 << 20, QueueSize.parse("--queue", "2m").bytes(1, 1));
        assertEquals(150_000, QueueSize.parse("--queue", "150000b").bytes(1, 1));
        assertEquals(0.5, QueueSize.parse("--queue", "625000b").bdp(100_000_000L, 100_000_000L), 1e-12);
        for (String bad : new String[] {"1", "0bdp", "1000b", "1 bdp", "bdp", "64kbit"}) {
            assertThrows(IllegalArgumentException.class, () -> QueueSize.parse("--queue", bad), bad);
        }
    }

    @Test
    void shouldSplitListsAndRefuseEmptyItems() {
        assertEquals(
                List.of(0.0, 0.0001, 0.001, 0.01),
                Units.parseList("--loss", "0,0.01%,0.1%,1%", s -> Units.parseLoss("--loss", s)));
        assertThrows(IllegalArgumentException.class, () -> Units.parseList("--loss", "0,,1%", s -> 0.0));
        assertThrows(IllegalArgumentException.class, () -> Units.parseList("--loss", "0,", s -> 0.0));
        assertThrows(IllegalArgumentException.class, () -> Units.parseList("--loss", "", s -> 0.0));
    }

    @Test
    void shouldNameCellsSafelyForFiles() {
        Cell c = new Cell("newreno", 100_000_000L, 100_000_000L, 0.0001, QueueSize.ofBdp(1), 2, 60, 7);
        assertEquals("newreno_100mbit_100ms_loss0.01pct_q1bdp_f2_60s_seed7", c.name());
        assertEquals("100mbit", Units.formatRate(100_000_000L));
        assertEquals("1500kbit", Units.formatRate(1_500_000L));
    }
}
