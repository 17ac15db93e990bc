package io.jtcp.bench;

import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.tun.socket.JtcpAcceptor;
import io.jtcp.tun.socket.JtcpConnection;
import io.jtcp.tun.socket.JtcpLoopback;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The blocking socket layer's cross-thread handoff, without a device: two stacks in memory
 * ({@link JtcpLoopback}) on a loop thread, the benchmark thread as the application.
 * {@code loopRoundTrip} is one operation handed to the loop and its answer back (task queue,
 * unpark of the loop, unpark of the caller); {@code pingPong1Byte} is a 1-byte write on one
 * connection, its read at the other end, a 1-byte answer and its read: four handoffs, the
 * segments through both engines.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Dagrona.disable.bounds.checks=true"})
public class SocketHandoffBenchmark {
    private JtcpLoopback loopback;
    private JtcpAcceptor acceptor;
    private JtcpConnection client;
    private JtcpConnection server;
    private final byte[] one = new byte[1];

    @Setup
    public void setUp() throws IOException {
        loopback = new JtcpLoopback();
        acceptor = loopback.b().listen(7000);
        client = loopback.a().connect(Ipv4Header.parseAddress(JtcpLoopback.B_ADDR), 7000, 5000);
        server = acceptor.accept();
    }

    @TearDown
    public void tearDown() {
        client.close();
        server.close();
        acceptor.close();
        loopback.close();
    }

    @Benchmark
    public int loopRoundTrip() throws IOException {
        return client.available();
    }

    @Benchmark
    public int pingPong1Byte() throws IOException {
        client.write(one, 0, 1);
        server.read(one, 0, 1);
        server.write(one, 0, 1);
        return client.read(one, 0, 1);
    }
}
