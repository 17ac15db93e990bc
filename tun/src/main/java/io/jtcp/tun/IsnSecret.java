package io.jtcp.tun;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * The secret key of a stack's initial sequence numbers (RFC 6528 §3: F() keyed by a secret that
 * an off-path attacker cannot guess), drawn from the kernel's random source.
 */
final class IsnSecret {
    static final int BYTES = 16;

    private IsnSecret() {}

    /**
     * A new secret from {@code /dev/urandom}, which is what {@link SecureRandom}'s default reads on
     * Linux anyway; setting up the JDK's security providers to get there cost a short command
     * more start-up time than everything else between the command line and the device (issue #13).
     * Where the file cannot be read, SecureRandom it is.
     */
    static byte[] fresh() {
        final byte[] secret = new byte[BYTES];
        try (InputStream in = Files.newInputStream(Path.of("/dev/urandom"))) {
            if (in.readNBytes(secret, 0, BYTES) == BYTES) {
                return secret;
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // fall through: the JDK's generator
        }
        new SecureRandom().nextBytes(secret);
        return secret;
    }
}
