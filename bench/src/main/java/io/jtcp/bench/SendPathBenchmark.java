package io.jtcp.bench;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.cc.CongestionControls;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.wire.TcpHeader;
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
 * The send path of one 1460-byte segment on an ESTABLISHED connection, with no device: the
 * application's write + flush (segmentation, header build, the text copied out of the send ring,
 * checksum) + the peer's ACK for it processed (RTT sample, cwnd, ring
 * release). The receive path is {@link ReceivePathBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Dagrona.disable.bounds.checks=true"})
public class SendPathBenchmark {
    private static final int PORT = 5001;
    private static final int MSS = 1460;

    /** The controller: the stack's default (CUBIC), or one named (newreno, bbr) to cost it apart. */
    @Param({"default", "newreno"})
    public String cc = "default";

    private final ScriptedPeer peer = new ScriptedPeer();
    private final byte[] appData = new byte[MSS];
    private NetworkStack stack;
    private TcpConnection connection;
    private int ackLength;
    private long nowNs = 1_000_000_000L;
    private int seq;

    @Setup(Level.Trial)
    public void setUp() {
        stack = new NetworkStack(ScriptedPeer.config(), peer::onTransmit);
        connection = peer.establish(stack, PORT, nowNs);
        if (!cc.equals("default")) {
            connection.congestionControl(CongestionControls.byName(cc));
        }
        seq = peer.peerSeq;
        ackLength = peer.build(PORT, TcpHeader.ACK, seq, peer.peerAck, 65_535, 0, false);
    }

    /** Application write → one segment out → the peer's ACK for it processed. */
    @Benchmark
    public int send() {
        connection.write(appData, 0, MSS);
        stack.flush(nowNs);
        peer.peerAck += MSS;
        peer.patch(seq, peer.peerAck);
        stack.onPacket(nowNs, peer.packet, 0, ackLength);
        nowNs += 1_000;
        return peer.lastLength;
    }
}
