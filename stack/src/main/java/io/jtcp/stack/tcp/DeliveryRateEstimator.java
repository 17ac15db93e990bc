package io.jtcp.stack.tcp;

import io.jtcp.stack.cc.AckSample;
import io.jtcp.stack.wire.Seq;

/**
 * Delivery-rate sampling, draft-cheng-iccrg-delivery-rate-estimation-02 (§3): for each ACK, how
 * many bytes were delivered over how long, measured from the most recently sent segment the ACK
 * acknowledged, with the longer of the send phase and the ACK phase as the interval so that ACK
 * compression cannot inflate the rate (§3.3).
 *
 * <p>The connection's delivery counters ({@code C.delivered}, {@code C.delivered_time},
 * {@code C.first_sent_time}, {@code C.app_limited}, {@code C.lost}) live here; the per-segment
 * snapshot the draft attaches to each packet ({@code P.delivered}, {@code P.delivered_time},
 * {@code P.first_sent_time}, {@code P.sent_time}, {@code P.is_app_limited}, {@code P.tx_in_flight}
 * and, as BBRv3 adds, {@code P.lost}, kept above the flag bits)
 * lives in records held in preallocated primitive arrays: a ring in sequence order (the order of
 * first transmission), so that a range is found by binary search and no call allocates.
 *
 * <p>Sequence numbers compare with {@link Seq}, so the ring works across the 2^32 wrap.
 *
 * <p><b>Bounded memory.</b> The ring holds at most {@code maxRecords} records (it may start smaller
 * and double as the flight grows). When a new segment is sent and the ring is full at its maximum, the two oldest records are merged into one that keeps the newer
 * one's snapshot and covers both ranges: no byte loses its record, so {@link #delivered()} stays
 * exact, but the oldest two segments yield one rate sample instead of two and the older one's is
 * taken as if it had been sent with the newer one (a slightly shorter send phase for that one
 * sample). Merging again and again concentrates the loss of precision in the oldest, usually
 * already lost or about to be acknowledged, part of the flight. Size the ring for the flight in
 * segments (or TSO super-segments) to avoid it.
 *
 * <p><b>Call order</b> for one ACK: {@link #onDelivered} for every newly cumulatively ACKed and
 * every newly SACKed range, {@link #onLost} for every range loss recovery newly marks lost, then
 * {@link #fillSample} once, then the congestion controller's {@code onAck}.
 *
 * <p><b>After an RTO</b> call {@link #onLost} (or {@link #onRetransmissionTimeout}) over the whole
 * outstanding range; the retransmissions then go through {@link #onSend} with the flight the loss
 * marking left (usually 0), which restarts the send phase (§3.2: "no packets in flight"). Nothing
 * else needs resetting. {@link #reset} forgets everything, for a connection that starts over.
 */
final class DeliveryRateEstimator {
    /**
     * Records a growing ring starts with: a short request or response (one or two segments, the
     * usual HTTP exchange) fits; a bulk flow doubles it twice within its first window.
     */
    private static final int FIRST_RECORDS = 4;

    // ---- per-record state (the draft's per-packet P.* fields), a ring in sequence order ----
    // One record is one stride of STRIDE longs in a single array (64 bytes, about a cache line), not
    // a slot in each of eleven parallel arrays: a send writes, and an ACK reads, one place instead
    // of eleven, and the per-segment path loads one array reference.
    private static final int SHIFT = 3;
    private static final int STRIDE = 1 << SHIFT;
    /** start (low 32 bits) and end (high 32 bits) of the record's sequence range. */
    private static final int RANGE = 0;
    /** Bytes of the record not yet delivered (less than end − start after merging over a gap). */
    private static final int LEFT = 1;

    private static final int DELIVERED = 2;
    private static final int DELIVERED_TIME = 3;
    private static final int FIRST_SENT_TIME = 4;
    private static final int SENT_TIME = 5;
    private static final int TX_IN_FLIGHT = 6;
    /** The flag bits below, and above them C.lost when the record was (re)sent (BBRv3's P.lost). */
    private static final int FLAGS = 7;

    private static final int LOST_AT_SEND_SHIFT = 3;
    private static final long APP_LIMITED = 1;
    private static final long LOST = 2;
    /** Resent at least once: its ACK's timing is ambiguous (Karn), so it gives no RTT sample. */
    private static final long RETRANSMITTED = 4;

    private static final long LOW = 0xFFFF_FFFFL;

    private final int maxCapacity;
    private int capacity;
    private long[] rec;

    private int head;
    private int count;
    /** Told of each record newly marked lost; null when nobody asks. */
    private LossListener lossListener;

    // ---- connection state (C.*) ----
    private long delivered;
    private long deliveredTimeNs;
    private long firstSentTimeNs;
    /** C.app_limited: delivered count at which the app-limited period ends; 0 when not app-limited. */
    private long appLimitedUntil;

    private long lost;
    private long lostAtLastSample;
    /** Everything below this sequence number is delivered (records below it were retired). */
    private int lowWater;
    /** End of the highest range ever sent: sends below it are retransmissions. */
    private int highSent;

    private boolean started;

    // ---- the sample being built for the current ACK (rs.*) ----
    private boolean rsHasData;
    private long rsPriorDelivered;
    /** §3.3: the longer of the send phase and the ACK phase. */
    private long rsInterval;

    private long rsTxInFlight;
    private long rsPriorLost;
    private boolean rsAppLimited;
    private long rsSentTime;
    private int rsEnd;
    /** Send time of the newest never-retransmitted record this ACK delivered; MIN_VALUE if none. */
    private long rsRttSentTime = Long.MIN_VALUE;

    /** A ring of {@code maxRecords} per-segment records (at least 2), all taken at once. */
    DeliveryRateEstimator(int maxRecords) {
        this(maxRecords, maxRecords);
    }

    /**
     * A ring that starts with {@code initialRecords} records (at most {@value #FIRST_RECORDS}) and
     * doubles, when a send finds it full, up to {@code maxRecords}; only then are the oldest records merged. A connection pays
     * for the flight it really has (64 bytes a segment in flight), and merging, which coarsens the
     * samples enough to starve BBR's bandwidth filter, is kept for flights beyond the maximum.
     */
    DeliveryRateEstimator(int initialRecords, int maxRecords) {
        if (initialRecords < 2 || maxRecords < initialRecords) {
            throw new IllegalArgumentException(
                    "records must be at least 2 and at most the maximum: " + initialRecords + ", " + maxRecords);
        }
        maxCapacity = maxRecords;
        // Connection churn (issue #13 goal 3): a connection with a few segments in flight (a short
        // request or response) takes FIRST_RECORDS, not all of initialRecords (≈ 0.25 KB instead of
        // 8 KB at 128); the ring doubles as the flight grows, so the records are the same.
        allocate(maxRecords > initialRecords ? Math.min(initialRecords, FIRST_RECORDS) : initialRecords);
    }

    private void allocate(int records) {
        capacity = records;
        rec = new long[records << SHIFT];
    }

    /** Twice the records, in ring order from index 0 (an allocation only while the flight grows). */
    private void grow() {
        final long[] old = rec;
        final int oldCapacity = capacity;
        final int firstPart = Math.min(count, oldCapacity - head); // from head to the array's end
        allocate(Math.min(maxCapacity, oldCapacity * 2));
        System.arraycopy(old, head << SHIFT, rec, 0, firstPart << SHIFT);
        System.arraycopy(old, 0, rec, firstPart << SHIFT, (count - firstPart) << SHIFT);
        head = 0;
    }

    private int start(int r) {
        return (int) rec[r + RANGE];
    }

    private int end(int r) {
        return (int) (rec[r + RANGE] >>> 32);
    }

    private void setStart(int r, int start) {
        rec[r + RANGE] = (rec[r + RANGE] & ~LOW) | (start & LOW);
    }

    private void setEnd(int r, int end) {
        rec[r + RANGE] = (rec[r + RANGE] & LOW) | ((long) end << 32);
    }

    private static long range(int start, int end) {
        return (start & LOW) | ((long) end << 32);
    }

    /** Forgets every record and counter, as for a new connection. */
    void reset() {
        head = 0;
        count = 0;
        delivered = 0;
        deliveredTimeNs = 0;
        firstSentTimeNs = 0;
        appLimitedUntil = 0;
        lost = 0;
        lostAtLastSample = 0;
        started = false;
        rsHasData = false;
        rsRttSentTime = Long.MIN_VALUE;
    }

    /** Bytes delivered (ACKed or SACKed) so far: the draft's {@code C.delivered}. */
    long delivered() {
        return delivered;
    }

    /** Bytes marked lost so far. */
    long lost() {
        return lost;
    }

    /** Records in use, for tests and the status page. */
    int records() {
        return count;
    }

    /** The app-limited period is in force (§3.3 {@code C.app_limited != 0}). */
    boolean appLimited() {
        return appLimitedUntil != 0;
    }

    /**
     * Before [seq, seq+len) is sent, first transmission or retransmission; {@code bytesInFlight}
     * is the flight before it. §3.2 "Transmitting a data packet".
     */
    void onSend(int seq, int len, long nowNs, long bytesInFlight) {
        if (len <= 0) {
            return;
        }
        int end = Seq.add(seq, len);
        if (!started) {
            started = true;
            lowWater = seq;
            highSent = seq;
        }
        if (bytesInFlight <= 0) {
            // §3.2: a send with nothing in flight starts a new send phase and ACK phase.
            firstSentTimeNs = nowNs;
            deliveredTimeNs = nowNs;
        }
        long txInFlight = Math.max(bytesInFlight, 0) + len;
        if (Seq.lt(seq, highSent)) {
            refresh(Seq.max(seq, lowWater), Seq.min(end, highSent), nowNs, txInFlight);
            if (Seq.le(end, highSent)) {
                return;
            }
            seq = highSent;
        }
        append(seq, end, nowNs, txInFlight);
    }

    /**
     * The sender has less to send than the window allows (§3.3): samples taken until what is in
     * flight now is delivered are lower bounds only.
     */
    void markAppLimited(long bytesInFlight) {
        long until = delivered + Math.max(bytesInFlight, 0);
        appLimitedUntil = until > 0 ? until : 1;
    }

    /**
     * [start, end) was newly delivered: cumulatively ACKed or SACKed (§3.3 "upon receiving ACK",
     * per packet). Bytes already counted (below the retired edge, or of a record already fully
     * delivered) are not counted again.
     */
    void onDelivered(int start, int end, long nowNs) {
        if (!started) {
            // Nothing was recorded: count the bytes so C.delivered stays right.
            int n = Seq.diff(end, start);
            if (n > 0) {
                delivered += n;
                deliveredTimeNs = nowNs;
            }
            return;
        }
        if (Seq.lt(start, lowWater)) {
            start = lowWater;
        }
        if (Seq.le(end, start)) {
            return;
        }
        if (deliverOldest(start, end, nowNs)) {
            return;
        }
        int i = firstEndingAfter(start);
        int cursor = start;
        for (; i < count && Seq.lt(cursor, end); i++) {
            int r = at(i);
            int rs = start(r);
            int re = end(r);
            if (Seq.ge(rs, end)) {
                break;
            }
            if (Seq.lt(cursor, rs)) {
                // A gap between records: bytes trimmed off a record when first delivered (so
                // counted then), or sequence space never sent as data.
                cursor = rs;
            }
            int overlapEnd = Seq.min(end, re);
            long bytes = Math.min(Seq.diff(overlapEnd, cursor), rec[r + LEFT]);
            cursor = overlapEnd;
            if (bytes <= 0) {
                continue; // already delivered: a SACKed segment is sampled once
            }
            // Trim the delivered head or tail so a later report of the same bytes is not counted.
            if (Seq.le(Seq.max(start, rs), rs)) {
                setStart(r, overlapEnd);
            } else if (Seq.ge(end, re)) {
                setEnd(r, Seq.max(start, rs));
            }
            rec[r + LEFT] -= bytes;
            delivered += bytes;
            // §3.3: C.delivered_time moves only when something is newly delivered, or a repeated
            // report would shorten the ACK phase of every later sample.
            deliveredTimeNs = nowNs;
            takeSampleFrom(r);
        }
        if (Seq.lt(cursor, end) && Seq.gt(end, highSent)) {
            // Above everything reported as sent: count it so C.delivered stays right.
            delivered += Seq.diff(end, Seq.max(cursor, highSent));
            deliveredTimeNs = nowNs;
            highSent = end;
        }
        retireDelivered();
    }

    /**
     * The common case of {@link #onDelivered}, without its search and loop: [start, end) is exactly
     * the oldest record, untouched so far (a cumulative ACK of one segment, or of the first of a
     * flight). Returns false, having changed nothing, when the range is anything else. Small, so
     * that the caller's per-ACK method can inline it and call {@link #onDelivered} only when false.
     */
    boolean deliverOldest(int start, int end, long nowNs) {
        final int r = head << SHIFT;
        if (count == 0 || rec[r + RANGE] != range(start, end)) {
            return false;
        }
        final long bytes = rec[r + LEFT];
        if (bytes != Seq.diff(end, start) || bytes <= 0) {
            return false;
        }
        delivered += bytes;
        deliveredTimeNs = nowNs;
        takeSampleFrom(r);
        // Wholly delivered, so retired at once: nothing reads a retired record's range or bytes.
        lowWater = end;
        head = slot(1);
        count--;
        retireDelivered();
        return true;
    }

    /**
     * {@link #deliverOldest} and {@link #fillSample} in one, for the usual ACK: it delivers the
     * oldest record whole and nothing else sampled since the last sample, so that record is the
     * sample's (§3.3) and its fields go straight into {@code s} instead of through the per-ACK
     * staging fields. Returns -1, having changed nothing, when that is not the case (the caller
     * then takes the general path); else what {@link #fillSample} would have returned, 1 or 0.
     */
    int deliverOldestAndFill(AckSample s, int start, int end, long nowNs, long minRttNs) {
        // No record sampled since the last fillSample: rsRttSentTime is MIN_VALUE then too.
        if (rsHasData || count == 0) {
            return -1;
        }
        final long[] a = rec;
        final int r = head << SHIFT;
        final long bytes = a[r + LEFT];
        if (a[r + RANGE] != range(start, end) || bytes != Seq.diff(end, start) || bytes <= 0) {
            return -1;
        }
        final long sent = a[r + SENT_TIME];
        final long flags = a[r + FLAGS];
        final long prior = a[r + DELIVERED];
        final long interval = Math.max(sent - a[r + FIRST_SENT_TIME], nowNs - a[r + DELIVERED_TIME]);
        final long txInFlight = a[r + TX_IN_FLIGHT];
        delivered += bytes;
        deliveredTimeNs = nowNs;
        firstSentTimeNs = sent; // §3.3: the next send phase starts at this segment's send time
        lowWater = end;
        head = slot(1);
        count--;
        retireDelivered();
        return fillFrom(s, nowNs, minRttNs, sent, flags, prior, interval, txInFlight);
    }

    /** The second half of {@link #deliverOldestAndFill} (apart so that each half is small enough to inline). */
    private int fillFrom(
            AckSample s, long nowNs, long minRttNs, long sent, long flags, long prior, long interval, long txInFlight) {
        if (appLimitedUntil != 0 && delivered > appLimitedUntil) {
            appLimitedUntil = 0;
        }
        s.totalDelivered(delivered).totalLostBytes(lost).newlyLostBytes(lost - lostAtLastSample);
        lostAtLastSample = lost;
        s.latestRttNs((flags & RETRANSMITTED) == 0 && sent > Long.MIN_VALUE ? Math.max(nowNs - sent, 0) : -1);
        final long sampled = delivered - prior;
        s.delivered(sampled).intervalNs(interval).priorDelivered(prior);
        s.txInFlight(txInFlight)
                .rsLost(Math.max(lost - (flags >>> LOST_AT_SEND_SHIFT), 0))
                .rateAppLimited((flags & APP_LIMITED) != 0);
        if (interval <= 0 || (minRttNs > 0 && interval < minRttNs) || sampled <= 0) {
            s.deliveryRate(0);
            return 0;
        }
        s.deliveryRate(rate(sampled, interval));
        return 1;
    }

    /** Who hears of each segment newly marked lost (BBRv3's per-lost-packet check), or null. */
    void lossListener(LossListener listener) {
        this.lossListener = listener;
    }

    /** Hears of each record as loss recovery marks it lost (in the draft's P.* terms). */
    interface LossListener {
        /**
         * {@code bytes} of a record were marked lost; it was sent with {@code txInFlight} in flight
         * (itself included), {@code lostSinceSent} bytes were marked lost since (these included).
         */
        void onRecordLost(long bytes, long txInFlight, long lostSinceSent, boolean appLimited);
    }

    /** [start, end) was newly marked lost by loss recovery. */
    void onLost(int start, int end) {
        if (!started) {
            int n = Seq.diff(end, start);
            lost += Math.max(n, 0);
            return;
        }
        if (Seq.lt(start, lowWater)) {
            start = lowWater;
        }
        if (Seq.le(end, start)) {
            return;
        }
        for (int i = firstEndingAfter(start); i < count; i++) {
            int r = at(i);
            if (Seq.ge(start(r), end)) {
                break;
            }
            if ((rec[r + FLAGS] & LOST) != 0 || rec[r + LEFT] == 0) {
                continue;
            }
            final long flags = rec[r + FLAGS];
            rec[r + FLAGS] = flags | LOST;
            final long bytes = Math.min(Seq.diff(Seq.min(end, end(r)), Seq.max(start, start(r))), rec[r + LEFT]);
            lost += bytes;
            if (lossListener != null && bytes > 0) {
                lossListener.onRecordLost(
                        bytes,
                        rec[r + TX_IN_FLIGHT],
                        lost - (flags >>> LOST_AT_SEND_SHIFT),
                        (flags & APP_LIMITED) != 0);
            }
        }
    }

    /** The retransmission timer fired: everything in [una, sndMax) is presumed lost. */
    void onRetransmissionTimeout(int una, int sndMax) {
        onLost(una, sndMax);
        rsHasData = false;
        rsRttSentTime = Long.MIN_VALUE;
    }

    /**
     * After all of one ACK's {@link #onDelivered}/{@link #onLost} calls: fills the delivery-rate
     * fields of {@code s} (§3.3 "generating a rate sample"), every one of them, {@link
     * AckSample#latestRttNs()} included, so the caller need not reset them. Returns false, with a rate of 0, when
     * the ACK delivered nothing new or the interval is shorter than {@code minRttNs} (§3.3: such
     * a sample would overestimate the rate); the other fields are filled either way.
     */
    boolean fillSample(AckSample s, long nowNs, long minRttNs) {
        // §3.3: the app-limited period ends once what was in flight at its start is delivered.
        if (appLimitedUntil != 0 && delivered > appLimitedUntil) {
            appLimitedUntil = 0;
        }
        s.totalDelivered(delivered).totalLostBytes(lost).newlyLostBytes(lost - lostAtLastSample);
        lostAtLastSample = lost;
        if (rsRttSentTime != Long.MIN_VALUE) {
            s.latestRttNs(Math.max(nowNs - rsRttSentTime, 0));
            rsRttSentTime = Long.MIN_VALUE;
        } else {
            s.latestRttNs(-1);
        }
        if (!rsHasData) {
            s.deliveryRate(0)
                    .delivered(0)
                    .intervalNs(0)
                    .priorDelivered(0)
                    .txInFlight(0)
                    .rsLost(0);
            s.rateAppLimited(appLimitedUntil != 0);
            return false;
        }
        rsHasData = false;
        long bytes = delivered - rsPriorDelivered;
        long interval = rsInterval;
        s.delivered(bytes).intervalNs(interval).priorDelivered(rsPriorDelivered);
        // BBRv3's rs.lost: lost since the sampled segment was sent, this ACK's marking included.
        s.txInFlight(rsTxInFlight).rsLost(Math.max(lost - rsPriorLost, 0)).rateAppLimited(rsAppLimited);
        if (interval <= 0 || (minRttNs > 0 && interval < minRttNs) || bytes <= 0) {
            s.deliveryRate(0);
            return false;
        }
        s.deliveryRate(rate(bytes, interval));
        return true;
    }

    private static long rate(long bytes, long intervalNs) {
        if (bytes < Long.MAX_VALUE / 1_000_000_000L) {
            return bytes * 1_000_000_000L / intervalNs;
        }
        return (long) (bytes * 1e9 / intervalNs);
    }

    /** §3.3 per packet: the most recently sent delivered segment gives the sample. */
    private void takeSampleFrom(int r) {
        final long sent = rec[r + SENT_TIME];
        final long flags = rec[r + FLAGS];
        if ((flags & RETRANSMITTED) == 0 && sent > rsRttSentTime) {
            rsRttSentTime = sent;
        }
        if (rsHasData && (sent < rsSentTime || (sent == rsSentTime && Seq.le(end(r), rsEnd)))) {
            return;
        }
        rsHasData = true;
        rsPriorDelivered = rec[r + DELIVERED];
        rsInterval = Math.max(sent - rec[r + FIRST_SENT_TIME], deliveredTimeNs - rec[r + DELIVERED_TIME]);
        rsTxInFlight = rec[r + TX_IN_FLIGHT];
        rsPriorLost = flags >>> LOST_AT_SEND_SHIFT;
        rsAppLimited = (flags & APP_LIMITED) != 0;
        rsSentTime = sent;
        rsEnd = end(r);
        // §3.3: the next send phase starts at this segment's send time.
        firstSentTimeNs = sent;
    }

    private void append(int start, int end, long nowNs, long txInFlight) {
        if (count == capacity) {
            if (capacity < maxCapacity) {
                grow();
            } else {
                mergeOldestTwo();
            }
        }
        int r = at(count);
        count++;
        rec[r + RANGE] = range(start, end);
        rec[r + LEFT] = Seq.diff(end, start);
        snapshot(r, nowNs, txInFlight);
        highSent = end;
    }

    /** A retransmission of [start, end): every record it touches takes the new send's snapshot. */
    private void refresh(int start, int end, long nowNs, long txInFlight) {
        if (Seq.le(end, start)) {
            return;
        }
        for (int i = firstEndingAfter(start); i < count; i++) {
            int r = at(i);
            if (Seq.ge(start(r), end)) {
                break;
            }
            if (rec[r + LEFT] > 0) {
                snapshot(r, nowNs, txInFlight);
                // Not lost (a lost retransmission counts as lost again), and resent.
                rec[r + FLAGS] |= RETRANSMITTED;
            }
        }
    }

    private void snapshot(int r, long nowNs, long txInFlight) {
        final long[] a = rec;
        a[r + DELIVERED] = delivered;
        a[r + DELIVERED_TIME] = deliveredTimeNs;
        a[r + FIRST_SENT_TIME] = firstSentTimeNs;
        a[r + SENT_TIME] = nowNs;
        a[r + TX_IN_FLIGHT] = txInFlight;
        a[r + FLAGS] = (lost << LOST_AT_SEND_SHIFT) | (appLimitedUntil != 0 ? APP_LIMITED : 0);
    }

    /** Full ring: the oldest record is folded into the next one, which keeps its own snapshot. */
    private void mergeOldestTwo() {
        int oldest = at(0);
        int next = at(1);
        setStart(next, start(oldest));
        rec[next + LEFT] += rec[oldest + LEFT];
        final long keepLost = (rec[oldest + FLAGS] & LOST) | ~LOST;
        rec[next + FLAGS] = (rec[next + FLAGS] & keepLost) | (rec[oldest + FLAGS] & RETRANSMITTED);
        head = slot(1);
        count--;
    }

    private void retireDelivered() {
        while (count > 0 && rec[(head << SHIFT) + LEFT] == 0) {
            lowWater = end(head << SHIFT);
            head = slot(1);
            count--;
        }
        if (count == 0) {
            lowWater = Seq.max(lowWater, highSent);
        }
    }

    /** Index (0 = oldest) of the first record whose end is after {@code seq}; count if none. */
    private int firstEndingAfter(int seq) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Seq.gt(end(at(mid)), seq)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private int slot(int i) {
        int s = head + i;
        return s >= capacity ? s - capacity : s;
    }

    /** Offset in {@link #rec} of the record {@code i} places after the oldest. */
    private int at(int i) {
        return slot(i) << SHIFT;
    }
}
