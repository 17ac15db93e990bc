package io.jtcp.tun.trace;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.agrona.DirectBuffer;

/**
 * The text trace's fold for bulk data: after {@code foldAfter} consecutive in-order data segments
 * of one direction, further in-order data segments of that direction, and the plain ACKs coming
 * back, are not printed one by one but counted, and one summary line ({@code … 812 segments,
 * 1.2 MB (seq 14601:1190001), 406 ACKs …}) stands for them: once a second while the transfer
 * runs, and as soon as anything worth a line happens on the connection (a mark, a loss, SYN, FIN
 * or RST, data out of order, an ACK with SACK blocks), which also starts the count again, so the
 * segments around every event stay visible. {@link #flushAll} prints what is pending at the end.
 * At most {@value #MAX_DIRECTIONS} directions are remembered, the least recently used forgotten
 * first (their pending summary printed).
 */
final class BulkFold {
    static final int MAX_DIRECTIONS = 4096;
    static final long SUMMARY_INTERVAL_NS = 1_000_000_000L;

    private static final int FIN = 0x01;
    private static final int SYN = 0x02;
    private static final int RST = 0x04;
    private static final int ACK = 0x10;

    /** Where the summary lines go: given the time and the line without time. */
    interface Out {
        void line(long nowNs, String text);
    }

    private static final class Direction {
        final String name; // "10.7.0.2.80 > 10.7.0.1.40312"
        final long from;
        final long to;
        boolean hasNext;
        int next;
        int run;
        long segments;
        long bytes;
        long acks;
        int firstSeq;
        int endSeq;
        long sinceNs;

        Direction(String name, long from, long to) {
            this.name = name;
            this.from = from;
            this.to = to;
        }
    }

    private record Key(long from, long to) {}

    private final int foldAfter;
    private final Out out;
    private final ConnectionView view; // null: absolute numbers in the summary
    private final List<Direction> evicted = new ArrayList<>();
    private final Map<Key, Direction> dirs = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Direction> eldest) {
            if (size() > MAX_DIRECTIONS) {
                evicted.add(eldest.getValue());
                return true;
            }
            return false;
        }
    };

    BulkFold(int foldAfter, Out out, ConnectionView view) {
        this.foldAfter = foldAfter;
        this.out = out;
        this.view = view;
    }

    /**
     * Takes one packet in before it would be printed.
     *
     * @param remarkable it carries a mark or was lost: it is printed, and ends the fold
     * @return true when the packet is folded (not to be printed)
     */
    boolean fold(long nowNs, DirectBuffer b, int off, int len, boolean remarkable) {
        if (foldAfter == 0 || len < 40) {
            return false;
        }
        int ihl = (b.getByte(off) & 0x0f) * 4;
        if (((b.getByte(off) >> 4) & 0xf) != 4 || ihl < 20 || b.getByte(off + 9) != 6) {
            return false;
        }
        int total = Math.min(b.getShort(off + 2, ByteOrder.BIG_ENDIAN) & 0xffff, len);
        if ((b.getShort(off + 6, ByteOrder.BIG_ENDIAN) & 0x1fff) != 0 || total < ihl + 20) {
            return false;
        }
        int t = off + ihl;
        int hlen = ((b.getByte(t + 12) >> 4) & 0xf) * 4;
        if (hlen < 20 || ihl + hlen > total) {
            return false;
        }
        int srcAddr = b.getInt(off + 12, ByteOrder.BIG_ENDIAN);
        int dstAddr = b.getInt(off + 16, ByteOrder.BIG_ENDIAN);
        int sport = b.getShort(t, ByteOrder.BIG_ENDIAN) & 0xffff;
        int dport = b.getShort(t + 2, ByteOrder.BIG_ENDIAN) & 0xffff;
        long src = ConnectionView.endpoint(srcAddr, sport);
        long dst = ConnectionView.endpoint(dstAddr, dport);
        int flags = b.getByte(t + 13) & 0xff;
        int seq = b.getInt(t + 4, ByteOrder.BIG_ENDIAN);
        int dataLen = total - ihl - hlen;
        Direction d = dirs.get(new Key(src, dst));
        if (d == null) {
            d = new Direction(endpoints(srcAddr, sport, dstAddr, dport), src, dst);
            dirs.put(new Key(src, dst), d);
        }
        Direction r = dirs.get(new Key(dst, src));
        if (r == null) {
            r = new Direction(endpoints(dstAddr, dport, srcAddr, sport), dst, src);
            dirs.put(new Key(dst, src), r);
        }
        printEvicted(nowNs);
        boolean special = remarkable || (flags & (SYN | FIN | RST)) != 0 || (flags & ACK) == 0;
        boolean inOrder = !d.hasNext || seq == d.next;
        if (dataLen > 0) {
            if (!special && !inOrder) {
                special = true; // out of order: a gap or an overlap is worth a line
            }
            d.hasNext = true;
            d.next = seq + dataLen;
        } else if (!special && hasSack(b, t + 20, hlen - 20)) {
            special = true;
        }
        if (special) {
            print(nowNs, d);
            print(nowNs, r);
            d.run = 0;
            r.run = 0;
            if ((flags & SYN) != 0) {
                d.hasNext = true;
                d.next = seq + 1 + dataLen;
            }
            if ((flags & (FIN | RST)) != 0) {
                d.hasNext = false; // a FIN's sequence number is not data; a new connection may follow
            }
            return false;
        }
        if (dataLen > 0) {
            if (++d.run <= foldAfter) {
                return false;
            }
            if (d.segments == 0) {
                d.firstSeq = seq;
            }
            if (d.run == foldAfter + 1) {
                d.sinceNs = nowNs; // a new fold; later, the last summary's time
            }
            d.segments++;
            d.bytes += dataLen;
            d.endSeq = seq + dataLen;
            everySecond(nowNs, d);
            return true;
        }
        // A plain ACK of data being folded the other way.
        if (r.run > foldAfter) {
            r.acks++;
            everySecond(nowNs, r);
            return true;
        }
        return false;
    }

    private void everySecond(long nowNs, Direction d) {
        if (nowNs - d.sinceNs >= SUMMARY_INTERVAL_NS) {
            print(nowNs, d);
        }
    }

    /** Prints every pending summary (the end of the trace). */
    void flushAll(long nowNs) {
        for (Direction d : dirs.values()) {
            print(nowNs, d);
        }
        printEvicted(nowNs);
    }

    /** Prints what is pending between these endpoints and forgets them (the connection closed). */
    void forget(long nowNs, long a, long b) {
        Direction d = dirs.remove(new Key(a, b));
        Direction r = dirs.remove(new Key(b, a));
        if (d != null) {
            print(nowNs, d);
        }
        if (r != null) {
            print(nowNs, r);
        }
    }

    int size() {
        return dirs.size();
    }

    private void printEvicted(long nowNs) {
        for (Direction d : evicted) {
            print(nowNs, d);
        }
        evicted.clear();
    }

    private void print(long nowNs, Direction d) {
        if (d.segments == 0 && d.acks == 0) {
            return;
        }
        StringBuilder sb = new StringBuilder(120).append(d.name).append(": … ");
        if (d.segments > 0) {
            long first = view != null ? view.seqOf(d.from, d.to, d.firstSeq) : d.firstSeq & 0xffffffffL;
            long end = view != null ? view.seqOf(d.from, d.to, d.endSeq) : d.endSeq & 0xffffffffL;
            sb.append(d.segments)
                    .append(d.segments == 1 ? " segment, " : " segments, ")
                    .append(size(d.bytes))
                    .append(" (seq ")
                    .append(first)
                    .append(':')
                    .append(end)
                    .append(')');
            if (d.acks > 0) {
                sb.append(", ");
            }
        }
        if (d.acks > 0) {
            sb.append(d.acks).append(d.acks == 1 ? " ACK" : " ACKs");
        }
        sb.append(" folded …");
        d.segments = 0;
        d.bytes = 0;
        d.acks = 0;
        d.sinceNs = nowNs;
        out.line(nowNs, sb.toString());
    }

    /** Decimal units, as a download's size is usually given. */
    static String size(long bytes) {
        if (bytes < 10_000) {
            return bytes + " bytes";
        }
        if (bytes < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f kB", bytes / 1e3);
        }
        if (bytes < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
    }

    private static String endpoints(int src, int sport, int dst, int dport) {
        return io.jtcp.stack.wire.Ipv4Header.addressToString(src) + "." + sport + " > "
                + io.jtcp.stack.wire.Ipv4Header.addressToString(dst) + "." + dport;
    }

    private static boolean hasSack(DirectBuffer b, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end) {
            int kind = b.getByte(i) & 0xff;
            if (kind == 0) {
                return false;
            }
            if (kind == 1) {
                i++;
                continue;
            }
            int olen = i + 1 < end ? b.getByte(i + 1) & 0xff : 0;
            if (olen < 2) {
                return false;
            }
            if (kind == 5) {
                return true;
            }
            i += olen;
        }
        return false;
    }
}
