package io.jtcp.stack.tcp;

import io.jtcp.stack.wire.Seq;

/**
 * SYN cookies (RFC 4987 §3.6) in Linux's encoding ({@code net/ipv4/syncookies.c}): when a SYN queue
 * is full the SYN-ACK's ISN is
 *
 * <pre>
 *   H(4-tuple, 0) + peer ISN + (slot &lt;&lt; 24) + ((H(4-tuple, slot) + mssIndex) mod 2^24)
 * </pre>
 *
 * <p>with H a keyed SipHash-2-4 (the ISN secret) and {@code slot} a coarse clock (one minute), so
 * the returning ACK ({@code ack − 1}) proves the peer saw our SYN-ACK and carries the MSS (an index
 * into {@link #MSS_TABLE}) without any state kept in between. Only the current and the previous
 * slot are accepted. With timestamps, the low {@value #TS_BITS} bits of our TSval carry the peer's
 * window scale and SACK-permitted, which the peer echoes in TSecr.
 *
 * <p>Allocation-free: all methods work on primitives.
 */
final class SynCookies {
    /** The MSS values a cookie can carry (Linux's IPv4 msstab); the peer's MSS rounds down to one. */
    static final int[] MSS_TABLE = {536, 1300, 1440, 1460};

    /** A time slot: Linux's {@code TCP_SYNCOOKIE_PERIOD}. */
    static final long SLOT_NS = 60_000_000_000L;
    /** Slots a cookie stays valid: the one it was made in and the next (Linux's MAX_SYNCOOKIE_AGE). */
    static final int MAX_AGE = 2;

    static final int TS_BITS = 6;
    private static final int TS_MASK = (1 << TS_BITS) - 1;
    private static final int TS_WSCALE_MASK = 0xF; // all ones: no window scaling
    private static final int TS_SACK = 0x10;

    private static final int COOKIE_BITS = 24;
    private static final int COOKIE_MASK = (1 << COOKIE_BITS) - 1;

    /** Returned by {@link #check} for an invalid cookie. */
    static final int INVALID = -1;

    private final IsnGenerator hash;

    SynCookies(IsnGenerator hash) {
        this.hash = hash;
    }

    /** The time slot of {@code nowNs} (floor division: a monotonic clock may be negative). */
    static int slot(long nowNs) {
        return (int) Math.floorDiv(nowNs, SLOT_NS);
    }

    /** The largest table entry not above the peer's MSS (536 when it sent none or a smaller one). */
    static int mssIndex(int peerMss) {
        int i = MSS_TABLE.length - 1;
        while (i > 0 && peerMss < MSS_TABLE[i]) {
            i--;
        }
        return i;
    }

    /** The ISN of a cookie SYN-ACK answering a SYN with sequence number {@code peerIsn}. */
    int encode(long nowNs, int localAddr, int localPort, int remoteAddr, int remotePort, int peerIsn, int mssIndex) {
        final int count = slot(nowNs);
        return h(localAddr, localPort, remoteAddr, remotePort, 0, 0)
                + peerIsn
                + (count << COOKIE_BITS)
                + ((h(localAddr, localPort, remoteAddr, remotePort, count, 1) + mssIndex) & COOKIE_MASK);
    }

    /**
     * The MSS index a cookie carries, or {@link #INVALID} when it was not made by us for this
     * 4-tuple and peer ISN, or is older than {@link #MAX_AGE} slots.
     */
    int check(long nowNs, int localAddr, int localPort, int remoteAddr, int remotePort, int peerIsn, int cookie) {
        final int count = slot(nowNs);
        final int c = cookie - h(localAddr, localPort, remoteAddr, remotePort, 0, 0) - peerIsn;
        final int diff = (count - (c >>> COOKIE_BITS)) & (-1 >>> COOKIE_BITS);
        if (diff >= MAX_AGE) {
            return INVALID;
        }
        final int index = (c - h(localAddr, localPort, remoteAddr, remotePort, count - diff, 1)) & COOKIE_MASK;
        return index < MSS_TABLE.length ? index : INVALID;
    }

    /**
     * Our TSval for a cookie SYN-ACK: {@code tsNow} with its low bits replaced by the options, moved
     * back one step if that put it ahead of {@code tsNow} (our clock must never run backwards).
     *
     * @param peerWscale the window scale the peer offered, or -1 when it offered none
     */
    static int encodeTimestamp(int tsNow, int peerWscale, boolean sackOk) {
        int options = peerWscale >= 0 ? peerWscale : TS_WSCALE_MASK;
        if (sackOk) {
            options |= TS_SACK;
        }
        int ts = (tsNow & ~TS_MASK) | options;
        if (Seq.gt(ts, tsNow)) {
            ts -= 1 << TS_BITS;
        }
        return ts;
    }

    /** The peer's window scale from an echoed cookie TSval, or -1 when it offered none. */
    static int peerWscale(int tsEcr) {
        final int w = tsEcr & TS_WSCALE_MASK;
        return w == TS_WSCALE_MASK ? -1 : w;
    }

    /** SACK-permitted from an echoed cookie TSval. */
    static boolean sackOk(int tsEcr) {
        return (tsEcr & TS_SACK) != 0;
    }

    /**
     * Keyed hash of the 4-tuple and a slot: {@code which} 0 ignores the slot, 1 includes it. The
     * domain byte (2 + which) keeps these inputs apart from the ISN's and the port offset's.
     */
    private int h(int localAddr, int localPort, int remoteAddr, int remotePort, int count, int which) {
        final long m0 = ((long) localAddr << 32) | (remoteAddr & 0xFFFF_FFFFL);
        final long high = which == 0 ? 2 : ((long) (count & 0xFF_FFFF) << 8) | 3;
        final long m1 = (high << 32) | ((long) (localPort & 0xFFFF) << 16) | (remotePort & 0xFFFF);
        final long f = hash.sipHash24(m0, m1);
        return (int) (f ^ (f >>> 32));
    }
}
