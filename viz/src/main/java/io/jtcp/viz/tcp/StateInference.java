package io.jtcp.viz.tcp;

import io.jtcp.stack.tcp.TcpState;
import io.jtcp.viz.capture.TcpSegment;
import java.util.List;

/**
 * Infers each side's state by running the RFC 9293 state machine (§3.3.2 Figure 5 and the event
 * processing of §3.10.7) over what that side sent and received, in capture order. The states are
 * inferred, not read from either stack: a capture taken at one host sees the other host's segments
 * late, and a segment lost between the capture point and its receiver was still "received" here.
 */
final class StateInference {
    private final Side a;
    private final Side b;
    private TcpState stateA;
    private TcpState stateB;
    /** RFC 9293 §3.10.7.4: a reset in SYN_RECEIVED returns a passive opener to LISTEN. */
    private boolean passiveA;

    private boolean passiveB;
    /**
     * A FIN received while the receiver's own FIN was already on its way (it is captured later but
     * does not acknowledge this one): a simultaneous close (§3.10.7.4, Figure 13), applied when the
     * receiver's FIN shows up.
     */
    private boolean deferredFinA;

    private boolean deferredFinB;
    private final Connection c;
    private final List<TcpSegment> segs;

    StateInference(Connection c, Side a, Side b) {
        this.a = a;
        this.b = b;
        this.c = c;
        this.segs = c.segments();
        boolean anySyn = segs.stream().anyMatch(s -> s.has(TcpSegment.SYN));
        if (!anySyn) {
            // Captured mid-connection: the handshake happened before the capture started.
            stateA = TcpState.ESTABLISHED;
            stateB = TcpState.ESTABLISHED;
            return;
        }
        stateA = TcpState.CLOSED;
        stateB = initialOfResponder(c);
        passiveB = stateB == TcpState.LISTEN;
    }

    /** B listened when it answered a SYN with a SYN-ACK; a closed port answers with RST (§3.10.7.1). */
    private static TcpState initialOfResponder(Connection c) {
        for (TcpSegment s : c.segments()) {
            if (!c.fromA(s)) {
                return s.has(TcpSegment.SYN) && s.has(TcpSegment.ACK) ? TcpState.LISTEN : TcpState.CLOSED;
            }
        }
        return TcpState.LISTEN; // no answer captured: a SYN is sent to a port presumed listening
    }

    TcpState stateA() {
        return stateA;
    }

    TcpState stateB() {
        return stateB;
    }

    /**
     * Applies one segment: the sender's transition, then the receiver's.
     *
     * @return {new sender state or null, new receiver state or null}
     */
    TcpState[] apply(int index, boolean fromA, TcpSegment s, long ack) {
        TcpState sndBefore = fromA ? stateA : stateB;
        TcpState sndAfter = onSend(sndBefore, s);
        if (s.has(TcpSegment.FIN) && (fromA ? deferredFinA : deferredFinB) && sndAfter == TcpState.FIN_WAIT_1) {
            sndAfter = TcpState.CLOSING;
        }
        TcpState rcvBefore = fromA ? stateB : stateA;
        Side rcvSide = fromA ? b : a;
        boolean rcvPassive = fromA ? passiveB : passiveA;
        TcpState rcvAfter;
        if (s.has(TcpSegment.FIN)
                && !s.has(TcpSegment.RST)
                && rcvBefore == TcpState.ESTABLISHED
                && crossingFin(index, fromA, s)) {
            rcvAfter = rcvBefore;
            if (fromA) {
                deferredFinB = true;
            } else {
                deferredFinA = true;
            }
        } else {
            rcvAfter = onReceive(rcvBefore, rcvPassive, rcvSide, s, ack);
        }
        if (fromA) {
            stateA = sndAfter;
            stateB = rcvAfter;
            passiveB |= rcvBefore == TcpState.LISTEN;
        } else {
            stateB = sndAfter;
            stateA = rcvAfter;
            passiveA |= rcvBefore == TcpState.LISTEN;
        }
        return new TcpState[] {sndAfter == sndBefore ? null : sndAfter, rcvAfter == rcvBefore ? null : rcvAfter};
    }

    /** Whether the receiver's next segment is a FIN that does not acknowledge this FIN. */
    private boolean crossingFin(int index, boolean fromA, TcpSegment fin) {
        long finEnd = (fin.seq() + fin.seqLength()) & 0xffffffffL;
        for (int i = index + 1; i < segs.size(); i++) {
            TcpSegment n = segs.get(i);
            if (c.fromA(n) != fromA) {
                return n.has(TcpSegment.FIN) && n.ack() != finEnd;
            }
        }
        return false;
    }

    private static TcpState onSend(TcpState st, TcpSegment s) {
        if (s.has(TcpSegment.RST)) {
            return st == TcpState.LISTEN ? st : TcpState.CLOSED; // §3.10.7: an abort sends RST
        }
        if (s.has(TcpSegment.SYN) && !s.has(TcpSegment.ACK) && st == TcpState.CLOSED) {
            return TcpState.SYN_SENT; // §3.10.1 active OPEN
        }
        if (s.has(TcpSegment.FIN)) {
            // §3.10.4 CLOSE: a FIN leaves ESTABLISHED for FIN_WAIT_1, CLOSE_WAIT for LAST_ACK.
            return switch (st) {
                case ESTABLISHED, SYN_RECEIVED -> TcpState.FIN_WAIT_1;
                case CLOSE_WAIT -> TcpState.LAST_ACK;
                default -> st;
            };
        }
        return st;
    }

    private static TcpState onReceive(TcpState st, boolean passive, Side self, TcpSegment s, long ack) {
        if (s.has(TcpSegment.RST)) {
            // §3.10.7.3/4: an acceptable RST closes the connection (a passive opener goes back to LISTEN).
            return switch (st) {
                case LISTEN, CLOSED -> st;
                case SYN_RECEIVED -> passive ? TcpState.LISTEN : TcpState.CLOSED;
                default -> TcpState.CLOSED;
            };
        }
        boolean syn = s.has(TcpSegment.SYN);
        boolean hasAck = s.has(TcpSegment.ACK);
        if (syn && !hasAck) {
            // §3.10.7.2 LISTEN and §3.10.7.3 SYN_SENT (simultaneous open) both go to SYN_RECEIVED.
            return st == TcpState.LISTEN || st == TcpState.SYN_SENT ? TcpState.SYN_RECEIVED : st;
        }
        if (syn) {
            // §3.10.7.3: SYN_SENT and a SYN-ACK acknowledging our SYN: ESTABLISHED.
            return st == TcpState.SYN_SENT && ack >= 1 ? TcpState.ESTABLISHED : st;
        }
        if (!hasAck) {
            return st;
        }
        // §3.10.7.4, fifth check (the ACK) before the eighth (the FIN).
        boolean finAcked = self.finSeq >= 0 && ack > self.finSeq;
        st = switch (st) {
            case SYN_RECEIVED -> ack >= 1 ? TcpState.ESTABLISHED : st;
            case FIN_WAIT_1 -> finAcked ? TcpState.FIN_WAIT_2 : st;
            case CLOSING -> finAcked ? TcpState.TIME_WAIT : st;
            case LAST_ACK -> finAcked ? TcpState.CLOSED : st;
            default -> st;
        };
        if (s.has(TcpSegment.FIN)) {
            st = switch (st) {
                case SYN_RECEIVED, ESTABLISHED -> TcpState.CLOSE_WAIT;
                case FIN_WAIT_1 -> TcpState.CLOSING;
                case FIN_WAIT_2 -> TcpState.TIME_WAIT;
                default -> st;
            };
        }
        return st;
    }
}
