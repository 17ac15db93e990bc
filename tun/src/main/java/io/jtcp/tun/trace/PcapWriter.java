package io.jtcp.tun.trace;

import io.jtcp.stack.StackTracer;
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
import org.agrona.DirectBuffer;

/**
 * {@code --pcap FILE}: every packet in and out, in the classic libpcap format with LINKTYPE_RAW
 * (101: each record is a bare IPv4 packet, as read from the TUN device), readable by {@code
 * tcpdump -r} and Wireshark. Written by hand rather than through Pcap4J: the format is 24 + 16
 * bytes of headers and needs neither libpcap at run time nor a copy per packet into a Pcap4J
 * object.
 *
 * <p>Records go into one reused direct buffer, written out when it fills, at least once a second
 * while anything is pending (by a daemon thread, so a capture can be watched live with {@code
 * tcpdump -r} or {@code jtcp ladder} even when traffic stops), and on close. Timestamps are
 * wall-clock microseconds derived from the loop's {@code nowNs}.
 */
public final class PcapWriter implements StackTracer, AutoCloseable {
    public static final int MAGIC_MICROS = 0xa1b2c3d4;
    public static final int LINKTYPE_RAW = 101;
    public static final int SNAPLEN = 65_535;

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private final long epochBaseNs;
    private final long nanoBase;
    private final ScheduledExecutorService flusher;
    private long packets;
    private boolean closed;

    public PcapWriter(Path file, long nowNs) {
        this(file, nowNs, FLUSH_PERIOD_MS);
    }

    /** The period between background flushes; one second unless a test wants it shorter. */
    static final long FLUSH_PERIOD_MS = 1000;

    PcapWriter(Path file, long nowNs, long flushPeriodMs) {
        try {
            this.channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write pcap file " + file + ": " + e.getMessage(), e);
        }
        this.epochBaseNs = System.currentTimeMillis() * 1_000_000L;
        this.nanoBase = nowNs;
        buffer.putInt(MAGIC_MICROS).putShort((short) 2).putShort((short) 4);
        buffer.putInt(0).putInt(0).putInt(SNAPLEN).putInt(LINKTYPE_RAW);
        flush();
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jtcp-pcap-flush");
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleAtFixedRate(this::flushPending, flushPeriodMs, flushPeriodMs, TimeUnit.MILLISECONDS);
    }

    private synchronized void flushPending() {
        if (closed || buffer.position() == 0) {
            return;
        }
        // A failure ends the periodic flushes; the next write or close reports it on the loop's thread.
        flush();
    }

    @Override
    public synchronized void onPacket(long nowNs, boolean inbound, DirectBuffer packet, int offset, int length) {
        if (closed) {
            return;
        }
        int captured = Math.min(length, SNAPLEN);
        if (buffer.remaining() < 16 + captured) {
            flush();
        }
        long ns = epochBaseNs + (nowNs - nanoBase);
        buffer.putInt((int) (ns / 1_000_000_000L));
        buffer.putInt((int) ((ns % 1_000_000_000L) / 1000));
        buffer.putInt(captured).putInt(length);
        packet.getBytes(offset, buffer, buffer.position(), captured);
        buffer.position(buffer.position() + captured);
        packets++;
    }

    public synchronized long packets() {
        return packets;
    }

    public synchronized void flush() {
        buffer.flip();
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing the pcap file failed: " + e.getMessage(), e);
        } finally {
            buffer.clear();
        }
    }

    @Override
    public synchronized void close() {
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
