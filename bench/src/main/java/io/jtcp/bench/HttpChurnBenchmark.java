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
        peers = new HttpPeers(1_000_000L);
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
        if (client.connectionCount() != 0 || server.connectionCount() != 0 || responseBytes - before < 16) {
            throw new IllegalStateException("connection left over or no response: client " + client.connectionCount()
                    + ", server " + server.connectionCount() + ", response " + (responseBytes - before) + " B");
        }
        return responseBytes;
    }
}
