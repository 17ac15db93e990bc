package io.jtcp.stack.tcp;

/** Why a connection ended, as told to its handler's {@link TcpHandler#onClosed}. */
public enum CloseReason {
    /** Both sides closed cleanly (FIN exchanged and acknowledged). */
    NORMAL("closed"),
    /** Active open answered by RST ("connection refused"). */
    REFUSED("connection refused"),
    /** The peer reset an open connection. */
    RESET_BY_PEER("connection reset by peer"),
    /** Retransmissions exhausted (SYN or data) or the user timeout passed. */
    TIMED_OUT("connection timed out"),
    /** This side aborted (abort(), or the stack shut down). */
    ABORTED("connection aborted"),
    /**
     * A hard ICMP error (protocol or port unreachable, administratively prohibited, …) ended the
     * attempt in SYN_SENT or SYN_RECEIVED (RFC 1122 §4.2.3.9, RFC 5461 §4);
     * {@link TcpConnection#lastIcmpError()} holds its type and code.
     */
    UNREACHABLE("destination unreachable (ICMP)");

    private final String description;

    CloseReason(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
