package io.jtcp.tun.script;

import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.stack.wire.TcpHeader;
import io.jtcp.tun.script.Script.OptKind;
import io.jtcp.tun.script.Script.TcpOpt;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;
import org.agrona.concurrent.UnsafeBuffer;

/** Building the segments a script injects, reading the ones jtcp sends, and writing both as a script would. */
final class Segments {
    private Segments() {}

    /** One TCP segment jtcp sent, with its options in wire order (NOPs and EOL left out). */
    record Seen(
            int srcPort,
            int dstPort,
            int flags,
            int seq,
            int ack,
            int window,
            int payloadLength,
            List<TcpOpt> options,
            String notTcp) {}

    /** The option bytes, padded with EOL to a multiple of 4; SACK edges and TS ecr mapped to live values. */
    static byte[] optionBytes(List<TcpOpt> options, LongUnaryOperator sackEdge, LongUnaryOperator ecr) {
        byte[] b = new byte[40];
        int o = 0;
        for (TcpOpt t : options) {
            switch (t.kind()) {
                case NOP:
                    b[o++] = 1;
                    break;
                case EOL:
                    b[o++] = 0;
                    break;
                case MSS:
                    b[o++] = 2;
                    b[o++] = 4;
                    o = put16(b, o, (int) t.a());
                    break;
                case WSCALE:
                    b[o++] = 3;
                    b[o++] = 3;
                    b[o++] = (byte) t.a();
                    break;
                case SACK_OK:
                    b[o++] = 4;
                    b[o++] = 2;
                    break;
                case TS:
                    b[o++] = 8;
                    b[o++] = 10;
                    o = put32(b, o, (int) t.a());
                    o = put32(b, o, (int) ecr.applyAsLong(t.b()));
                    break;
                case SACK:
                    b[o++] = 5;
                    b[o++] = (byte) (2 + 4 * t.edges().length);
                    for (long e : t.edges()) {
                        o = put32(b, o, (int) sackEdge.applyAsLong(e));
                    }
                    break;
                default:
                    throw new IllegalStateException(t.kind().toString());
            }
        }
        int padded = (o + 3) & ~3;
        byte[] out = new byte[padded];
        System.arraycopy(b, 0, out, 0, o);
        return out;
    }

    private static int put16(byte[] b, int o, int v) {
        b[o] = (byte) (v >>> 8);
        b[o + 1] = (byte) v;
        return o + 2;
    }

    private static int put32(byte[] b, int o, int v) {
        o = put16(b, o, v >>> 16);
        return put16(b, o, v);
    }

    /** One IPv4 packet carrying the segment; the payload is {@code length} bytes of 'a'..'z'. */
    static byte[] build(
            int src,
            int dst,
            int srcPort,
            int dstPort,
            int seq,
            int ack,
            int flags,
            int window,
            byte[] options,
            int length) {
        int tcpLen = TcpHeader.MIN_HEADER_LENGTH + options.length + length;
        int total = Ipv4Header.MIN_HEADER_LENGTH + tcpLen;
        byte[] out = new byte[total];
        UnsafeBuffer buf = new UnsafeBuffer(out);
        new Ipv4Header().wrap(buf, 0, total).writeHeader(total, 0, 64, Ipv4Header.PROTOCOL_TCP, src, dst);
        TcpHeader tcp = new TcpHeader().wrap(buf, Ipv4Header.MIN_HEADER_LENGTH, tcpLen);
        tcp.srcPort(srcPort)
                .dstPort(dstPort)
                .seq(seq)
                .ackNum(ack)
                .dataOffset(5 + options.length / 4)
                .flags(flags)
                .window(window)
                .urgentPointer(0);
        buf.putBytes(tcp.optionsOffset(), options);
        for (int i = 0; i < length; i++) {
            out[tcp.payloadOffset() + i] = (byte) ('a' + i % 26);
        }
        tcp.computeChecksum(src, dst);
        return out;
    }

    /** Reads a packet jtcp sent; {@code notTcp} says what it was when it is no TCP segment. */
    static Seen parse(byte[] p) {
        if (p.length < 40 || (p[0] & 0xF0) != 0x40 || (p[9] & 0xFF) != Ipv4Header.PROTOCOL_TCP) {
            return new Seen(0, 0, 0, 0, 0, 0, 0, List.of(), p.length >= 20 ? "protocol " + (p[9] & 0xFF) : "runt");
        }
        int ihl = (p[0] & 0xF) * 4;
        int total = Math.min(get16(p, 2), p.length);
        int t = ihl;
        int doff = ((p[t + 12] >> 4) & 0xF) * 4;
        if (doff < 20 || t + doff > total) {
            return new Seen(0, 0, 0, 0, 0, 0, 0, List.of(), "bad TCP header");
        }
        List<TcpOpt> opts = new ArrayList<>();
        int o = t + 20;
        int end = t + doff;
        while (o < end) {
            int kind = p[o] & 0xFF;
            if (kind == 0) {
                break;
            }
            if (kind == 1) {
                o++;
                continue;
            }
            if (o + 1 >= end) {
                break;
            }
            int len = p[o + 1] & 0xFF;
            if (len < 2 || o + len > end) {
                break;
            }
            if (kind == 2 && len == 4) {
                opts.add(new TcpOpt(OptKind.MSS, get16(p, o + 2), 0, new long[0]));
            } else if (kind == 3 && len == 3) {
                opts.add(new TcpOpt(OptKind.WSCALE, p[o + 2] & 0xFF, 0, new long[0]));
            } else if (kind == 4 && len == 2) {
                opts.add(TcpOpt.of(OptKind.SACK_OK));
            } else if (kind == 8 && len == 10) {
                opts.add(new TcpOpt(OptKind.TS, get32(p, o + 2), get32(p, o + 6), new long[0]));
            } else if (kind == 5 && (len - 2) % 8 == 0) {
                long[] edges = new long[(len - 2) / 4];
                for (int i = 0; i < edges.length; i++) {
                    edges[i] = get32(p, o + 2 + 4 * i);
                }
                opts.add(new TcpOpt(OptKind.SACK, 0, 0, edges));
            }
            o += len;
        }
        return new Seen(
                get16(p, t),
                get16(p, t + 2),
                p[t + 13] & 0xFF,
                (int) get32(p, t + 4),
                (int) get32(p, t + 8),
                get16(p, t + 14),
                total - t - doff,
                opts,
                null);
    }

    private static int get16(byte[] b, int o) {
        return ((b[o] & 0xFF) << 8) | (b[o + 1] & 0xFF);
    }

    private static long get32(byte[] b, int o) {
        return ((long) get16(b, o) << 16) | get16(b, o + 2);
    }

    /** packetdrill's flag letters: F S R P U E W, then '.' for ACK; '-' for none. */
    static String flags(int flags) {
        StringBuilder sb = new StringBuilder();
        if ((flags & TcpHeader.FIN) != 0) sb.append('F');
        if ((flags & TcpHeader.SYN) != 0) sb.append('S');
        if ((flags & TcpHeader.RST) != 0) sb.append('R');
        if ((flags & TcpHeader.PSH) != 0) sb.append('P');
        if ((flags & TcpHeader.URG) != 0) sb.append('U');
        if ((flags & TcpHeader.ECE) != 0) sb.append('E');
        if ((flags & TcpHeader.CWR) != 0) sb.append('W');
        if ((flags & TcpHeader.ACK) != 0) sb.append('.');
        return sb.length() == 0 ? "-" : sb.toString();
    }

    /** A segment in script syntax, e.g. {@code > S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK>}. */
    static String render(
            boolean inbound, int flags, long seq, int length, Long ack, Integer window, List<TcpOpt> options) {
        StringBuilder sb = new StringBuilder();
        sb.append(inbound ? "< " : "> ").append(flags(flags)).append(' ');
        sb.append(seq)
                .append(':')
                .append((seq + length) & 0xFFFF_FFFFL)
                .append('(')
                .append(length)
                .append(')');
        if (ack != null) {
            sb.append(" ack ").append(ack);
        }
        if (window != null) {
            sb.append(" win ").append(window);
        }
        if (options == null) {
            sb.append(" <...>");
        } else if (!options.isEmpty()) {
            sb.append(' ').append(options(options));
        }
        return sb.toString();
    }

    /** {@code <mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7>}. */
    static String options(List<TcpOpt> options) {
        StringBuilder sb = new StringBuilder("<");
        for (TcpOpt o : options) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            switch (o.kind()) {
                case NOP:
                    sb.append("nop");
                    break;
                case EOL:
                    sb.append("eol");
                    break;
                case MSS:
                    sb.append("mss ").append(o.a());
                    break;
                case WSCALE:
                    sb.append("wscale ").append(o.a());
                    break;
                case SACK_OK:
                    sb.append("sackOK");
                    break;
                case TS:
                    sb.append("TS val ").append(o.a()).append(" ecr ").append(o.b());
                    break;
                case SACK:
                    sb.append("sack");
                    for (int i = 0; i + 1 < o.edges().length; i += 2) {
                        sb.append(' ').append(o.edges()[i]).append(':').append(o.edges()[i + 1]);
                    }
                    break;
                default:
            }
        }
        return sb.append('>').toString();
    }
}
