package io.jtcp.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.function.IntSupplier;

/**
 * {@link CpuTimeRunner}'s cases for two or more builds in one JVM, their samples interleaved, for a
 * before/after on a shared machine: runs one after another drift by more (±15 % within minutes here)
 * than the change being measured, while interleaved samples share the drift.
 *
 * <pre>java -Dagrona.disable.bounds.checks=true -cp bench/target/benchmarks.jar io.jtcp.bench.PairedCpuTimeRunner \
 *     receive-verify-copy 100 /tmp/before.jar bench/target/benchmarks.jar</pre>
 *
 * Each class path (entries separated by ':') gets its own class loader, so each build has its own
 * classes and JIT profile. After 4 s of warm-up over all of them, {@code ROUNDS} rounds each take
 * one sample of 100 000 operations per build, the order rotating. Prints the minimum, 25th
 * percentile and median per build, in CPU nanoseconds per operation.
 */
public final class PairedCpuTimeRunner {
    private static final int OPS_PER_SAMPLE = 100_000;
    private static final long WARMUP_NS = 4_000_000_000L;

    private PairedCpuTimeRunner() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: PairedCpuTimeRunner CASE ROUNDS CLASSPATH_A CLASSPATH_B...");
            System.exit(2);
        }
        final String name = args[0];
        final int rounds = Integer.parseInt(args[1]);
        final int builds = args.length - 2;
        final IntSupplier[] ops = new IntSupplier[builds];
        for (int k = 0; k < builds; k++) {
            ops[k] = load(args[k + 2], name);
        }
        final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int sink = 0;
        final long warmUntil = System.nanoTime() + WARMUP_NS;
        while (System.nanoTime() - warmUntil < 0) {
            for (IntSupplier op : ops) {
                for (int i = 0; i < 10_000; i++) {
                    sink += op.getAsInt();
                }
            }
        }
        final double[][] ns = new double[builds][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int j = 0; j < builds; j++) {
                final int k = (j + r) % builds;
                final long t0 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < OPS_PER_SAMPLE; i++) {
                    sink += ops[k].getAsInt();
                }
                ns[k][r] = (mx.getCurrentThreadCpuTime() - t0) / (double) OPS_PER_SAMPLE;
            }
        }
        for (int k = 0; k < builds; k++) {
            final double[] s = ns[k].clone();
            Arrays.sort(s);
            System.out.printf(
                    "%-26s %c  min %7.1f  p25 %7.1f  median %7.1f  ns/op (CPU)  %s%n",
                    name, (char) ('A' + k), s[0], s[rounds / 4], s[rounds / 2], args[k + 2]);
        }
        System.out.println("[" + (sink & 1) + "]");
    }

    /** The case from the CpuTimeRunner of {@code classPath}, loaded apart from every other build. */
    private static IntSupplier load(String classPath, String name) throws Exception {
        final String[] parts = classPath.split(":");
        final URL[] urls = new URL[parts.length];
        for (int i = 0; i < parts.length; i++) {
            urls[i] = Paths.get(parts[i]).toUri().toURL();
        }
        final ClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader());
        final Method operation =
                Class.forName(CpuTimeRunner.class.getName(), true, loader).getDeclaredMethod("operation", String.class);
        operation.setAccessible(true);
        return (IntSupplier) operation.invoke(null, name);
    }
}
