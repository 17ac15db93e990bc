package io.jtcp.stack.tcp;

/**
 * What the engine owes connections after it processed input: the list of connections with output
 * pending for the next flush (linked through the Tcbs, so marking one allocates nothing), and the
 * delivery of their queued handler events, always after the processing that queued them (so a
 * handler that writes or closes from a callback never re-enters half-done segment processing).
 */
final class FlushList {
    private final TcpEngine engine;
    private Tcb dirtyHead;
    private Tcb dirtyTail;

    FlushList(TcpEngine engine) {
        this.engine = engine;
    }

    void flush() {
        Tcb t = dirtyHead;
        dirtyHead = null;
        dirtyTail = null;
        while (t != null) {
            final Tcb next = t.nextDirty;
            t.nextDirty = null;
            t.dirty = false;
            // Each connection on its own: a failure here must not strand the rest of the list
            // (unlinked, yet still marked dirty, they would never be flushed again).
            try {
                if (t.state != TcpState.CLOSED) {
                    t.output();
                    engine.rearm(t);
                }
                if (t.hasEvents()) {
                    deliverEvents(t);
                }
                engine.memory.releaseIdleStorage(t);
            } catch (Throwable e) {
                engine.failConnection(t, e);
            }
            if (t.state == TcpState.TIME_WAIT && t.twSlot < 0 && engine.inTable(t)) {
                engine.timeWaits.handOver(t);
            }
            t = next;
        }
    }

    void markDirty(Tcb t) {
        if (t.dirty || t.twSlot >= 0) {
            return;
        }
        t.dirty = true;
        if (dirtyTail == null) {
            dirtyHead = t;
        } else {
            dirtyTail.nextDirty = t;
        }
        dirtyTail = t;
    }

    /** The connection's queued events, in the order a handler expects them. */
    void deliverEvents(Tcb t) {
        int ev = t.events;
        if (ev == 0 || t.handler() == null) {
            if (ev != 0 && t.handler() == null && t.listener == null) {
                t.events = 0;
            }
            return;
        }
        t.events = 0;
        if ((ev & Tcb.EV_CONNECTED) != 0) {
            t.handler().onConnected(t);
        }
        if ((ev & Tcb.EV_READABLE) != 0 && !t.closeReported && t.readableBytes() > 0) {
            t.handler().onReadable(t);
        }
        if ((ev & Tcb.EV_PEER_CLOSED) != 0 && !t.closeReported) {
            t.handler().onPeerClosed(t);
        }
        if ((ev & Tcb.EV_WRITABLE) != 0 && !t.closeReported) {
            t.handler().onWritable(t);
        }
        if ((ev & Tcb.EV_CLOSED) != 0 && !t.closeReported) {
            t.closeReported = true;
            t.handler().onClosed(t, t.closeReason);
        }
    }
}
