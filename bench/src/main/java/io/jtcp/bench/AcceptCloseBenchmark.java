package io.jtcp.bench;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.PacketSink;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
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
    private static final int SLOTS = 64;

    /** A fixed ring of packet slots: the in-memory link, allocation-free. */
    private static final class Link implements PacketSink {
        final UnsafeBuffer[] slots = new UnsafeBuffer[SLOTS];
        final int[] lengths = new int[SLOTS];
        int head;
        int tail;

        Link() {
            for (int i = 0; i < SLOTS; i++) {
                slots[i] = new UnsafeBuffer(new byte[2048]);
            }
        }

        @Override
        public void transmit(DirectBuffer buffer, int offset, int length) {
            final int i = tail++ & (SLOTS - 1);
            slots[i].putBytes(0, buffer, offset, length);
            lengths[i] = length;
        }

        int drainInto(NetworkStack to, long nowNs) {
            int n = 0;
            while (head != tail) {
                final int i = head++ & (SLOTS - 1);
                to.onPacket(nowNs, slots[i], 0, lengths[i]);
                n++;
            }
            return n;
        }
    }

    private final Link toServer = new Link();
    private final Link toClient = new Link();
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
