package io.jtcp.stack.tcp;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.ip.PathMtuCache;
import io.jtcp.stack.wire.IcmpHeader;

/**
 * ICMP errors for connections and the path MTUs they teach (RFC 1122 §4.2.3.9, RFC 5927, RFC
 * 1191): the check that the quoted segment is in flight, hard and soft errors, and the per-path
 * MTU estimate every connection to that destination adopts.
 */
final class IcmpErrors {
    private final TcpEngine engine;
    private final PathMtuCache pathMtus = new PathMtuCache(); // RFC 1191 §6.3, per destination

    IcmpErrors(TcpEngine engine) {
        this.engine = engine;
    }

    /**
     * An ICMP error the engine matched to this synchronizing or synchronized connection; {@code
     * pathMtu} is the new path MTU of a fragmentation-needed message (already floored and checked
     * against the quoted length). Returns NONE when the connection took it, else why not.
     */
    DropReason onError(Tcb t, int remoteAddr, int seq, int type, int code, int pathMtu) {
        if (!t.tx.icmpSeqInFlight(seq)) {
            return DropReason.ICMP_SEQ_OUT_OF_WINDOW; // RFC 5927 §4.1: likely forged
        }
        engine.counters.icmpErrorsAccepted++;
        if (pathMtu > 0) {
            pathMtus.reduce(remoteAddr, pathMtu, engine.nowNs, engine.config.pathMtuAgeNs());
        }
        try {
            final DropReason result = onConnectionError(t, type, code, pathMtu);
            engine.rearm(t);
            engine.flushList.deliverEvents(t);
            return result;
        } catch (Throwable e) {
            engine.failConnection(t, e); // as for a segment: only this connection pays for its handler
            return DropReason.NONE;
        }
    }

    /**
     * An ICMP error the engine matched to this connection, its quoted sequence number in flight
     * (RFC 5927 §4.1). {@code pathMtu} is the new path MTU of a fragmentation-needed message.
     * Returns why it changed nothing, or NONE.
     */
    private DropReason onConnectionError(Tcb t, int type, int code, int pathMtu) {
        t.lastIcmpError = (type << 8) | code;
        t.icmpErrors++;
        if (type == IcmpHeader.TYPE_DEST_UNREACHABLE && code == IcmpHeader.CODE_FRAGMENTATION_NEEDED) {
            return t.tx.onPathMtu(pathMtu);
        }
        // RFC 1122 §4.2.3.9: unreachable codes 2-4 (and the prohibitions of RFC 1812 §5.2.7.1) are
        // hard; RFC 5461 §4 (and Linux) end only a connection attempt with them. All else is soft.
        final boolean hard = type == IcmpHeader.TYPE_DEST_UNREACHABLE
                && (code == IcmpHeader.CODE_PROTOCOL_UNREACHABLE
                        || code == IcmpHeader.CODE_PORT_UNREACHABLE
                        || code == IcmpHeader.CODE_NET_PROHIBITED
                        || code == IcmpHeader.CODE_HOST_PROHIBITED
                        || code == IcmpHeader.CODE_ADMIN_PROHIBITED
                        || code == IcmpHeader.CODE_PRECEDENCE_VIOLATION
                        || code == IcmpHeader.CODE_PRECEDENCE_CUTOFF);
        if (hard && (t.state == TcpState.SYN_SENT || t.state == TcpState.SYN_RECEIVED)) {
            engine.counters.icmpHardErrors++;
            if (t.passiveOpen) {
                engine.remove(t); // a half-open passive connection nobody has seen yet
            } else {
                t.terminate(CloseReason.UNREACHABLE);
            }
            return DropReason.NONE;
        }
        engine.counters.icmpSoftErrors++;
        return DropReason.NONE;
    }

    /**
     * A path MTU learned from another connection's ICMP applies to this one too (RFC 1191 §6.3:
     * the estimate belongs to the path), checked when its retransmission timer fires, as Linux's
     * retransmissions take the route's current MTU: the router may rate-limit the ICMP for it.
     */
    void adoptPathMtu(Tcb t) {
        final int mtu = pathMtus.get(t.remoteAddr, engine.nowNs);
        if (mtu != 0 && mtu - 40 < t.tx.sndMss && t.state.isSynchronized()) {
            t.tx.onPathMtu(mtu);
        }
    }

    /** The MSS the path to {@code remoteAddr} allows (learned path MTU − 40), or MAX_VALUE. */
    int pathMss(int remoteAddr) {
        final int mtu = pathMtus.get(remoteAddr, engine.nowNs);
        return mtu == 0 ? Integer.MAX_VALUE : mtu - 40;
    }

    /** The path MTUs learned from ICMP (shared with the IP layer, which fragments to them). */
    PathMtuCache pathMtus() {
        return pathMtus;
    }
}
