package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.tun.service.ServiceTimers;
import io.jtcp.tun.service.ShardStatus;
import io.jtcp.tun.service.StatusPage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.junit.jupiter.api.Test;

/**
 * The status page of a multi-queue host, served by one shard: counts and counters of every shard
 * added up, but rows only for the serving shard's connections, under a heading naming it (another
 * shard's table belongs to its own loop thread).
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

    @Test
    void shouldAddEveryShardUpAndListOnlyTheServingShardsConnections() {
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
        ShardStatus shards = new ShardStatus() {
            @Override
            public int shardCount() {
                return 2;
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
        };
        String page = StatusPage.of(stacks[1], timers[1], null, shards).get();
        assertTrue(page.contains("<h2>Connections (5 open, 0 in TIME_WAIT)</h2>"), "every shard counted: " + page);
        assertTrue(page.contains("<h2>Queues (2; this page from queue 1)</h2>"), page);
        assertTrue(page.contains("<tr><td>1 (this page)</td><td>3</td>"), "the serving shard marked: " + page);
        assertTrue(page.contains("<tr><td>0</td><td>2</td>"), page);
        assertTrue(page.contains("<h2>Connections of queue 1 (3 open;"), "the rows' shard named: " + page);
        assertEquals(3, count("<tr><td>10\\.7\\.0\\.2:80</td>", page), "only queue 1's connections listed");
        assertTrue(page.contains("<tr><td>tcpConnectionsAccepted</td><td>5</td>"), "counters added up");
        assertTrue(page.contains("<tr><td>httpHeadTimeouts</td><td>7</td>"), "service counters added up");
        assertTrue(page.contains("<tr><td>serviceTimersArmed (queue 1)</td>"), page);

        String single = StatusPage.of(stacks[0], timers[0], null, null).get();
        assertTrue(!single.contains("Queues") && !single.contains("Connections of queue"), "one queue: as before");
        assertTrue(single.contains("<tr><td>httpHeadTimeouts</td><td>2</td>"), single);
    }
}
