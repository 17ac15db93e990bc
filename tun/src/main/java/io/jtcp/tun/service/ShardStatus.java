package io.jtcp.tun.service;

import io.jtcp.stack.NetworkStack;
import io.jtcp.tun.ShardLink;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The shards of a multi-queue host as a status page sees them from one shard's loop: every
 * shard's stack and hand-off counters, read racily (plain counters of other threads, each as of
 * some recent moment), and a way to have another shard's loop read its own table ({@link
 * #askShard}): a shard's table belongs to its loop thread and is walked there only. So a page
 * served by any shard adds every shard's counts up and lists the connections of all of them, and
 * says which shard served it: the kernel picked the queue of the request, and a reload may come
 * from another one.
 */
public interface ShardStatus {
    int shardCount();

    /** Shard {@code shard}'s stack: only its counts and counters may be read from another thread. */
    NetworkStack stackForReading(int shard);

    /** Shard {@code shard}'s end of the hand-off. */
    ShardLink link(int shard);

    /** Shard {@code shard}'s services' timers: only their counters may be read from another thread. */
    ServiceTimers serviceTimersForReading(int shard);

    /**
     * Runs {@code read} on shard {@code shard}'s loop thread with its stack, and hands the result
     * to {@code reply} on the loop thread that asked, which must be one of the shards' (the
     * asking shard's own {@code read} runs as a task of its loop too). {@code reply} gets null when
     * {@code read} threw or that shard's loop has stopped (then at once); it is not called when
     * the asking loop stopped meanwhile, nor when that shard's loop stops (or fails) before it
     * ran the task: the host is then going down.
     */
    <T> void askShard(int shard, Function<NetworkStack, T> read, Consumer<T> reply);
}
