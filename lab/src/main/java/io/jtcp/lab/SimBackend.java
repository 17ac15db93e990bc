package io.jtcp.lab;

import io.jtcp.lab.sim.SimExperiment;
import io.jtcp.stack.cc.CongestionControl;

/** The simulated back-end: two engines and a simulated bottleneck in virtual time ({@link SimExperiment}). */
public final class SimBackend implements Backend {
    @Override
    public CellResult run(Cell cell, CongestionControl.Factory cc, long sampleIntervalNs, boolean verifyContent) {
        return new SimExperiment(cell, cc, sampleIntervalNs, verifyContent).run();
    }
}
