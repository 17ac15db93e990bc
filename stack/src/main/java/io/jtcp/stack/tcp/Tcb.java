package io.jtcp.stack.tcp;

import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.wire.Seq;
import io.jtcp.stack.wire.TcpHeader;
import io.jtcp.stack.wire.TcpOptions;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Transmission control block: one connection's state (RFC 9293 §3.3.1, fields named as there),
 * the dispatch of its events (segment arrival by state, timers, output) and the application's
 * {@link TcpConnection} calls. The halves and jobs it holds together: {@link TcpSender} {@link #tx}
 * (send sequence space, segmentation, retransmission, congestion control), {@link TcpReceiver}
 * {@link #rx} (receive sequence space, reassembly, window, ACK and SACK generation), {@link
 * SegmentArrival} (the §3.10.7 rules per state), {@link Opening} (the SYNs' negotiation).
 *
 * <p>Input is processed completely before the application hears about it: handler callbacks are
 * queued as event bits and delivered by {@link FlushList#deliverEvents} afterwards, so a handler
 * that writes or closes from inside a callback never re-enters half-done segment processing.
 * Output is produced by {@link #output()} when the engine flushes.
 */
final class Tcb implements TcpConnection {
    static final int EV_CONNECTED = 1;
    static final int EV_READABLE = 2;
    static final int EV_WRITABLE = 4;
    static final int EV_PEER_CLOSED = 8;
    static final int EV_CLOSED = 16;

    static final int MAX_SACK_BLOCKS = 4; // 4·8 + 4 = 36 of the 40 option bytes (3 with timestamps)
    static final int TIMESTAMP_OPTION_BYTES = 12; // NOP NOP kind len TSval TSecr

    final TcpEngine engine;
    final long key;
    final int localAddr;
    final int localPort;
    final int remoteAddr;
    final int remotePort;
    TcpState state = TcpState.CLOSED;
    final boolean passiveOpen;
    TcpListener listener;
    boolean listenerCounted; // counted in the engine's per-listener limit
    boolean awaitingMemory; // a write found no buffer storage; told when some frees up
    private TcpHandler handler;
    private Object attachment;

    boolean synPending; // (re)send SYN or SYN-ACK at the next flush
    final TcpSender tx; // the sending half
    // ---- blind attacks: when this connection last answered an unacceptable segment (AckRateLimiter) ----
    long lastInvalidAckNs;
    boolean invalidAckSent;

    // ---- receiving half, and the options both halves follow ----
    final TcpReceiver rx;
    boolean peerOfferedWscale;
    boolean sackOk; // RFC 2018: both SYNs carried SACK-permitted
    boolean tsOk; // RFC 7323 §3.2: both SYNs carried timestamps
    int tsOffset; // RFC 7323 §5.4: the keyed offset of our TSval clock, one per address pair

    // ---- timers ----
    final Deadlines timers = new Deadlines();
    long wakeupNs = Long.MAX_VALUE;
    int heapIndex = -1;
    int twSlot = -1; // ≥ 0: handed over to this TIME_WAIT record, of generation twGen
    int twGen;

    // ---- flush list and events ----
    boolean dirty;
    Tcb nextDirty;
    int events;
    CloseReason closeReason;
    boolean closeReported;

    // ---- ICMP errors and path MTU (RFC 1122 §4.2.3.9, RFC 1191) ----
    int lastIcmpError = -1;
    long icmpErrors;

    Tcb(TcpEngine engine, long key, int localAddr, int localPort, int remoteAddr, int remotePort, boolean passive) {
        this.engine = engine;
        this.key = key;
        this.localAddr = localAddr;
        this.localPort = localPort;
        this.remoteAddr = remoteAddr;
        this.remotePort = remotePort;
        this.passiveOpen = passive;
        // A passive open takes its buffers only when the handshake completes (takeBuffers), so a
        // SYN flood costs small half-open TCBs, not megabytes of rings each.
        this.tx = new TcpSender(this, timers, passive ? null : engine.memory.newSendRing());
        this.rx = new TcpReceiver(engine.config, engine.pool, passive ? null : engine.memory.newRecvRing(), timers);
    }

    /** The handshake completed on a passive open: now the connection needs its rings. */
    void takeBuffers() {
        if (tx.sendRing == null) {
            tx.sendRing = engine.memory.newSendRing();
        }
        if (rx.recvRing == null) {
            rx.recvRing = engine.memory.newRecvRing();
        }
    }

    // =====================================================================================
    // Input (RFC 9293 §3.10.7)
    // =====================================================================================

    /** A segment for this connection; the engine has validated it and parsed its options. */
    void onSegment(TcpHeader seg, TcpOptions opts) {
        tx.probes.onSegmentArrived(now());
        engine.arrival.onSegment(this, seg, opts);
        if (rx.ackNow) {
            rx.ackNow = false;
            if (rx.ackPending && state != TcpState.CLOSED && !synPending) {
                tx.sendBareAck();
            }
        }
        engine.rearm(this);
        if (rx.ackPending || synPending || rx.delayedAckPending) {
            engine.markDirty(this);
        }
    }

    void enterTimeWait() {
        setState(TcpState.TIME_WAIT);
        timers.rtx = Deadlines.NONE;
        timers.persist = Deadlines.NONE;
        timers.keepAlive = Deadlines.NONE;
        timers.pto = Deadlines.NONE;
        timers.rack = Deadlines.NONE;
        timers.delayedAck = Deadlines.NONE;
        timers.timeWait = now() + 2 * engine.config.mslNs();
        reportClosed(CloseReason.NORMAL);
        engine.memory.releaseBuffers(this);
        engine.markDirty(this); // the flush sends what is owed, then makes it a compact record
    }

    /** The engine keeps this connection's TIME_WAIT as a record now; nothing points here any more. */
    void detachToTimeWait(int slot, int generation) {
        twSlot = slot;
        twGen = generation;
        handler = null; // closed was reported; no event follows
        listener = null;
        timers.rtx = Deadlines.NONE;
        timers.timeWait = Deadlines.NONE;
    }

    // =====================================================================================
    // Output
    // =====================================================================================

    /** Everything this connection has to send now: SYN, data, FIN, or a bare ACK. */
    void output() {
        switch (state) {
            case SYN_SENT:
            case SYN_RECEIVED:
                if (synPending) {
                    tx.sendSyn();
                }
                if (state == TcpState.SYN_RECEIVED && rx.ackPending && !synPending) {
                    tx.sendBareAck();
                }
                return;
            case ESTABLISHED:
            case CLOSE_WAIT:
            case FIN_WAIT_1:
            case CLOSING:
            case LAST_ACK:
                tx.sendData();
                break;
            default:
                break;
        }
        if (rx.ackPending) {
            tx.sendBareAck();
        } else {
            rx.armDelayedAck(now());
        }
    }

    /**
     * The most text a segment from the peer can carry: the MSS we advertised (RFC 9293 §3.7.1)
     * less the timestamps every segment carries when they are on (RFC 7323 §3.2).
     */
    int peerMaxSegment() {
        return engine.config.mssBytes() - (tsOk ? TIMESTAMP_OPTION_BYTES : 0);
    }

    /** Option bytes the next non-SYN segment carries: timestamps, then SACK (NOP NOP kind len + 8 a block). */
    int sackOptionBytes() {
        final int blocks = sackOk ? rx.sackBlockCount(maxSackBlocks()) : 0;
        return (tsOk ? TIMESTAMP_OPTION_BYTES : 0) + (blocks == 0 ? 0 : 4 + 8 * blocks);
    }

    int maxSackBlocks() {
        return tsOk ? MAX_SACK_BLOCKS - 1 : MAX_SACK_BLOCKS;
    }

    /** Our TSval: a 1 ms clock (RFC 7323 §5.4 allows 1 ms to 1 s a tick) plus the address pair's offset. */
    int tsVal() {
        return tsVal(engine.nowNs, tsOffset);
    }

    static int tsVal(long nowNs, int tsOffset) {
        return (int) (nowNs / 1_000_000L) + tsOffset;
    }

    /** The receiver's SACK blocks for the next segment, when SACK was negotiated (RFC 2018). */
    int sackBlocks(int[] edges) {
        return sackOk ? rx.sackBlocks(edges, maxSackBlocks()) : 0;
    }

    // =====================================================================================
    // Timers
    // =====================================================================================

    long computeWakeup() {
        return timers.earliest();
    }

    void onTimer(long nowNs) {
        if (Deadlines.due(timers.timeWait, nowNs)) {
            timers.timeWait = Deadlines.NONE;
            if (state == TcpState.TIME_WAIT) {
                engine.remove(this); // RFC 9293 §3.10.8: TIME_WAIT timeout deletes the TCB
                return;
            }
            if (state == TcpState.FIN_WAIT_2) {
                terminate(CloseReason.NORMAL);
                return;
            }
        }
        if (Deadlines.due(timers.pto, nowNs)) {
            timers.pto = Deadlines.NONE;
            tx.loss.onProbeTimer(nowNs);
        }
        if (Deadlines.due(timers.rack, nowNs)) {
            timers.rack = Deadlines.NONE;
            tx.loss.onRackTimer(nowNs);
        }
        if (Deadlines.due(timers.rtx, nowNs)) {
            timers.rtx = Deadlines.NONE;
            timers.pto = Deadlines.NONE;
            onRetransmissionTimeout(nowNs);
            if (state == TcpState.CLOSED) {
                return;
            }
        }
        if (Deadlines.due(timers.persist, nowNs)) {
            timers.persist = Deadlines.NONE;
            if (tx.probes.sendZeroWindowProbe(nowNs)) {
                terminate(CloseReason.TIMED_OUT);
                return;
            }
        }
        if (Deadlines.due(timers.pacing, nowNs)) {
            tx.onPacingTimer();
        }
        if (Deadlines.due(timers.delayedAck, nowNs) && rx.onDelayedAckTimer()) {
            engine.markDirty(this);
        }
        if (Deadlines.due(timers.keepAlive, nowNs)) {
            timers.keepAlive = Deadlines.NONE;
            if (tx.probes.onKeepAliveTimer(nowNs)) {
                terminate(CloseReason.TIMED_OUT);
            }
        }
    }

    /** RFC 6298 §5.4–5.7 with give-up limits as Linux's tcp_*_retries; the sender does the rest. */
    private void onRetransmissionTimeout(long nowNs) {
        final boolean handshake = state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED;
        if (handshake ? tx.onSynTimeout(nowNs) : tx.onRetransmissionTimeout(nowNs)) {
            if (passiveOpen && state == TcpState.SYN_RECEIVED) {
                engine.remove(this);
            } else {
                terminate(CloseReason.TIMED_OUT);
            }
            return;
        }
        if (handshake) {
            synPending = true;
            engine.markDirty(this);
        }
    }

    // =====================================================================================
    // State changes and events
    // =====================================================================================

    void setState(TcpState to) {
        final TcpState from = state;
        if (from == to) {
            return;
        }
        state = to;
        engine.onStateChange(this, from, to);
    }

    /** The connection ends here: report, remove. */
    void terminate(CloseReason reason) {
        reportClosed(reason);
        engine.remove(this);
    }

    void reportClosed(CloseReason reason) {
        if (!closeReported && closeReason == null) {
            closeReason = reason;
            events |= EV_CLOSED;
        }
    }

    /** Storage freed up after a write found none: the application may write again. */
    void memoryAvailable() {
        awaitingMemory = false;
        if (tx.wantWritable && !tx.finQueued && tx.sendRing != null) {
            tx.wantWritable = false;
            events |= EV_WRITABLE;
            engine.markDirty(this);
        }
    }

    boolean hasEvents() {
        return events != 0;
    }

    boolean connectedEventPending() {
        return (events & EV_CONNECTED) != 0;
    }

    long now() {
        return engine.nowNs;
    }

    // =====================================================================================
    // TcpConnection (the application's side)
    // =====================================================================================

    /**
     * After TIME_WAIT was handed over to its compact record, TIME_WAIT while that record lives and
     * CLOSED once it has gone (expired, recycled, or replaced by a new incarnation).
     */
    @Override
    public TcpState state() {
        if (twSlot >= 0 && !engine.timeWaits.live(twSlot, twGen)) {
            return TcpState.CLOSED;
        }
        return state;
    }

    @Override
    public int localAddr() {
        return localAddr;
    }

    @Override
    public int localPort() {
        return localPort;
    }

    @Override
    public int remoteAddr() {
        return remoteAddr;
    }

    @Override
    public int remotePort() {
        return remotePort;
    }

    @Override
    public int write(DirectBuffer src, int offset, int length) {
        return tx.write(src, offset, length);
    }

    @Override
    public int write(byte[] src, int offset, int length) {
        return tx.write(src, offset, length);
    }

    @Override
    public int read(MutableDirectBuffer dst, int offset, int length) {
        return readResult(rx.read(dst, offset, length));
    }

    @Override
    public int read(byte[] dst, int offset, int length) {
        return readResult(rx.read(dst, offset, length));
    }

    @Override
    public int read(TcpReader reader) {
        return readResult(rx.read(reader));
    }

    @Override
    public int skip(int length) {
        return readResult(rx.skip(length));
    }

    /** Nothing buffered, and nothing more will come. */
    private boolean endOfInput() {
        return rx.peerClosed || state == TcpState.CLOSED || rx.recvRing == null;
    }

    /** A read's result for the application: -1 at the end of the stream, else the byte count. */
    private int readResult(int n) {
        if (n == TcpReceiver.NOTHING_BUFFERED) {
            return endOfInput() ? -1 : 0;
        }
        afterRead();
        return n;
    }

    /** A window update once the application freed enough space (RFC 9293 §3.8.6.2.2). */
    private void afterRead() {
        if (state == TcpState.CLOSED || state == TcpState.TIME_WAIT) {
            engine.memory.releaseDrained(this);
            return;
        }
        if (!state.isSynchronized() || rx.peerClosed) {
            return;
        }
        rx.autotune(now(), tx.rtt.hasSample() ? tx.rtt.srttNs() : engine.config.minRtoNs());
        if (rx.windowUpdateDue(tx.sndMss)) {
            rx.ackPending = true;
            engine.markDirty(this);
        }
    }

    @Override
    public int readableBytes() {
        return rx.readableBytes();
    }

    @Override
    public int writableBytes() {
        return tx.writableBytes();
    }

    @Override
    public void shutdownOutput() {
        if (tx.finQueued) {
            return;
        }
        switch (state) {
            case SYN_SENT:
                abort();
                return;
            case SYN_RECEIVED:
                // RFC 9293 §3.10.4: queue the FIN until ESTABLISHED, when our SYN is acknowledged.
                tx.finQueued = true;
                return;
            case ESTABLISHED:
                tx.finQueued = true;
                setState(TcpState.FIN_WAIT_1);
                break;
            case CLOSE_WAIT:
                tx.finQueued = true;
                setState(TcpState.LAST_ACK);
                break;
            default:
                return;
        }
        engine.markDirty(this);
    }

    @Override
    public void close() {
        if (state == TcpState.CLOSED || state == TcpState.TIME_WAIT) {
            // Unread data outlived the connection for the application's sake; closing gives it
            // up, and its storage goes back to the budget (else it stays counted for good).
            rx.close();
            engine.memory.releaseDrained(this);
            return;
        }
        rx.close();
        shutdownOutput();
        if (state == TcpState.FIN_WAIT_2 && timers.timeWait == Deadlines.NONE) {
            timers.timeWait = now() + 2 * engine.config.mslNs();
            engine.rearm(this);
        }
    }

    @Override
    public void abort() {
        // RFC 9293 §3.10.5: ABORT flushes pending receives; their storage goes back to the budget
        // even when the connection is already gone (a refused accept, a reset, TIME_WAIT).
        rx.close();
        engine.memory.releaseDrained(this);
        if (twSlot >= 0) {
            engine.timeWaits.abort(twSlot, twGen);
            return;
        }
        switch (state) {
            case CLOSED:
                return;
            case SYN_RECEIVED:
            case ESTABLISHED:
            case FIN_WAIT_1:
            case FIN_WAIT_2:
            case CLOSE_WAIT:
                // RFC 9293 §3.10.5: <SEQ=SND.NXT><CTL=RST>.
                engine.segments.sendRst(localAddr, localPort, remoteAddr, remotePort, tx.sndNxt, 0, false);
                break;
            default:
                break;
        }
        terminate(CloseReason.ABORTED);
        engine.flushList.deliverEvents(this);
    }

    @Override
    public TcpHandler handler() {
        return handler;
    }

    @Override
    public void handler(TcpHandler handler) {
        this.handler = handler;
    }

    @Override
    public Object attachment() {
        return attachment;
    }

    @Override
    public void attachment(Object attachment) {
        this.attachment = attachment;
    }

    @Override
    public long bytesReceived() {
        return rx.bytesReceived;
    }

    @Override
    public long bytesSent() {
        return tx.bytesAcked;
    }

    @Override
    public long retransmits() {
        return tx.retransmits;
    }

    @Override
    public long rtoNs() {
        return tx.rtt.rtoNs();
    }

    @Override
    public long srttNs() {
        return tx.rtt.srttNs();
    }

    @Override
    public int sendWindowBytes() {
        return tx.sndWnd;
    }

    @Override
    public int receiveWindowBytes() {
        return Math.max(rx.rcvWnd(), 0);
    }

    @Override
    public int bytesInFlight() {
        return Math.max(Seq.diff(tx.sndMax, tx.sndUna), 0);
    }

    @Override
    public void nagle(boolean enabled) {
        tx.nagle = enabled;
        if (!enabled) {
            engine.markDirty(this);
        }
    }

    @Override
    public void keepAlive(long idleNs, long intervalNs, int probes) {
        if (idleNs < 0 || intervalNs <= 0 && idleNs > 0 || probes < 1 && idleNs > 0) {
            throw new IllegalArgumentException("keepAlive needs idle ≥ 0, and interval > 0 and probes ≥ 1 when on");
        }
        tx.probes.keepAliveIdleNs = idleNs;
        tx.probes.keepAliveIntervalNs = intervalNs;
        tx.probes.keepAliveProbes = probes;
        tx.probes.keepAliveSent = 0;
        timers.keepAlive = idleNs == 0 ? Deadlines.NONE : now() + idleNs;
        engine.rearm(this);
    }

    @Override
    public long congestionWindowBytes() {
        return tx.cc.cwnd();
    }

    @Override
    public CongestionControl congestionControl() {
        return tx.cc;
    }

    @Override
    public void congestionControl(CongestionControl.Factory factory) {
        tx.replaceCongestionControl(factory);
    }

    @Override
    public long deliveryRateBytesPerSecond() {
        return tx.sampler.lastDeliveryRate;
    }

    @Override
    public int lastIcmpError() {
        return lastIcmpError;
    }

    @Override
    public long icmpErrors() {
        return icmpErrors;
    }

    @Override
    public int sendMss() {
        return tx.sndMss;
    }

    @Override
    public String toString() {
        return io.jtcp.stack.wire.Ipv4Header.addressToString(localAddr) + ":" + localPort + " "
                + io.jtcp.stack.wire.Ipv4Header.addressToString(remoteAddr) + ":" + remotePort + " " + state;
    }
}
