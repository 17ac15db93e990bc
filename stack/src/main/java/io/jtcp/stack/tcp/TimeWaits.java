package io.jtcp.stack.tcp;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.wire.Seq;
import io.jtcp.stack.wire.TcpHeader;
import io.jtcp.stack.wire.TcpOptions;

/**
 * TIME_WAIT kept as compact records ({@link TimeWaitTable}) instead of connections, like Linux's
 * inet_timewait_sock: the hand-over from a {@link Tcb}, the RFC 9293 §3.10.7.4 rules answered from
 * the record, expiry after 2·MSL, and the cap ({@code StackConfig.maxTimeWait}) that recycles the
 * oldest. Records are not connections: they do not count against {@code maxConnections}.
 */
final class TimeWaits {
    private final TcpEngine engine;
    private final TimeWaitTable table;

    TimeWaits(TcpEngine engine, int capacity) {
        this.engine = engine;
        this.table = new TimeWaitTable(capacity);
    }

    int find(long key) {
        return table.find(key);
    }

    int size() {
        return table.size();
    }

    long earliestNs() {
        return table.earliestNs();
    }

    /**
     * A SYN in TIME_WAIT that may open a new incarnation (RFC 9293 §3.10.7.4 note, RFC 6191): with
     * timestamps, a TSval newer than TS.Recent; else a sequence number above the old RCV.NXT, unless
     * PAWS would reject the SYN (Linux's tcp_timewait_state_process).
     */
    static boolean newIncarnation(TcpHeader seg, TcpOptions opts, int rcvNxt, boolean tsOk, int tsRecent) {
        final boolean ts = tsOk && opts.hasTimestamps();
        if (ts && Seq.lt(opts.tsVal(), tsRecent)) {
            return false;
        }
        return Seq.gt(seg.seq(), rcvNxt) || ts && Seq.gt(opts.tsVal(), tsRecent);
    }

    /**
     * TIME_WAIT from its compact record (RFC 9293 §3.10.7.4): a RST is ignored (RFC 1337), a new SYN
     * may reopen, another SYN is challenged (RFC 5961 §4), a retransmitted FIN is ACKed again and
     * restarts 2·MSL, anything else out of sequence is ACKed. Answers go out at once.
     */
    void onSegment(int slot, int remote, TcpHeader seg, TcpOptions opts) {
        final int flags = seg.flags();
        if ((flags & TcpHeader.RST) != 0) {
            engine.drop(DropReason.TCP_RST_OUT_OF_WINDOW, seg);
            return;
        }
        final int rcvNxt = table.rcvNxt(slot);
        if ((flags & TcpHeader.SYN) != 0) {
            final ListenPort listener = engine.listeners.listenerOn(seg.dstPort());
            if ((flags & TcpHeader.ACK) == 0
                    && listener != null
                    && newIncarnation(seg, opts, rcvNxt, table.timestamps(slot), table.tsRecent(slot))) {
                final int minIsn = table.sndNxt(slot) + 65_536 + 2; // as Linux: well above the old one
                end(slot);
                engine.listeners.onListen(listener, remote, seg, opts, minIsn);
                return;
            }
            engine.drop(DropReason.TCP_SYN_CHALLENGED, seg);
            // RFC 5961 §4.2 challenge ACK, limited per 4-tuple and globally like a connection's.
            if (!engine.ackLimiter.allowForTimeWait(table, slot, engine.nowNs)) {
                engine.counters.drop(DropReason.TCP_CHALLENGE_ACK_CONN_LIMITED);
            } else if (engine.allowChallengeAck()) {
                engine.counters.tcpChallengeAcksSent++;
                sendAck(slot);
            } else {
                engine.counters.drop(DropReason.TCP_CHALLENGE_RATE_LIMITED);
            }
            return;
        }
        final int fin = (flags & TcpHeader.FIN) != 0 ? 1 : 0;
        if (fin != 0 && seg.seq() + seg.payloadLength() + 1 == rcvNxt) {
            // A retransmitted FIN: our ACK of it was lost. ACK again and restart 2·MSL. Its TSval
            // becomes TS.Recent (RFC 7323 §4.3 R3; Linux does the same in TIME_WAIT).
            if (table.timestamps(slot) && opts.hasTimestamps() && Seq.ge(opts.tsVal(), table.tsRecent(slot))) {
                table.tsRecent(slot, opts.tsVal());
            }
            table.restart(slot, engine.nowNs + 2 * engine.config.mslNs());
            sendAck(slot);
            return;
        }
        if (seg.payloadLength() + fin > 0 || seg.seq() != rcvNxt) {
            engine.drop(DropReason.TCP_OUT_OF_WINDOW, seg);
            // As in a connection (Linux's tcp_oow_rate_limited): text or FIN is always answered,
            // a bare out-of-window segment at most once per interval.
            if (seg.payloadLength() + fin > 0 || engine.ackLimiter.allowForTimeWait(table, slot, engine.nowNs)) {
                engine.counters.tcpOutOfWindowAcksSent++;
                sendAck(slot);
            } else {
                engine.counters.drop(DropReason.TCP_OOW_ACK_RATE_LIMITED);
            }
        }
    }

    /**
     * The connection entered TIME_WAIT and its last output is out: keep only the compact record
     * and let the Tcb go (handler, buffers, reassembly arrays), so TIME_WAIT costs a few dozen
     * bytes and no slot in the connection table. At the cap the oldest record is recycled.
     */
    void handOver(Tcb t) {
        if (table.capacity() == 0) {
            engine.remove(t); // no TIME_WAIT kept at all (tcp_max_tw_buckets = 0)
            return;
        }
        if (table.size() >= table.capacity()) {
            engine.counters.tcpTimeWaitRecycled++;
            end(table.oldest());
        }
        final int window = t.rx.windowField(t.tx.sndMss);
        engine.detach(t);
        final int slot = table.add(
                t.key,
                t.timers.timeWait,
                t.tx.sndMax,
                t.rx.rcvNxt,
                window,
                t.tsOk ? TimeWaitTable.F_TIMESTAMPS : 0,
                t.rx.tsRecent,
                t.tsOffset);
        t.detachToTimeWait(slot, table.generation(slot));
    }

    /** Ends every record whose 2·MSL has passed, earliest first (the head of the FIFO). */
    void expire(long nowNs) {
        for (int guard = table.size(); guard > 0; guard--) {
            final int head = table.oldest();
            if (head == TimeWaitTable.NONE || table.deadlineNs(head) - nowNs > 0) {
                return;
            }
            end(head);
        }
    }

    /** RFC 9293 §3.10.8: the record goes (2·MSL passed, recycled, or reopened); the tracer sees CLOSED. */
    void end(int slot) {
        final long key = table.key(slot);
        table.remove(slot);
        engine.onTimeWaitEnded(key);
    }

    /** Ends every record (the stack is shutting down). */
    void endAll() {
        while (table.oldest() != TimeWaitTable.NONE) {
            end(table.oldest());
        }
    }

    /** Whether the TIME_WAIT record an application's handle left behind is still there. */
    boolean live(int slot, int generation) {
        return table.live(slot, generation);
    }

    /** RFC 9293 §3.9.1 ABORT in TIME_WAIT: delete the TCB, here the record (if it is still ours). */
    void abort(int slot, int generation) {
        if (table.live(slot, generation)) {
            end(slot);
        }
    }

    /** An ACK from a record: SEQ = our SND.NXT, ACK = RCV.NXT, timestamps if they were on. */
    private void sendAck(int slot) {
        final long key = table.key(slot);
        final boolean ts = table.timestamps(slot);
        engine.segments.emitStatelessAck(
                (int) (key >>> 32),
                (int) key & 0xFFFF,
                (int) (key >>> 16) & 0xFFFF,
                table.sndNxt(slot),
                table.rcvNxt(slot),
                table.window(slot),
                ts,
                ts ? Tcb.tsVal(engine.nowNs, table.tsOffset(slot)) : 0,
                table.tsRecent(slot));
    }
}
