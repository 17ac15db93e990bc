package io.jtcp.tun.trace;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the readable trace remembers per direction of a connection: the ISN and window scale its
 * SYN carried, so that sequence and ACK numbers print relative to each side's ISN and windows
 * scaled. Until a direction's SYN has been seen (or for a connection whose SYN the trace missed)
 * numbers stay absolute. At most {@value #MAX_DIRECTIONS} directions, the least recently used
 * forgotten first; both directions are forgotten when the connection closes or is reset.
 */
final class ConnectionView {
    static final int MAX_DIRECTIONS = 4096;

    /** RFC 7323 §2.3: a shift above 14 is used as 14. */
    private static final int MAX_WSCALE = 14;

    private static final class Side {
        boolean hasIsn;
        int isn;
        /** The shift this side's SYN offered, or -1 when it offered none. */
        int wscale = -1;
    }

    private record Key(long from, long to) {}

    private final Map<Key, Side> sides = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Side> eldest) {
            return size() > MAX_DIRECTIONS;
        }
    };

    private Side from;
    private Side to;

    /** The sender of a segment and its address/port packed as (address << 16 | port). */
    static long endpoint(int addr, int port) {
        return ((addr & 0xffffffffL) << 16) | (port & 0xffff);
    }

    /**
     * Takes in one segment's header before it is printed; a SYN sets its sender's ISN and window
     * scale ({@code wscale} -1: the SYN had no window scale option).
     */
    void observe(long src, long dst, boolean syn, int seq, int wscale) {
        from = sides.computeIfAbsent(new Key(src, dst), k -> new Side());
        to = sides.computeIfAbsent(new Key(dst, src), k -> new Side());
        if (syn) {
            from.hasIsn = true;
            from.isn = seq;
            from.wscale = wscale;
        }
    }

    /** A sequence number of the last observed segment's sender, relative to its ISN when known. */
    long seq(int seq) {
        return (from.hasIsn ? seq - from.isn : seq) & 0xffffffffL;
    }

    /** An ACK (or SACK edge) of the last observed segment: the receiver's sequence space. */
    long ack(int ack) {
        return (to.hasIsn ? ack - to.isn : ack) & 0xffffffffL;
    }

    /**
     * The window the last observed segment's sender offers, in bytes: RFC 7323 §2.2, the field
     * shifted by the sender's scale once both SYNs carried the option, and a SYN's own window
     * never scaled.
     */
    long window(int raw, boolean syn) {
        if (syn || !from.hasIsn || !to.hasIsn || from.wscale < 0 || to.wscale < 0) {
            return raw;
        }
        return (long) raw << Math.min(from.wscale, MAX_WSCALE);
    }

    /** A sequence number sent from {@code from} to {@code to}, relative to its ISN when known. */
    long seqOf(long from, long to, int seq) {
        Side s = sides.get(new Key(from, to));
        return (s != null && s.hasIsn ? seq - s.isn : seq) & 0xffffffffL;
    }

    /** Forgets both directions between these endpoints. */
    void forget(long a, long b) {
        sides.remove(new Key(a, b));
        sides.remove(new Key(b, a));
    }

    int size() {
        return sides.size();
    }
}
