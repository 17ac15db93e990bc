package io.jtcp.tun.socket;

import io.jtcp.stack.tcp.CloseReason;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;

/** Why an operation failed, turned into the exception java.net throws for the same thing. */
enum Failure {
    /** The peer refused the connection (RST to our SYN). */
    REFUSED,
    /** The stack gave up on the connect attempt (SYN retries exhausted). */
    CONNECT_TIMED_OUT,
    /** An ICMP error ended the connect attempt. */
    UNREACHABLE,
    /** The peer reset the connection. */
    RESET,
    /** Retransmissions or keep-alive probes exhausted on an open connection. */
    TIMED_OUT,
    /** This side closed the socket (or aborted it). */
    CLOSED,
    /** Output was shut down (or the connection is no longer writable). */
    OUTPUT_SHUTDOWN,
    /** The stack refused the operation (limits, memory). */
    REFUSED_BY_STACK,
    /** The loop stopped. */
    HOST_STOPPED;

    /** A fresh exception, so its stack trace is the caller's. */
    IOException exception(String detail) {
        switch (this) {
            case REFUSED:
                return new ConnectException("Connection refused" + suffix(detail));
            case CONNECT_TIMED_OUT:
                return new ConnectException("Connection timed out" + suffix(detail));
            case UNREACHABLE:
                return new NoRouteToHostException("Destination unreachable" + suffix(detail));
            case RESET:
                return new SocketException("Connection reset" + suffix(detail));
            case TIMED_OUT:
                return new SocketException("Connection timed out" + suffix(detail));
            case CLOSED:
                return new SocketException("Socket closed" + suffix(detail));
            case OUTPUT_SHUTDOWN:
                return new SocketException("Socket output is shutdown" + suffix(detail));
            case HOST_STOPPED:
                return new SocketException("jtcp host stopped" + suffix(detail));
            default:
                return new SocketException(detail == null ? "refused by the stack" : detail);
        }
    }

    private static String suffix(String detail) {
        return detail == null ? "" : " (" + detail + ")";
    }

    /** How a connection's end looks to an operation still waiting on it. */
    static Failure of(CloseReason reason, boolean connecting) {
        switch (reason) {
            case REFUSED:
                return REFUSED;
            case TIMED_OUT:
                return connecting ? CONNECT_TIMED_OUT : TIMED_OUT;
            case UNREACHABLE:
                return UNREACHABLE;
            case RESET_BY_PEER:
                return connecting ? REFUSED : RESET;
            case ABORTED:
                return CLOSED;
            default:
                return CLOSED;
        }
    }
}
