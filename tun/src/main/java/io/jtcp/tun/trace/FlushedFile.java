package io.jtcp.tun.trace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A file written through one reused direct buffer (nothing allocated per record): written out when
 * the buffer fills, at least once per period while anything is pending (by a daemon thread, so the
 * file can be read live even when traffic stops), and on close. The capture ({@link PcapWriter})
 * and the replay journal ({@link EngineJournal}) write this way. Every method runs under the
 * owner's monitor, which the owner's own writing methods hold too, so the background flush never
 * interleaves with a half-written record.
 */
final class FlushedFile {
    private final Object owner;
    private final String what;
    private final FileChannel channel;
    private final ScheduledExecutorService flusher;
    /** Little-endian; the owner puts its records here, after {@link #room}. */
    final ByteBuffer buffer;

    private boolean closed;

    /**
     * Opens (creates or truncates) {@code file}; {@code what} names it in errors and in the flushing
     * thread's name ("pcap file"). Nothing is flushed in the background until {@link #start}.
     */
    FlushedFile(Object owner, Path file, int bufferBytes, String what) {
        this.owner = owner;
        this.what = what;
        try {
            this.channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + what + " " + file + ": " + e.getMessage(), e);
        }
        this.buffer = ByteBuffer.allocateDirect(bufferBytes).order(ByteOrder.LITTLE_ENDIAN);
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jtcp-" + what.replace(' ', '-') + "-flush");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the background flushes, every {@code periodMs}. */
    void start(long periodMs) {
        flusher.scheduleAtFixedRate(this::flushPending, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    private void flushPending() {
        synchronized (owner) {
            if (closed || buffer.position() == 0) {
                return;
            }
            // A failure ends the periodic flushes; the next write or close reports it on the loop's thread.
            flush();
        }
    }

    /** Whether {@code bytes} more fit, flushing first if need be; false once closed. */
    boolean room(int bytes) {
        if (closed) {
            return false;
        }
        if (buffer.remaining() < bytes) {
            flush();
        }
        return true;
    }

    boolean closed() {
        return closed;
    }

    void flush() {
        buffer.flip();
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing the " + what + " failed: " + e.getMessage(), e);
        } finally {
            buffer.clear();
        }
    }

    void close() {
        if (closed) {
            return;
        }
        flusher.shutdownNow();
        flush();
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
