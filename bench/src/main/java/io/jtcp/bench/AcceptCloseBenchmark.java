package io.jtcp.bench;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
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
 * Connection churn: one whole connection per operation through two engines in memory — SYN,
 * SYN-ACK, ACK, accept, FIN from the client, FIN from the server, last ACK, and the client's
 * TIME_WAIT expiring (MSL is 1 ms and the virtual clock moves past it each operation).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Dagrona.disable.bounds.checks=true"})
public class AcceptCloseBenchmark {
    private static final int CLIENT = (10 << 24) | (7 << 16) | 1;
    private static final int SERVER = (10 << 24) | (7 << 16) | 2;

    private final MemoryLink toServer = new MemoryLink();
    private final MemoryLink toClient = new MemoryLink();
    private NetworkStack client;
    private NetworkStack server;
    private long nowNs = 1_000_000_000L;
    private final TcpHandler clientHandler = new TcpHandler() {
        @Override
        public void onConnected(TcpConnection c) {
            c.close();
        }
    };
    private final TcpHandler serverHandler = new TcpHandler() {
        @Override
        public void onPeerClosed(TcpConnection c) {
            c.close();
        }
    };

    @Setup(Level.Trial)
    public void setUp() {
        final byte[] a = new byte[16];
        final byte[] b = new byte[16];
        b[0] = 1;
        client = new NetworkStack(
                new StackConfig()
                        .localAddr(CLIENT)
                        .isnSecret(a)
                        .mslNs(1_000_000L)
                        .sendBufferBytes(4096)
                        .receiveBufferBytes(4096),
                toServer);
        server = new NetworkStack(
                new StackConfig()
                        .localAddr(SERVER)
                        .isnSecret(b)
                        .mslNs(1_000_000L)
                        .sendBufferBytes(4096)
                        .receiveBufferBytes(4096),
                toClient);
        server.listen(80, c -> serverHandler);
    }

    @Benchmark
    public int connectAcceptClose() {
        client.connect(nowNs, SERVER, 80, clientHandler);
        int rounds = 0;
        for (; rounds < 32; rounds++) {
            client.flush(nowNs);
            server.flush(nowNs);
            if (toServer.drainInto(server, nowNs) + toClient.drainInto(client, nowNs) == 0) {
                break;
            }
        }
        nowNs += 3_000_000L; // past 2·MSL
        client.onTimeout(nowNs);
        server.onTimeout(nowNs);
        if (client.connectionCount() != 0 || server.connectionCount() != 0) {
            throw new IllegalStateException("connection left over: client " + client.connectionCount() + ", server "
                    + server.connectionCount());
        }
        return rounds;
    }
}
