package io.jtcp.stack.wire;

import io.jtcp.stack.DropReason;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Parsed TCP options of one segment, reused across segments (no allocation), and writers for the
 * options jtcp sends.
 *
 * <p>Kinds understood: EOL (0), NOP (1), MSS (2, RFC 9293 §3.2), window scale (3, RFC 7323 §2),
 * SACK-permitted (4) and SACK (5, RFC 2018), timestamps (8, RFC 7323 §3). Unknown kinds are skipped
 * by their length (RFC 9293 §3.1: "must be prepared to handle an illegal option length"). A
 * malformed list (a length below 2, a length past the header, a known kind with the wrong length)
 * makes {@link #parse} return {@link DropReason#TCP_BAD_OPTIONS}; it never throws.
 */
public final class TcpOptions {
    public static final int KIND_EOL = 0;
    public static final int KIND_NOP = 1;
    public static final int KIND_MSS = 2;
    public static final int KIND_WSCALE = 3;
    public static final int KIND_SACK_PERMITTED = 4;
    public static final int KIND_SACK = 5;
    public static final int KIND_TIMESTAMPS = 8;

    public static final int LENGTH_MSS = 4;
    public static final int LENGTH_WSCALE = 3;
    public static final int LENGTH_SACK_PERMITTED = 2;
    public static final int LENGTH_TIMESTAMPS = 10;
    public static final int MAX_SACK_BLOCKS = 4;

    /** RFC 7323 §2.3: shift counts above 14 are used as 14. */
    public static final int MAX_WSCALE = 14;

    private int mss;
    private int windowScale;
    private boolean sackPermitted;
    private boolean hasTimestamps;
    private int tsVal;
    private int tsEcr;
    private int sackBlockCount;
    private final int[] sackBlocks = new int[MAX_SACK_BLOCKS * 2];

    public TcpOptions() {
        clear();
    }

    public void clear() {
        mss = -1;
        windowScale = -1;
        sackPermitted = false;
        hasTimestamps = false;
        tsVal = 0;
        tsEcr = 0;
        sackBlockCount = 0;
    }

    /** Parses the options of a validated header. */
    public DropReason parse(TcpHeader header) {
        return parse(header.buffer(), header.optionsOffset(), header.optionsLength());
    }

    /** Parses {@code length} bytes of options at {@code offset}. */
    public DropReason parse(DirectBuffer buffer, int offset, int length) {
        clear();
        int i = offset;
        final int end = offset + length;
        while (i < end) {
            final int kind = buffer.getByte(i) & 0xFF;
            if (kind == KIND_EOL) {
                break;
            }
            if (kind == KIND_NOP) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                return DropReason.TCP_BAD_OPTIONS;
            }
            final int len = buffer.getByte(i + 1) & 0xFF;
            if (len < 2 || i + len > end) {
                return DropReason.TCP_BAD_OPTIONS;
            }
            switch (kind) {
                case KIND_MSS:
                    if (len != LENGTH_MSS) {
                        return DropReason.TCP_BAD_OPTIONS;
                    }
                    mss = buffer.getShort(i + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
                    break;
                case KIND_WSCALE:
                    if (len != LENGTH_WSCALE) {
                        return DropReason.TCP_BAD_OPTIONS;
                    }
                    windowScale = Math.min(buffer.getByte(i + 2) & 0xFF, MAX_WSCALE);
                    break;
                case KIND_SACK_PERMITTED:
                    if (len != LENGTH_SACK_PERMITTED) {
                        return DropReason.TCP_BAD_OPTIONS;
                    }
                    sackPermitted = true;
                    break;
                case KIND_SACK:
                    if ((len - 2) % 8 != 0 || len == 2) {
                        return DropReason.TCP_BAD_OPTIONS;
                    }
                    sackBlockCount = Math.min((len - 2) / 8, MAX_SACK_BLOCKS);
                    for (int b = 0; b < sackBlockCount; b++) {
                        sackBlocks[2 * b] = buffer.getInt(i + 2 + 8 * b, ByteOrder.BIG_ENDIAN);
                        sackBlocks[2 * b + 1] = buffer.getInt(i + 6 + 8 * b, ByteOrder.BIG_ENDIAN);
                    }
                    break;
                case KIND_TIMESTAMPS:
                    if (len != LENGTH_TIMESTAMPS) {
                        return DropReason.TCP_BAD_OPTIONS;
                    }
                    hasTimestamps = true;
                    tsVal = buffer.getInt(i + 2, ByteOrder.BIG_ENDIAN);
                    tsEcr = buffer.getInt(i + 6, ByteOrder.BIG_ENDIAN);
                    break;
                default:
                    // RFC 9293 §3.1: unknown options are skipped by their length.
                    break;
            }
            i += len;
        }
        return DropReason.NONE;
    }

    /** Peer's MSS, or -1 when absent. */
    public int mss() {
        return mss;
    }

    /** Peer's window-scale shift (capped at 14), or -1 when absent. */
    public int windowScale() {
        return windowScale;
    }

    public boolean sackPermitted() {
        return sackPermitted;
    }

    public boolean hasTimestamps() {
        return hasTimestamps;
    }

    public int tsVal() {
        return tsVal;
    }

    public int tsEcr() {
        return tsEcr;
    }

    public int sackBlockCount() {
        return sackBlockCount;
    }

    public int sackLeft(int block) {
        return sackBlocks[2 * block];
    }

    public int sackRight(int block) {
        return sackBlocks[2 * block + 1];
    }

    // ---- writers: each returns the offset just past what it wrote ----

    public static int writeMss(MutableDirectBuffer buffer, int offset, int mss) {
        buffer.putByte(offset, (byte) KIND_MSS);
        buffer.putByte(offset + 1, (byte) LENGTH_MSS);
        buffer.putShort(offset + 2, (short) mss, ByteOrder.BIG_ENDIAN);
        return offset + LENGTH_MSS;
    }

    /** NOP + window scale: 4 bytes, keeping the list 32-bit aligned. */
    public static int writeWindowScale(MutableDirectBuffer buffer, int offset, int shift) {
        return writeWindowScaleOption(buffer, writeNop(buffer, offset), shift);
    }

    /** NOP NOP + SACK-permitted: 4 bytes. */
    public static int writeSackPermitted(MutableDirectBuffer buffer, int offset) {
        return writeSackPermittedOption(buffer, writeNop(buffer, writeNop(buffer, offset)));
    }

    /** NOP NOP + timestamps: 12 bytes (RFC 7323 Appendix A layout). */
    public static int writeTimestamps(MutableDirectBuffer buffer, int offset, int tsVal, int tsEcr) {
        return writeTimestampsOption(buffer, writeNop(buffer, writeNop(buffer, offset)), tsVal, tsEcr);
    }

    /**
     * The 16-bit words {@link #writeTimestamps} writes added up (unfolded), for {@link
     * TcpHeader#coverWrittenOptions}: NOP NOP, kind and length, TSval, TSecr.
     */
    public static long timestampsWordSum(int tsVal, int tsEcr) {
        return ((KIND_NOP << 8) | KIND_NOP)
                + ((KIND_TIMESTAMPS << 8) | LENGTH_TIMESTAMPS)
                + TcpHeader.halves(tsVal)
                + TcpHeader.halves(tsEcr);
    }

    /** NOP NOP + SACK with {@code count} blocks from {@code edges} (left, right pairs). */
    public static int writeSack(MutableDirectBuffer buffer, int offset, int[] edges, int count) {
        return writeSackOption(buffer, writeNop(buffer, writeNop(buffer, offset)), edges, count);
    }

    // ---- bare options, no alignment NOPs: for laying a list out exactly as another stack does
    // (Linux puts SACK-permitted and timestamps side by side in a SYN: 04 02 08 0a ...) ----

    /** One NOP (kind 1): 1 byte. */
    public static int writeNop(MutableDirectBuffer buffer, int offset) {
        buffer.putByte(offset, (byte) KIND_NOP);
        return offset + 1;
    }

    /** Window scale alone: 3 bytes. */
    public static int writeWindowScaleOption(MutableDirectBuffer buffer, int offset, int shift) {
        buffer.putByte(offset, (byte) KIND_WSCALE);
        buffer.putByte(offset + 1, (byte) LENGTH_WSCALE);
        buffer.putByte(offset + 2, (byte) shift);
        return offset + LENGTH_WSCALE;
    }

    /** SACK-permitted alone: 2 bytes. */
    public static int writeSackPermittedOption(MutableDirectBuffer buffer, int offset) {
        buffer.putByte(offset, (byte) KIND_SACK_PERMITTED);
        buffer.putByte(offset + 1, (byte) LENGTH_SACK_PERMITTED);
        return offset + LENGTH_SACK_PERMITTED;
    }

    /** Timestamps alone: 10 bytes. */
    public static int writeTimestampsOption(MutableDirectBuffer buffer, int offset, int tsVal, int tsEcr) {
        buffer.putByte(offset, (byte) KIND_TIMESTAMPS);
        buffer.putByte(offset + 1, (byte) LENGTH_TIMESTAMPS);
        buffer.putInt(offset + 2, tsVal, ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + 6, tsEcr, ByteOrder.BIG_ENDIAN);
        return offset + LENGTH_TIMESTAMPS;
    }

    /** SACK alone: 2 + 8 * {@code count} bytes. */
    public static int writeSackOption(MutableDirectBuffer buffer, int offset, int[] edges, int count) {
        buffer.putByte(offset, (byte) KIND_SACK);
        buffer.putByte(offset + 1, (byte) (2 + 8 * count));
        int o = offset + 2;
        for (int b = 0; b < count; b++) {
            buffer.putInt(o, edges[2 * b], ByteOrder.BIG_ENDIAN);
            buffer.putInt(o + 4, edges[2 * b + 1], ByteOrder.BIG_ENDIAN);
            o += 8;
        }
        return o;
    }

    /** Pads with EOL up to the next 32-bit boundary relative to {@code start}. */
    public static int pad(MutableDirectBuffer buffer, int start, int offset) {
        int o = offset;
        while (((o - start) & 3) != 0) {
            buffer.putByte(o++, (byte) KIND_EOL);
        }
        return o;
    }
}
