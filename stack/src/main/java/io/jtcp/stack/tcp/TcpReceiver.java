package io.jtcp.stack.tcp;

import io.jtcp.stack.StackConfig;
import io.jtcp.stack.wire.Seq;
import io.jtcp.stack.wire.TcpOptions;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The receiving half of a connection (CS144's "receiver"): the receive sequence space (RFC 9293
 * §3.3.1, fields named as there), the receive ring and the reassembly of out-of-order text, the
 * window we advertise, and the ACKs we owe (when, and with which SACK blocks).
 *
 * <p>It knows nothing of the connection's state: {@link Tcb} runs the state machine, decides
 * which text reaches this class (the acceptability test and trimming stay there, because
 * §3.10.7.4 checks RST, SYN and the ACK field between them and the text), and learns what
 * happened from return values. It sends nothing either: the ACK-generation flags tell the
 * sender what the next segment has to carry.
 */
final class TcpReceiver {
    /** {@link #receive} could not keep an out-of-order segment: all reassembly ranges are in use. */
    static final int REASSEMBLY_FULL = -1;
    /** {@link #read}: nothing is buffered. */
    static final int NOTHING_BUFFERED = -1;
    /** {@link #receive} found no storage for the text: the memory budget is spent. */
    static final int NO_MEMORY = -2;

    private static final int MAX_OOO_RANGES = 32;
    /**
     * With SACK the out-of-order ranges double up to this many while the ring has 2 KiB per range
     * (a segment lost and one kept per range), so a slow-start overshoot that loses every other
     * segment of a large window keeps what arrived and SACKs it, instead of dropping all above the
     * 32nd gap. Memory stays within 1/64 of the ring.
     */
    private static final int MAX_SACK_OOO_RANGES = 4096;

    private static final int PRESSURE_WINDOW_SEGMENTS = 4;

    private final StackConfig config;
    private final BufferPool pool;

    // ---- receive sequence space (RFC 9293 §3.3.1) ----
    int irs;
    int rcvNxt;
    int rcvAdvEdge; // right edge of the window we advertised (never moves left)
    int rcvWscale; // RFC 7323 §2.2 Rcv.Wind.Shift, from the ring's size; 0 unless both SYNs offered it
    int tsRecent; // RFC 7323 §4.3 TS.Recent
    int lastAckSent; // RFC 7323 §4.3 Last.ACK.sent

    // ---- buffered text ----
    ByteRing recvRing; // null once given back to the engine's pool
    final Reassembler reassembler = new Reassembler(MAX_OOO_RANGES);
    boolean sackRanges; // SACK is in use: the reassembler may grow (MAX_SACK_OOO_RANGES)
    long lastOooIndex; // ring index of the most recent out-of-order segment (first SACK block)
    private boolean dsackPending; // RFC 2883: the next ACK reports [dsackLeft, dsackRight) first
    private int dsackLeft;
    private int dsackRight;
    boolean peerFinPending; // FIN seen beyond a hole
    int peerFinSeq;
    boolean peerClosed;
    boolean appClosed; // close() called: received data is discarded
    long bytesReceived;

    // ---- receive-buffer autotuning (dynamic right-sizing) ----
    private long appBytesRead; // bytes the application took, in total
    private long tuneMark; // appBytesRead when the current measurement began
    private long tuneStartNs = Long.MIN_VALUE; // when it began

    // ---- ACK generation ----
    boolean ackPending;
    boolean ackNow; // RFC 5681 §4.2: out-of-order or gap-filling data is ACKed at once, not per batch
    boolean delayedAckPending; // in-order data whose ACK may wait (RFC 5681 §4.2)
    int unackedBytes; // in-order bytes received since our last ACK
    private int fullSegment; // the peer's full-sized segment as seen so far (RFC 5681 §4.2)
    private final Deadlines timers; // the connection's: this half owns timers.delayedAck

    TcpReceiver(StackConfig config, BufferPool pool, ByteRing recvRing, Deadlines timers) {
        this.config = config;
        this.timers = timers;
        this.pool = pool;
        this.recvRing = recvRing;
        // From the configured maximum, not the ring: the buffer grows after the SYNs, and a
        // passive open gets its ring only once established, yet offers its scale on the SYN-ACK.
        final int cap = config.receiveBufferBytes();
        int shift = 0;
        while ((cap >> shift) > 65_535 && shift < TcpOptions.MAX_WSCALE) {
            shift++;
        }
        this.rcvWscale = shift;
    }

    /** The peer's SYN: its sequence number is IRS, the next byte expected follows it. */
    void onSyn(int segSeq) {
        irs = segSeq;
        rcvNxt = irs + 1;
    }

    /** The window a SYN or SYN-ACK carries: never scaled (RFC 7323 §2.2). */
    int synWindow() {
        return Math.min(recvRing != null ? recvRing.free() : config.initialReceiveBufferBytes(), 65_535);
    }

    /** RCV.WND: what is left of the window we advertised. */
    int rcvWnd() {
        return Seq.diff(rcvAdvEdge, rcvNxt);
    }

    // =====================================================================================
    // Segment text (RFC 9293 §3.10.7.4 "seventh" and "eighth")
    // =====================================================================================

    /** True when text ending at {@code segEnd} lies past a FIN we already saw. */
    boolean beyondPeerFin(int segEnd) {
        return peerClosed || peerFinPending && Seq.gt(segEnd, peerFinSeq);
    }

    /**
     * Places trimmed, in-window text starting at {@code seq} into the ring: in order it is
     * delivered (with whatever it joins in the reassembler), beyond a hole it waits there.
     *
     * @param maxSegment the most text a segment from the peer can carry: the MSS we advertised
     *     less the options every segment carries
     * @return bytes newly readable by the application (0 when queued out of order, or discarded
     *     after close()), or {@link #REASSEMBLY_FULL} when the segment could not be kept
     */
    int receive(DirectBuffer src, int seq, int payloadOffset, int payloadLength, int maxSegment) {
        // RFC 5681 §4.2: ACK at least every second full-sized segment; in-order data with no
        // gap pending may wait for the delayed-ACK timer, anything else is ACKed at once.
        // Full-sized is what the peer really sends per segment (with timestamps 1448 bytes at
        // MSS 1460; less on a narrower path or with SACK blocks): the largest in-order text seen,
        // capped at what our MSS allows, as Linux estimates it. More than one such segment's
        // worth unacknowledged is a second segment.
        if (config.delayedAckNs() > 0 && seq == rcvNxt && reassembler.isEmpty()) {
            if (payloadLength > fullSegment) {
                fullSegment = Math.min(payloadLength, maxSegment);
            }
            unackedBytes += payloadLength;
            if (unackedBytes > fullSegment) {
                ackPending = true;
            } else {
                delayedAckPending = true;
            }
        } else {
            ackPending = true; // out of order → immediate duplicate ACK below (ackNow)
        }
        final int offset = Seq.diff(seq, rcvNxt);
        final long base = recvRing.writeIndex();
        if (!recvRing.attach()) {
            ackPending = true; // tell the peer where we are; it resends (our window stands)
            return NO_MEMORY;
        }
        if (offset == 0) {
            recvRing.copyIn(base, src, payloadOffset, payloadLength);
            ackNow |= !reassembler.isEmpty(); // fills (part of) a gap
            final long edge = reassembler.advance(base + payloadLength);
            final int delivered = (int) (edge - base);
            recvRing.commit(delivered);
            rcvNxt += delivered;
            bytesReceived += delivered;
            if (appClosed) {
                recvRing.consume(recvRing.size());
                return 0;
            }
            return delivered;
        }
        final int capacity = reassembler.capacity();
        if (sackRanges
                && reassembler.rangeCount() == capacity
                && capacity < MAX_SACK_OOO_RANGES
                && recvRing.capacity() / 1024 >= 2L * 2 * capacity) {
            reassembler.growTo(2 * capacity);
        }
        final long start = base + offset;
        final long end = start + payloadLength;
        final int held = sackRanges ? reassembler.firstOverlapping(start, end) : -1;
        if (held >= 0) {
            // RFC 2883 §4.1.2: text above RCV.NXT that is already held arrived again; the D-SACK
            // names the duplicated part, and the block after it (lastOooIndex below) the range
            // that holds it, so the sender can tell it from a new SACK.
            onDuplicateText(
                    rcvNxt + (int) (Math.max(start, reassembler.start(held)) - base),
                    rcvNxt + (int) (Math.min(end, reassembler.end(held)) - base));
        }
        if (reassembler.add(start, end)) {
            recvRing.copyIn(start, src, payloadOffset, payloadLength);
            lastOooIndex = start;
            ackNow = true; // a duplicate ACK the sender counts toward fast retransmit
            return 0;
        }
        return REASSEMBLY_FULL;
    }

    /** The peer's FIN takes sequence number {@code finSeq}; it counts once the text before it is in. */
    void receiveFin(int finSeq) {
        peerFinPending = true;
        peerFinSeq = finSeq;
        ackPending = true;
    }

    /**
     * True once, when the peer's FIN is next in sequence: it takes its sequence number and the
     * peer's stream ends here (the connection then changes state, RFC 9293 §3.10.7.4 "eighth").
     */
    boolean takePeerFin() {
        if (!peerFinPending || rcvNxt != peerFinSeq) {
            return false;
        }
        peerFinPending = false;
        peerClosed = true;
        rcvNxt += 1;
        ackPending = true;
        return true;
    }

    // =====================================================================================
    // ACK generation: delayed ACK, window, SACK blocks
    // =====================================================================================

    /**
     * RFC 2883 §4: text at or below RCV.NXT (§4.1.1), or above it and already held (§4.1.2),
     * arrived again; the next ACK reports it as the first SACK block (a D-SACK), which tells the
     * sender its retransmission was unnecessary. Only the
     * latest duplicate is kept: a D-SACK is reported once, and losing one costs only an undo.
     */
    void onDuplicateText(int left, int right) {
        if (sackRanges && Seq.lt(left, right)) {
            dsackPending = true;
            dsackLeft = left;
            dsackRight = right;
        }
    }

    /** Every segment we send carries the ACK field: nothing is owed after it. */
    void onAckSent() {
        dsackPending = false;
        lastAckSent = rcvNxt;
        delayedAckPending = false;
        unackedBytes = 0;
        timers.delayedAck = Deadlines.NONE;
    }

    /** An ACK that may wait starts the delayed-ACK timer, unless it runs already. */
    void armDelayedAck(long nowNs) {
        if (delayedAckPending && timers.delayedAck == Deadlines.NONE) {
            timers.delayedAck = nowNs + config.delayedAckNs();
        }
    }

    /** The delayed-ACK timer fired. Returns true when it turned a waiting ACK into one owed now. */
    boolean onDelayedAckTimer() {
        timers.delayedAck = Deadlines.NONE;
        if (delayedAckPending) {
            ackPending = true;
            return true;
        }
        return false;
    }

    /**
     * The window field for an outgoing segment; moves the advertised edge per receiver SWS
     * avoidance, whose threshold is the peer's segment size {@code sndMss} (Eff.snd.MSS).
     */
    int windowField(int sndMss) {
        if (recvRing != null) {
            int free = appClosed ? recvRing.capacity() : recvRing.free();
            if (pool.underPressure()) {
                // Shrink the window (never its right edge, RFC 9293 §3.8.6.2.2 / RFC 7323 §2.4):
                // promise four segments until memory frees up, as Linux clamps the window to
                // 4·advmss under tcp_memory_pressure.
                free = Math.min(free, PRESSURE_WINDOW_SEGMENTS * config.mssBytes());
            }
            final int candidate = rcvNxt + Math.min((free >>> rcvWscale) << rcvWscale, 65_535 << rcvWscale);
            // RFC 9293 §3.8.6.2.2: move the right edge only by at least min(buffer/2, MSS).
            final int threshold = Math.min(recvRing.capacity() / 2, sndMss);
            if (Seq.gt(candidate, rcvAdvEdge) && Seq.diff(candidate, rcvAdvEdge) >= threshold) {
                rcvAdvEdge = candidate;
            } else if (Seq.lt(rcvAdvEdge, rcvNxt)) {
                rcvAdvEdge = rcvNxt;
            }
        }
        final int wnd = Math.max(rcvWnd(), 0);
        // Rounded down (as Linux does): the peer's view of the right edge never passes ours, so it
        // never sends bytes we must trim. RFC 7323 §2.4 accepts the apparent shrink of < 2^shift.
        return Math.min(wnd >>> rcvWscale, 65_535);
    }

    /**
     * After the application read: true when enough space freed up to be worth a window update
     * (RFC 9293 §3.8.6.2.2), with the same threshold as {@link #windowField}.
     */
    boolean windowUpdateDue(int sndMss) {
        final int advertised = rcvWnd();
        // What windowField() could advertise: free space, but never beyond 65535 << scale (an
        // "update" past that cap repeats the same window: a duplicate ACK, RFC 5681 §2).
        final int free = (int) Math.min(recvRing.free(), 65_535L << rcvWscale);
        final int threshold = Math.min(recvRing.capacity() / 2, sndMss);
        return free - advertised >= threshold && free >= 2 * advertised;
    }

    /** SACK blocks the next segment would carry, at most {@code maxBlocks}. */
    int sackBlockCount(int maxBlocks) {
        final int ranges = recvRing != null ? reassembler.rangeCount() : 0;
        return Math.min(ranges + (dsackPending ? 1 : 0), maxBlocks);
    }

    /**
     * Fills {@code edges} with at most {@code maxBlocks} SACK blocks (left, right pairs in sequence
     * space) and returns their count. RFC 2018 §4: the first block holds the most recently
     * received segment; the others follow in ascending order.
     */
    int sackBlocks(int[] edges, int maxBlocks) {
        int n = 0;
        if (dsackPending && maxBlocks > 0) {
            edges[0] = dsackLeft; // RFC 2883 §4 (1): the D-SACK block comes first
            edges[1] = dsackRight;
            n++;
        }
        final int ranges = recvRing != null ? reassembler.rangeCount() : 0;
        if (ranges == 0 || n >= maxBlocks) {
            return n;
        }
        final long base = recvRing.writeIndex();
        int first = 0;
        for (int i = 0; i < ranges; i++) {
            if (reassembler.start(i) <= lastOooIndex && lastOooIndex < reassembler.end(i)) {
                first = i;
                break;
            }
        }
        edges[2 * n] = rcvNxt + (int) (reassembler.start(first) - base);
        edges[2 * n + 1] = rcvNxt + (int) (reassembler.end(first) - base);
        n++;
        for (int i = 0; i < ranges && n < maxBlocks; i++) {
            if (i != first) {
                edges[2 * n] = rcvNxt + (int) (reassembler.start(i) - base);
                edges[2 * n + 1] = rcvNxt + (int) (reassembler.end(i) - base);
                n++;
            }
        }
        return n;
    }

    // =====================================================================================
    // The application's side
    // =====================================================================================

    /** Copies up to {@code length} buffered bytes out: their count, or {@link #NOTHING_BUFFERED}. */
    int read(MutableDirectBuffer dst, int offset, int length) {
        final ByteRing ring = recvRing;
        if (ring == null || ring.size() == 0) {
            return NOTHING_BUFFERED;
        }
        final int n = Math.min(length, ring.size());
        ring.copyOut(ring.readIndex(), dst, offset, n);
        ring.consume(n);
        tookBytes(n);
        return n;
    }

    /** As {@link #read(MutableDirectBuffer, int, int)}, into an array. */
    int read(byte[] dst, int offset, int length) {
        final ByteRing ring = recvRing;
        if (ring == null || ring.size() == 0) {
            return NOTHING_BUFFERED;
        }
        final int n = Math.min(length, ring.size());
        ring.copyOut(ring.readIndex(), dst, offset, n);
        ring.consume(n);
        tookBytes(n);
        return n;
    }

    /**
     * Hands buffered bytes to {@code reader} in place: the run up to the ring's end, then (if it
     * took all of that) the run from the ring's start. Returns the bytes consumed, or {@link
     * #NOTHING_BUFFERED}.
     */
    int read(TcpReader reader) {
        final ByteRing ring = recvRing;
        if (ring == null || ring.size() == 0) {
            return NOTHING_BUFFERED;
        }
        int total = 0;
        for (int piece = 0; piece < 2 && ring.size() > 0; piece++) {
            final int length = ring.contiguousReadable();
            final int taken = reader.onBytes(ring.buffer(), ring.readPosition(), length);
            if (taken < 0 || taken > length) {
                throw new IllegalArgumentException("reader consumed " + taken + " of " + length + " bytes");
            }
            if (recvRing != ring || appClosed) {
                return total + taken; // closed from inside the callback: the ring was emptied already
            }
            ring.consume(taken);
            total += taken;
            if (taken < length) {
                break;
            }
        }
        tookBytes(total);
        return total;
    }

    /** Discards up to {@code length} buffered bytes: their count, or {@link #NOTHING_BUFFERED}. */
    int skip(int length) {
        final ByteRing ring = recvRing;
        if (ring == null || ring.size() == 0) {
            return NOTHING_BUFFERED;
        }
        final int n = Math.min(Math.max(length, 0), ring.size());
        ring.consume(n);
        tookBytes(n);
        return n;
    }

    private void tookBytes(int n) {
        appBytesRead += n;
    }

    /**
     * Receive-buffer autotuning after the application read, as Linux's dynamic right-sizing
     * ({@code tcp_rcv_space_adjust}): once per round trip, count what the application took; when
     * that was at least 3/4 of the buffer, the window was what held the sender back, so the buffer
     * (and the window) doubles, up to {@code StackConfig.receiveBufferBytes}, while the budget
     * allows. A slow reader never grows it. A measurement older than two round trips (an idle
     * spell) is restarted rather than judged.
     */
    void autotune(long nowNs, long rttNs) {
        final ByteRing ring = recvRing;
        if (ring == null) {
            return;
        }
        final long rtt = Math.max(rttNs, 1_000_000L);
        final long elapsed = nowNs - tuneStartNs;
        if (tuneStartNs != Long.MIN_VALUE && elapsed >= 0 && elapsed < rtt) {
            return;
        }
        final long taken = appBytesRead - tuneMark;
        final boolean judged = tuneStartNs != Long.MIN_VALUE && elapsed >= 0 && elapsed <= 2 * rtt;
        tuneStartNs = nowNs;
        tuneMark = appBytesRead;
        final int capacity = ring.capacity();
        if (!judged || taken * 4 < 3L * capacity || appClosed || capacity >= config.receiveBufferBytes()) {
            return;
        }
        if (pool.allowGrowth(capacity) && ring.resize(capacity * 2)) {
            pool.onGrowth();
        }
    }

    /**
     * Gives the ring's storage back when nothing is stored in it (no unread bytes, no parked
     * out-of-order text); under memory pressure the buffer also shrinks back towards its starting
     * size, though never below the window already promised.
     */
    void releaseIfDrained() {
        final ByteRing ring = recvRing;
        if (ring == null || !ring.attached() || ring.size() != 0 || !reassembler.isEmpty()) {
            return;
        }
        if (pool.underPressure()) {
            // Storage is taken at the capacity: keep it to what the window promised (or will).
            final int promised = Math.max(Math.max(rcvWnd(), PRESSURE_WINDOW_SEGMENTS * config.mssBytes()), 1024);
            final int size = Integer.highestOneBit(promised - 1) << 1;
            if (size < ring.capacity()) {
                ring.resize(size);
            }
        }
        ring.detach();
    }

    int readableBytes() {
        return recvRing == null ? 0 : recvRing.size();
    }

    /** The application closed: what it has not read, and whatever arrives from now on, is discarded. */
    void close() {
        appClosed = true;
        if (recvRing != null) {
            recvRing.consume(recvRing.size());
        }
    }
}
