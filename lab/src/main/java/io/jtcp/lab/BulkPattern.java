package io.jtcp.lab;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;

/**
 * What every lab flow sends: a seeded 64 KiB random block, repeated. The receiver's SHA-256 of
 * what it read is checked against {@link #sha256(byte[], long)} of the same length.
 */
public final class BulkPattern {
    public static final int BYTES = 1 << 16;

    private BulkPattern() {}

    public static byte[] of(long seed) {
        byte[] pattern = new byte[BYTES];
        new SplittableRandom(seed ^ 0x5eed).nextBytes(pattern);
        return pattern;
    }

    /** SHA-256 of the first {@code length} bytes of the repeated pattern. */
    public static byte[] sha256(byte[] pattern, long length) {
        MessageDigest d = newSha256();
        for (long left = length; left > 0; ) {
            int n = (int) Math.min(left, pattern.length);
            d.update(pattern, 0, n);
            left -= n;
        }
        return d.digest();
    }

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }
}
