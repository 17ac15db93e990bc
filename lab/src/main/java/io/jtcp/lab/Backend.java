package io.jtcp.lab;

import io.jtcp.stack.cc.CongestionControl;

/** Where a cell runs: the simulated path ({@link SimBackend}) or a real one. */
public interface Backend {
    /**
     * Runs one cell and returns what it measured.
     *
     * @param cc the sender's congestion control; null for the engine's default
     * @param sampleIntervalNs the time series' interval
     * @param verifyContent whether to check the transfers' content by SHA-256
     */
    CellResult run(Cell cell, CongestionControl.Factory cc, long sampleIntervalNs, boolean verifyContent);
}
