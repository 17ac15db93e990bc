package io.jtcp.stack.tcp;

import io.jtcp.stack.wire.Seq;
import io.jtcp.stack.wire.TcpOptions;

/**
 * RFC 8985 (RACK) time-based loss detection for the segments loss recovery has resent: a record
 * per transmitted (super-)segment, first transmission or retransmission, with its latest transmit
 * time; RACK.xmit_ts, RACK.end_seq and RACK.rtt from the most recently sent segment delivered
 * (cumulatively ACKed or SACKed) that was not ambiguously retransmitted (§6.2 step 2); the
 * reordering window (§6.2 step 4, with the D-SACK growth); and the loss marking of §6.2 step 5,
 * with the reorder timer for the segments whose time has not come yet.
 *
 * <p>RFC 8985's RACK_sent_after compares transmit times and breaks ties by end_seq. Here each
 * transmission takes a count, and "sent after" compares counts: the same order where clocks
 * differ, and the true one where they tie (in virtual time, or on a coarse clock, a resend can
 * share its timestamp with the segment whose delivery judges it, and end_seq would call the
 * resend older).
 *
 * <p>The records form a ring in sequence order (binary search for ACK and SACK ranges) and a list
 * in transmit-time order threaded through the same slots (a retransmission moves its record to the
 * tail), which holds only the records neither delivered nor marked lost: the loss check walks it
 * from the oldest and stops at the first segment sent after RACK.xmit_ts or not yet overdue, so an
 * ACK costs O(1 + segments it marks lost). Preallocated primitive arrays: 16 records at first,
 * doubling with the flight up to {@link #MAX_RECORDS}; beyond that new segments go untracked (RFC
 * 6675's rules and the RTO still cover them). No call allocates in steady state.
 *
 * <p>Which segments it may mark lost is the caller's choice ({@code markBelow}): loss recovery uses
 * it for what lies below HighRxt, where RFC 6675 has no rule.
 */
final class RackTracker {
    private static final int FIRST_RECORDS = 16; // as the delivery-rate records: an initial window fits
    /** A flight of 16384 segments (23 MB at 1448 bytes) costs 480 KB of records. */
    static final int MAX_RECORDS = 16384;

    private static final byte RETRANSMITTED = 1;
    private static final byte DELIVERED = 2;
    private static final byte LOST = 4;
    private static final byte LISTED = 8; // in the transmit-time list
    private static final int NIL = -1;
    /** §6.2 step 4: the D-SACK-grown window decays after this many recoveries without one. */
    private static final int REO_WND_PERSIST = 16;

    private int capacity;
    private int[] start;
    private int[] end;
    private long[] xmitTs;
    private long[] xmitOrder; // transmission count at the (latest) send: "sent after" without ties
    private byte[] flags;
    private int[] prev; // transmit-time list, slot indices
    private int[] next;
    private int head; // seq-order ring
    private int count;
    private int oldest = NIL; // transmit-time list: neither delivered nor lost
    private int newest = NIL;
    private int highSent; // end of the highest range ever sent
    private boolean started;

    // RACK state (§6.1)
    private long rackXmitOrder = -1; // stands for RACK.xmit_ts with RACK.end_seq as tie-break
    private long transmissions;
    private long rackRttNs = -1;
    private int fack; // highest end_seq delivered by earlier ACKs
    private int fackNow; // and by this one: the order of one ACK's SACK blocks is no reordering
    private boolean reorderingSeen;
    private int reoWndMult = 1;
    private int reoWndPersist;
    private boolean dsackRoundOn;
    private int dsackRound;

    private long lostBytes; // bytes of records marked lost and not resent since
    private int lostScanFrom; // ring position: no record below it is marked lost

    RackTracker() {
        allocate(FIRST_RECORDS);
    }

    private void allocate(int n) {
        capacity = n;
        start = new int[n];
        end = new int[n];
        xmitTs = new long[n];
        xmitOrder = new long[n];
        flags = new byte[n];
        prev = new int[n];
        next = new int[n];
    }

    // ---- transmissions ----

    /** [seq, seq+len) leaves now: a new record, or the records it resends move to the list's tail. */
    void onSend(int seq, int len, long nowNs) {
        if (len <= 0) {
            return;
        }
        final int e = seq + len;
        transmissions++;
        if (!started) {
            started = true;
            highSent = seq;
            fack = seq;
            fackNow = seq;
        }
        if (Seq.lt(seq, highSent)) {
            for (int i = firstEndingAfter(seq); i < count; i++) {
                final int r = slot(i);
                if (!Seq.lt(start[r], e)) {
                    break;
                }
                if ((flags[r] & LOST) != 0 && !Seq.gt(seq, start[r]) && Seq.lt(e, end[r])) {
                    // Only its head went (the SACK option took payload room, or one MSS of a TSO
                    // super-segment): the rest stays lost, to be resent next; the head goes untracked.
                    lostBytes -= Seq.diff(e, start[r]);
                    start[r] = e;
                    continue;
                }
                if ((flags[r] & DELIVERED) == 0) {
                    // A resend of part of a record makes its whole timing ambiguous (RFC 8985 §6.2
                    // step 2); with records cut as the segments were, resends cover whole records.
                    clearLost(r);
                    unlink(r);
                    flags[r] |= RETRANSMITTED;
                    xmitTs[r] = nowNs;
                    xmitOrder[r] = transmissions;
                    linkNewest(r);
                }
            }
            if (!Seq.gt(e, highSent)) {
                return;
            }
            seq = highSent;
        }
        highSent = e;
        if (count == capacity && !grow()) {
            return; // untracked: RFC 6675 and the RTO cover it
        }
        final int r = slot(count++);
        start[r] = seq;
        end[r] = e;
        xmitTs[r] = nowNs;
        xmitOrder[r] = transmissions;
        flags[r] = 0;
        linkNewest(r);
    }

    private boolean grow() {
        if (capacity >= MAX_RECORDS) {
            return false;
        }
        final int n = capacity * 2;
        final int[] s = start;
        final int[] en = end;
        final long[] x = xmitTs;
        final long[] o = xmitOrder;
        final byte[] f = flags;
        final int[] nx = next;
        final int oldCap = capacity;
        final int oldHead = head;
        final int oldOldest = oldest;
        allocate(n);
        for (int i = 0; i < count; i++) {
            final int r = (oldHead + i) % oldCap;
            start[i] = s[r];
            end[i] = en[r];
            xmitTs[i] = x[r];
            xmitOrder[i] = o[r];
            flags[i] = f[r];
        }
        // Rebuild the time list in its old order, in the new slots (slot = ring position now).
        oldest = NIL;
        newest = NIL;
        for (int r = oldOldest; r != NIL; r = nx[r]) {
            linkNewest(Math.floorMod(r - oldHead, oldCap));
        }
        lostScanFrom = 0;
        head = 0;
        return true;
    }

    // ---- deliveries (§6.2 steps 1–3) ----

    /** SND.UNA moved to {@code una}: records below it are delivered and retired. */
    void onCumulativeAck(int una, long nowNs, long minRttNs) {
        if (!started) {
            return;
        }
        while (count > 0) {
            final int r = slot(0);
            if (Seq.gt(end[r], una)) {
                break;
            }
            if ((flags[r] & DELIVERED) == 0) {
                delivered(r, nowNs, minRttNs);
            }
            head = (head + 1) % capacity;
            count--;
            lostScanFrom = Math.max(lostScanFrom - 1, 0);
        }
    }

    /** The ACK's SACK blocks: records they cover wholly are delivered. */
    void onSack(TcpOptions opts, int sndUna, long nowNs, long minRttNs) {
        for (int b = 0; b < opts.sackBlockCount(); b++) {
            final int left = opts.sackLeft(b);
            final int right = opts.sackRight(b);
            if (!Seq.lt(left, right) || !Seq.gt(right, sndUna) || Seq.gt(right, highSent)) {
                continue;
            }
            for (int i = firstEndingAfter(left); i < count; i++) {
                final int r = slot(i);
                if (Seq.gt(end[r], right)) {
                    break;
                }
                if ((flags[r] & DELIVERED) == 0 && Seq.ge(start[r], left)) {
                    delivered(r, nowNs, minRttNs);
                }
            }
        }
    }

    private void delivered(int r, long nowNs, long minRttNs) {
        clearLost(r);
        unlink(r);
        final boolean retransmitted = (flags[r] & RETRANSMITTED) != 0;
        flags[r] |= DELIVERED;
        if (Seq.lt(end[r], fack) && !retransmitted) {
            reorderingSeen = true; // §6.2 step 3: a never-resent segment below one delivered before
        }
        if (Seq.gt(end[r], fackNow)) {
            fackNow = end[r];
        }
        final long rtt = nowNs - xmitTs[r];
        // §6.2 step 2: an ACK quicker than the minimum RTT is for the original, not the resend.
        if (retransmitted && rtt < minRttNs) {
            return;
        }
        if (xmitOrder[r] > rackXmitOrder) {
            rackXmitOrder = xmitOrder[r];
            rackRttNs = rtt;
        }
    }

    /** §6.2 step 4: a D-SACK widens the reordering window, once per round trip. */
    void onDsack(int sndUna, int sndMax) {
        if (dsackRoundOn && Seq.ge(sndUna, dsackRound)) {
            dsackRoundOn = false;
        }
        if (!dsackRoundOn) {
            dsackRoundOn = true;
            dsackRound = sndMax;
            reoWndMult++;
            reoWndPersist = REO_WND_PERSIST;
        }
    }

    /** §6.2 step 4: a recovery ended; the grown window decays after 16 without a D-SACK. */
    void onRecoveryEnd() {
        if (reoWndPersist > 0 && --reoWndPersist == 0) {
            reoWndMult = 1;
        }
    }

    /**
     * §6.2 step 4: zero while no reordering was seen and the sender is in recovery (or has
     * DupThresh segments SACKed), else min RTT/4 (times the D-SACK multiplier), at most SRTT.
     */
    long reoWndNs(boolean inRecovery, long minRttNs, long srttNs) {
        if (!reorderingSeen && inRecovery) {
            return 0;
        }
        return Math.min(reoWndMult * (minRttNs / 4), srttNs);
    }

    // ---- loss detection (§6.2 step 5) ----

    /**
     * Marks lost every record below {@code markBelow} sent before the latest delivered one whose
     * RACK.rtt + reo_wnd has passed, through {@code sink}. Returns the time left until the next
     * record's comes (the reorder timer, §6.2), or -1 when no record waits.
     */
    long detectLoss(long nowNs, long reoWndNs, int markBelow, LostSink sink) {
        fack = fackNow; // the ACK's deliveries are all in
        if (rackRttNs < 0) {
            return -1;
        }
        int r = oldest;
        while (r != NIL) {
            final int nx = next[r];
            if (xmitOrder[r] > rackXmitOrder) {
                return -1;
            }
            if (Seq.gt(end[r], markBelow)) {
                r = nx; // RFC 6675's to judge; later ones may still lie below
                continue;
            }
            final long remaining = xmitTs[r] + rackRttNs + reoWndNs - nowNs;
            if (remaining > 0) {
                return remaining;
            }
            unlink(r);
            flags[r] |= LOST;
            lostBytes += Seq.diff(end[r], start[r]);
            lostScanFrom = Math.min(lostScanFrom, Math.floorMod(r - head, capacity));
            sink.lost(start[r], end[r]);
            r = nx;
        }
        return -1;
    }

    /** Receives each range {@link #detectLoss} marks lost. */
    interface LostSink {
        void lost(int start, int end);
    }

    /** Bytes marked lost and not resent since: not in the network (RFC 6675 pipe). */
    long lostBytes() {
        return lostBytes;
    }

    /** The first record marked lost and not resent since, as its start; {@link #lostEnd} its end. */
    boolean firstLost() {
        for (int i = lostScanFrom; i < count; i++) {
            final int r = slot(i);
            if ((flags[r] & LOST) != 0) {
                lostScanFrom = i;
                lostStart = start[r];
                lostEnd = end[r];
                return true;
            }
        }
        lostScanFrom = count;
        return false;
    }

    private int lostStart;
    private int lostEnd;

    int lostStart() {
        return lostStart;
    }

    int lostEnd() {
        return lostEnd;
    }

    /** A timeout resends everything (RFC 6298 §5.4): marks are void; each resend re-times its record. */
    void onRetransmissionTimeout() {
        for (int i = lostScanFrom; i < count; i++) {
            final int r = slot(i);
            flags[r] &= ~LOST; // out of the list until resent: the go-back re-times it
        }
        lostBytes = 0;
        lostScanFrom = count;
    }

    /** The segments are cut anew (a smaller MSS): forget them; new sends start new records. */
    void reset() {
        count = 0;
        head = 0;
        oldest = NIL;
        newest = NIL;
        lostBytes = 0;
        lostScanFrom = 0;
        started = false;
    }

    int records() {
        return count;
    }

    // ---- internals ----

    private void clearLost(int r) {
        if ((flags[r] & LOST) != 0) {
            flags[r] &= ~LOST;
            lostBytes -= Seq.diff(end[r], start[r]);
        }
    }

    private void unlink(int r) {
        if ((flags[r] & LISTED) == 0) {
            return;
        }
        flags[r] &= ~LISTED;
        final int p = prev[r];
        final int n = next[r];
        if (p == NIL) {
            oldest = n;
        } else {
            next[p] = n;
        }
        if (n == NIL) {
            newest = p;
        } else {
            prev[n] = p;
        }
        prev[r] = NIL;
        next[r] = NIL;
    }

    private void linkNewest(int r) {
        flags[r] |= LISTED;
        prev[r] = newest;
        next[r] = NIL;
        if (newest == NIL) {
            oldest = r;
        } else {
            next[newest] = r;
        }
        newest = r;
    }

    /** Ring position of the first record ending after {@code seq}. */
    private int firstEndingAfter(int seq) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            final int mid = (lo + hi) >>> 1;
            if (Seq.gt(end[slot(mid)], seq)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private int slot(int i) {
        return (head + i) % capacity;
    }
}
