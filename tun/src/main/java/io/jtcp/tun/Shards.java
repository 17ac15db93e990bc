package io.jtcp.tun;

import io.jtcp.stack.StackConfig;
import io.jtcp.stack.fault.FaultSpec;

/**
 * How the settings of one host are shared out among the stacks of its queues: each shard gets an
 * even share of the memory budget, the connection table and the TIME_WAIT records, the same ISN
 * and SYN-cookie secret (a cookie any shard sent checks on any shard), and opens connections only
 * from ephemeral ports whose 4-tuple it owns.
 */
final class Shards {
    private Shards() {}

    /** One validated snapshot per shard of {@code settings} (which already holds the secret). */
    static StackConfig[] configs(StackConfig settings, FlowSteering steering) {
        final int n = steering.shards();
        final long budget = Math.max(1L << 20, settings.effectiveMemoryBudgetBytes() / n);
        final StackConfig[] configs = new StackConfig[n];
        for (int i = 0; i < n; i++) {
            final int shard = i;
            configs[i] = settings.copy()
                    .memoryBudgetBytes(budget)
                    .maxConnections(ceilDiv(settings.maxConnections(), n))
                    .maxTimeWait(ceilDiv(settings.maxTimeWait(), n))
                    .maxConnectionsPerListener(ceilDiv(settings.maxConnectionsPerListener(), n))
                    .ephemeralPortFilter((remoteAddr, remotePort, localPort) ->
                            steering.shardOf(remoteAddr, remotePort, localPort) == shard)
                    .snapshot();
        }
        return configs;
    }

    /** Shard {@code i}'s faults: the same impairment, its own seeded sequence (shard 0 keeps the seed). */
    static FaultSpec seeded(FaultSpec spec, int shard) {
        return shard == 0 ? spec : spec.withSeed(spec.seed() + 2L * shard);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
