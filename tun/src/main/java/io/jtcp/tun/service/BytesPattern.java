package io.jtcp.tun.service;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The body of {@code GET /bytes/N}: a fixed, printable pattern (64-byte lines) so that a client can
 * check content, not just length, by computing the same bytes.
 */
public final class BytesPattern {
    public static final int BLOCK_LENGTH = 64 * 97;
    static final byte[] BLOCK = build();

    private BytesPattern() {}

    private static byte[] build() {
        // 97 lines (a prime) so the pattern does not line up with powers of two.
        byte[] b = new byte[BLOCK_LENGTH];
        for (int i = 0; i < BLOCK_LENGTH; i++) {
            int line = i / 64;
            int col = i % 64;
            b[i] = col == 63 ? (byte) '\n' : (byte) ('!' + (line * 7 + col) % 94);
        }
        return b;
    }

    public static byte byteAt(long index) {
        return BLOCK[(int) (index % BLOCK_LENGTH)];
    }

    /** SHA-256 of the first {@code length} bytes of the pattern, hex. */
    public static String sha256(long length) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            long left = length;
            while (left > 0) {
                int n = (int) Math.min(left, BLOCK_LENGTH);
                md.update(BLOCK, 0, n);
                left -= n;
            }
            return hex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String hex(byte[] digest) {
        StringBuilder sb = new StringBuilder(digest.length * 2);
        for (byte x : digest) {
            sb.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
        }
        return sb.toString();
    }
}
