package io.jtcp.bench;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.wire.IcmpHeader;
import io.jtcp.stack.wire.Ipv4Header;
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
 * IPv4 reassembly and ICMP errors (issue #9), no device.
 *
 * <ul>
 *   <li>{@code reassembleEcho}: a 4000-byte ping in three fragments, last first, reassembled,
 *       checksummed, answered, and the 4028-byte reply cut into three fragments for a 1500 MTU.
 *   <li>{@code forgedIcmpError}: a fragmentation-needed quoting an established connection's
 *       4-tuple with a sequence number outside the flight (the blind-attack case, RFC 5927 §4.1):
 *       validated, matched, rejected and counted.
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
public class FragmentBenchmark {
    private static final int PORT = 5001;

    private final ScriptedPeer peer = new ScriptedPeer();
    private final UnsafeBuffer[] fragments = new UnsafeBuffer[3];
    private final int[] fragmentLength = new int[3];
    private final UnsafeBuffer icmpError = new UnsafeBuffer(new byte[56]);
    private NetworkStack stack;
    private long nowNs = 1_000_000_000L;

    @Setup(Level.Trial)
    public void setUp() {
        stack = new NetworkStack(ScriptedPeer.config(), peer::onTransmit);
        peer.establish(stack, PORT, nowNs);
        // The ping: 20 + 8 + 4000 bytes, cut at payload offsets 0, 1480, 2960.
        final int icmpLength = IcmpHeader.HEADER_LENGTH + 4000;
        final UnsafeBuffer whole = new UnsafeBuffer(new byte[20 + icmpLength]);
        new Ipv4Header()
                .wrap(whole, 0, 20 + icmpLength)
                .writeHeader(
                        20 + icmpLength,
                        99,
                        64,
                        Ipv4Header.PROTOCOL_ICMP,
                        ScriptedPeer.PEER_ADDR,
                        ScriptedPeer.STACK_ADDR);
        for (int i = 0; i < 4000; i++) {
            whole.putByte(28 + i, (byte) i);
        }
        new IcmpHeader()
                .wrap(whole, 20, icmpLength)
                .type(IcmpHeader.TYPE_ECHO_REQUEST)
                .code(0)
                .identifier(1)
                .sequence(1)
                .computeChecksum();
        final int[] starts = {0, 1480, 2960, icmpLength};
        for (int i = 0; i < 3; i++) {
            final int len = starts[i + 1] - starts[i];
            fragments[i] = new UnsafeBuffer(new byte[20 + len]);
            fragments[i].putBytes(0, whole, 0, 20);
            fragments[i].putBytes(20, whole, 20 + starts[i], len);
            new Ipv4Header()
                    .wrap(fragments[i], 0, 20 + len)
                    .totalLength(20 + len)
                    .flagsAndFragment((i < 2 ? Ipv4Header.FLAG_MF : 0) | starts[i] / 8)
                    .computeChecksum();
            fragmentLength[i] = 20 + len;
        }
        // Fragmentation needed from a router, quoting the connection with a stale sequence number.
        new Ipv4Header()
                .wrap(icmpError, 0, 56)
                .writeHeader(
                        56, 7, 64, Ipv4Header.PROTOCOL_ICMP, ScriptedPeer.PEER_ADDR + 256, ScriptedPeer.STACK_ADDR);
        final int q = 28;
        new Ipv4Header()
                .wrap(icmpError, q, 28)
                .writeHeader(1500, 1, 64, Ipv4Header.PROTOCOL_TCP, ScriptedPeer.STACK_ADDR, ScriptedPeer.PEER_ADDR);
        icmpError.putShort(q + 20, (short) PORT, java.nio.ByteOrder.BIG_ENDIAN);
        icmpError.putShort(q + 22, (short) ScriptedPeer.PEER_PORT, java.nio.ByteOrder.BIG_ENDIAN);
        icmpError.putInt(q + 24, 0x1234_5678, java.nio.ByteOrder.BIG_ENDIAN);
        new IcmpHeader()
                .wrap(icmpError, 20, 36)
                .type(IcmpHeader.TYPE_DEST_UNREACHABLE)
                .code(IcmpHeader.CODE_FRAGMENTATION_NEEDED)
                .identifier(0)
                .sequence(1000)
                .computeChecksum();
    }

    @Benchmark
    public long reassembleEcho() {
        for (int i = 2; i >= 0; i--) {
            stack.onPacket(nowNs, fragments[i], 0, fragmentLength[i]);
        }
        nowNs += 1_000;
        return stack.counters().ipDatagramsReassembled;
    }

    @Benchmark
    public long forgedIcmpError() {
        stack.onPacket(nowNs, icmpError, 0, 56);
        return stack.counters().totalDrops();
    }
}
