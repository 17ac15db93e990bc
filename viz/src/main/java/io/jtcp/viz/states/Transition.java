package io.jtcp.viz.states;

import io.jtcp.stack.tcp.TcpState;

/**
 * The twenty arrows of RFC 9293 §3.3.2 Figure 5 ("TCP Connection State Diagram"), each with the
 * event and the action written on it in the figure ({@code x} = no action).
 */
public enum Transition {
    PASSIVE_OPEN(TcpState.CLOSED, TcpState.LISTEN, "passive OPEN", "create TCB"),
    LISTEN_CLOSE(TcpState.LISTEN, TcpState.CLOSED, "CLOSE", "delete TCB"),
    ACTIVE_OPEN(TcpState.CLOSED, TcpState.SYN_SENT, "active OPEN", "create TCB, snd SYN"),
    LISTEN_SEND(TcpState.LISTEN, TcpState.SYN_SENT, "SEND", "snd SYN"),
    LISTEN_RCV_SYN(TcpState.LISTEN, TcpState.SYN_RECEIVED, "rcv SYN", "snd SYN,ACK"),
    SYN_RCVD_RCV_RST(TcpState.SYN_RECEIVED, TcpState.LISTEN, "rcv RST (note 1)", ""),
    SIMULTANEOUS_OPEN(TcpState.SYN_SENT, TcpState.SYN_RECEIVED, "rcv SYN", "snd SYN,ACK"),
    SYN_SENT_CLOSE(TcpState.SYN_SENT, TcpState.CLOSED, "CLOSE", "delete TCB"),
    SYN_RCVD_RCV_ACK(TcpState.SYN_RECEIVED, TcpState.ESTABLISHED, "rcv ACK of SYN", "x"),
    SYN_SENT_RCV_SYN_ACK(TcpState.SYN_SENT, TcpState.ESTABLISHED, "rcv SYN,ACK", "snd ACK"),
    SYN_RCVD_CLOSE(TcpState.SYN_RECEIVED, TcpState.FIN_WAIT_1, "CLOSE", "snd FIN"),
    ESTAB_CLOSE(TcpState.ESTABLISHED, TcpState.FIN_WAIT_1, "CLOSE", "snd FIN"),
    ESTAB_RCV_FIN(TcpState.ESTABLISHED, TcpState.CLOSE_WAIT, "rcv FIN", "snd ACK"),
    FIN_WAIT_1_RCV_ACK(TcpState.FIN_WAIT_1, TcpState.FIN_WAIT_2, "rcv ACK of FIN", "x"),
    FIN_WAIT_1_RCV_FIN(TcpState.FIN_WAIT_1, TcpState.CLOSING, "rcv FIN", "snd ACK"),
    CLOSE_WAIT_CLOSE(TcpState.CLOSE_WAIT, TcpState.LAST_ACK, "CLOSE", "snd FIN"),
    FIN_WAIT_2_RCV_FIN(TcpState.FIN_WAIT_2, TcpState.TIME_WAIT, "rcv FIN", "snd ACK"),
    CLOSING_RCV_ACK(TcpState.CLOSING, TcpState.TIME_WAIT, "rcv ACK of FIN", "x"),
    LAST_ACK_RCV_ACK(TcpState.LAST_ACK, TcpState.CLOSED, "rcv ACK of FIN", "x"),
    TIME_WAIT_TIMEOUT(TcpState.TIME_WAIT, TcpState.CLOSED, "Timeout=2MSL", "delete TCB");

    private final TcpState from;
    private final TcpState to;
    private final String event;
    private final String action;

    Transition(TcpState from, TcpState to, String event, String action) {
        this.from = from;
        this.to = to;
        this.event = event;
        this.action = action;
    }

    /** The state the arrow leaves. */
    public TcpState from() {
        return from;
    }

    /** The state the arrow enters. */
    public TcpState to() {
        return to;
    }

    /** The event above the line in the figure. */
    public String event() {
        return event;
    }

    /** The action below the line ("x": none; empty for "rcv RST", which has none in the figure). */
    public String action() {
        return action;
    }

    /** {@code rcv SYN / snd SYN,ACK}. */
    public String label() {
        return action.isEmpty() ? event : event + " / " + action;
    }
}
