package io.jtcp.tun.cli;

import io.jtcp.viz.live.LivePictures;
import io.jtcp.viz.live.Recording;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code serve --ladder DIR}: renders each closed connection's ladder and writes it, on a thread
 * of its own, so the event loops neither draw nor touch the disk. The pictures' sweep only offers
 * the recording to a bounded queue; when the queue is full, or the file or byte cap is reached, the
 * connection is counted and not written (files are never deleted). Each file appears whole: it is
 * written under a temporary name and renamed.
 */
final class LadderFiles implements AutoCloseable {
    static final int QUEUE = 64;
    private final Path dir;
    private final int maxFiles;
    private final long maxBytes;
    private final PrintStream warn;
    private final BlockingQueue<Recording> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Thread thread;
    private volatile boolean closing;

    final AtomicLong written = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    /** Not written: the file or byte cap was reached. */
    final AtomicLong skippedCap = new AtomicLong();
    /** Not written: the writer was QUEUE connections behind. */
    final AtomicLong skippedQueue = new AtomicLong();

    final AtomicLong errors = new AtomicLong();

    LadderFiles(Path dir, int maxFiles, long maxBytes, PrintStream warn) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CliFailure("cannot create --ladder directory " + dir + ": " + e.getMessage());
        }
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new CliFailure("--ladder " + dir + " is not a writable directory");
        }
        this.dir = dir;
        this.maxFiles = maxFiles;
        this.maxBytes = maxBytes;
        this.warn = warn;
        this.thread = new Thread(this::run, "jtcp-ladder-writer");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    /** From the pictures' sweep or a loop thread (any thread): never blocks. */
    void offer(Recording r) {
        if (closing || !queue.offer(r)) {
            skippedQueue.incrementAndGet();
        }
    }

    private void run() {
        while (true) {
            Recording r;
            try {
                r = closing ? queue.poll() : queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (r == null) {
                if (closing) {
                    return;
                }
                continue;
            }
            write(r);
        }
    }

    private void write(Recording r) {
        if (written.get() >= maxFiles || bytes.get() >= maxBytes) {
            skippedCap.incrementAndGet();
            return;
        }
        byte[] svg;
        try {
            svg = LivePictures.ladder(r).getBytes(StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            error("cannot draw connection " + r.id() + ": " + e);
            return;
        }
        if (bytes.get() + svg.length > maxBytes) {
            skippedCap.incrementAndGet();
            return;
        }
        String name = r.fileStem() + ".svg";
        Path tmp = dir.resolve("." + name + ".tmp");
        try {
            Files.write(tmp, svg);
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            written.incrementAndGet();
            bytes.addAndGet(svg.length);
        } catch (IOException e) {
            error("cannot write " + dir.resolve(name) + ": " + e.getMessage());
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the error is counted and reported once already
            }
        }
    }

    private void error(String message) {
        if (errors.getAndIncrement() == 0) {
            warn.println("jtcp: warning: --ladder: " + message + " (further errors only counted)");
            warn.flush();
        }
    }

    /** One line for the stop report and the status page. */
    String describe() {
        return "ladder files: written=" + written.get() + " bytes=" + bytes.get() + " skipped.cap=" + skippedCap.get()
                + " skipped.queue=" + skippedQueue.get() + " errors=" + errors.get();
    }

    /** Writes what is queued (at most 10 s), then stops. */
    @Override
    public void close() {
        closing = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.interrupt();
    }
}
