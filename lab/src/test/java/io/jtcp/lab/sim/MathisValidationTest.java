package io.jtcp.lab.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.lab.Cell;
import io.jtcp.lab.CellResult;
import io.jtcp.lab.QueueSize;
import io.jtcp.lab.Stats;
import io.jtcp.stack.cc.CongestionControls;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mathis, Semke, Mahdavi, Ott (1997), "The macroscopic behavior of the TCP congestion avoidance
 * algorithm": under random loss p, a Reno flow's goodput is MSS/RTT · C/√p with C between 0.87
 * (delayed ACKs) and 1.22 (an ACK per segment). jtcp's NewReno, at 100 Mbit/s and 100 ms with a
 * 1-BDP queue, must land within a factor of 1.5 of that band for p from 0.01 % to 1 %.
 *
 * <p>Goodput is the second half of 60 s (past slow start's overshoot), averaged over three seeds.
 * MSS is the payload a segment carries here: 1448 bytes (1460 less the timestamp option).
 */
class MathisValidationTest {
    private static final long MS = 1_000_000L;
    private static final int SEGMENT_PAYLOAD = 1448;

    @ParameterizedTest(name = "p = {0}")
    @ValueSource(doubles = {0.0001, 0.0003, 0.001, 0.003, 0.01})
    void newRenoShouldFollowMathis(double p) {
        double sum = 0;
        int seeds = 3;
        StringBuilder each = new StringBuilder();
        for (int seed = 1; seed <= seeds; seed++) {
            Cell cell = new Cell("newreno", 100_000_000L, 100 * MS, p, QueueSize.ofBdp(1), 1, 60, seed);
            CellResult r = new SimExperiment(cell, CongestionControls.byName("newreno"), 100 * MS, false).run();
            sum += r.total().goodputLastHalfMbit();
            each.append(String.format(Locale.ROOT, " %.2f", r.total().goodputLastHalfMbit()));
        }
        double measured = sum / seeds;
        double low = Stats.mathisBitsPerSec(SEGMENT_PAYLOAD, 0.1, 0.87, p) / 1e6;
        double high = Stats.mathisBitsPerSec(SEGMENT_PAYLOAD, 0.1, 1.22, p) / 1e6;
        String report = String.format(
                Locale.ROOT,
                "p=%s%%: measured %.2f Mbit/s (seeds:%s), Mathis C=0.87..1.22: %.2f..%.2f, C=%.2f",
                p * 100,
                measured,
                each,
                low,
                high,
                measured / (SEGMENT_PAYLOAD * 8 / 0.1 / Math.sqrt(p) / 1e6));
        System.out.println("Mathis " + report);
        assertTrue(measured >= low / 1.5 && measured <= high * 1.5, report);
    }
}
