package io.jtcp.bench;

import io.jtcp.stack.wire.Checksum;
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

/**
 * The Internet checksum over direct memory, as the stack sums packets read from the TUN device. Sizes:
 * a bare header, the IPv4 minimum MTU, a full Ethernet-MTU segment, a jumbo frame, a near-64 KiB
 * GSO-sized one.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
// Bounds checks off, as in production: they cost about 3x in this loop.
@Fork(value = 1, jvmArgsAppend = "-Dagrona.disable.bounds.checks=true")
public class ChecksumBenchmark {
    @Param({"40", "576", "1460", "9000", "65000"})
    public int bytes;

    private UnsafeBuffer buffer;

    @Setup
    public void setUp() {
        buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes));
        byte[] data = new byte[bytes];
        new Random(1071).nextBytes(data);
        buffer.putBytes(0, data);
    }

    @Benchmark
    public int checksum() {
        return Checksum.compute(buffer, 0, bytes);
    }
}
