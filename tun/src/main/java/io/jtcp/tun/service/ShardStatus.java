package io.jtcp.tun.service;

import io.jtcp.stack.NetworkStack;
import io.jtcp.tun.ShardLink;

/**
 * The shards of a multi-queue host as a status page sees them from one shard's loop: every
 * shard's stack and hand-off counters, read racily (plain counters of other threads, each as of
 * some recent moment; only counts and counters are read, never another shard's table). So a page
 * served by one shard adds every shard's counts and counters up but lists only its own shard's
 * connections, and says which shard that is: the kernel picked the queue of the request, and a
 * reload may come from another one.
 */
public interface ShardStatus {
    int shardCount();

    /** Shard {@code shard}'s stack: only its counts and counters may be read from another thread. */
    NetworkStack stackForReading(int shard);

    /** Shard {@code shard}'s end of the hand-off. */
    ShardLink link(int shard);

    /** Shard {@code shard}'s services' timers: only their counters may be read from another thread. */
    ServiceTimers serviceTimersForReading(int shard);
}
