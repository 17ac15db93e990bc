package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jtcp.tun.socket.JtcpSockets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Real clients nobody here wrote, unchanged, over jtcp's {@link SocketFactory} against real
 * servers the kernel runs in the test's namespace: Apache HttpClient 5 against python's
 * http.server, PostgreSQL JDBC against PostgreSQL 15, Jedis against redis-server; each alone and
 * all from 100 threads at once. One namespace, one jtcp host and one set of servers for the class.
 */
@Tag("tun")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RealClientsKernelTest {
    static final String NAME = "real";
    static final int BIG = 10 << 20;
    static final int SMALL = 256 << 10;

    static JtcpFixture fixture;
    static KernelServers servers;
    static SocketFactory sockets;
    static String bigSha;
    static String smallSha;

    @BeforeAll
    static void start() throws Exception {
        TunTestSupport.requireTun();
        fixture = JtcpFixture.start("realcli", null);
        servers = new KernelServers(fixture.ns, Files.createTempDirectory("jtcp-realcli"));
        Path www = servers.www();
        bigSha = KernelPeerTest.randomFile(www.resolve("big.bin"), BIG, 31) + " " + BIG;
        smallSha = KernelPeerTest.randomFile(www.resolve("small.bin"), SMALL, 32) + " " + SMALL;
        servers.startHttp();
        if (KernelServers.havePostgres()) {
            servers.startPostgres();
        }
        if (KernelServers.haveRedis()) {
            servers.startRedis();
        }
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

    /** Without the package CI installs, skip (or fail under JTCP_REQUIRE_TUN=1, where CI has it). */
    static void require(boolean installed, String what) {
        if (!installed && "1".equals(System.getenv("JTCP_REQUIRE_TUN"))) {
            throw new AssertionError(what + " is not installed (CI installs it: .ci/run)");
        }
        assumeTrue(installed, what + " is not installed");
    }

    @Test
    void apacheHttpClientGetsTenMebibytes() throws Exception {
        try (CloseableHttpClient client = RealClients.httpClient(sockets, 4)) {
            assertEquals(bigSha, RealClients.httpGet(client, "/big.bin"));
            // A second request on the same client: a new connection (http.server speaks HTTP/1.0).
            assertEquals(smallSha, RealClients.httpGet(client, "/small.bin"));
        }
    }

    @Test
    void postgresJdbcInsertsTenThousandRowsInOneTransaction() throws Exception {
        require(KernelServers.havePostgres(), "postgresql");
        try (Connection c = RealClients.jdbc(NAME)) {
            // 10 000 round trips, one executeUpdate each; then the same rows again, 500 to a batch.
            RealClients.jdbcInsertAndCheck(c, "rows10k", 10_000, 1);
            RealClients.jdbcInsertAndCheck(c, "batched10k", 10_000, 500);
        }
    }

    @Test
    void jedisSetsAndGetsTenThousandPairsAndAPipeline() throws Exception {
        require(KernelServers.haveRedis(), "redis-server");
        try (Jedis jedis = RealClients.jedis(sockets)) {
            RealClients.jedisSetGet(jedis, "single", 10_000);
            RealClients.jedisPipeline(jedis, "single", 10_000);
        }
    }

    @Test
    void allThreeFromAHundredThreadsAtOnce() throws Exception {
        require(KernelServers.havePostgres(), "postgresql");
        require(KernelServers.haveRedis(), "redis-server");
        try (CloseableHttpClient client = RealClients.httpClient(sockets, 100)) {
            RealClients.concurrently(100, i -> {
                assertEquals(smallSha, RealClients.httpGet(client, "/small.bin"));
                try (Connection c = RealClients.jdbc(NAME)) {
                    RealClients.jdbcInsertAndCheck(c, "t" + i, 200, 50);
                }
                try (Jedis jedis = RealClients.jedis(sockets)) {
                    RealClients.jedisSetGet(jedis, "t" + i, 100);
                    RealClients.jedisPipeline(jedis, "t" + i, 500);
                }
            });
        }
    }
}
