package io.jtcp.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void jainShouldBeOneForEqualSharesAndOneOverNForAMonopoly() {
        assertEquals(1.0, Stats.jain(5, 5, 5, 5), 1e-12);
        assertEquals(1.0, Stats.jain(42), 1e-12);
        assertEquals(0.25, Stats.jain(10, 0, 0, 0), 1e-12);
        // (1+2+3)^2 / (3 * (1+4+9)) = 36/42
        assertEquals(36.0 / 42.0, Stats.jain(1, 2, 3), 1e-12);
        assertTrue(Double.isNaN(Stats.jain()));
        assertTrue(Double.isNaN(Stats.jain(0, 0)));
        assertThrows(IllegalArgumentException.class, () -> Stats.jain(1, -1));
    }

    @Test
    void quantileShouldBeTheNearestRank() {
        long[] v = new long[100];
        for (int i = 0; i < 100; i++) {
            v[i] = 100 - i; // unsorted on purpose
        }
        assertEquals(99, Stats.quantile(v, 100, 0.99));
        assertEquals(50, Stats.quantile(v, 100, 0.5));
        assertEquals(100, Stats.quantile(v, 100, 1.0));
        assertEquals(7, Stats.quantile(new long[] {7, 99}, 1, 0.99)); // only the first n count
        assertTrue(Double.isNaN(Stats.quantile(new long[0], 0, 0.99)));
    }

    @Test
    void mathisShouldBeMssOverRttTimesCOverRootP() {
        // 1448 B every 100 ms is 115,840 bit/s; C/sqrt(1%) = 1.22 * 10.
        assertEquals(115_840 * 12.2, Stats.mathisBitsPerSec(1448, 0.1, 1.22, 0.01), 1e-6);
    }
}
