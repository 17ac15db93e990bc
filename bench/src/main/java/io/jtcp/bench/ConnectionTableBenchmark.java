package io.jtcp.bench;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.wire.Checksum;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.stack.wire.TcpHeader;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
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
 * Demultiplexing with many live connections: an empty ACK (a window update the engine accepts
 * and answers with nothing) arrives for a random one of {@code connections} ESTABLISHED
 * connections, so the measured work is validate + checksum + table lookup (cache misses included)
 * + the ACK rules of one TCB.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Dagrona.disable.bounds.checks=true", "-Xmx4g"})
public class ConnectionTableBenchmark {
    private static final int PORT = 80;
    /** 10.7.1.0: peers spread from here, clear of the stack's own 10.7.0.2. */
    private static final int PEERS_BASE = (10 << 24) | (7 << 16) | (1 << 8);

    @Param({"100000"})
    public int connections;

    private final ScriptedPeer peer = new ScriptedPeer();
    private NetworkStack stack;
    private int[] peerSeq;
    private int[] stackSeq;
    private final UnsafeBuffer[] templates = new UnsafeBuffer[1024];
    private int[] templateConn;
    private final SplittableRandom random = new SplittableRandom(7);
    private final long nowNs = 1_000_000_000L;
    private int packetLength;

    @Setup(Level.Trial)
    public void setUp() {
        final StackConfig config = ScriptedPeer.config()
                .maxConnections(connections + 16)
                .sendBufferBytes(1024)
                .receiveBufferBytes(1024);
        stack = new NetworkStack(config, peer::onTransmit);
        stack.listen(PORT, c -> new TcpHandler() {});
        peerSeq = new int[connections];
        stackSeq = new int[connections];
        for (int i = 0; i < connections; i++) {
            // Connection i comes from 10.7.x.y:port, spread over addresses and ports.
            final int src = PEERS_BASE + (i >>> 14);
            final int srcPort = 1024 + (i & 0x3FFF);
            int len = build(src, srcPort, TcpHeader.SYN, 5000, 0);
            stack.onPacket(nowNs, peer.packet, 0, len);
            stack.flush(nowNs);
            stackSeq[i] = peer.peerAck;
            peerSeq[i] = 5001;
            len = build(src, srcPort, TcpHeader.ACK, 5001, stackSeq[i]);
            stack.onPacket(nowNs, peer.packet, 0, len);
            stack.flush(nowNs);
        }
        if (stack.connectionCount() != connections) {
            throw new IllegalStateException(
                    "expected " + connections + " connections, have " + stack.connectionCount());
        }
        // Pre-built ACKs for a sample of connections, chosen at random each call.
        templateConn = new int[templates.length];
        for (int t = 0; t < templates.length; t++) {
            final int i = random.nextInt(connections);
            templateConn[t] = i;
            packetLength = build(
                    ScriptedPeer.PEER_ADDR + (i >>> 14), 1024 + (i & 0x3FFF), TcpHeader.ACK, peerSeq[i], stackSeq[i]);
            templates[t] = new UnsafeBuffer(new byte[packetLength]);
            templates[t].putBytes(0, peer.packet, 0, packetLength);
        }
    }

    private int build(int src, int srcPort, int flags, int seq, int ack) {
        final int len = peer.build(PORT, flags, seq, ack, 65_535, 0, (flags & TcpHeader.SYN) != 0);
        // Re-address the packet: source address and port of connection i.
        final TcpHeader tcp = peer.tcp;
        final int oldPort = tcp.srcPort();
        tcp.checksum(Checksum.update(tcp.checksum(), oldPort, srcPort)).srcPort(srcPort);
        tcp.checksum(Checksum.update32(tcp.checksum(), ScriptedPeer.PEER_ADDR, src));
        final Ipv4Header ip = peer.ip;
        ip.srcAddr(src).computeChecksum();
        return len;
    }

    @Benchmark
    public long ackToRandomConnection() {
        final int t = random.nextInt(templates.length);
        stack.onPacket(nowNs, templates[t], 0, packetLength);
        return stack.counters().tcpSegmentsIn;
    }
}
