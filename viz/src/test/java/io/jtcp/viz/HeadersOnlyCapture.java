package io.jtcp.viz;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A big capture written fast: a bulk transfer from A (10.7.0.1:40000) to B (10.7.0.2:80) whose
 * records hold the IPv4 and TCP headers only (as {@code tcpdump -s 54} captures them; the IP total
 * length still counts the payload), so 100k segments take a few MB. Window scaling 7 both ways.
 */
final class HeadersOnlyCapture implements AutoCloseable {
    static final int MSS = 1448;

    private final OutputStream out;
    private final ByteBuffer rec = ByteBuffer.allocate(16 + 52).order(ByteOrder.LITTLE_ENDIAN);
    private long timeUs = 1_700_000_000_000_000L;

    HeadersOnlyCapture(Path file) throws IOException {
        out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0);
        h.putInt(96).putInt(101);
        out.write(h.array());
    }

    HeadersOnlyCapture advanceUs(long us) {
        timeUs += us;
        return this;
    }

    /** One segment; {@code sack} = {left, right} relative to A's ISN, or null. */
    HeadersOnlyCapture seg(boolean fromA, int flags, long relSeq, long relAck, int len, int win, long[] sack)
            throws IOException {
        boolean syn = (flags & ScriptedCapture.SYN) != 0;
        int optLen = syn ? 12 : sack != null ? 12 : 0;
        int hdr = 20 + 20 + optLen;
        rec.clear();
        rec.order(ByteOrder.LITTLE_ENDIAN);
        rec.putInt((int) (timeUs / 1_000_000))
                .putInt((int) (timeUs % 1_000_000))
                .putInt(hdr)
                .putInt(hdr + len);
        rec.order(ByteOrder.BIG_ENDIAN);
        rec.put((byte) 0x45)
                .put((byte) 0)
                .putShort((short) (hdr + len))
                .putShort((short) 1)
                .putShort((short) 0x4000);
        rec.put((byte) 64).put((byte) 6).putShort((short) 0);
        rec.putInt(fromA ? ScriptedCapture.A : ScriptedCapture.B).putInt(fromA ? ScriptedCapture.B : ScriptedCapture.A);
        rec.putShort((short) (fromA ? 40000 : 80)).putShort((short) (fromA ? 80 : 40000));
        rec.putInt((int) ((fromA ? ScriptedCapture.ISN_A : ScriptedCapture.ISN_B) + relSeq));
        rec.putInt(
                (flags & ScriptedCapture.ACK) != 0
                        ? (int) ((fromA ? ScriptedCapture.ISN_B : ScriptedCapture.ISN_A) + relAck)
                        : 0);
        rec.put((byte) (((20 + optLen) / 4) << 4)).put((byte) flags).putShort((short) win);
        rec.putShort((short) 0).putShort((short) 0);
        if (syn) {
            rec.put(new byte[] {2, 4, 0x05, (byte) 0xa8, 4, 2, 1, 3, 3, 7, 1, 1});
        } else if (sack != null) {
            rec.put((byte) 1).put((byte) 1).put((byte) 5).put((byte) 10);
            rec.putInt((int) (ScriptedCapture.ISN_A + sack[0])).putInt((int) (ScriptedCapture.ISN_A + sack[1]));
        }
        out.write(rec.array(), 0, rec.position());
        timeUs += 10;
        return this;
    }

    /**
     * Handshake, {@code segments} data segments of {@link #MSS} bytes, an ACK for every second one,
     * and every {@code lossEvery}-th segment lost after the capture point: three dup ACKs with a
     * SACK block, then its retransmission. Ends with both FINs.
     *
     * @return the payload bytes sent
     */
    static long bulk(Path file, int segments, int lossEvery) throws IOException {
        try (HeadersOnlyCapture c = new HeadersOnlyCapture(file)) {
            int s = ScriptedCapture.SYN;
            int a = ScriptedCapture.ACK;
            c.seg(true, s, 0, 0, 0, 64240, null)
                    .seg(false, s | a, 0, 1, 0, 65535, null)
                    .seg(true, a, 1, 1, 0, 502, null);
            long next = 1;
            long acked = 1;
            for (int i = 1; i <= segments; i++) {
                c.seg(true, a, next, 1, MSS, 502, null);
                next += MSS;
                if (lossEvery > 0 && i % lossEvery == 0) {
                    long lost = next - MSS;
                    c.seg(true, a, next, 1, MSS, 502, null);
                    next += MSS;
                    for (int d = 0; d < 3; d++) {
                        c.seg(false, a, 1, lost, 0, 2000, new long[] {lost + MSS, next});
                    }
                    c.seg(true, a, lost, 1, MSS, 502, null);
                    acked = next;
                    c.seg(false, a, 1, acked, 0, 2000, null);
                    i++;
                } else if (i % 2 == 0) {
                    acked = next;
                    c.seg(false, a, 1, acked, 0, 2000, null);
                }
            }
            c.seg(true, ScriptedCapture.FIN | a, next, 1, 0, 502, null);
            c.seg(false, ScriptedCapture.FIN | a, 1, next + 1, 0, 2000, null);
            c.seg(true, a, next + 1, 2, 0, 502, null);
            return next - 1;
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
