package io.jtcp.stack.tcp;

/**
 * Initial sequence numbers per RFC 9293 §3.4.1 (the RFC 6528 scheme): ISN = M + F(localip,
 * localport, remoteip, remoteport, secretkey), where M is a timer ticking every 4 microseconds and
 * F is SipHash-2-4 keyed with a 128-bit secret. Also the RFC 6056 §3.3.3 offset for choosing
 * ephemeral ports and the RFC 7323 §5.4 TSval offset per address pair (each its own hash input
 * domain, same key).
 *
 * <p>The secret is injected, so tests fix it; production takes it from {@code SecureRandom}.
 */
final class IsnGenerator {
    private final long k0;
    private final long k1;

    public IsnGenerator(byte[] secret) {
        if (secret == null || secret.length != 16) {
            throw new IllegalArgumentException("the ISN secret must be 16 bytes");
        }
        k0 = littleEndianLong(secret, 0);
        k1 = littleEndianLong(secret, 8);
    }

    /** RFC 9293 §3.4.1: M (4 µs ticks of {@code nowNs}) plus the keyed hash of the 4-tuple. */
    public int isn(long nowNs, int localAddr, int localPort, int remoteAddr, int remotePort) {
        final int m = (int) (nowNs / 4_000L);
        final long f = sipHash24(
                ((long) localAddr << 32) | (remoteAddr & 0xFFFF_FFFFL),
                ((long) (localPort & 0xFFFF) << 16) | (remotePort & 0xFFFF));
        return m + (int) f;
    }

    /** RFC 6056 §3.3.3: F(localip, remoteip, remoteport, secret) as the start of the port search. */
    public int portOffset(int localAddr, int remoteAddr, int remotePort) {
        final long f =
                sipHash24(((long) localAddr << 32) | (remoteAddr & 0xFFFF_FFFFL), (1L << 32) | (remotePort & 0xFFFF));
        return (int) (f ^ (f >>> 32)) & 0x7FFF_FFFF;
    }

    /**
     * RFC 7323 §5.4 and §7.1: the offset added to our TSval clock, keyed on the address pair only
     * (as Linux's per-pair offset): the offset hides the clock, and connections between the same
     * two hosts share it, so TSvals keep rising across a reused 4-tuple. A per-connection offset
     * would send a new incarnation's SYN with a TSval a peer in TIME_WAIT may take as older than
     * the last one, and drop under PAWS (RFC 7323 §5.3), costing the client its SYN
     * retransmission timeout.
     */
    public int tsOffset(int localAddr, int remoteAddr) {
        final long f = sipHash24(((long) localAddr << 32) | (remoteAddr & 0xFFFF_FFFFL), 2L << 32);
        return (int) (f ^ (f >>> 32));
    }

    /** SipHash-2-4 of a 16-byte message given as two 64-bit words (Aumasson and Bernstein, 2012). */
    long sipHash24(long m0, long m1) {
        long v0 = k0 ^ 0x736f6d6570736575L;
        long v1 = k1 ^ 0x646f72616e646f6dL;
        long v2 = k0 ^ 0x6c7967656e657261L;
        long v3 = k1 ^ 0x7465646279746573L;
        // Steps 0 and 1 compress the two message words, step 2 the length block (16 bytes), each
        // with 2 rounds; step 3 is the finalization, 4 rounds.
        for (int step = 0; step < 4; step++) {
            final boolean finalization = step == 3;
            final long m = step == 0 ? m0 : step == 1 ? m1 : 16L << 56;
            if (finalization) {
                v2 ^= 0xff;
            } else {
                v3 ^= m;
            }
            for (int r = finalization ? 4 : 2; r > 0; r--) {
                v0 += v1;
                v1 = Long.rotateLeft(v1, 13);
                v1 ^= v0;
                v0 = Long.rotateLeft(v0, 32);
                v2 += v3;
                v3 = Long.rotateLeft(v3, 16);
                v3 ^= v2;
                v0 += v3;
                v3 = Long.rotateLeft(v3, 21);
                v3 ^= v0;
                v2 += v1;
                v1 = Long.rotateLeft(v1, 17);
                v1 ^= v2;
                v2 = Long.rotateLeft(v2, 32);
            }
            if (!finalization) {
                v0 ^= m;
            }
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }

    private static long littleEndianLong(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }
}
