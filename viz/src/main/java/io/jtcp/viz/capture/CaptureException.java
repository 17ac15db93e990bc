package io.jtcp.viz.capture;

/** A capture file that cannot be read at all (missing, not a capture, no libpcap): one line for the user. */
public final class CaptureException extends RuntimeException {
    public CaptureException(String message) {
        super(message);
    }

    public CaptureException(String message, Throwable cause) {
        super(message, cause);
    }
}
