package io.jtcp.bench;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpReader;
import io.jtcp.stack.wire.TcpHeader;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The full receive path of one 1460-byte segment on an ESTABLISHED connection, with no device:
 * IPv4 validate + TCP checksum + options + table lookup + acceptability + in-order delivery into
 * the receive ring + the application taking the bytes + the ACK built and checksummed by flush
 * (one ACK per segment: the worst case, as the event loop ACKs once per batch).
 *
 * <ul>
 *   <li>{@code checksum=verify}: the TCP checksum summed; {@code trusted}: not summed, as for
 *       packets a virtio-net header vouches for ({@code --offload}).
 *   <li>{@code read=copy}: the application's {@code read(buffer, …)}; {@code inPlace}: the
 *       zero-copy {@code read(TcpReader)} with a reader that consumes what it is offered.
 *   <li>{@code packets=heap}: the segment in a {@code byte[]}; {@code direct}: in direct memory, as
 *       the event loop reads it from the TUN device (the checksum loop differs, see {@code Checksum}).
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
public class ReceivePathBenchmark {
    private static final int PORT = 5001;
    private static final int MSS = 1460;

    @Param({"verify", "trusted"})
    public String checksum;

    @Param({"copy", "inPlace"})
    public String read;

    /** Where the received segment lies: {@code heap} (a byte[]), {@code direct} (as read from the device). */
    @Param({"heap", "direct"})
    public String packets;

    private ScriptedPeer peer;
    private final UnsafeBuffer appBuffer = new UnsafeBuffer(new byte[65_536]);
    private final TcpReader consumer = (buffer, offset, length) -> length;
    private NetworkStack stack;
    private TcpConnection connection;
    private boolean trusted;
    private boolean inPlace;
    private int dataLength;
    private long nowNs = 1_000_000_000L;
    private int seq;

    @Setup(Level.Trial)
    public void setUp() {
        trusted = "trusted".equals(checksum);
        inPlace = "inPlace".equals(read);
        peer = new ScriptedPeer("direct".equals(packets));
        stack = new NetworkStack(ScriptedPeer.config(), peer::onTransmit);
        connection = peer.establish(stack, PORT, nowNs);
        seq = peer.peerSeq;
        dataLength = peer.build(PORT, TcpHeader.ACK | TcpHeader.PSH, seq, peer.peerAck, 65_535, MSS, false);
    }

    @Benchmark
    public int receive() {
        peer.patch(seq, peer.peerAck);
        stack.onPacket(nowNs, peer.packet, 0, dataLength, trusted);
        final int n = inPlace ? connection.read(consumer) : connection.read(appBuffer, 0, appBuffer.capacity());
        stack.flush(nowNs);
        seq += MSS;
        nowNs += 1_000;
        return n;
    }

    /**
     * {@link #receive} with two segments to a flush, as a loop cycle that read two packets before
     * it writes: one ACK for every second full-sized segment, which is what delayed ACKs (RFC 5681
     * §4.2) send under bulk load. Per segment, so the difference to {@link #receive} is half an
     * ACK's cost (and one read call).
     */
    @Benchmark
    @OperationsPerInvocation(2)
    public int receiveTwoPerAck() {
        peer.patch(seq, peer.peerAck);
        stack.onPacket(nowNs, peer.packet, 0, dataLength, trusted);
        seq += MSS;
        peer.patch(seq, peer.peerAck);
        stack.onPacket(nowNs, peer.packet, 0, dataLength, trusted);
        seq += MSS;
        final int n = inPlace ? connection.read(consumer) : connection.read(appBuffer, 0, appBuffer.capacity());
        stack.flush(nowNs);
        nowNs += 2_000;
        return n;
    }

    /**
     * The scripted peer's own share of {@link #receive}, not the stack's: patching seq/ack into
     * the template (RFC 1624) and parsing a transmitted segment. Subtract it to see the stack.
     */
    @Benchmark
    public int scriptedPeerOnly() {
        peer.patch(seq, peer.peerAck);
        peer.onTransmit(peer.packet, 0, dataLength);
        seq += MSS;
        return peer.lastLength;
    }
}
