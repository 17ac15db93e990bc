package io.jtcp.tun.replay;

import io.jtcp.viz.capture.TcpSegment;
import java.util.List;

/**
 * Maps between the recorded server's sequence and timestamp spaces and jtcp's, once jtcp has sent
 * its SYN-ACK: the client's acknowledgments, SACK blocks (RFC 2018) and timestamp echoes (RFC 7323)
 * into jtcp's space on the way in, jtcp's sequence numbers and timestamp values into the recorded
 * server's on the way out. Every client segment gets a fresh TCP checksum: a capture taken on the
 * sending host holds partial checksums (checksum offload: the NIC completes them after the capture
 * point), which jtcp would drop. jtcp's own segments keep their checksum's correctness.
 */
final class NumberMap {
    private final long recordedIsn;
    private final long recordedTsVal;
    private boolean mapped;
    private int seqDelta; // jtcp - recorded
    private int tsDelta;

    NumberMap(TcpSegment recordedSynAck, List<CapturedPacket> fromServer) {
        this.recordedIsn = recordedSynAck.seq();
        long ts = -1;
        for (CapturedPacket p : fromServer) {
            if (p.frame() == recordedSynAck.frame()) {
                ts = tsVal(p.ip());
            }
        }
        this.recordedTsVal = ts;
    }

    boolean mapped() {
        return mapped;
    }

    /** Learns jtcp's ISN and first timestamp value from its SYN-ACK. */
    void learnFromJtcp(byte[] ip) {
        if (mapped || !isTcp(ip)) {
            return;
        }
        int t = tcp(ip);
        if ((ip[t + 13] & 0x12) == 0x12) {
            seqDelta = (int) (u32(ip, t + 4) - recordedIsn);
            long ts = tsVal(ip);
            tsDelta = ts >= 0 && recordedTsVal >= 0 ? (int) (ts - recordedTsVal) : 0;
            mapped = true;
        }
    }

    /** A client segment, its numbers moved into jtcp's space, its TCP checksum recomputed. */
    byte[] inbound(byte[] ip) {
        byte[] b = ip.clone();
        if (!isTcp(b)) {
            return b;
        }
        int t = tcp(b);
        if (!mapped) {
            fixChecksum(b, 0);
            return b;
        }
        if ((b[t + 13] & 0x10) != 0) {
            put32(b, t + 8, u32(b, t + 8) + seqDelta);
        }
        eachOption(b, t, (kind, at, len) -> {
            if (kind == 5) {
                for (int e = at + 2; e + 4 <= at + len; e += 4) {
                    put32(b, e, u32(b, e) + seqDelta);
                }
            } else if (kind == 8 && len == 10 && u32(b, at + 6) != 0) {
                put32(b, at + 6, u32(b, at + 6) + tsDelta);
            }
        });
        fixChecksum(b, 0);
        return b;
    }

    /** A jtcp segment, its numbers moved into the recorded server's space. */
    byte[] outbound(byte[] ip) {
        byte[] b = ip.clone();
        if (!mapped || !isTcp(b)) {
            return b;
        }
        int t = tcp(b);
        int before = checksumError(b);
        put32(b, t + 4, u32(b, t + 4) - seqDelta);
        eachOption(b, t, (kind, at, len) -> {
            if (kind == 8 && len == 10) {
                put32(b, at + 2, u32(b, at + 2) - tsDelta);
            }
        });
        fixChecksum(b, before);
        return b;
    }

    /** The TSval of a segment's timestamp option, or -1 without one. */
    static long tsVal(byte[] ip) {
        if (!isTcp(ip)) {
            return -1;
        }
        long[] v = {-1};
        eachOption(ip, tcp(ip), (kind, at, len) -> {
            if (kind == 8 && len == 10) {
                v[0] = u32(ip, at + 2);
            }
        });
        return v[0];
    }

    private interface OptionVisitor {
        void visit(int kind, int at, int len);
    }

    private static void eachOption(byte[] b, int t, OptionVisitor v) {
        int end = Math.min(b.length, t + ((b[t + 12] & 0xF0) >>> 4) * 4);
        int i = t + 20;
        while (i < end) {
            int kind = b[i] & 0xFF;
            if (kind == 0) {
                return;
            }
            if (kind == 1) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                return;
            }
            int len = b[i + 1] & 0xFF;
            if (len < 2 || i + len > end) {
                return;
            }
            v.visit(kind, i, len);
            i += len;
        }
    }

    private static boolean isTcp(byte[] ip) {
        if (ip.length < 40 || (ip[0] & 0xF0) != 0x40 || (ip[9] & 0xFF) != 6) {
            return false;
        }
        int t = tcp(ip);
        return ip.length >= t + 20 && t + ((ip[t + 12] & 0xF0) >>> 4) * 4 <= ip.length;
    }

    private static int tcp(byte[] ip) {
        return (ip[0] & 0xF) * 4;
    }

    /** The TCP checksum as stored minus the correct one (0 for a good segment), so a rewrite keeps it. */
    private static int checksumError(byte[] b) {
        int t = tcp(b);
        int stored = ((b[t + 16] & 0xFF) << 8) | (b[t + 17] & 0xFF);
        return stored - compute(b);
    }

    private static void fixChecksum(byte[] b, int error) {
        int t = tcp(b);
        int c = (compute(b) + error) & 0xFFFF;
        b[t + 16] = (byte) (c >>> 8);
        b[t + 17] = (byte) c;
    }

    /** RFC 793 §3.1 checksum over the pseudo-header and the segment, with the checksum field taken as 0. */
    private static int compute(byte[] b) {
        int t = tcp(b);
        int total = ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        int end = Math.min(b.length, total >= t ? total : b.length);
        int tcpLen = end - t;
        long sum = 0;
        for (int i = 12; i < 20; i += 2) {
            sum += ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
        }
        sum += 6 + tcpLen;
        for (int i = t; i < end; i += 2) {
            if (i == t + 16) {
                continue;
            }
            int hi = b[i] & 0xFF;
            int lo = i + 1 < end ? b[i + 1] & 0xFF : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    private static long u32(byte[] b, int off) {
        return Replays.s32(b, off) & 0xFFFF_FFFFL;
    }

    private static void put32(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
