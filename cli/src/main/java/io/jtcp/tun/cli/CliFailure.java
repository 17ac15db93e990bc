package io.jtcp.tun.cli;

/** A command failed for a reason the user should read (one line, exit 1). */
final class CliFailure extends RuntimeException {
    CliFailure(String message) {
        super(message);
    }
}
