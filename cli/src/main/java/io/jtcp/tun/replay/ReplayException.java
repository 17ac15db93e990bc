package io.jtcp.tun.replay;

/** A replay that cannot start or go on: its message is one line for the user. */
public final class ReplayException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ReplayException(String message) {
        super(message);
    }
}
