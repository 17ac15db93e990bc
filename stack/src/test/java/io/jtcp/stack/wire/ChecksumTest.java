package io.jtcp.stack.wire;

import static io.jtcp.stack.wire.WireTestSupport.exact;
import static io.jtcp.stack.wire.WireTestSupport.hex;
import static io.jtcp.stack.wire.WireTestSupport.naiveSum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class ChecksumTest {
    private static final long SEED = 0x1071_1624L;

    @Test
    void shouldMatchRfc1071NumericExampleWhenSummingItsEightBytes() {
        // RFC 1071 §3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2 (big-endian), checksum 220d.
        byte[] data = hex("0001f203f4f5f6f7");
        assertEquals(0xDDF2, Checksum.sum(exact(data), 0, 8, 0));
        assertEquals(0x220D, Checksum.compute(exact(data), 0, 8));
    }

    @Test
    void shouldMatchNaiveReferenceWhenSummingEveryLengthAtEveryOffset() {
        Random random = new Random(SEED);
        byte[] data = new byte[2000 + 8];
        random.nextBytes(data);
        UnsafeBuffer heap = exact(data);
        UnsafeBuffer direct = new UnsafeBuffer(ByteBuffer.allocateDirect(data.length));
        direct.putBytes(0, data);
        for (int offset = 0; offset <= 7; offset++) {
            for (int length = 0; length <= 2000; length++) {
                int expected = naiveSum(data, offset, length, 0);
                String where = "seed=" + SEED + " offset=" + offset + " length=" + length;
                assertEquals(expected, Checksum.sum(heap, offset, length, 0), where);
                assertEquals(expected, Checksum.sum(direct, offset, length, 0), where + " (direct)");
            }
        }
    }

    @Test
    void shouldMatchNaiveReferenceWhenDataIsAllOnesOrAllZeros() {
        // All-ones words make every partial sum carry; they stress the folding.
        for (byte fill : new byte[] {(byte) 0xFF, 0}) {
            byte[] data = new byte[70_000];
            java.util.Arrays.fill(data, fill);
            for (int length : new int[] {0, 1, 2, 7, 8, 9, 1500, 65535, 70_000}) {
                assertEquals(naiveSum(data, 0, length, 0), Checksum.sum(exact(data), 0, length, 0), "len " + length);
            }
        }
    }

    @Test
    void shouldChainWhenGivenAnInitialPartialSum() {
        Random random = new Random(SEED + 1);
        for (int i = 0; i < 2000; i++) {
            byte[] data = new byte[random.nextInt(200) * 2];
            random.nextBytes(data);
            int split = random.nextInt(data.length / 2 + 1) * 2;
            int initial = random.nextInt();
            int first = Checksum.sum(exact(data), 0, split, initial);
            int chained = Checksum.sum(exact(data), split, data.length - split, first);
            String where = "seed=" + (SEED + 1) + " i=" + i;
            assertEquals(naiveSum(data, 0, data.length, Integer.toUnsignedLong(initial)), chained, where);
        }
    }

    @Test
    void shouldEqualSumOfTwelveBytePseudoHeaderWhenComputingPseudoHeaderSum() {
        Random random = new Random(SEED + 2);
        for (int i = 0; i < 10_000; i++) {
            int src = random.nextInt();
            int dst = random.nextInt();
            int protocol = random.nextInt(256);
            int length = random.nextInt(65536);
            // RFC 9293 §3.1: source, destination, zero, PTCL, TCP length.
            ByteBuffer pseudo = ByteBuffer.allocate(12)
                    .putInt(src)
                    .putInt(dst)
                    .put((byte) 0)
                    .put((byte) protocol)
                    .putShort((short) length);
            int expected = naiveSum(pseudo.array(), 0, 12, 0);
            assertEquals(expected, Checksum.pseudoHeaderSum(src, dst, protocol, length), "seed=" + (SEED + 2));
        }
    }

    @Test
    void shouldVerifyWhenChecksumFieldHoldsComputedValue() {
        Random random = new Random(SEED + 3);
        for (int i = 0; i < 2000; i++) {
            byte[] data = new byte[4 + random.nextInt(1500)];
            random.nextBytes(data);
            UnsafeBuffer buf = exact(data);
            int field = random.nextInt(data.length / 2 - 1) * 2;
            buf.putShort(field, (short) 0, java.nio.ByteOrder.BIG_ENDIAN);
            int checksum = Checksum.compute(buf, 0, data.length);
            buf.putShort(field, (short) checksum, java.nio.ByteOrder.BIG_ENDIAN);
            assertTrue(Checksum.verify(buf, 0, data.length, 0), "seed=" + (SEED + 3) + " i=" + i);
            int bit = random.nextInt(data.length * 8);
            data[bit >>> 3] ^= (byte) (1 << (bit & 7));
            assertFalse(Checksum.verify(buf, 0, data.length, 0), "flip " + bit + " seed=" + (SEED + 3));
        }
    }

    @Test
    void shouldEqualFullRecomputeWhenUpdatingIncrementally() {
        // RFC 1624: rewrite random 16- and 32-bit fields of a packet-like block (never all zero: it
        // holds a fixed non-zero word, as an IPv4 header holds its version), patch the checksum
        // incrementally, and compare with a full recompute.
        Random random = new Random(SEED + 4);
        for (int i = 0; i < 20_000; i++) {
            byte[] data = new byte[8 + 2 * random.nextInt(40)];
            random.nextBytes(data);
            data[0] = 0x45;
            UnsafeBuffer buf = exact(data);
            buf.putShort(2, (short) 0, java.nio.ByteOrder.BIG_ENDIAN);
            int checksum = Checksum.compute(buf, 0, data.length);
            buf.putShort(2, (short) checksum, java.nio.ByteOrder.BIG_ENDIAN);
            String where = "seed=" + (SEED + 4) + " i=" + i;
            if (random.nextBoolean()) {
                int at = 4 + 2 * random.nextInt((data.length - 4) / 2);
                int old = buf.getShort(at, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
                int neu = pickWord(random);
                buf.putShort(at, (short) neu, java.nio.ByteOrder.BIG_ENDIAN);
                checksum = Checksum.update(checksum, old, neu);
            } else {
                int at = 4 + 2 * random.nextInt((data.length - 6) / 2);
                int old = buf.getInt(at, java.nio.ByteOrder.BIG_ENDIAN);
                int neu = (pickWord(random) << 16) | pickWord(random);
                buf.putInt(at, neu, java.nio.ByteOrder.BIG_ENDIAN);
                checksum = Checksum.update32(checksum, old, neu);
            }
            buf.putShort(2, (short) 0, java.nio.ByteOrder.BIG_ENDIAN);
            assertEquals(Checksum.compute(buf, 0, data.length), checksum, where);
        }
    }

    /** Random words weighted towards the one's-complement corner values 0x0000 and 0xFFFF. */
    private static int pickWord(Random random) {
        switch (random.nextInt(4)) {
            case 0:
                return 0;
            case 1:
                return 0xFFFF;
            default:
                return random.nextInt(65536);
        }
    }

    @Test
    void shouldGiveZeroNotMinusZeroWhenUpdateMatchesRfc1624Example() {
        // RFC 1624 §4: HC = 0xDD2F, m = 0x5555 -> m' = 0x3285. Eqn. 2 would give 0xFFFF (-0); eqn. 3
        // gives 0x0000, what a full recompute gives. The other word, 0xCD7A, makes the data sum
        // to ~0xDD2F before the change and to 0xFFFF after it.
        byte[] before = hex("cd7a5555");
        assertEquals(0xDD2F, Checksum.compute(exact(before), 0, 4));
        assertEquals(0x0000, Checksum.update(0xDD2F, 0x5555, 0x3285));
        assertEquals(0x0000, Checksum.compute(exact(hex("cd7a3285")), 0, 4));
    }

    @Test
    void shouldKeepZeroChecksumWhenWordIsRewrittenWithItsOwnValue() {
        // RFC 1624 erratum 4782 worries that HC = 0x0000 with m = m' = 0x5555 yields 0xFFFF; with an
        // end-around carry eqn. 3 gives ~(0xFFFF +' 0xAAAA +' 0x5555) = ~0xFFFF = 0x0000, unchanged.
        byte[] data = hex("aaaa5555");
        assertEquals(0x0000, Checksum.compute(exact(data), 0, 4));
        assertEquals(0x0000, Checksum.update(0x0000, 0x5555, 0x5555));
        assertEquals(0x0000, Checksum.update32(0x0000, 0xAAAA5555, 0xAAAA5555));
    }

    @Test
    void shouldMatchTextbookIpv4HeaderWhenComputingHeaderChecksum() {
        // The widely reproduced example header 4500 0030 4422 4000 8006 [0000] 8c7c 19ac ae24 1e2b:
        // words sum to 0x2BBCF, folded 0xBBD1, checksum 0x442E.
        byte[] header = hex("45000030442240008006" + "0000" + "8c7c19acae241e2b");
        Ipv4Header ip = new Ipv4Header().wrap(exact(header), 0, header.length);
        assertEquals(0x442E, ip.computeChecksum().headerChecksum());
        assertTrue(Checksum.verify(exact(header), 0, header.length, 0));
    }

    @Test
    void shouldKeepChecksumWhenWordIsRewrittenBetweenZeroAndAllOnes() {
        // 0x0000 and 0xFFFF are the same number in one's complement: swapping one for the other
        // leaves the sum, so the update must leave the checksum (RFC 1624 §3).
        byte[] data = hex("45001234ffff0000");
        int checksum = Checksum.compute(exact(data), 0, data.length);
        assertEquals(checksum, Checksum.update(checksum, 0xFFFF, 0x0000));
        assertEquals(checksum, Checksum.update(checksum, 0x0000, 0xFFFF));
        assertEquals(checksum, Checksum.compute(exact(hex("450012340000ffff")), 0, data.length));
    }

    @Test
    void shouldComplementAndFoldWhenFinishing() {
        assertEquals(0xFFFF, Checksum.finish(0));
        assertEquals(0, Checksum.finish(0xFFFF));
        assertEquals(0x220D, Checksum.finish(0xDDF2));
        // A carry beyond 16 bits in the initial value is folded, not dropped.
        assertEquals(Checksum.finish(0x0001), Checksum.finish(0x10000));
    }
}
