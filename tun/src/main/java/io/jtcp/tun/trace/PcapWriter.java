package io.jtcp.tun.trace;

import io.jtcp.stack.StackTracer;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.agrona.DirectBuffer;

/**
 * {@code --pcap FILE}: every packet in and out, in the classic libpcap format with LINKTYPE_RAW
 * (101: each record is a bare IPv4 packet, as read from the TUN device), readable by {@code
 * tcpdump -r} and Wireshark. Written by hand rather than through Pcap4J: the format is 24 + 16
 * bytes of headers and needs neither libpcap at run time nor a copy per packet into a Pcap4J
 * object.
 *
 * <p>Records go into one reused direct buffer ({@link FlushedFile}), written out when it fills, at
 * least once a second while anything is pending (so a capture can be watched live with {@code
 * tcpdump -r} or {@code jtcp ladder} even when traffic stops), and on close. Timestamps are
 * wall-clock microseconds derived from the loop's {@code nowNs}.
 */
public final class PcapWriter implements StackTracer, AutoCloseable {
    public static final int MAGIC_MICROS = 0xa1b2c3d4;
    public static final int LINKTYPE_RAW = 101;
    public static final int SNAPLEN = 65_535;

    private final FlushedFile file;
    private final ByteBuffer buffer;
    private final long epochBaseNs;
    private final long nanoBase;
    private long packets;

    public PcapWriter(Path file, long nowNs) {
        this(file, nowNs, FLUSH_PERIOD_MS);
    }

    /** The period between background flushes; one second unless a test wants it shorter. */
    static final long FLUSH_PERIOD_MS = 1000;

    PcapWriter(Path file, long nowNs, long flushPeriodMs) {
        this.file = new FlushedFile(this, file, 1 << 20, "pcap file");
        this.buffer = this.file.buffer;
        this.epochBaseNs = System.currentTimeMillis() * 1_000_000L;
        this.nanoBase = nowNs;
        synchronized (this) {
            buffer.putInt(MAGIC_MICROS).putShort((short) 2).putShort((short) 4);
            buffer.putInt(0).putInt(0).putInt(SNAPLEN).putInt(LINKTYPE_RAW);
            this.file.flush();
        }
        this.file.start(flushPeriodMs);
    }

    @Override
    public synchronized void onPacket(long nowNs, boolean inbound, DirectBuffer packet, int offset, int length) {
        int captured = Math.min(length, SNAPLEN);
        if (!file.room(16 + captured)) {
            return;
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
        file.flush();
    }

    @Override
    public synchronized void close() {
        file.close();
    }
}
