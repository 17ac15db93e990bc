package io.jtcp.lab;

/**
 * One flow's outcome. Goodput counts the bytes the receiving application read: over the whole
 * run, and over its second half (what fairness and the validation use, past slow start). RTTs are
 * per data packet through the simulated path: the bottleneck's queueing and serialization plus
 * twice the one-way delay, sampled as each data segment (retransmissions included) enters the
 * bottleneck.
 */
public record FlowResult(
        int flow,
        double goodputMbit,
        double goodputLastHalfMbit,
        long retransmits,
        double meanRttMs,
        double p99RttMs,
        long bytesRead,
        boolean contentVerified) {}
