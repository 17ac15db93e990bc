package io.jtcp.lab.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.lab.Cell;
import io.jtcp.lab.CellResult;
import io.jtcp.lab.QueueSize;
import io.jtcp.stack.cc.CongestionControls;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fairness (issue #10 §5): 2 and 4 NewReno flows started together through one bottleneck reach
 * Jain's index ≥ 0.9 over the last 30 s of 60, and together keep it busy. 20 Mbit/s and 100 ms
 * keep it cheap in CI; {@code jtcp lab --rate 100mbit --flows 2,4} gives the full-rate figures.
 */
class FairnessValidationTest {
    @ParameterizedTest(name = "{0} flows")
    @ValueSource(ints = {2, 4})
    void newRenoFlowsShouldShareFairly(int flows) {
        Cell cell = new Cell("newreno", 20_000_000L, 100_000_000L, 0, QueueSize.ofBdp(1), flows, 60, 1);
        CellResult r = new SimExperiment(cell, CongestionControls.byName("newreno"), 100_000_000L, false).run();
        assertEquals(flows, r.flows().size());
        assertTrue(r.jain() >= 0.9, "Jain " + r.jain() + ": " + r.flows());
        assertTrue(
                r.total().goodputLastHalfMbit() >= 0.9 * 20 * 1448 / 1500,
                r.total().toString());
    }
}
