package io.jtcp.tun.trace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The replay journal written beside {@code --pcap FILE} as {@code FILE.jtcp}: what the engine's
 * output depends on besides the inbound packets the capture already holds, so that {@code jtcp
 * replay} can feed the same inputs in the same order at the same {@code nowNs} and get the same
 * segments. The pcap's microsecond timestamps are not enough: the loop's nanosecond clock decides
 * which timers fire in which cycle, and the ISNs (RFC 9293 §3.4.1) and timestamp values (RFC 7323)
 * are computed from it.
 *
 * <p>Format (little-endian): the 8-byte magic {@code JTCPJNL1}, then records, each a type byte
 * and a payload:
 *
 * <ul>
 *   <li>{@code H} u32 length, UTF-8 text: the header, {@code key=value} lines (the stack's whole
 *       configuration, the ISN secret included; see {@link StackConfigSnapshot});
 *   <li>{@code N} i64 nowNs, u16 length, UTF-8 text: an application action on the loop thread
 *       (e.g. {@code listen http 80 ...});
 *   <li>{@code P} / {@code Q} i64 nowNs, u32 length: {@code onPacket} with the next inbound packet
 *       of the capture ({@code Q}: its TCP checksum trusted by the device);
 *   <li>{@code T}, {@code F}, {@code G}, {@code S}, {@code M} i64 nowNs: {@code onTimeout}, {@code
 *       flush}, graceful close of everything, shutdown (abort what is left), out of memory.
 * </ul>
 *
 * <p>9 to 13 bytes per engine call, into one reused direct buffer (nothing allocated per packet),
 * written out when it fills, at least once a second by a daemon thread (as {@link PcapWriter}), and
 * on close. A cycle costs two records plus one per packet, about 1 % of the pcap for bulk traffic.
 * The file holds the ISN secret of the run: whoever reads it can predict the ISNs that run chose,
 * as whoever reads the pcap sees them; it is created readable by its owner only where the file
 * system allows.
 */
public final class EngineJournal implements AutoCloseable {
    /** The file's first 8 bytes. */
    public static final byte[] MAGIC = "JTCPJNL1".getBytes(StandardCharsets.US_ASCII);

    public static final byte HEADER = 'H';
    public static final byte NOTE = 'N';
    public static final byte PACKET = 'P';
    public static final byte PACKET_TRUSTED = 'Q';
    public static final byte TIMEOUT = 'T';
    public static final byte FLUSH = 'F';
    public static final byte CLOSE_ALL = 'G';
    public static final byte SHUTDOWN = 'S';
    public static final byte OUT_OF_MEMORY = 'M';

    /** The sidecar's name for a capture file: {@code FILE.jtcp}. */
    public static Path sidecarOf(Path pcap) {
        return pcap.resolveSibling(pcap.getFileName() + ".jtcp");
    }

    private static final long FLUSH_PERIOD_MS = 1000;

    private final FlushedFile file;
    private final ByteBuffer buffer;
    private long records;

    public EngineJournal(Path file) {
        this.file = new FlushedFile(this, file, 1 << 16, "replay journal");
        this.buffer = this.file.buffer;
        ownerOnly(file);
        synchronized (this) {
            buffer.put(MAGIC);
            this.file.flush();
        }
        this.file.start(FLUSH_PERIOD_MS);
    }

    private static void ownerOnly(Path file) {
        try {
            java.nio.file.Files.setPosixFilePermissions(
                    file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException e) {
            // Not a POSIX file system: the permissions stay as created.
        }
    }

    /** The header: {@code key=value} lines; written once, before any engine call. */
    public synchronized void header(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (!room(5 + b.length)) {
            return;
        }
        buffer.put(HEADER).putInt(b.length).put(b);
        records++;
    }

    /** An application action taken on the loop thread (not per packet: it may allocate). */
    public synchronized void note(long nowNs, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xFFFF) {
            throw new IllegalArgumentException("journal note too long: " + b.length + " bytes");
        }
        if (!room(11 + b.length)) {
            return;
        }
        buffer.put(NOTE).putLong(nowNs).putShort((short) b.length).put(b);
        records++;
    }

    /** {@code onPacket} with an inbound packet of {@code length} bytes. */
    public synchronized void packet(long nowNs, int length, boolean checksumTrusted) {
        if (!room(13)) {
            return;
        }
        buffer.put(checksumTrusted ? PACKET_TRUSTED : PACKET).putLong(nowNs).putInt(length);
        records++;
    }

    /** One of the engine calls that take only the time: {@link #TIMEOUT}, {@link #FLUSH}, ... */
    public synchronized void call(byte type, long nowNs) {
        if (!room(9)) {
            return;
        }
        buffer.put(type).putLong(nowNs);
        records++;
    }

    public synchronized long records() {
        return records;
    }

    /** False once closed: the loop's last calls after {@link #close} are not recorded, never thrown at. */
    private boolean room(int bytes) {
        if (!file.room(bytes)) {
            return false;
        }
        if (buffer.remaining() < bytes) {
            throw new IllegalArgumentException("journal record too large: " + bytes + " bytes");
        }
        return true;
    }

    public synchronized void flush() {
        file.flush();
    }

    @Override
    public synchronized void close() {
        file.close();
    }
}
