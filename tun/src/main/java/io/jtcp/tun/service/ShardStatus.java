package io.jtcp.tun.service;

import io.jtcp.stack.NetworkStack;
import io.jtcp.tun.ShardLink;

/**
 * The shards of a multi-queue host as a status page sees them from one shard's loop: every
 * shard's stack and hand-off counters, read racily (plain counters of other threads, each as of
 * some recent moment; only counts and counters are read, never another shard's table).
 */
public interface ShardStatus {
    int shardCount();

    /** Shard {@code shard}'s stack: only its counts and counters may be read from another thread. */
    NetworkStack stackForReading(int shard);

    /** Shard {@code shard}'s end of the hand-off. */
    ShardLink link(int shard);
}
