package io.jtcp.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.IntSupplier;

/**
 * The per-segment benchmarks timed by the calling thread's CPU time instead of wall-clock time, for a
 * machine shared with other work: time the thread spends descheduled is not counted (cache and
 * core contention still are). Not a replacement for JMH, a second opinion when JMH's intervals
 * are wider than the difference being looked for.
 *
 * <pre>java -Dagrona.disable.bounds.checks=true -cp bench/target/benchmarks.jar io.jtcp.bench.CpuTimeRunner \
 *     receive-verify-inPlace receive-verify-copy-direct send checksum-1460 checksumheap-1492</pre>
 *
 * ({@code receive-CHECKSUM-READ[-PACKETS]} as {@link ReceivePathBenchmark}'s parameters, {@code
 * receivetwo-…} the same two segments to an ACK, per segment; {@code
 * checksum-N} over direct memory as {@link ChecksumBenchmark}; {@code checksumheap-N} over a byte[]
 * at offset 20, where a TCP segment starts; {@code http-keepalive} and {@code http-churn[-full]} as {@link
 * HttpKeepAliveBenchmark} and {@link HttpChurnBenchmark}). One case per JVM gives each its own JIT
 * profile.
 *
 * Prints, per case, the minimum and the median over 9 samples of 200 000 operations each, after 3 s of
 * warm-up, in CPU nanoseconds per operation.
 */
public final class CpuTimeRunner {
    private static final int SAMPLES = 9;
    private static final int OPS_PER_SAMPLE = 200_000;
    private static final long WARMUP_NS = 3_000_000_000L;

    private CpuTimeRunner() {}

    public static void main(String[] args) {
        final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (String name : args) {
            final IntSupplier op = operation(name);
            int sink = 0;
            final long warmUntil = System.nanoTime() + WARMUP_NS;
            while (System.nanoTime() - warmUntil < 0) {
                for (int i = 0; i < 10_000; i++) {
                    sink += op.getAsInt();
                }
            }
            final double[] ns = new double[SAMPLES];
            for (int s = 0; s < SAMPLES; s++) {
                final long t0 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < OPS_PER_SAMPLE; i++) {
                    sink += op.getAsInt();
                }
                ns[s] = (mx.getCurrentThreadCpuTime() - t0) / (double) OPS_PER_SAMPLE / segmentsPerOp(name);
            }
            Arrays.sort(ns);
            System.out.printf(
                    "%-26s min %7.1f  median %7.1f  ns/op (CPU)   [%d]%n", name, ns[0], ns[SAMPLES / 2], sink & 1);
        }
    }

    /** {@code receivetwo-…} takes two segments per call ({@link ReceivePathBenchmark#receiveTwoPerAck}); printed per segment. */
    private static int segmentsPerOp(String name) {
        return name.startsWith("receivetwo-") ? 2 : 1;
    }

    private static IntSupplier operation(String name) {
        if (name.startsWith("receive-") || name.startsWith("receivetwo-")) {
            final String[] p = name.split("-");
            final ReceivePathBenchmark b = new ReceivePathBenchmark();
            b.checksum = p[1];
            b.read = p[2];
            b.packets = p.length > 3 ? p[3] : "heap";
            b.setUp();
            return name.startsWith("receivetwo-") ? b::receiveTwoPerAck : b::receive;
        }
        if (name.equals("send") || name.startsWith("send-")) {
            final SendPathBenchmark b = new SendPathBenchmark();
            b.cc = name.equals("send") ? "default" : name.substring("send-".length());
            b.setUp();
            return b::send;
        }
        if (name.startsWith("checksum-")) {
            final ChecksumBenchmark b = new ChecksumBenchmark();
            b.bytes = Integer.parseInt(name.substring("checksum-".length()));
            b.setUp();
            return b::checksum;
        }
        if (name.startsWith("checksumheap-")) {
            final int bytes = Integer.parseInt(name.substring("checksumheap-".length()));
            final org.agrona.concurrent.UnsafeBuffer heap =
                    new org.agrona.concurrent.UnsafeBuffer(new byte[bytes + 64]);
            new java.util.Random(1071).nextBytes(heap.byteArray());
            return () -> io.jtcp.stack.wire.Checksum.compute(heap, 20, bytes);
        }
        if (name.equals("http-keepalive")) {
            final HttpKeepAliveBenchmark b = new HttpKeepAliveBenchmark();
            b.setUp();
            return () -> (int) b.keepAliveRequest();
        }
        if (name.equals("http-churn") || name.equals("http-churn-full")) {
            final HttpChurnBenchmark b = new HttpChurnBenchmark();
            b.timeWait = name.equals("http-churn") ? "expire" : "full";
            b.setUp();
            return () -> (int) b.connectRequestClose();
        }
        throw new IllegalArgumentException("unknown case: " + name);
    }
}
