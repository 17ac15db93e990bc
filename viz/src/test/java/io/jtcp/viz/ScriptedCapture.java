package io.jtcp.viz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hand-built captures for the tests: a TCP conversation between A (10.7.0.1:40000, ISN 1000) and
 * B (10.7.0.2:80, ISN 5000) in relative sequence numbers, written as a classic little-endian pcap
 * (LINKTYPE_RAW like jtcp's own, or Ethernet like tcpdump on a NIC). Each segment is 1 ms after
 * the previous one unless {@link #pause} says otherwise.
 */
public final class ScriptedCapture {
    public static final int A = 0x0a070001;
    public static final int B = 0x0a070002;
    public static final int ISN_A = 1000;
    public static final int ISN_B = 5000;
    public static final int SYN = 0x02;
    public static final int FIN = 0x01;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;

    private final ByteArrayOutputStream records = new ByteArrayOutputStream();
    /** The same frames as pcapng enhanced packet blocks (Wireshark's default format). */
    private final ByteArrayOutputStream blocks = new ByteArrayOutputStream();

    private final boolean ethernet;
    private long timeUs = 1_700_000_000_000_000L;

    public ScriptedCapture(boolean ethernet) {
        this.ethernet = ethernet;
    }

    public ScriptedCapture() {
        this(false);
    }

    public ScriptedCapture pause(double seconds) {
        timeUs += (long) (seconds * 1e6);
        return this;
    }

    /** A's SYN with Linux's options. */
    public ScriptedCapture synFromA() {
        return seg(true, SYN, 0, 0, 0, 64240, true);
    }

    /** B's SYN-ACK with options. */
    public ScriptedCapture synAckFromB() {
        return seg(false, SYN | ACK, 0, 1, 0, 65535, true);
    }

    /** The three-way handshake. */
    public ScriptedCapture handshake() {
        return synFromA().synAckFromB().a(ACK, 1, 1, 0, 502);
    }

    public ScriptedCapture a(int flags, long relSeq, long relAck, int len, int win) {
        return seg(true, flags, relSeq, relAck, len, win, false);
    }

    public ScriptedCapture b(int flags, long relSeq, long relAck, int len, int win) {
        return seg(false, flags, relSeq, relAck, len, win, false);
    }

    public ScriptedCapture seg(boolean fromA, int flags, long relSeq, long relAck, int len, int win, boolean options) {
        return seg(
                fromA,
                flags,
                relSeq,
                relAck,
                len,
                win,
                options ? new byte[] {2, 4, 0x05, (byte) 0xb4, 4, 2, 1, 3, 3, 7} : new byte[0]);
    }

    /** An ACK from B carrying SACK blocks (RFC 2018), each {left, right} relative to A's ISN. */
    public ScriptedCapture sackFromB(long relAck, int win, long[]... blocks) {
        ByteBuffer o = ByteBuffer.allocate(4 + 8 * blocks.length);
        o.put((byte) 1).put((byte) 1).put((byte) 5).put((byte) (2 + 8 * blocks.length));
        for (long[] b : blocks) {
            o.putInt((int) (ISN_A + b[0])).putInt((int) (ISN_A + b[1]));
        }
        return seg(false, ACK, 1, relAck, 0, win, o.array());
    }

    public ScriptedCapture seg(boolean fromA, int flags, long relSeq, long relAck, int len, int win, byte[] opts) {
        timeUs += 1000;
        int optLen = (opts.length + 3) / 4 * 4;
        int total = 20 + 20 + optLen + len;
        ByteBuffer p = ByteBuffer.allocate(total).order(ByteOrder.BIG_ENDIAN);
        p.put((byte) 0x45)
                .put((byte) 0)
                .putShort((short) total)
                .putShort((short) 1)
                .putShort((short) 0x4000);
        p.put((byte) 64).put((byte) 6).putShort((short) 0);
        p.putInt(fromA ? A : B).putInt(fromA ? B : A);
        p.putShort((short) (fromA ? 40000 : 80)).putShort((short) (fromA ? 80 : 40000));
        p.putInt((int) ((fromA ? ISN_A : ISN_B) + relSeq));
        p.putInt((flags & ACK) != 0 ? (int) ((fromA ? ISN_B : ISN_A) + relAck) : 0);
        p.put((byte) (((20 + optLen) / 4) << 4)).put((byte) flags).putShort((short) win);
        p.putShort((short) 0).putShort((short) 0);
        p.put(opts);
        for (int i = opts.length; i < optLen; i++) {
            p.put((byte) 1);
        }
        byte[] payload = (relSeq == 1 && len >= 14 ? (fromA ? "GET / HTTP/1.1\r\n" : "HTTP/1.1 200 OK\r\n") : "")
                .getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < len; i++) {
            p.put(i < payload.length ? payload[i] : (byte) 0x80);
        }
        record(p.array());
        return this;
    }

    /** Appends raw bytes as one record (for hostile-input tests). */
    public ScriptedCapture raw(byte[] frame) {
        timeUs += 1000;
        record(frame);
        return this;
    }

    private void record(byte[] ip) {
        byte[] frame = ip;
        if (ethernet) {
            frame = new byte[14 + ip.length];
            frame[12] = 0x08;
            System.arraycopy(ip, 0, frame, 14, ip.length);
        }
        ByteBuffer h = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt((int) (timeUs / 1_000_000)).putInt((int) (timeUs % 1_000_000));
        h.putInt(frame.length).putInt(frame.length);
        records.writeBytes(h.array());
        records.writeBytes(frame);
        int padded = (frame.length + 3) / 4 * 4;
        ByteBuffer epb = ByteBuffer.allocate(32 + padded).order(ByteOrder.LITTLE_ENDIAN);
        epb.putInt(6).putInt(32 + padded).putInt(0);
        epb.putInt((int) (timeUs >>> 32)).putInt((int) timeUs);
        epb.putInt(frame.length).putInt(frame.length).put(frame);
        epb.position(28 + padded);
        epb.putInt(32 + padded);
        blocks.writeBytes(epb.array());
    }

    /** The capture as pcapng: section header, one interface (microsecond timestamps), the packets. */
    public byte[] pcapngBytes() {
        ByteBuffer h = ByteBuffer.allocate(28 + 20).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0x0a0d0d0a).putInt(28).putInt(0x1a2b3c4d).putShort((short) 1).putShort((short) 0);
        h.putLong(-1).putInt(28);
        h.putInt(1)
                .putInt(20)
                .putShort((short) (ethernet ? 1 : 101))
                .putShort((short) 0)
                .putInt(65535)
                .putInt(20);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(h.array());
        out.writeBytes(blocks.toByteArray());
        return out.toByteArray();
    }

    public byte[] bytes() {
        ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0);
        h.putInt(65535).putInt(ethernet ? 1 : 101);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(h.array());
        out.writeBytes(records.toByteArray());
        return out.toByteArray();
    }

    public Path write(Path file) throws IOException {
        Files.write(file, bytes());
        return file;
    }
}
