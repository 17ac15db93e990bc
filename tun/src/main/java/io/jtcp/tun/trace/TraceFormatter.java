package io.jtcp.tun.trace;

import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpState;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.stack.wire.TcpHeader;
import io.jtcp.stack.wire.TcpOptions;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * One line per packet in tcpdump's style, so a trace reads like {@code tcpdump -n -S} output:
 *
 * <pre>
 *   0.000153 in  10.7.0.1.40312 &gt; 10.7.0.2.80: Flags [S], seq 2711, win 64240, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0
 *   0.000201 out 10.7.0.2.80 &gt; 10.7.0.1.40312: Flags [S.], seq 99, ack 2712, win 65535, options [mss 1460], length 0
 * </pre>
 *
 * The static {@link #describe(DirectBuffer, int, int)} prints absolute numbers, the raw window
 * and every option (like {@code tcpdump -S}); with a {@link ConnectionView} the same line has
 * numbers relative to each side's ISN, the scaled window and compact options. It never throws on
 * malformed bytes; what cannot be parsed is printed as such. Allocates: tracing is for reading,
 * not for benchmarks.
 */
public final class TraceFormatter {
    private final long startNs;

    public TraceFormatter(long startNs) {
        this.startNs = startNs;
    }

    /** Seconds since the trace started, with microseconds. */
    public String time(long nowNs) {
        long us = (nowNs - startNs) / 1000;
        return String.format("%4d.%06d", us / 1_000_000, Math.abs(us % 1_000_000));
    }

    public String packet(long nowNs, boolean inbound, DirectBuffer b, int off, int len) {
        return time(nowNs) + (inbound ? " in  " : " out ") + describe(b, off, len);
    }

    public String stateChange(long nowNs, TcpConnection c, TcpState from, TcpState to) {
        return time(nowNs) + " state " + endpoint(c.localAddr(), c.localPort()) + " <> "
                + endpoint(c.remoteAddr(), c.remotePort()) + " " + from + " -> " + to;
    }

    static String endpoint(int addr, int port) {
        return Ipv4Header.addressToString(addr) + ":" + port;
    }

    /** The packet without time and direction. */
    public static String describe(DirectBuffer b, int off, int len) {
        return describe(b, off, len, null, true);
    }

    /**
     * The packet without time and direction; with {@code view} (null: absolute and raw) TCP numbers
     * relative and windows scaled as it knows them, and without {@code allOptions} the full options
     * on SYNs only.
     */
    static String describe(DirectBuffer b, int off, int len, ConnectionView view, boolean allOptions) {
        if (len < Ipv4Header.MIN_HEADER_LENGTH) {
            return "truncated IPv4 packet, length " + len;
        }
        int version = (b.getByte(off) >> 4) & 0xF;
        int ihl = (b.getByte(off) & 0xF) * 4;
        if (version != 4 || ihl < 20 || ihl > len) {
            return "not an IPv4 packet (version " + version + ", header length " + ihl + "), length " + len;
        }
        int total = Math.min(b.getShort(off + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF, len);
        int proto = b.getByte(off + 9) & 0xFF;
        int src = b.getInt(off + 12, ByteOrder.BIG_ENDIAN);
        int dst = b.getInt(off + 16, ByteOrder.BIG_ENDIAN);
        int p = off + ihl;
        int plen = total - ihl;
        if (plen < 0) {
            return "IPv4 total length " + total + " below its header length " + ihl;
        }
        final int fragment = b.getShort(off + 6, ByteOrder.BIG_ENDIAN) & 0x3FFF; // MF and the offset
        final int id = b.getShort(off + 4, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        if ((fragment & 0x1FFF) != 0) {
            // RFC 791: a later fragment carries no upper-layer header, only payload bytes.
            return Ipv4Header.addressToString(src) + " > " + Ipv4Header.addressToString(dst) + ": IPv4 fragment id "
                    + id + ", proto " + proto + ", offset " + (fragment & 0x1FFF) * 8 + ", length " + plen
                    + ((fragment & 0x2000) != 0 ? ", more" : "");
        }
        final String first = fragment != 0 ? " (first fragment, id " + id + ")" : "";
        return upper(b, p, plen, proto, src, dst, view, allOptions) + first;
    }

    private static String upper(
            DirectBuffer b, int p, int plen, int proto, int src, int dst, ConnectionView view, boolean allOptions) {
        if (proto == Ipv4Header.PROTOCOL_TCP) {
            return tcp(b, p, plen, src, dst, view, allOptions);
        }
        String s = Ipv4Header.addressToString(src) + " > " + Ipv4Header.addressToString(dst) + ": ";
        if (proto == Ipv4Header.PROTOCOL_ICMP && plen >= 8) {
            int type = b.getByte(p) & 0xFF;
            int id = b.getShort(p + 4, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            int seq = b.getShort(p + 6, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            switch (type) {
                case 8:
                    return s + "ICMP echo request, id " + id + ", seq " + seq + ", length " + plen;
                case 0:
                    return s + "ICMP echo reply, id " + id + ", seq " + seq + ", length " + plen;
                case 3:
                    final int code = b.getByte(p + 1) & 0xFF;
                    return s + "ICMP unreachable, code " + code + (code == 4 ? ", need to frag (mtu " + seq + ")" : "")
                            + ", length " + plen;
                case 11:
                    return s + "ICMP time exceeded, code " + (b.getByte(p + 1) & 0xFF) + ", length " + plen;
                default:
                    return s + "ICMP type " + type + ", length " + plen;
            }
        }
        return s + (proto == Ipv4Header.PROTOCOL_UDP ? "UDP" : "ip-proto-" + proto) + ", length " + plen;
    }

    private static String tcp(
            DirectBuffer b, int p, int plen, int src, int dst, ConnectionView view, boolean allOptions) {
        final int sport = plen >= 4 ? b.getShort(p, ByteOrder.BIG_ENDIAN) & 0xFFFF : 0;
        final int dport = plen >= 4 ? b.getShort(p + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF : 0;
        String ends = Ipv4Header.addressToString(src) + "." + sport + " > " + Ipv4Header.addressToString(dst) + "."
                + dport + ": ";
        if (plen < TcpHeader.MIN_HEADER_LENGTH) {
            return ends + "truncated TCP segment, length " + plen;
        }
        int hlen = ((b.getByte(p + 12) >> 4) & 0xF) * 4;
        if (hlen < 20 || hlen > plen) {
            return ends + "bad TCP data offset " + hlen + ", length " + plen;
        }
        int flags = b.getByte(p + 13) & 0xFF;
        int rawSeq = b.getInt(p + 4, ByteOrder.BIG_ENDIAN);
        int rawAck = b.getInt(p + 8, ByteOrder.BIG_ENDIAN);
        int rawWin = b.getShort(p + 14, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        boolean syn = (flags & TcpHeader.SYN) != 0;
        long from = ConnectionView.endpoint(src, sport);
        long to = ConnectionView.endpoint(dst, dport);
        if (view != null) {
            view.observe(from, to, syn, rawSeq, syn ? windowScale(b, p + 20, hlen - 20) : -1);
        }
        long seq = view == null ? rawSeq & 0xFFFF_FFFFL : view.seq(rawSeq);
        int dataLen = plen - hlen;
        StringBuilder sb = new StringBuilder(160).append(ends);
        sb.append("Flags [")
                .append(TcpHeader.flagsToString(flags))
                .append("], seq ")
                .append(seq);
        if (dataLen > 0) {
            sb.append(':').append((seq + dataLen) & 0xFFFF_FFFFL);
        }
        if ((flags & TcpHeader.ACK) != 0) {
            sb.append(", ack ").append(view == null ? rawAck & 0xFFFF_FFFFL : view.ack(rawAck));
        }
        sb.append(", win ").append(view == null ? rawWin : view.window(rawWin, syn));
        if (hlen > 20) {
            boolean full = syn || allOptions;
            String opts = options(b, p + 20, hlen - 20, view, full);
            if (full) {
                sb.append(", options [").append(opts).append(']');
            } else if (!opts.isEmpty()) {
                sb.append(", ").append(opts);
            }
        }
        sb.append(", length ").append(dataLen);
        if (view != null && (flags & TcpHeader.RST) != 0) {
            view.forget(from, to); // RFC 9293 §3.10.7: a reset ends the connection
        }
        return sb.toString();
    }

    /** The shift of the window scale option among these options, or -1 when there is none. */
    static int windowScale(DirectBuffer b, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end) {
            int kind = b.getByte(i) & 0xFF;
            if (kind == TcpOptions.KIND_EOL) {
                return -1;
            }
            if (kind == TcpOptions.KIND_NOP) {
                i++;
                continue;
            }
            int olen = i + 1 < end ? b.getByte(i + 1) & 0xFF : 0;
            if (olen < 2 || i + olen > end) {
                return -1;
            }
            if (kind == TcpOptions.KIND_WSCALE && olen == 3) {
                return b.getByte(i + 2) & 0xFF;
            }
            i += olen;
        }
        return -1;
    }

    /**
     * Options in the order sent, spelled as tcpdump does ({@code full}), or compact: no padding and
     * no timestamps, SACK blocks as {@code sack 1449:2897 4345:5793}. SACK edges are relative to the
     * receiver's ISN when {@code view} knows it.
     */
    static String options(DirectBuffer b, int off, int len, ConnectionView view, boolean full) {
        StringBuilder sb = new StringBuilder();
        int i = off;
        int end = off + len;
        while (i < end) {
            int kind = b.getByte(i) & 0xFF;
            if (kind == TcpOptions.KIND_EOL || kind == TcpOptions.KIND_NOP) {
                if (full) {
                    sb.append(sb.length() > 0 ? "," : "").append(kind == TcpOptions.KIND_EOL ? "eol" : "nop");
                }
                if (kind == TcpOptions.KIND_EOL) {
                    break;
                }
                i++;
                continue;
            }
            int olen = i + 1 < end ? b.getByte(i + 1) & 0xFF : 0;
            boolean bad = olen < 2 || i + olen > end;
            if (!full && !bad && kind == TcpOptions.KIND_TIMESTAMPS) {
                i += olen; // compact: timestamps change on every segment and say little to a reader
                continue;
            }
            if (sb.length() > 0) {
                sb.append(',');
            }
            if (bad) {
                sb.append("bad opt");
                break;
            }
            if (kind == TcpOptions.KIND_MSS && olen == 4) {
                sb.append("mss ").append(b.getShort(i + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF);
            } else if (kind == TcpOptions.KIND_WSCALE && olen == 3) {
                sb.append("wscale ").append(b.getByte(i + 2) & 0xFF);
            } else if (kind == TcpOptions.KIND_SACK_PERMITTED && olen == 2) {
                sb.append("sackOK");
            } else if (kind == TcpOptions.KIND_TIMESTAMPS && olen == 10) {
                sb.append("TS val ").append(b.getInt(i + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL);
                sb.append(" ecr ").append(b.getInt(i + 6, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL);
            } else if (kind == TcpOptions.KIND_SACK && (olen - 2) % 8 == 0) {
                sb.append("sack");
                if (full) {
                    sb.append(' ').append((olen - 2) / 8);
                }
                for (int k = i + 2; k < i + olen; k += 8) {
                    int left = b.getInt(k, ByteOrder.BIG_ENDIAN);
                    int right = b.getInt(k + 4, ByteOrder.BIG_ENDIAN);
                    sb.append(full ? " {" : " ")
                            .append(view == null ? left & 0xFFFF_FFFFL : view.ack(left))
                            .append(':')
                            .append(view == null ? right & 0xFFFF_FFFFL : view.ack(right));
                    if (full) {
                        sb.append('}');
                    }
                }
            } else {
                sb.append("unknown-").append(kind);
            }
            i += olen;
        }
        return sb.toString();
    }
}
