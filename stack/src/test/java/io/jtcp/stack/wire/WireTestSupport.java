package io.jtcp.stack.wire;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.agrona.concurrent.UnsafeBuffer;

/** Helpers shared by the wire tests. */
final class WireTestSupport {
    /** Fill for build targets: a field the writer forgot shows up as 0xA5 bytes. */
    static final byte FILL = (byte) 0xA5;

    private WireTestSupport() {}

    /**
     * A buffer of exactly the given bytes: with Agrona bounds checks on (as in every test run) any
     * read or write outside the array throws, which is how the tests prove no accessor strays.
     */
    static UnsafeBuffer exact(byte[] bytes) {
        return new UnsafeBuffer(bytes);
    }

    static byte[] filled(int length) {
        byte[] b = new byte[length];
        Arrays.fill(b, FILL);
        return b;
    }

    static byte[] hex(String hex) {
        if ((hex.length() & 1) != 0) {
            throw new IllegalArgumentException("odd hex length " + hex.length());
        }
        byte[] b = new byte[hex.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    static String toHex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(String.format("%02x", x & 0xFF));
        }
        return sb.toString();
    }

    /** Packets of a golden resource file: "name hex" lines, '#' comments. */
    static Map<String, byte[]> golden(String resource) {
        Map<String, byte[]> packets = new LinkedHashMap<>();
        try (InputStream in = WireTestSupport.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\\s+");
                packets.put(parts[0], hex(parts[1]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return packets;
    }

    /**
     * The textbook Internet checksum sum (RFC 1071 §4.1 style): big-endian 16-bit words of a byte
     * array, an odd last byte padded with zero, carries folded at the end. Deliberately the slow,
     * obvious way, as the reference for the optimised {@link Checksum#sum}.
     */
    static int naiveSum(byte[] data, int off, int len, long initial) {
        long sum = initial;
        int i = 0;
        for (; i + 1 < len; i += 2) {
            sum += ((data[off + i] & 0xFF) << 8) | (data[off + i + 1] & 0xFF);
        }
        if (i < len) {
            sum += (data[off + i] & 0xFF) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }

    static int ipv4(int a, int b, int c, int d) {
        return (a << 24) | (b << 16) | (c << 8) | d;
    }
}
