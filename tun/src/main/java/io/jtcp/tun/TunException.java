package io.jtcp.tun;

/**
 * A failure the user can act on (no TUN device, missing privileges, device busy, bad address). Its
 * message is one complete line meant to be printed as is, without a stack trace.
 */
public final class TunException extends RuntimeException {
    public TunException(String message) {
        super(message);
    }
}
