package io.jtcp.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.cc.Bbr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * BBR's goodput against random loss in {@link BottleneckSim} (100 Mbit/s, 100 ms, a 1-BDP
 * drop-tail queue, 30 s per point), the curve of Cardwell et al. 2016 (ACM Queue) figure 8.
 * Not part of CI: {@code JTCP_BBR_SWEEP=1 mvn -pl stack test -Dtest=BbrLossSweepTest}.
 */
@EnabledIfEnvironmentVariable(named = "JTCP_BBR_SWEEP", matches = "1")
class BbrLossSweepTest {
    @Test
    void goodputAgainstRandomLoss() {
        double[] losses = {0, 0.00001, 0.0001, 0.001, 0.003, 0.01, 0.02, 0.05, 0.1, 0.2};
        System.out.println("loss_pct,goodput_mbit,share_of_link_x_1-p,retransmits,max_queue_pkts");
        for (double p : losses) {
            Bbr bbr = new Bbr(Bbr.DEFAULT_SEED, Boolean.getBoolean("conservation"));
            BottleneckSim sim = new BottleneckSim(bbr, 100_000_000, 100_000_000L, 1448, 0, 42);
            sim.queueLimitBytes = sim.bdpBytes();
            sim.lossProbability = p;
            sim.reportRecovery = !Boolean.getBoolean("noRecovery");
            long seconds = 30;
            sim.runUntil(seconds * 1_000_000_000L, null);
            double goodput = sim.deliveredBytes * 8 / 1e6 / seconds;
            System.out.printf(
                    "%.3f,%.2f,%.3f,%d,%d%n",
                    p * 100, goodput, goodput / (100 * (1 - p)), sim.retransmits, sim.maxQueueBytes / 1448);
            assertTrue(goodput > 0);
        }
    }
}
