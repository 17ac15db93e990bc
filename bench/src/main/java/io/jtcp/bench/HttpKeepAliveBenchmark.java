package io.jtcp.bench;

import io.jtcp.stack.StackConfig;
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
 * What {@code ab -k} does to {@code jtcp serve}, in memory: one request per operation on a
 * connection that stays open, to the real {@code HttpService} with its timers — {@code GET
 * /bytes/16 HTTP/1.0} with {@code Connection: Keep-Alive} as ab sends it, the response, and the
 * ACKs (the client's rides on its next request). The virtual clock moves 20 µs per request, so
 * the timers are rearmed as on a real loop. {@code -prof gc}'s B/op is what one request allocates
 * on both ends; the steady state should allocate nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Dagrona.disable.bounds.checks=true"})
public class HttpKeepAliveBenchmark {
    private static final byte[] REQUEST = ("GET /bytes/16 HTTP/1.0\r\nConnection: Keep-Alive\r\nHost: 10.7.0.2\r\n"
                    + "User-Agent: ApacheBench/2.3\r\nAccept: */*\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);

    private final byte[] readBuf = new byte[4096];
    private HttpPeers peers;
    private TcpConnection connection;
    private long nowNs = 1_000_000_000L;
    private long responseBytes;
    private long responseLength;
    private final TcpHandler clientHandler = new TcpHandler() {
        @Override
        public void onConnected(TcpConnection c) {
            connection = c;
        }

        @Override
        public void onReadable(TcpConnection c) {
            int n;
            while ((n = c.read(readBuf, 0, readBuf.length)) > 0) {
                responseBytes += n;
            }
        }
    };

    @Setup(Level.Trial)
    public void setUp() {
        peers = new HttpPeers(new StackConfig().mslNs());
        peers.timers.now(nowNs);
        peers.client.connect(nowNs, HttpPeers.SERVER, 80, clientHandler);
        peers.exchange(nowNs);
        if (connection == null) {
            throw new IllegalStateException("not connected");
        }
        responseLength = request();
        if (responseLength < 16) {
            throw new IllegalStateException("no response: " + responseLength + " B");
        }
    }

    /** One request and its whole response; the response's length. */
    private long request() {
        nowNs += 20_000L;
        peers.timers.now(nowNs);
        peers.client.onTimeout(nowNs);
        peers.server.onTimeout(nowNs);
        final long before = responseBytes;
        connection.write(REQUEST, 0, REQUEST.length);
        peers.exchange(nowNs);
        return responseBytes - before;
    }

    @Benchmark
    public long keepAliveRequest() {
        final long n = request();
        if (n != responseLength) {
            throw new IllegalStateException("response of " + n + " B, expected " + responseLength);
        }
        return responseBytes;
    }
}
