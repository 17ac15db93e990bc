package io.jtcp.stack.tcp;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.cc.Cubic;
import io.jtcp.stack.wire.Seq;
import io.jtcp.stack.wire.TcpHeader;
import io.jtcp.stack.wire.TcpOptions;
import org.agrona.DirectBuffer;

/**
 * The sending half of a connection (as {@link TcpReceiver} is the receiving half): the send
 * sequence space (RFC 9293 §3.3.1), the send ring, segmentation with sender SWS avoidance and
 * Nagle (§3.8.6.2.1, §3.7.4), TSO sizing and pacing, {@code transmit}, the ACK field's effect on
 * the sender and the send window (§3.10.7.4), RTT timing (RFC 6298, Karn, RFC 7323 §4.2), the
 * retransmission timeout and its backoff (RFC 6298 §5) and the path-MTU reaction (RFC 1191 §6.3).
 * Its {@link LossRecovery} decides what is lost; its {@link AckSampler} measures each ACK (and
 * keeps the delivery-rate records); its {@link CongestionControl} decides the window; its {@link
 * PersistKeepAlive} probes a zero window (§3.8.6.1) and an idle connection (§3.8.4). It reads the
 * state machine's state and options from {@link Tcb} {@link #t} and reports back through return
 * values (the application may write; a timer gave up).
 */
final class TcpSender {
    final Tcb t;
    final TcpEngine engine;
    final Deadlines timers;

    // ---- send sequence space (RFC 9293 §3.3.1) ----
    int iss;
    int sndUna;
    int sndNxt;
    int sndMax; // highest sequence number sent (sndNxt goes back after a timeout)
    int sndWnd;
    int sndWl1;
    int sndWl2;
    int maxSndWnd;
    int sndWscale;
    int sndMss;
    ByteRing sendRing;
    int sndBufSeq; // sequence number of sendRing.readIndex()
    boolean finQueued; // the application shut its output; FIN follows the data
    boolean wantWritable;
    boolean nagle;

    // ---- RTT, loss recovery, congestion control ----
    final RttEstimator rtt;
    CongestionControl cc;
    final LossRecovery loss;
    final AckSampler sampler; // the controller's per-ACK sample and the delivery-rate records
    final PersistKeepAlive probes; // zero-window probes and keep-alives
    boolean rttTiming;
    int rttSeq;
    long rttStartNs;
    int consecutiveTimeouts;
    // Our TSval when the retransmission timer last fired: an older echo cannot time an ACK (onNewAck).
    private int lastTimeoutTsVal;
    private boolean timedOut; // lastTimeoutTsVal is set
    private long lastSendNs = Long.MIN_VALUE; // when a data segment last left: idle restarts
    private long pacingNextNs = Long.MIN_VALUE; // when the next paced segment may leave

    // ---- statistics ----
    long bytesAcked;
    long retransmits;

    TcpSender(Tcb t, Deadlines timers, ByteRing sendRing) {
        this.t = t;
        this.engine = t.engine;
        this.timers = timers;
        this.sendRing = sendRing;
        this.nagle = engine.config.nagle();
        this.rtt = new RttEstimator(engine.config.initialRtoNs(), engine.config.minRtoNs(), engine.config.maxRtoNs());
        this.cc = newCongestionControl(engine.config.congestionControl());
        this.loss = new LossRecovery(this);
        this.sampler = new AckSampler(this);
        this.probes = new PersistKeepAlive(this);
    }

    /** The send sequence space at an open: ISS chosen, {@code sndNxt} past a SYN already sent. */
    void open(int isn, int sndNxt) {
        iss = isn;
        sndUna = isn;
        this.sndNxt = sndNxt;
        sndMax = sndNxt;
        sndBufSeq = isn + 1;
    }

    long now() {
        return engine.nowNs;
    }

    // ---- the application's writes ----

    private void checkWritable() {
        if (finQueued || sendRing == null || t.state == TcpState.CLOSED) {
            throw new IllegalStateException("connection is closed for writing (" + t.state + ")");
        }
    }

    int write(DirectBuffer src, int offset, int length) {
        checkWritable();
        final int n = sendRing.append(src, offset, length);
        return afterWrite(n, length);
    }

    int write(byte[] src, int offset, int length) {
        checkWritable();
        final int n = sendRing.append(src, offset, length);
        return afterWrite(n, length);
    }

    private int afterWrite(int accepted, int offered) {
        if (accepted < offered) {
            wantWritable = true;
            if (accepted == 0 && sendRing.free() > 0) {
                // Room in the buffer but no storage for it (the budget is spent): with nothing in
                // flight no ACK would ever say "writable" again, so the engine will.
                engine.memory.awaitMemory(t);
            }
        }
        if (accepted > 0 && t.state.isSynchronized()) {
            engine.markDirty(t);
        }
        return accepted;
    }

    int writableBytes() {
        if (sendRing == null || finQueued) {
            return 0;
        }
        final int free = sendRing.free();
        if (free == 0) {
            wantWritable = true; // an application that saw "full" is told when space frees up
        }
        return free;
    }

    /**
     * RFC 1191 §6.3–6.4: segments of the old size were dropped on the way; send smaller ones, and
     * resend what is in flight at the new size at once rather than after an RTO. The congestion
     * state stays (as Linux's tcp_simple_retransmit): the loss was not congestion.
     */
    DropReason onPathMtu(int pathMtu) {
        final int mss = Math.max(pathMtu - 40, 64); // 40: IPv4 + TCP headers; options come out of it
        if (mss >= sndMss) {
            return DropReason.ICMP_PMTU_NOT_LOWER; // never raised by ICMP (RFC 1191 §6.3)
        }
        sndMss = mss;
        cc.onMssChange(mss);
        engine.counters.icmpPathMtuReductions++;
        if (t.state.isSynchronized() && sendRing != null && sndMax != sndUna) {
            sndNxt = sndUna; // go back: output() resends the flight in segments of the new MSS
            loss.onPathMtuReduced();
            engine.markDirty(t);
        }
        return DropReason.NONE;
    }

    /** The configured controller, or CUBIC (RFC 9438, with HyStart++), the default as in Linux. */
    private static CongestionControl newCongestionControl(CongestionControl.Factory factory) {
        return factory == null
                ? new Cubic()
                : java.util.Objects.requireNonNull(factory.create(), () -> factory.name() + " created null");
    }

    /** TcpConnection.congestionControl(Factory): a fresh controller at the current MSS. */
    void replaceCongestionControl(CongestionControl.Factory factory) {
        cc = newCongestionControl(factory != null ? factory : engine.config.congestionControl());
        cc.init(sndMss > 0 ? sndMss : engine.config.mssBytes(), now());
        engine.markDirty(t); // a larger window may let data out now
    }

    void initCongestionControl(int mss, int isn) {
        cc.init(mss, now());
        loss.init(isn);
    }

    void onAckOfSyn(int segAck, long nowNs) {
        if (rttTiming && consecutiveTimeouts == 0) {
            rtt.onSample(nowNs - rttStartNs);
        }
        rttTiming = false;
        sndUna = segAck;
        if (Seq.lt(sndNxt, sndUna)) {
            sndNxt = sndUna;
        }
        consecutiveTimeouts = 0;
        timers.rtx = Deadlines.NONE;
    }

    boolean finAcked() {
        return finQueued && sndUna == finSeq() + 1;
    }

    /** Sequence number our FIN takes (valid once finQueued). */
    private int finSeq() {
        return sndBufSeq + sendRing.size();
    }

    /**
     * SND.UNA moves to {@code segAck}: the ring gives the bytes up, RTT is measured (Karn, or the
     * timestamp echo), loss recovery hears of it. Returns the RTT sample taken, or -1.
     */
    private long onNewAck(int segAck, long nowNs, int tsEcr) {
        final int acked = Seq.diff(segAck, sndUna);
        int dataAcked = acked;
        if (finQueued && Seq.gt(segAck, finSeq())) {
            dataAcked--; // our FIN took one sequence number
        }
        dataAcked = Math.min(dataAcked, sendRing.size());
        sendRing.consume(dataAcked);
        sndBufSeq += dataAcked;
        bytesAcked += dataAcked;
        sndUna = segAck;
        if (Seq.lt(sndNxt, sndUna)) {
            sndNxt = sndUna;
        }
        long sample = -1;
        // Karn (RFC 6298 §3): the timed segment was never retransmitted, else timing was cancelled.
        if (rttTiming && Seq.ge(segAck, rttSeq)) {
            sample = nowNs - rttStartNs;
            rtt.onSample(sample);
            rttTiming = false;
        } else if (tsEcr != 0 && (rtt.backoffCount() > 0 || !rtt.hasSample()) && echoPostdatesRetransmission(tsEcr)) {
            // RFC 7323 §4.2: the echoed timestamp times even a retransmitted segment, so a backed-off
            // RTO recovers with the first ACK after a loss instead of waiting for an untouched
            // segment (what Linux does). Millisecond ticks: the nanosecond sample stays preferred.
            final int ms = t.tsVal() - tsEcr;
            if (ms >= 0 && ms < 600_000) {
                sample = Math.max(ms, 1) * 1_000_000L;
                rtt.onSample(sample);
            }
        }
        consecutiveTimeouts = 0;
        loss.sacked.discardBelow(sendRing.readIndex());
        loss.onNewAck(segAck);
        // RFC 6298 §5.2/§5.3: stop the timer when all is acknowledged, else restart it.
        // While the persist timer runs, it alone probes (else two timers would each send the byte).
        timers.rtx = sndUna == sndMax || timers.persist != Deadlines.NONE ? Deadlines.NONE : nowNs + rtt.rtoNs();
        loss.afterNewAck(nowNs);
        return sample;
    }

    /**
     * Whether an echo can time the ACK it came on. The peer echoes TS.Recent (RFC 7323 §4.3),
     * which a duplicate segment below its RCV.NXT need not move (a receiver that answers it as an
     * old segment echoes the old value): after an RTO whose trigger was a lost ACK, the ACK of the
     * resend may echo the first transmission's TSval, and "now − that" adds every RTO wait to the
     * sample (a 10 ms path gave SRTT 85 ms). Such an echo is as ambiguous as the timed sample Karn
     * forbids (RFC 6298 §3), so only an echo of a segment sent at or after the latest timeout
     * counts; without one the backed-off RTO stays until a valid sample (RFC 6298 §5, the note
     * after (5.7)). Every segment of the go-back after a timeout is at or after it, so their
     * echoes count (the point of timestamps, RFC 7323 §4.2); a second timeout moves the line, so
     * an echo of the first one's resend, whose ACK was lost too, does not. Before any timeout
     * every echo is unambiguous (the first sample after an untimed handshake).
     */
    private boolean echoPostdatesRetransmission(int tsEcr) {
        return !timedOut || tsEcr - lastTimeoutTsVal >= 0; // TSval wraps: compare mod 2³²
    }

    /** The retransmission timer fired: echoes of what was sent before now are ambiguous. */
    private void markTimeout() {
        lastTimeoutTsVal = t.tsVal();
        timedOut = true;
    }

    /** After the controller saw a new ACK: the send buffer may grow; true when the application may write. */
    private boolean afterNewAck(boolean dataAcked) {
        if (wantWritable && !finQueued) {
            growSendBuffer();
        }
        engine.markDirty(t);
        if (dataAcked && wantWritable && !finQueued) {
            wantWritable = false;
            return true;
        }
        return false;
    }

    /**
     * Send-buffer growth (as Linux's {@code tcp_sndbuf_expand}): an application that filled the
     * buffer gets room for twice what the congestion and peer windows let fly, doubling up to
     * {@code StackConfig.sendBufferBytes}, while the memory budget allows.
     */
    private void growSendBuffer() {
        final int capacity = sendRing.capacity();
        final int max = engine.config.sendBufferBytes();
        final long flight = Math.min(cc.cwnd(), Math.max(maxSndWnd, sndMss));
        if (capacity >= max || 2 * flight <= capacity) {
            return;
        }
        int next = capacity * 2;
        while (next < max && next < 2 * flight) {
            next *= 2;
        }
        if (engine.pool.allowGrowth(next - capacity) && sendRing.resize(next)) {
            engine.pool.onGrowth();
        }
    }

    void sendSyn() {
        t.synPending = false;
        final boolean synAck = t.state == TcpState.SYN_RECEIVED;
        final int window = t.rx.synWindow();
        if (synAck) {
            t.rx.rcvAdvEdge = t.rx.rcvNxt + window;
        }
        final boolean offerWscale = !synAck || t.peerOfferedWscale;
        final boolean offerSack = synAck ? t.sackOk : engine.config.sack();
        engine.segments.emitSyn(t, synAck, window, offerWscale, offerSack);
        if (sndMax == iss) {
            // First transmission of the SYN: time it (Karn: a retransmitted SYN is not timed).
            rttTiming = consecutiveTimeouts == 0;
            rttStartNs = now();
            rttSeq = iss + 1;
        }
        sndNxt = iss + 1;
        if (Seq.gt(sndNxt, sndMax)) {
            sndMax = sndNxt;
        }
        t.rx.ackPending = false;
        if (timers.rtx == Deadlines.NONE) {
            timers.rtx = now() + rtt.rtoNs();
        }
    }

    void sendBareAck() {
        engine.segments.emit(t, TcpHeader.ACK, acceptableSeq(), 0, 0);
        t.rx.ackPending = false;
    }

    /**
     * SEQ for a segment that carries no data. After a timeout sndNxt goes back to sndUna, but the
     * peer may already hold data up to sndMax: a bare ACK at sndNxt would then sit below its
     * RCV.NXT, fail the acceptability test (RFC 9293 §3.10.7.4 first step) and be dropped, ACK
     * field and all, on both sides at once. So use the highest sequence sent (RFC 793's SND.NXT,
     * which a retransmission never moves back), kept within the peer's window as Linux's
     * tcp_acceptable_seq() does.
     */
    private int acceptableSeq() {
        final int windowEnd = sndUna + sndWnd;
        return Seq.le(sndMax, windowEnd) ? sndMax : Seq.max(sndNxt, windowEnd);
    }

    /** Segmentation by min(MSS, usable window), PSH at the end of the buffered data, FIN last. */
    void sendData() {
        final long nowNs = now();
        if (!finQueued
                && Seq.diff(sndBufSeq + sendRing.size(), sndNxt) <= 0
                && !Seq.lt(sndNxt, sndMax)
                && !loss.pipeLimited()) {
            // Nothing new, no FIN, no go-back, no lost hole to resend: every flush of a connection
            // that only receives. The loops below would send nothing; only their aftermath stays.
            timers.pacing = Deadlines.NONE;
            afterSending(nowNs);
            return;
        }
        final long window = Math.min(sndWnd, cc.cwnd());
        final long rate = cc.pacingRate();
        // RFC 6691: the MSS excludes options, so SACK blocks on a data segment take payload room.
        final int sackBytes = t.sackOptionBytes();
        final int maxPayload = maxPayload(sndMss - sackBytes, rate);
        timers.pacing = Deadlines.NONE;
        if (sndMax == sndUna && lastSendNs != Long.MIN_VALUE && nowNs - lastSendNs > rtt.rtoNs() && hasUnsent()) {
            // RFC 5681 §4.1 / RFC 7661: the window was not validated while idle; the controller decides.
            cc.onRestartAfterIdle(nowNs, nowNs - lastSendNs);
            lastSendNs = nowNs; // once per idle period, even if nothing may leave yet (zero window)
        }
        // RFC 6675 §5: in recovery with SACK the congestion window limits pipe, not SND.NXT −
        // SND.UNA (SACKed bytes and lost holes are not in the network), and the lost holes go
        // before new data (NextSeg, §4). The peer's window still limits by sequence number.
        final boolean pipeLimited = loss.pipeLimited();
        long inPipe = pipeLimited ? loss.pipe() : 0;
        if (pipeLimited) {
            final long cwnd = cc.cwnd();
            for (int guard = 0; guard < 1 << 16 && cwnd - inPipe >= sndMss; guard++) {
                if (pacingHolds(nowNs, rate)) {
                    break;
                }
                final int len = loss.retransmitLostHole();
                if (len == 0) {
                    break;
                }
                inPipe += len;
                pace(nowNs, len, rate);
            }
        }
        final boolean skipSacked = loss.goBackSkipsSacked();
        for (int guard = 0; guard < 1 << 16; guard++) {
            final int dataEnd = sndBufSeq + sendRing.size();
            int goBackRoom = Integer.MAX_VALUE;
            long heldBelow = 0;
            if (skipSacked && Seq.lt(sndNxt, sndMax)) {
                final long index = sendRing.readIndex() + Seq.diff(sndNxt, sndBufSeq);
                final long skipTo = loss.sacked.skipSacked(index);
                sndNxt += (int) (skipTo - index);
                goBackRoom = (int) Math.min(loss.sacked.nextSackedStart() - skipTo, Integer.MAX_VALUE);
                heldBelow = loss.sacked.sackedBelow(skipTo); // not in flight: the peer has them
            }
            final int unsent = Seq.diff(dataEnd, sndNxt); // -1 once the FIN is out
            final long usable = pipeLimited
                    ? Math.min(cc.cwnd() - inPipe, sndWnd - (long) Seq.diff(sndNxt, sndUna))
                    : Math.min(window - Seq.diff(sndNxt, sndUna) + heldBelow, sndWnd - (long) Seq.diff(sndNxt, sndUna));
            if (unsent > 0) {
                int len = (int) Math.min(Math.min(Math.min(unsent, maxPayload), goBackRoom), Math.max(usable, 0));
                if (len <= 0) {
                    break;
                }
                // Sender-side SWS avoidance (RFC 9293 §3.8.6.2.1): no small window-limited
                // segment while data is in flight.
                if (len < sndMss - sackBytes && len < unsent && sndNxt != sndUna) {
                    break;
                }
                // RFC 9293 §3.7.4 (Nagle): with data unacknowledged, hold back a partial segment
                // of new data; a retransmission (below sndMax after a timeout) always goes.
                if (nagle && len < sndMss - sackBytes && sndMax != sndUna && !Seq.lt(sndNxt, sndMax)) {
                    break;
                }
                if (pacingHolds(nowNs, rate)) {
                    break;
                }
                final boolean last = len == unsent;
                final boolean withFin = last && finQueued;
                int flags = TcpHeader.ACK | (last ? TcpHeader.PSH : 0) | (withFin ? TcpHeader.FIN : 0);
                transmit(nowNs, sndNxt, len, flags);
                sndNxt += len + (withFin ? 1 : 0);
                inPipe += len;
                pace(nowNs, len, rate);
            } else if (unsent == 0 && finQueued) {
                if (pacingHolds(nowNs, rate)) {
                    break;
                }
                transmit(nowNs, sndNxt, 0, TcpHeader.ACK | TcpHeader.FIN);
                sndNxt += 1;
            } else {
                break;
            }
            if (Seq.gt(sndNxt, sndMax)) {
                sndMax = sndNxt;
            }
        }
        afterSending(nowNs);
    }

    /** The timers and samples that follow a {@link #sendData} pass, whatever it sent. */
    private void afterSending(long nowNs) {
        if (timers.pto == Deadlines.NONE) {
            loss.armProbeTimer(nowNs); // after sndMax moved: a lone new segment is a tail too
        }
        sampler.afterSendData();
        probes.armPersistOnZeroWindow(nowNs);
    }

    /**
     * Payload bytes of one segment: one MSS, or with TSO many (the device cuts it into pieces of at
     * most sndMss). Paced, a super-segment carries about 1 ms at the pacing rate and at least one
     * MSS (as Linux's tcp_tso_autosize), so pacing stays smooth at low rates.
     */
    private int maxPayload(int segmentPayload, long rate) {
        final int tso = engine.device.tsoSegmentBytes();
        if (tso <= sndMss) {
            return segmentPayload;
        }
        int segments = tso / sndMss;
        if (rate > 0) {
            segments = (int) Math.max(1, Math.min(segments, rate / 1000 / sndMss));
        }
        return segments * segmentPayload;
    }

    /**
     * Pacing (sans-I/O): the next segment may leave {@code len}·10⁹/rate ns after this one, or after
     * now when the connection fell behind (an idle sender does not save up credit).
     */
    private void pace(long nowNs, int len, long rate) {
        if (rate > 0) {
            final long from = pacingNextNs == Long.MIN_VALUE || pacingNextNs - nowNs < 0 ? nowNs : pacingNextNs;
            pacingNextNs = from + Math.max(len, 1) * 1_000_000_000L / rate;
        }
    }

    /** Paced, and the next departure time has not come: the pacing timer will let it out. */
    private boolean pacingHolds(long nowNs, long rate) {
        if (rate > 0 && pacingNextNs != Long.MIN_VALUE && nowNs - pacingNextNs < 0) {
            timers.pacing = pacingNextNs;
            return true;
        }
        return false;
    }

    /** The pacing deadline came: the next segment may go (the flush sends it). */
    void onPacingTimer() {
        timers.pacing = Deadlines.NONE;
        engine.markDirty(t);
    }

    boolean hasUnsent() {
        return Seq.diff(sndBufSeq + sendRing.size(), sndNxt) > 0
                || finQueued && Seq.diff(sndBufSeq + sendRing.size(), sndNxt) == 0;
    }

    /** Sends [seq, seq+len) from the send ring, plus FIN if flagged; bookkeeping for RTT and RTO. */
    void transmit(long nowNs, int seq, int len, int flags) {
        final boolean retransmission = Seq.lt(seq, sndMax);
        if (retransmission) {
            retransmits++;
            engine.counters.tcpRetransmits++;
            loss.onRetransmitted(nowNs);
            if (rttTiming && Seq.gt(rttSeq, seq)) {
                rttTiming = false; // Karn: the timed segment may be this one
            }
        } else if (!rttTiming && len > 0) {
            rttTiming = true;
            rttSeq = seq + len;
            rttStartNs = nowNs;
        }
        if (len > 0) {
            sampler.onSend(seq, len, nowNs); // before it leaves: the record snapshots the flight without it
            loss.onSent(seq, len, nowNs);
        }
        engine.segments.emit(t, flags, seq, len, Seq.diff(seq, sndBufSeq));
        t.rx.ackPending = false;
        if (timers.rtx == Deadlines.NONE) {
            timers.rtx = nowNs + rtt.rtoNs(); // RFC 6298 §5.1
        }
        final int seqLen = len + ((flags & TcpHeader.FIN) != 0 ? 1 : 0);
        lastSendNs = nowNs;
        cc.onPacketSent(nowNs, seqLen, Seq.diff(Seq.max(sndMax, seq + seqLen), sndUna), retransmission);
    }

    /** Loss recovery marked [start, end) lost: {@link AckSampler#markLost}. */
    void markLost(int start, int end, boolean all) {
        sampler.markLost(start, end, all);
    }

    /**
     * Adds the peer's SACK blocks (RFC 2018) that lie within data in flight to the scoreboard.
     * Returns true when the segment carried any valid block.
     */
    boolean recordSack(TcpOptions opts) {
        if (!t.sackOk || opts.sackBlockCount() == 0 || sendRing == null) {
            return false;
        }
        return loss.sacked.record(opts, sndUna, sndMax, sndBufSeq + sendRing.size(), sendRing.readIndex(), sndBufSeq);
    }

    /** Whether an ICMP error quoting {@code seq} is about a segment in flight (RFC 5927 §4.1). */
    boolean icmpSeqInFlight(int seq) {
        return Seq.le(sndUna, seq) && Seq.lt(seq, sndMax);
    }

    /**
     * The ACK field of an acceptable segment in a synchronized state past the RFC 5961 §5.2 checks
     * (RFC 9293 §3.10.7.4 "fifth"): SACK blocks, loss detection, the new or duplicate ACK, the
     * controller's sample, then the send window. Returns true when the application may write
     * again.
     */
    boolean onAck(TcpHeader seg, TcpOptions opts, int seq, int segAck, int payloadLength, boolean fin) {
        probes.persistProbesUnanswered = 0; // the peer is alive: a zero window may stay closed for ever
        final long nowNs = now();
        final int newWnd = seg.window() << sndWscale;
        if (sndMax == sndUna && segAck == sndUna && opts.sackBlockCount() == 0 && !loss.tlpRetransmittedPending()) {
            // Nothing in flight, nothing acknowledged, no SACK blocks: the ACK field of every
            // segment a receive-only connection gets. The SACK, D-SACK, duplicate and sample steps
            // below find nothing to do; RACK and the window update remain.
            loss.detectLostByRack(nowNs);
            updateSendWindow(seq, segAck, newWnd);
            return false;
        }
        final long sackedBefore = loss.sacked.isEmpty() ? 0 : loss.sacked.sackedBytes();
        final long flightBefore = Math.max(Seq.diff(sndMax, sndUna) - sackedBefore, 0);
        final long dataAckedBefore = bytesAcked;
        if (t.sackOk) {
            final boolean dsack = LossRecovery.isDsack(opts, segAck);
            loss.onAckForTailLossProbe(segAck, dsack);
            if (dsack) {
                loss.onDsack(opts.sackLeft(0), opts.sackRight(0));
            }
        }
        final boolean newSack = recordSack(opts);
        loss.onSackDelivered(opts, nowNs);
        final long newlySacked = Math.max(loss.sacked.sackedBytes() - sackedBefore, 0);
        if (newSack && sampler.deliveryRate != null) {
            sampler.sackDelivered(opts, nowNs);
        }
        loss.onSackEvidence(segAck, newSack, newWnd);
        int acked = 0;
        long rttSample = -1;
        boolean duplicate = false;
        int holeBytes = 0;
        if (Seq.gt(segAck, sndUna)) {
            acked = Seq.diff(segAck, sndUna);
            rttSample = onNewAck(segAck, nowNs, t.tsOk && opts.hasTimestamps() ? opts.tsEcr() : 0);
        } else if (segAck == sndUna
                && payloadLength == 0
                && !fin
                && sndMax != sndUna
                && newWnd != 0 // a zero window answers a probe; nothing is lost, nothing may be sent
                && (newWnd == sndWnd || t.sackOk && opts.sackBlockCount() > 0)) {
            // RFC 5681 §2 duplicate ACK. With SACK the blocks are the signal (RFC 6675 §2): Linux's
            // receive-buffer autotuning changes the window on nearly every ACK, and a strict
            // "window unchanged" test would never count a duplicate against it.
            duplicate = true;
            holeBytes = loss.onDupAck(t.sackOk && opts.sackBlockCount() > 0);
            engine.markDirty(t); // inflation may let new data out
        }
        loss.detectLostByRack(nowNs);
        if (acked > 0 || duplicate || sndMax != sndUna) {
            // With nothing in flight and nothing acknowledged an ACK tells the controller nothing
            // (Linux's tcp_ack skips congestion control there too): the receive path stays lean.
            sampler.onAckProcessed(nowNs, acked, newlySacked, duplicate, rttSample, flightBefore, holeBytes);
        }
        final boolean writable = acked > 0 && afterNewAck(bytesAcked != dataAckedBefore);
        updateSendWindow(seq, segAck, newWnd);
        return writable;
    }

    /** RFC 9293 §3.10.7.4: update the send window from the newest segment only. */
    private void updateSendWindow(int seq, int segAck, int newWnd) {
        if (Seq.le(sndUna, segAck) && (Seq.lt(sndWl1, seq) || (sndWl1 == seq && Seq.le(sndWl2, segAck)))) {
            final boolean opened = sndWnd == 0 && newWnd > 0;
            sndWnd = newWnd;
            sndWl1 = seq;
            sndWl2 = segAck;
            maxSndWnd = Math.max(maxSndWnd, sndWnd);
            if (opened) {
                timers.persist = Deadlines.NONE;
                probes.persistBackoffNs = 0;
                engine.markDirty(t);
            } else if (sndWnd == 0) {
                timers.pto = Deadlines.NONE; // no tail loss probe into a closed window
            }
        }
    }

    /**
     * The retransmission timer fired in SYN_SENT or SYN_RECEIVED (RFC 6298 §5.5 backoff; RFC 9293
     * §3.8.1 for the SYN). Returns true when the retries are spent: the open fails.
     */
    boolean onSynTimeout(long nowNs) {
        consecutiveTimeouts++;
        rttTiming = false;
        markTimeout();
        // After the increment: the engine shortens SYN-ACK retries under pressure by this count.
        final int limit = t.passiveOpen ? engine.synAckRetries(t) : engine.config.synRetries();
        if (consecutiveTimeouts > limit) {
            return true;
        }
        rtt.backOff();
        retransmits++;
        engine.counters.tcpRetransmits++;
        timers.rtx = nowNs + rtt.rtoNs();
        return false;
    }

    /**
     * RFC 6298 §5.4–5.7, RFC 5681 §3.1 in a synchronized state: loss recovery presumes the flight
     * lost and the sender goes back to SND.UNA. Returns true when the data retries are spent (a RST
     * went out): the connection times out.
     */
    boolean onRetransmissionTimeout(long nowNs) {
        consecutiveTimeouts++;
        rttTiming = false;
        if (sndUna == sndMax) {
            return false; // nothing outstanding
        }
        markTimeout();
        if (sndWnd == 0 && sendRing != null && Seq.diff(sndBufSeq + sendRing.size(), sndUna) > 0) {
            // The peer shrank its window to zero with data in flight (Linux's "receiver dastardly
            // shrinks window"): nothing may be resent but a probe, so the persist timer takes over,
            // and the connection lives as long as the peer answers (RFC 1122 §4.2.2.17). A lone
            // FIN needs no window and is retransmitted as usual below.
            consecutiveTimeouts--;
            engine.counters.tcpTimeouts++;
            loss.onRetransmissionTimeout(nowNs);
            sndNxt = sndUna;
            probes.persistBackoffNs = Math.max(probes.persistBackoffNs, rtt.rtoNs());
            return probes.sendZeroWindowProbe(nowNs);
        }
        if (consecutiveTimeouts > engine.config.dataRetries()) {
            // RFC 5961 §3.2: only SEQ = the peer's RCV.NXT resets it; that is sndMax if all arrived.
            engine.segments.sendRst(t.localAddr, t.localPort, t.remoteAddr, t.remotePort, sndMax, 0, false);
            return true;
        }
        engine.counters.tcpTimeouts++;
        loss.onRetransmissionTimeout(nowNs);
        rtt.backOff();
        sndNxt = sndUna; // go back: resend from the first unacknowledged byte, one segment at first
        timers.rtx = nowNs + rtt.rtoNs();
        engine.markDirty(t);
        return false;
    }
}
