package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.tun.service.ServiceTimers;
import io.jtcp.tun.service.ShardStatus;
import io.jtcp.tun.service.StatusPage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.junit.jupiter.api.Test;

/**
 * The status page of a multi-queue host, served by one shard: counts and counters of every shard
 * added up, and the rows of every shard's connections, each listed on its own shard's loop (a
 * table belongs to its loop thread) and the page made once all have answered.
 */
class ShardStatusPageTest {
    private static final int SERVER = Ipv4Header.parseAddress("10.7.0.2");
    private static final int CLIENT = Ipv4Header.parseAddress("10.7.0.1");

    private long now = 1_000_000_000L;

    private static StackConfig config(int addr, int seed) {
        byte[] secret = new byte[16];
        secret[0] = (byte) seed;
        return new StackConfig().localAddr(addr).isnSecret(secret);
    }

    /** A server stack (one shard) holding {@code connections} established connections on port 80. */
    private NetworkStack shardWith(int connections, int seed) {
        MemoryWire wire = new MemoryWire();
        NetworkStack server = new NetworkStack(config(SERVER, 1), wire.serverSink());
        NetworkStack client = new NetworkStack(config(CLIENT, seed), wire.clientSink());
        server.listen(80, c -> new TcpHandler() {});
        for (int i = 0; i < connections; i++) {
            client.connect(now, SERVER, 80, new TcpHandler() {});
        }
        now = wire.settle(server, client, now, 1000);
        return server;
    }

    private static int count(String regex, String s) {
        Matcher m = Pattern.compile(regex).matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** The shards as a host shows them, each shard's loop a task in {@code asked} to run by hand. */
    private static ShardStatus shards(
            NetworkStack[] stacks, ServiceTimers[] timers, ShardLink[] links, List<Runnable> asked) {
        return new ShardStatus() {
            @Override
            public int shardCount() {
                return stacks.length;
            }

            @Override
            public NetworkStack stackForReading(int shard) {
                return stacks[shard];
            }

            @Override
            public ShardLink link(int shard) {
                return links[shard];
            }

            @Override
            public ServiceTimers serviceTimersForReading(int shard) {
                return timers[shard];
            }

            @Override
            public <T> void askShard(int shard, Function<NetworkStack, T> read, Consumer<T> reply) {
                asked.add(() -> reply.accept(read.apply(stacks[shard])));
            }
        };
    }

    private static ShardLink[] links(int n) {
        FlowSteering steering = new FlowSteering(n, 42);
        ManyToOneRingBuffer[] inboxes = ShardLink.inboxes(n, 1 << 16);
        Runnable[] wakers = new Runnable[n];
        java.util.Arrays.fill(wakers, (Runnable) () -> {});
        ShardLink[] links = new ShardLink[n];
        for (int i = 0; i < n; i++) {
            links[i] = new ShardLink(i, steering, inboxes, wakers, false);
        }
        return links;
    }

    @Test
    void shouldShareTheRowsOutSoThatACrowdedShardHidesNoOther() {
        NetworkStack[] stacks = {shardWith(StatusPage.MAX_ROWS + 20, 4), shardWith(3, 5)};
        ServiceTimers[] timers = {new ServiceTimers(), new ServiceTimers()};
        List<Runnable> asked = new ArrayList<>();
        String[] answer = new String[1];
        StatusPage.of(stacks[0], timers[0], null, shards(stacks, timers, links(2), asked))
                .render(html -> answer[0] = html);
        while (!asked.isEmpty()) {
            asked.remove(0).run();
        }
        String page = answer[0];
        assertEquals(3, count("<tr><td>1</td><td>10\\.7\\.0\\.2:80</td>", page), "the small shard: all");
        assertEquals(
                StatusPage.MAX_ROWS - 3,
                count("<tr><td>0</td><td>10\\.7\\.0\\.2:80</td>", page),
                "the crowded shard: the rest of the quota");
        assertTrue(page.contains("&hellip; and 23 more (100 listed at most 100)"), page);
    }

    @Test
    void shouldAddEveryShardUpAndListEveryShardsConnections() {
        NetworkStack[] stacks = {shardWith(2, 2), shardWith(3, 3)};
        ServiceTimers[] timers = {new ServiceTimers(), new ServiceTimers()};
        timers[0].httpHeadTimeouts = 2;
        timers[1].httpHeadTimeouts = 5;
        FlowSteering steering = new FlowSteering(2, 42);
        ManyToOneRingBuffer[] inboxes = ShardLink.inboxes(2, 1 << 16);
        Runnable[] wakers = {() -> {}, () -> {}};
        ShardLink[] links = {
            new ShardLink(0, steering, inboxes, wakers, false), new ShardLink(1, steering, inboxes, wakers, false)
        };
        links[0].handedOff = 4;
        List<Runnable> asked = new ArrayList<>(); // each shard's loop, run by hand
        ShardStatus shards = shards(stacks, timers, links, asked);
        String[] answer = new String[1];
        StatusPage.of(stacks[1], timers[1], null, shards).render(html -> answer[0] = html);
        assertEquals(2, asked.size(), "every shard asked for its rows");
        asked.remove(0).run();
        assertNull(answer[0], "no page before every shard answered");
        asked.remove(0).run();
        String page = answer[0];
        assertTrue(page.contains("<h2>Connections (5 open, 0 in TIME_WAIT)</h2>"), "every shard counted: " + page);
        assertTrue(page.contains("<h2>Queues (2; this page from queue 1)</h2>"), page);
        assertTrue(page.contains("<tr><td>1 (this page)</td><td>3</td>"), "the serving shard marked: " + page);
        assertTrue(page.contains("<tr><td>0</td><td>2</td>"), page);
        assertTrue(page.contains("<h2>Connections of every queue"), page);
        assertEquals(2, count("<tr><td>0</td><td>10\\.7\\.0\\.2:80</td>", page), "queue 0's connections listed");
        assertEquals(3, count("<tr><td>1</td><td>10\\.7\\.0\\.2:80</td>", page), "queue 1's connections listed");
        assertTrue(page.contains("<tr><td>tcpConnectionsAccepted</td><td>5</td>"), "counters added up");
        assertTrue(page.contains("<tr><td>httpHeadTimeouts</td><td>7</td>"), "service counters added up");
        assertTrue(page.contains("<tr><td>serviceTimersArmed (queue 1)</td>"), page);

        String[] one = new String[1];
        StatusPage.of(stacks[0], timers[0], null, null).render(html -> one[0] = html);
        String single = one[0];
        assertTrue(!single.contains("Queues") && !single.contains("every queue"), "one queue: as before");
        assertEquals(2, count("<tr><td>10\\.7\\.0\\.2:80</td>", single), "no queue column: " + single);
        assertTrue(single.contains("<tr><td>httpHeadTimeouts</td><td>2</td>"), single);
    }
}
