package io.jtcp.tun.replay;

import io.jtcp.viz.capture.PacketDecoder;
import io.jtcp.viz.capture.TcpSegment;
import java.util.Locale;

/** Small helpers of the replay: one-line packet descriptions and the name of a header field. */
final class Replays {
    private Replays() {}

    static int s32(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    static String address(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 0xFF) + "." + ((a >>> 8) & 0xFF) + "." + (a & 0xFF);
    }

    /** {@code 10.7.0.2:80 > 10.7.0.1:40312 [S.] seq 1 ack 2 win 64240 len 0}, or the protocol for non-TCP. */
    static String describe(byte[] ip) {
        TcpSegment s = PacketDecoder.decode(PacketDecoder.RAW, new io.jtcp.viz.capture.Frame(0, 0, ip));
        if (s == null) {
            if (ip.length < 20) {
                return ip.length + " bytes, not IPv4";
            }
            int proto = ip[9] & 0xFF;
            return address(s32(ip, 12)) + " > " + address(s32(ip, 16)) + " "
                    + (proto == 1
                            ? "ICMP type " + (ip.length > 20 ? ip[(ip[0] & 0xF) * 4] & 0xFF : -1)
                            : "proto " + proto)
                    + ", " + ip.length + " bytes";
        }
        return String.format(
                Locale.ROOT,
                "%s > %s [%s] seq %d ack %d win %d len %d",
                s.source(),
                s.destination(),
                flags(s),
                s.seq(),
                s.ack(),
                s.window(),
                s.length());
    }

    static String flags(TcpSegment s) {
        StringBuilder f = new StringBuilder();
        if (s.has(TcpSegment.SYN)) {
            f.append('S');
        }
        if (s.has(TcpSegment.FIN)) {
            f.append('F');
        }
        if (s.has(TcpSegment.RST)) {
            f.append('R');
        }
        if (s.has(TcpSegment.PSH)) {
            f.append('P');
        }
        if (s.has(TcpSegment.ACK)) {
            f.append('.');
        }
        return f.toString();
    }

    /** The first byte where {@code a} and {@code b} differ (the shorter length when one is a prefix), -1 if equal. */
    static int firstDifference(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            if (a[i] != b[i]) {
                return i;
            }
        }
        return a.length == b.length ? -1 : n;
    }

    /** The IPv4 or TCP header field at byte {@code off} of an IPv4/TCP packet. */
    static String field(byte[] ip, int off) {
        int ihl = ip.length > 0 ? (ip[0] & 0xF) * 4 : 20;
        if (off < ihl) {
            return switch (off) {
                case 0, 1 -> "IPv4 version/header length/TOS";
                case 2, 3 -> "IPv4 total length";
                case 4, 5 -> "IPv4 identification";
                case 6, 7 -> "IPv4 flags/fragment offset";
                case 8 -> "IPv4 TTL";
                case 9 -> "IPv4 protocol";
                case 10, 11 -> "IPv4 header checksum";
                default -> off < 16 ? "IPv4 source" : off < 20 ? "IPv4 destination" : "IPv4 options";
            };
        }
        if (ip.length < 20 || (ip[9] & 0xFF) != 6) {
            return "payload byte " + (off - ihl);
        }
        int t = off - ihl;
        int doff = ip.length > ihl + 12 ? ((ip[ihl + 12] & 0xF0) >>> 4) * 4 : 20;
        if (t < 20) {
            return switch (t) {
                case 0, 1 -> "TCP source port";
                case 2, 3 -> "TCP destination port";
                case 4, 5, 6, 7 -> "TCP sequence number";
                case 8, 9, 10, 11 -> "TCP acknowledgment number";
                case 12 -> "TCP data offset";
                case 13 -> "TCP flags";
                case 14, 15 -> "TCP window";
                case 16, 17 -> "TCP checksum";
                default -> "TCP urgent pointer";
            };
        }
        return t < doff ? "TCP options" : "TCP payload byte " + (t - doff);
    }
}
