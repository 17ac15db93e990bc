package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.fault.FaultSpec;
import io.jtcp.tun.socket.JtcpSockets;
import java.nio.file.Files;
import java.sql.Connection;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/**
 * {@link RealClientsKernelTest}'s clients through jtcp's fault injector dropping 2 % of the packets
 * in each direction ({@code --fault loss=2%}): every result still correct. Smaller round-trip
 * counts than the lossless test: a lost reply in a request-response exchange waits for a
 * retransmission timeout, and there are thousands of exchanges.
 */
@Tag("tun")
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class RealClientsLossKernelTest {
    static final String NAME = "loss";
    static final int BIG = 4 << 20;
    static final int SMALL = 64 << 10;

    static JtcpFixture fixture;
    static KernelServers servers;
    static SocketFactory sockets;
    static String bigSha;
    static String smallSha;

    @BeforeAll
    static void start() throws Exception {
        TunTestSupport.requireTun();
        RealClientsKernelTest.require(KernelServers.havePostgres(), "postgresql");
        RealClientsKernelTest.require(KernelServers.haveRedis(), "redis-server");
        fixture = JtcpFixture.start("realloss", null, FaultSpec.parse("loss=2%,seed=11"));
        servers = new KernelServers(fixture.ns, Files.createTempDirectory("jtcp-realloss"));
        bigSha = KernelPeerTest.randomFile(servers.www().resolve("big.bin"), BIG, 41) + " " + BIG;
        smallSha = KernelPeerTest.randomFile(servers.www().resolve("small.bin"), SMALL, 42) + " " + SMALL;
        servers.startHttp();
        servers.startPostgres();
        servers.startRedis();
        sockets = JtcpSockets.of(fixture.host).socketFactory();
        JtcpPgSocketFactory.register(NAME, sockets);
    }

    @AfterAll
    static void stop() {
        JtcpPgSocketFactory.unregister(NAME);
        try {
            if (servers != null) {
                servers.close();
            }
        } finally {
            if (fixture != null) {
                fixture.close();
            }
        }
    }

    @Test
    void allThreeThroughTwoPercentLoss() throws Exception {
        try (CloseableHttpClient client = RealClients.httpClient(sockets, 20)) {
            assertEquals(bigSha, RealClients.httpGet(client, "/big.bin"));
            try (Connection c = RealClients.jdbc(NAME)) {
                RealClients.jdbcInsertAndCheck(c, "lossy", 10_000, 500);
            }
            try (Jedis jedis = RealClients.jedis(sockets)) {
                RealClients.jedisSetGet(jedis, "lossy", 300);
                RealClients.jedisPipeline(jedis, "lossy", 10_000);
            }
            // And from 20 threads at once, still through the loss.
            RealClients.concurrently(20, i -> {
                assertEquals(smallSha, RealClients.httpGet(client, "/small.bin"));
                try (Connection c = RealClients.jdbc(NAME)) {
                    RealClients.jdbcInsertAndCheck(c, "lossy" + i, 500, 100);
                }
                try (Jedis jedis = RealClients.jedis(sockets)) {
                    RealClients.jedisSetGet(jedis, "lossy" + i, 20);
                    RealClients.jedisPipeline(jedis, "lossy" + i, 500);
                }
            });
        }
        long in = fixture.host.call(() -> fixture.host.loop().inboundFaults().dropped());
        long out = fixture.host.call(() -> fixture.host.loop().sink().faults().dropped());
        assertTrue(in > 20 && out > 20, "the loss was real: dropped " + in + " in, " + out + " out");
    }
}
