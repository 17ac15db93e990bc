package io.jtcp.stack.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Random;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * {@link TcpHeader#computeChecksumOfWritten} (the fixed header summed from the values {@link
 * TcpHeader#writeFixed} wrote) against {@link TcpHeader#computeChecksum} (everything read back):
 * random fields, option and payload lengths (odd ones included), heap and direct memory, and every
 * setter written after {@code writeFixed}, which must make it read the header back.
 */
class WrittenSegmentChecksumTest {
    private static final long SEED = 0x9293_0301L;

    @Test
    void shouldEqualTheChecksumReadBackForRandomSegmentsInHeapAndDirectMemory() {
        final Random random = new Random(SEED);
        for (MutableDirectBuffer buffer : new MutableDirectBuffer[] {
            new UnsafeBuffer(new byte[2048]), new UnsafeBuffer(ByteBuffer.allocateDirect(2048))
        }) {
            for (int trial = 0; trial < 2000; trial++) {
                final int offset = random.nextInt(8);
                final int optionWords = random.nextInt(11);
                final int payload = trial % 3 == 0 ? 0 : random.nextInt(1500);
                final int length = TcpHeader.MIN_HEADER_LENGTH + 4 * optionWords + payload;
                final int src = random.nextInt();
                final int dst = random.nextInt();
                final TcpHeader written = new TcpHeader().wrap(buffer, offset, length);
                written.writeFixed(
                        random.nextInt(), // ports beyond 16 bits: only what writeFixed stores counts
                        random.nextInt(),
                        random.nextInt(),
                        random.nextInt(),
                        5 + optionWords,
                        random.nextInt(),
                        random.nextInt());
                for (int i = TcpHeader.MIN_HEADER_LENGTH; i < length; i++) {
                    buffer.putByte(offset + i, (byte) random.nextInt());
                }
                written.computeChecksumOfWritten(src, dst);
                final int fast = written.checksum();
                final int readBack = new TcpHeader()
                        .wrap(buffer, offset, length)
                        .computeChecksum(src, dst)
                        .checksum();
                assertEquals(readBack, fast, "seed=" + SEED + " trial=" + trial + " length=" + length);
                assertEquals(
                        0xFFFF,
                        Checksum.sum(
                                buffer,
                                offset,
                                length,
                                Checksum.pseudoHeaderSum(src, dst, Ipv4Header.PROTOCOL_TCP, length)),
                        "a receiver verifies it");
            }
        }
    }

    @Test
    void shouldReadTheHeaderBackOnceAFieldWasSetAfterWriteFixed() {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[128]);
        final Random random = new Random(SEED + 1);
        for (int setter = 0; setter < 9; setter++) {
            final TcpHeader h = new TcpHeader().wrap(buffer, 0, 40);
            h.writeFixed(1, 2, 3, 4, 5, TcpHeader.ACK, 1000);
            final int v = random.nextInt();
            switch (setter) {
                case 0 -> h.srcPort(v);
                case 1 -> h.dstPort(v);
                case 2 -> h.seq(v);
                case 3 -> h.ackNum(v);
                case 4 -> h.dataOffset(5 + (v & 7));
                case 5 -> h.flags(v);
                case 6 -> h.window(v);
                case 7 -> h.urgentPointer(v);
                default -> h.wrap(buffer, 0, 40); // a new wrap forgets what writeFixed wrote
            }
            h.computeChecksumOfWritten(7, 9);
            final int fast = h.checksum();
            assertEquals(
                    new TcpHeader().wrap(buffer, 0, 40).computeChecksum(7, 9).checksum(), fast, "setter " + setter);
        }
    }
}
