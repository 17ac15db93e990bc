package io.jtcp.stack.fuzz;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * For long fuzzing runs ({@code -Djtcp.fuzz.memoryLogSeconds=N}, set by src/fuzz.sh): every N
 * seconds one line on stderr with the executions so far, the old generation's occupancy and the
 * heap left after the last collections (what stays reachable: both must stay flat) and the RSS.
 */
final class MemoryLog {
    private static final AtomicLong EXECUTIONS = new AtomicLong();

    static {
        long seconds = Long.getLong("jtcp.fuzz.memoryLogSeconds", 0);
        if (seconds > 0) {
            Thread t = new Thread(() -> loop(seconds), "fuzz-memory-log");
            t.setDaemon(true);
            t.start();
        }
    }

    private MemoryLog() {}

    static void count() {
        EXECUTIONS.incrementAndGet();
    }

    private static void loop(long seconds) {
        long start = System.nanoTime();
        try {
            while (true) {
                Thread.sleep(seconds * 1000);
                long afterGc = 0;
                long old = 0;
                for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                    if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
                        afterGc += pool.getCollectionUsage().getUsed();
                    }
                    if (pool.getType() == MemoryType.HEAP && pool.getName().matches("(?i).*(old|tenured).*")) {
                        old = pool.getUsage().getUsed();
                    }
                }
                long collections = 0;
                for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                    collections += Math.max(0, gc.getCollectionCount());
                }
                Runtime rt = Runtime.getRuntime();
                System.err.printf(
                        "jtcp-fuzz-memory: t=%ds executions=%d oldGenMb=%.1f heapAfterGcMb=%.1f heapUsedMb=%.1f"
                                + " heapCommittedMb=%.1f gcs=%d rssMb=%d%n",
                        (System.nanoTime() - start) / 1_000_000_000L,
                        EXECUTIONS.get(),
                        old / 1048576.0,
                        afterGc / 1048576.0,
                        (rt.totalMemory() - rt.freeMemory()) / 1048576.0,
                        rt.totalMemory() / 1048576.0,
                        collections,
                        rssMb());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (Exception e) {
            // not Linux: no RSS figure
        }
        return -1;
    }
}
