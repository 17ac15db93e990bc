package io.jtcp.bench;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.wire.TcpHeader;
import java.util.concurrent.TimeUnit;
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
 * The full per-segment path through the engine, with no device: an ESTABLISHED connection fed
 * 1460-byte segments by a scripted peer.
 *
 * <ul>
 *   <li>{@code receive}: IPv4 validate + TCP checksum verify + options + table lookup +
 *       acceptability + in-order delivery into the receive ring + the application's read + the
 *       ACK built and checksummed by flush.
 *   <li>{@code send}: the application's 1460-byte write + flush (segmentation, header build,
 *       payload copy, checksum) + the peer's ACK processed (RTT sample, cwnd, ring release).
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Dagrona.disable.bounds.checks=true"})
public class SegmentPathBenchmark {
    private static final int PORT = 5001;
    private static final int MSS = 1460;

    private final ScriptedPeer peer = new ScriptedPeer();
    private NetworkStack stack;
    private TcpConnection connection;
    private final UnsafeBuffer appBuffer = new UnsafeBuffer(new byte[65_536]);
    private final byte[] appData = new byte[MSS];
    private int dataLength;
    private int ackLength;
    private long nowNs = 1_000_000_000L;
    private int seq;
    private boolean ackTemplateBuilt;

    @Setup(Level.Trial)
    public void setUp() {
        stack = new NetworkStack(ScriptedPeer.config(), peer::onTransmit);
        final TcpConnection[] accepted = new TcpConnection[1];
        stack.listen(PORT, c -> {
            accepted[0] = c;
            return new TcpHandler() {};
        });
        final int iss = 1_000;
        int len = peer.build(PORT, TcpHeader.SYN, iss, 0, 65_535, 0, true);
        stack.onPacket(nowNs, peer.packet, 0, len);
        stack.flush(nowNs);
        if ((peer.lastFlags & (TcpHeader.SYN | TcpHeader.ACK)) != (TcpHeader.SYN | TcpHeader.ACK)) {
            throw new IllegalStateException("no SYN-ACK");
        }
        seq = iss + 1;
        len = peer.build(PORT, TcpHeader.ACK, seq, peer.peerAck, 65_535, 0, false);
        stack.onPacket(nowNs, peer.packet, 0, len);
        stack.flush(nowNs);
        connection = accepted[0];
        if (connection == null) {
            throw new IllegalStateException("not accepted");
        }
        ackLength = len;
    }

    /** Peer → stack data segment, read by the application, ACKed by flush. */
    @Benchmark
    public int receive() {
        if (dataLength == 0) {
            dataLength = peer.build(PORT, TcpHeader.ACK | TcpHeader.PSH, seq, peer.peerAck, 65_535, MSS, false);
        }
        peer.patch(seq, peer.peerAck);
        stack.onPacket(nowNs, peer.packet, 0, dataLength);
        final int n = connection.read(appBuffer, 0, appBuffer.capacity());
        stack.flush(nowNs);
        seq += MSS;
        nowNs += 1_000;
        return n;
    }

    /**
     * The same receive path with the TCP checksum trusted, as for packets whose virtio-net header
     * says the kernel checked or will complete it (the offload case).
     */
    @Benchmark
    public int receiveChecksumTrusted() {
        if (dataLength == 0) {
            dataLength = peer.build(PORT, TcpHeader.ACK | TcpHeader.PSH, seq, peer.peerAck, 65_535, MSS, false);
        }
        peer.patch(seq, peer.peerAck);
        stack.onPacket(nowNs, peer.packet, 0, dataLength, true);
        final int n = connection.read(appBuffer, 0, appBuffer.capacity());
        stack.flush(nowNs);
        seq += MSS;
        nowNs += 1_000;
        return n;
    }

    /** Application write → one segment out → the peer's ACK for it processed. */
    @Benchmark
    public int send() {
        if (!ackTemplateBuilt) {
            peer.build(PORT, TcpHeader.ACK, seq, peer.peerAck, 65_535, 0, false);
            ackTemplateBuilt = true;
        }
        connection.write(appData, 0, MSS);
        stack.flush(nowNs);
        peer.peerAck += MSS;
        peer.patch(seq, peer.peerAck);
        stack.onPacket(nowNs, peer.packet, 0, ackLength);
        nowNs += 1_000;
        return peer.lastLength;
    }
}
