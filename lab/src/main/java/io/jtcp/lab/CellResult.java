package io.jtcp.lab;

import java.util.List;

/**
 * A cell's outcome: per-flow results, the aggregate (goodput summed over flows, RTT statistics
 * over all flows' packets, Jain's index over the flows' second-half goodput), the link's drop
 * counts, each flow's time series, and the real time the run took.
 */
public record CellResult(
        Cell cell,
        List<FlowResult> flows,
        FlowResult total,
        double jain,
        long randomLosses,
        long queueDrops,
        List<Series> series,
        double realSeconds) {}
