package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jtcp.tun.service.BytesPattern;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SchemePortResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.io.HttpClientConnectionOperator;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.util.Timeout;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisSocketFactory;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * The work the real-client tests give Apache HttpClient 5, PostgreSQL JDBC and Jedis, each run
 * unchanged over jtcp through its {@link SocketFactory}; every result is checked against a value
 * computed here (SHA-256 of a download, an MD5 over the inserted rows, each value read back).
 */
final class RealClients {
    private RealClients() {}

    /**
     * HttpClient 5.6's hook for plain sockets: the connection operator's {@code
     * DetachedSocketFactory}, which hands it an unconnected socket it then connects itself.
     */
    static CloseableHttpClient httpClient(SocketFactory sockets, int maxConnections) {
        PoolingHttpClientConnectionManagerBuilder manager = new PoolingHttpClientConnectionManagerBuilder() {
            @Override
            protected HttpClientConnectionOperator createConnectionOperator(
                    SchemePortResolver schemePortResolver, DnsResolver dnsResolver, TlsSocketStrategy tls) {
                return new DefaultHttpClientConnectionOperator(
                        proxy -> sockets.createSocket(),
                        schemePortResolver,
                        dnsResolver,
                        RegistryBuilder.<TlsSocketStrategy>create().build());
            }
        };
        return HttpClients.custom()
                .setConnectionManager(manager.setMaxConnTotal(maxConnections)
                        .setMaxConnPerRoute(maxConnections)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.ofSeconds(20))
                                .setSocketTimeout(Timeout.ofSeconds(60))
                                .build())
                        .build())
                .build();
    }

    /** GETs {@code path} from the namespace's http.server; returns "sha256 length". */
    static String httpGet(CloseableHttpClient client, String path) throws Exception {
        HttpGet get = new HttpGet("http://" + KernelServers.KERNEL + ":" + KernelServers.HTTP_PORT + path);
        return client.execute(get, response -> {
            assertEquals(200, response.getCode(), path);
            MessageDigest md = JtcpFixture.sha256();
            long length = 0;
            try (InputStream in = response.getEntity().getContent()) {
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    md.update(buf, 0, n);
                    length += n;
                }
            }
            return BytesPattern.hex(md.digest()) + " " + length;
        });
    }

    /** A JDBC connection to the namespace's postgres through the factory registered as {@code name}. */
    static Connection jdbc(String name) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("socketFactory", JtcpPgSocketFactory.class.getName());
        p.setProperty(JtcpPgSocketFactory.KEY, name);
        p.setProperty("connectTimeout", "20");
        p.setProperty("socketTimeout", "60");
        p.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection(
                "jdbc:postgresql://" + KernelServers.KERNEL + ":" + KernelServers.PG_PORT + "/postgres", p);
    }

    static String rowValue(String table, int i) {
        return table + "-" + i + "-" + Integer.toHexString(i * 0x9E3779B1);
    }

    /**
     * Creates {@code table}, inserts {@code rows} rows in one transaction ({@code batch} to a round
     * trip; 1: one {@code executeUpdate} each), then checks count, sum and the MD5 of all values in
     * order against what was sent.
     */
    static void jdbcInsertAndCheck(Connection c, String table, int rows, int batch) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
            s.execute("CREATE TABLE " + table + " (id integer PRIMARY KEY, v text NOT NULL)");
        }
        c.setAutoCommit(false);
        MessageDigest md5 = md5();
        long sum = 0;
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " (id, v) VALUES (?, ?)")) {
            for (int i = 0; i < rows; i++) {
                String v = rowValue(table, i);
                insert.setInt(1, i);
                insert.setString(2, v);
                if (batch == 1) {
                    assertEquals(1, insert.executeUpdate());
                } else {
                    insert.addBatch();
                }
                if (i > 0) {
                    md5.update((byte) ',');
                }
                md5.update(v.getBytes(StandardCharsets.UTF_8));
                sum += i;
                if (batch > 1 && i % batch == batch - 1) {
                    insert.executeBatch();
                }
            }
            if (batch > 1) {
                insert.executeBatch();
            }
        }
        c.commit();
        c.setAutoCommit(true);
        try (Statement s = c.createStatement();
                ResultSet r =
                        s.executeQuery("SELECT count(*), sum(id), md5(string_agg(v, ',' ORDER BY id)) FROM " + table)) {
            r.next();
            assertEquals(rows, r.getLong(1), table);
            assertEquals(sum, r.getLong(2), table);
            assertEquals(BytesPattern.hex(md5.digest()), r.getString(3), table);
        }
    }

    /** Jedis over the factory; connect and read timeouts as for the others. */
    static Jedis jedis(SocketFactory sockets) {
        JedisSocketFactory factory = () -> {
            try {
                Socket s = sockets.createSocket();
                s.connect(new java.net.InetSocketAddress(KernelServers.KERNEL, KernelServers.REDIS_PORT), 20_000);
                s.setSoTimeout(60_000);
                return s;
            } catch (java.io.IOException e) {
                throw new JedisConnectionException("jtcp connect failed", e);
            }
        };
        return new Jedis(
                factory,
                DefaultJedisClientConfig.builder().socketTimeoutMillis(60_000).build());
    }

    static String redisValue(String prefix, int i) {
        return prefix + ":value:" + i + ":" + Long.toHexString(i * 0x9E3779B97F4A7C15L);
    }

    /** {@code pairs} SET/GET round trips, each value read back and compared. */
    static void jedisSetGet(Jedis jedis, String prefix, int pairs) {
        for (int i = 0; i < pairs; i++) {
            String key = prefix + ":k:" + i;
            String value = redisValue(prefix, i);
            assertEquals("OK", jedis.set(key, value));
            assertEquals(value, jedis.get(key), key);
        }
    }

    /** {@code n} SETs then {@code n} GETs in one pipeline, every reply checked. */
    static void jedisPipeline(Jedis jedis, String prefix, int n) {
        Pipeline p = jedis.pipelined();
        List<Response<String>> sets = new ArrayList<>(n);
        List<Response<String>> gets = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            sets.add(p.set(prefix + ":p:" + i, redisValue(prefix + "p", i)));
        }
        for (int i = 0; i < n; i++) {
            gets.add(p.get(prefix + ":p:" + i));
        }
        p.sync();
        for (int i = 0; i < n; i++) {
            assertEquals("OK", sets.get(i).get());
            assertEquals(redisValue(prefix + "p", i), gets.get(i).get(), prefix + " pipelined " + i);
        }
    }

    /** Runs {@code task(i)} for i in [0, n) on n threads at once; rethrows the first failure. */
    static void concurrently(int n, IntTask task) throws Exception {
        ExecutorService threads = io.jtcp.tun.socket.SocketTestThreads.perTask();
        try {
            List<Future<Void>> done = new ArrayList<>();
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            for (int i = 0; i < n; i++) {
                int id = i;
                Callable<Void> c = () -> {
                    go.await();
                    task.run(id);
                    return null;
                };
                done.add(threads.submit(c));
            }
            go.countDown();
            for (Future<Void> f : done) {
                f.get(90, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** One thread's work in {@link #concurrently}. */
    interface IntTask {
        void run(int id) throws Exception;
    }

    static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
