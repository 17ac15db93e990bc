package io.jtcp.lab.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.lab.Cell;
import io.jtcp.lab.CellResult;
import io.jtcp.lab.QueueSize;
import io.jtcp.stack.cc.CongestionControls;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Cardwell, Cheng, Gunn, Hassas Yeganeh, Jacobson (2016), "BBR: Congestion-Based Congestion
 * Control", ACM Queue 14(5), the goodput-vs-random-loss figure: at 100 Mbit/s and 100 ms RTT,
 * CUBIC falls to at most 15 % of the link at 1 % random loss, while BBR keeps at least 80 % of
 * link × (1 − p).
 *
 * <p>The paper measured BBR v1, which ignores loss and stays near link · (1 − p) up to ~15 %.
 * jtcp runs BBRv3 (draft-ietf-ccwg-bbr, with Linux's v3 where they differ; see {@code Bbr}), which
 * reacts to loss by design: outside bandwidth probing every round with any loss sets {@code bw_lo
 * = max(bw_latest, β·bw_lo)} and {@code inflight_lo} likewise (BBRAdaptLowerBoundsFromCongestion),
 * and a probe whose samples lose more than BBRLossThresh (2 %) of their flight cuts {@code
 * inflight_hi}. At 1 % random loss every round has a loss, so the lower bounds follow each round's
 * delivery rate down between probes; with the per-sample loss rate, the loss round restarted at
 * its first loss and no packet conservation in fast recovery (as Linux's v3) it still keeps the
 * paper's 80 % × (1 − p) at 1 %; the curve falls between 1 % and 2 % (v3's loss threshold).
 *
 * <p>One 60 s cell per point, the sim back-end, seed 1 (deterministic): ~5 s of CPU in all. The
 * whole curve: {@code ./jtcp lab --cc cubic,bbr --rate 100mbit --rtt 100ms --loss
 * 0.001%,0.01%,0.1%,1%,2%,5%,10%,20% --queue 1bdp --seconds 60 --out DIR}.
 */
class BbrPaperValidationTest {
    private static final long MS = 1_000_000L;
    private static final double LINK_MBIT = 100;

    private static double goodput(String cc, double loss) {
        Cell cell = new Cell(cc, 100_000_000L, 100 * MS, loss, QueueSize.ofBdp(1), 1, 60, 1);
        CellResult r = new SimExperiment(cell, CongestionControls.byName(cc), 100 * MS, false).run();
        double g = r.total().goodputMbit();
        System.out.printf(
                Locale.ROOT,
                "BBR paper: %s at %.3f%% loss: %.2f Mbit/s (%.0f%% of the link), %d retransmits%n",
                cc,
                loss * 100,
                g,
                100 * g / LINK_MBIT,
                r.total().retransmits());
        return g;
    }

    @Test
    void cubicShouldCollapseAtOnePercentLoss() {
        double cubic = goodput("cubic", 0.01);
        assertTrue(cubic <= 0.15 * LINK_MBIT, "CUBIC at 1 % loss keeps at most 15 % of the link: " + cubic);
    }

    @Test
    void bbrShouldKeepMostOfTheLinkAtOnePercentLoss() {
        double p = 0.01;
        double bbr = goodput("bbr", p);
        // Measured 82.8 Mbit/s, 6,172 retransmissions (72.7 and 4,599 before the per-sample
        // rs.lost, the loss-round restart and the end of packet conservation; before RACK detected
        // lost retransmissions: 61.7, 5,474; before the loss-recovery fixes: 52.3, 21,950).
        double floor = 0.8 * LINK_MBIT * (1 - p);
        assertTrue(bbr >= floor, "BBR at 1 % loss keeps at least 80 % of link × (1 − p): " + bbr);
        double cubic = goodput("cubic", p);
        assertTrue(bbr >= 10 * cubic, "BBR at least 10× CUBIC at 1 % loss: " + bbr + " vs " + cubic);
    }

    @Test
    void bbrShouldStayNearTheLinkAtOneInAThousand() {
        double p = 0.001;
        double bbr = goodput("bbr", p);
        // Measured 86.9 Mbit/s (76.7 before): below BBRLossThresh per round, the bounds stay near the link.
        assertTrue(bbr >= 0.8 * LINK_MBIT * (1 - p), "BBR at 0.1 % loss keeps 80 % of link × (1 − p): " + bbr);
    }
}
