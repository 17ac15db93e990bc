package io.jtcp.tun.trace;

import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.agrona.DirectBuffer;

/**
 * The marks the text trace appends to a segment, named as Wireshark's TCP analysis names them:
 * {@code [retransmission]}, {@code [dup ACK #n]}, {@code [zero window]}, {@code [zero window
 * probe]}, {@code [keep-alive]}. It remembers, per direction of each connection seen, the highest
 * sequence number sent and the last ACK and window; at most {@value #MAX_DIRECTIONS} directions,
 * the least recently used forgotten first, so a long trace of many connections stays bounded.
 * Sequence numbers compare modulo 2^32 (RFC 9293 §3.4). Never throws on malformed bytes: what it
 * cannot parse gets no mark.
 */
final class SegmentMarks {
    static final int MAX_DIRECTIONS = 4096;

    private static final int FIN = 0x01;
    private static final int SYN = 0x02;
    private static final int RST = 0x04;
    private static final int ACK = 0x10;

    private static final class Direction {
        boolean started;
        int sndMax;
        boolean hasAck;
        int lastAck;
        int lastWin;
        int dups;
    }

    private record Key(long from, long to) {}

    private final Map<Key, Direction> dirs = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Direction> eldest) {
            return size() > MAX_DIRECTIONS;
        }
    };

    private static boolean before(int a, int b) {
        return a - b < 0;
    }

    /** The marks of this packet, space-separated, or "" when it has none (or is not a TCP segment). */
    synchronized String of(DirectBuffer b, int off, int len) {
        if (len < 40) {
            return "";
        }
        int ihl = (b.getByte(off) & 0x0f) * 4;
        if (((b.getByte(off) >> 4) & 0xf) != 4 || ihl < 20 || b.getByte(off + 9) != 6) {
            return "";
        }
        int total = Math.min(b.getShort(off + 2, ByteOrder.BIG_ENDIAN) & 0xffff, len);
        if ((b.getShort(off + 6, ByteOrder.BIG_ENDIAN) & 0x1fff) != 0 || total < ihl + 20) {
            return "";
        }
        int t = off + ihl;
        int hlen = ((b.getByte(t + 12) >> 4) & 0xf) * 4;
        if (hlen < 20 || ihl + hlen > total) {
            return "";
        }
        int flags = b.getByte(t + 13) & 0xff;
        if ((flags & RST) != 0) {
            return "";
        }
        long src = ((b.getInt(off + 12, ByteOrder.BIG_ENDIAN) & 0xffffffffL) << 16)
                | (b.getShort(t, ByteOrder.BIG_ENDIAN) & 0xffff);
        long dst = ((b.getInt(off + 16, ByteOrder.BIG_ENDIAN) & 0xffffffffL) << 16)
                | (b.getShort(t + 2, ByteOrder.BIG_ENDIAN) & 0xffff);
        int seq = b.getInt(t + 4, ByteOrder.BIG_ENDIAN);
        int ack = b.getInt(t + 8, ByteOrder.BIG_ENDIAN);
        int win = b.getShort(t + 14, ByteOrder.BIG_ENDIAN) & 0xffff;
        int dataLen = total - ihl - hlen;
        int seqLen = dataLen + ((flags & SYN) != 0 ? 1 : 0) + ((flags & FIN) != 0 ? 1 : 0);
        Direction d = dirs.computeIfAbsent(new Key(src, dst), k -> new Direction());
        Direction r = dirs.computeIfAbsent(new Key(dst, src), k -> new Direction());
        StringBuilder marks = new StringBuilder();
        if ((flags & SYN) != 0) {
            d.started = true;
            d.sndMax = seq + seqLen;
            d.hasAck = false;
            d.dups = 0;
        } else if (seqLen > 0) {
            int end = seq + seqLen;
            boolean closed = r.hasAck && r.lastWin == 0;
            if (d.started && before(seq, d.sndMax)) {
                if (closed && dataLen <= 1 && seq == r.lastAck) {
                    add(marks, "zero window probe"); // RFC 9293 §3.8.6.1, the byte sent again
                } else if (dataLen <= 1 && end == d.sndMax && (flags & FIN) == 0) {
                    add(marks, "keep-alive"); // RFC 9293 §3.8.4: the last byte again
                } else {
                    add(marks, "retransmission");
                }
            } else if (closed && dataLen > 0) {
                add(marks, "zero window probe");
            }
            if (!d.started || before(d.sndMax, end)) {
                d.sndMax = end;
            }
            d.started = true;
        }
        if ((flags & ACK) != 0) {
            if (win == 0 && (flags & SYN) == 0) {
                add(marks, "zero window");
            }
            // RFC 5681 §2: no data, no SYN/FIN, the same ACK and window again, data outstanding.
            boolean pure = seqLen == 0;
            if (pure && d.hasAck && ack == d.lastAck && win == d.lastWin && r.started && before(ack, r.sndMax)) {
                d.dups++;
                add(marks, "dup ACK #" + d.dups);
            } else {
                d.dups = 0;
            }
            d.hasAck = true;
            d.lastAck = ack;
            d.lastWin = win;
        }
        return marks.toString();
    }

    private static void add(StringBuilder sb, String mark) {
        sb.append(sb.length() > 0 ? " [" : "[").append(mark).append(']');
    }
}
