package io.jtcp.bench;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.stack.wire.TcpHeader;
import io.jtcp.stack.wire.TcpOptions;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The receive path's wire work for one segment: validate IPv4 (header checksum included), validate
 * TCP (checksum over pseudo-header, header and payload), parse the options, read the fields the
 * engine needs. An established-connection data segment: ACK|PSH, NOP NOP timestamps.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dagrona.disable.bounds.checks=true")
public class ParseBenchmark {
    @Param({"0", "1460"})
    public int payloadBytes;

    private UnsafeBuffer buffer;
    private int length;
    private final Ipv4Header ip = new Ipv4Header();
    private final TcpHeader tcp = new TcpHeader();
    private final TcpOptions options = new TcpOptions();

    @Setup
    public void setUp() {
        int src = Ipv4Header.parseAddress("10.7.0.1");
        int dst = Ipv4Header.parseAddress("10.7.0.2");
        int tcpLength = 32 + payloadBytes;
        length = 20 + tcpLength;
        buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(length));
        new Ipv4Header().wrap(buffer, 0, length).writeHeader(length, 4242, 64, Ipv4Header.PROTOCOL_TCP, src, dst);
        TcpHeader t = new TcpHeader()
                .wrap(buffer, 20, tcpLength)
                .srcPort(40000)
                .dstPort(8080)
                .seq(0x12345678)
                .ackNum(0x9ABCDEF0)
                .dataOffset(8)
                .flags(TcpHeader.ACK | TcpHeader.PSH)
                .window(512)
                .urgentPointer(0);
        TcpOptions.writeTimestamps(buffer, t.optionsOffset(), 1000, 2000);
        byte[] payload = new byte[payloadBytes];
        new Random(9293).nextBytes(payload);
        buffer.putBytes(t.payloadOffset(), payload);
        t.computeChecksum(src, dst);
        if (parseAndVerify(null) != payloadBytes) {
            throw new IllegalStateException("benchmark segment does not validate");
        }
    }

    @Benchmark
    public int parseAndVerify(Blackhole bh) {
        if (ip.wrap(buffer, 0, length).validate() != DropReason.NONE) {
            return -1;
        }
        tcp.wrap(buffer, ip.payloadOffset(), ip.payloadLength());
        if (tcp.validate(ip.srcAddr(), ip.dstAddr()) != DropReason.NONE) {
            return -2;
        }
        if (options.parse(tcp) != DropReason.NONE) {
            return -3;
        }
        if (bh != null) {
            bh.consume(tcp.srcPort());
            bh.consume(tcp.dstPort());
            bh.consume(tcp.seq());
            bh.consume(tcp.ackNum());
            bh.consume(tcp.flags());
            bh.consume(tcp.window());
            bh.consume(options.tsVal());
            bh.consume(options.tsEcr());
        }
        return tcp.payloadLength();
    }
}
