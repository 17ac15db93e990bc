package io.jtcp.bench;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@code ab} without keep-alive does to {@code jtcp serve}, in memory: one connection per
 * operation to the real {@link HttpService} (with its timers, as serve runs it) — handshake,
 * {@code GET /bytes/16 HTTP/1.0}, the response, the server's close, the client's FIN, and the
 * server's TIME_WAIT expiring. {@code -prof gc}'s B/op is what one such connection allocates on
 * both ends (the client end is {@link AcceptCloseBenchmark}'s).
 *
 * <p>{@code timeWait=full} is closer to serve's steady state under {@code ab}: the server holds a
 * TIME_WAIT record for nearly every port the client has (about 16,000 records, 1.5 MB with the
 * index, beyond the L1 and most of the L2), each connection adds one in a cold slot and expires
 * the oldest; {@code expire} lets each record expire at once (a table of one).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Dagrona.disable.bounds.checks=true"})
public class HttpChurnBenchmark {
    private static final byte[] REQUEST =
            "GET /bytes/16 HTTP/1.0\r\nHost: 10.7.0.2\r\nUser-Agent: ApacheBench/2.3\r\nAccept: */*\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1);

    private final byte[] readBuf = new byte[4096];

    @Param({"expire", "full"})
    public String timeWait = "expire";

    private HttpPeers peers;
    private long nowNs = 1_000_000_000L;
    private long responseBytes;
    private final TcpHandler clientHandler = new TcpHandler() {
        @Override
        public void onConnected(TcpConnection c) {
            c.write(REQUEST, 0, REQUEST.length);
        }

        @Override
        public void onReadable(TcpConnection c) {
            int n;
            while ((n = c.read(readBuf, 0, readBuf.length)) > 0) {
                responseBytes += n;
            }
        }

        @Override
        public void onPeerClosed(TcpConnection c) {
            onReadable(c);
            c.close();
        }
    };

    @Setup(Level.Trial)
    public void setUp() {
        final boolean full = timeWait.equals("full");
        // 2·MSL of 48 s: each record expires just before the client's port comes round again
        // (16,384 ports, 3 ms of virtual time a connection), so no SYN meets a record of its own.
        peers = new HttpPeers(1_000_000L, full ? 24_000_000_000L : 1_000_000L);
        if (full) {
            final int ports = peers.client.config().ephemeralPortHigh()
                    - peers.client.config().ephemeralPortLow()
                    + 1;
            for (int i = 0; i < 2 * ports; i++) {
                connectRequestClose();
            }
        }
    }

    @Benchmark
    public long connectRequestClose() {
        final NetworkStack client = peers.client;
        final NetworkStack server = peers.server;
        peers.timers.now(nowNs);
        final long before = responseBytes;
        client.connect(nowNs, HttpPeers.SERVER, 80, clientHandler);
        peers.exchange(nowNs);
        nowNs += 3_000_000L; // past 2·MSL
        client.onTimeout(nowNs);
        server.onTimeout(nowNs);
        if (client.connectionCount() != 0 || server.openConnectionCount() != 0 || responseBytes - before < 16) {
            throw new IllegalStateException("connection left over or no response: client " + client.connectionCount()
                    + ", server " + server.openConnectionCount() + ", response " + (responseBytes - before) + " B");
        }
        return responseBytes;
    }
}
