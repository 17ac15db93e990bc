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
 * Sequence numbers are absolute (like {@code tcpdump -S}): relative numbers need per-connection
 * state. It never throws on malformed bytes; what cannot be parsed is printed as such. Allocates:
 * tracing is for reading, not for benchmarks.
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
        return upper(b, p, plen, proto, src, dst) + first;
    }

    private static String upper(DirectBuffer b, int p, int plen, int proto, int src, int dst) {
        if (proto == Ipv4Header.PROTOCOL_TCP) {
            return tcp(b, p, plen, src, dst);
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

    private static String tcp(DirectBuffer b, int p, int plen, int src, int dst) {
        String ends =
                Ipv4Header.addressToString(src) + "." + (plen >= 4 ? b.getShort(p, ByteOrder.BIG_ENDIAN) & 0xFFFF : 0)
                        + " > " + Ipv4Header.addressToString(dst) + "."
                        + (plen >= 4 ? b.getShort(p + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF : 0) + ": ";
        if (plen < TcpHeader.MIN_HEADER_LENGTH) {
            return ends + "truncated TCP segment, length " + plen;
        }
        int hlen = ((b.getByte(p + 12) >> 4) & 0xF) * 4;
        if (hlen < 20 || hlen > plen) {
            return ends + "bad TCP data offset " + hlen + ", length " + plen;
        }
        int flags = b.getByte(p + 13) & 0xFF;
        long seq = b.getInt(p + 4, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL;
        long ack = b.getInt(p + 8, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL;
        int win = b.getShort(p + 14, ByteOrder.BIG_ENDIAN) & 0xFFFF;
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
            sb.append(", ack ").append(ack);
        }
        sb.append(", win ").append(win);
        if (hlen > 20) {
            sb.append(", options [").append(options(b, p + 20, hlen - 20)).append(']');
        }
        sb.append(", length ").append(dataLen);
        return sb.toString();
    }

    /** Options in the order sent, spelled as tcpdump does. */
    static String options(DirectBuffer b, int off, int len) {
        StringBuilder sb = new StringBuilder();
        int i = off;
        int end = off + len;
        while (i < end) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            int kind = b.getByte(i) & 0xFF;
            if (kind == TcpOptions.KIND_EOL) {
                sb.append("eol");
                break;
            }
            if (kind == TcpOptions.KIND_NOP) {
                sb.append("nop");
                i++;
                continue;
            }
            int olen = i + 1 < end ? b.getByte(i + 1) & 0xFF : 0;
            if (olen < 2 || i + olen > end) {
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
                sb.append("sack ").append((olen - 2) / 8);
                for (int k = i + 2; k < i + olen; k += 8) {
                    sb.append(" {")
                            .append(b.getInt(k, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL)
                            .append(':');
                    sb.append(b.getInt(k + 4, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL)
                            .append('}');
                }
            } else {
                sb.append("unknown-").append(kind);
            }
            i += olen;
        }
        return sb.toString();
    }
}
