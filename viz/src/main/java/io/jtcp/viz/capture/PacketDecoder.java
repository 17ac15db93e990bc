package io.jtcp.viz.capture;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the IPv4/TCP headers in a captured frame of a given link type and decodes them. Every read
 * is bounds-checked against the captured length: a frame that is cut short, mangled or not
 * IPv4/TCP gives null, never an exception.
 */
public final class PacketDecoder {
    /** Link types (tcpdump.org/linktypes.html) whose frames this decoder can open. */
    public static final int NULL = 0;

    public static final int ETHERNET = 1;
    public static final int RAW = 101;
    public static final int LOOP = 108;
    public static final int LINUX_SLL = 113;
    public static final int IPV4 = 228;
    public static final int LINUX_SLL2 = 276;
    /** DLT_RAW's value on some BSDs, which libpcap passes through for old files. */
    private static final int RAW_BSD_12 = 12;

    private static final int RAW_BSD_14 = 14;
    private static final int MAX_TEXT = 48;

    private PacketDecoder() {}

    /** Whether frames of this link type can be decoded at all. */
    public static boolean supports(int linkType) {
        return switch (linkType) {
            case NULL, ETHERNET, RAW, LOOP, LINUX_SLL, IPV4, LINUX_SLL2, RAW_BSD_12, RAW_BSD_14 -> true;
            default -> false;
        };
    }

    /** The TCP segment in {@code frame}, or null when it holds none (ARP, IPv6, UDP, a fragment, junk). */
    public static TcpSegment decode(int linkType, Frame frame) {
        byte[] b = frame.data();
        int ip = ipOffset(linkType, b);
        if (ip < 0 || b.length < ip + 20 || (b[ip] & 0xf0) != 0x40) {
            return null;
        }
        int ihl = (b[ip] & 0x0f) * 4;
        int total = u16(b, ip + 2);
        if (ihl < 20 || b[ip + 9] != 6 || b.length < ip + ihl + 20) {
            return null;
        }
        // A fragment other than the whole datagram: the TCP header may be elsewhere or partial.
        if ((u16(b, ip + 6) & 0x3fff) != 0) {
            return null;
        }
        if (total == 0) {
            total = b.length - ip; // TSO captures: the stack had not filled the length in yet
        }
        if (total < ihl + 20) {
            return null;
        }
        int src = s32(b, ip + 12);
        int dst = s32(b, ip + 16);
        int t = ip + ihl;
        int doff = ((b[t + 12] & 0xf0) >>> 4) * 4;
        if (doff < 20 || total < ihl + doff) {
            return null;
        }
        int flags = b[t + 13] & 0xff;
        int payloadLen = total - ihl - doff;
        int optEnd = Math.min(t + doff, b.length);
        TcpOptionsSeen options = options(b, t + 20, optEnd, (flags & TcpSegment.SYN) != 0);
        int payload = t + doff;
        String text = payloadLen > 0 ? text(b, payload, Math.min(b.length, payload + payloadLen)) : null;
        return new TcpSegment(
                frame.number(),
                frame.timeNs(),
                src,
                u16(b, t),
                dst,
                u16(b, t + 2),
                u32(b, t + 4),
                u32(b, t + 8),
                flags,
                u16(b, t + 14),
                payloadLen,
                options,
                text);
    }

    /** Where the IPv4 header starts in a frame of {@code linkType}, or -1 when it holds no IPv4 packet. */
    public static int ipOffset(int linkType, byte[] b) {
        switch (linkType) {
            case RAW, IPV4, RAW_BSD_12, RAW_BSD_14:
                return 0;
            case NULL:
                if (b.length < 4) {
                    return -1;
                }
                // The address family in host byte order of the capturing machine: AF_INET is 2 everywhere.
                return (b[0] == 2 && b[1] == 0) || (b[3] == 2 && b[2] == 0) ? 4 : -1;
            case LOOP:
                return b.length >= 4 && s32(b, 0) == 2 ? 4 : -1;
            case ETHERNET: {
                int off = 12;
                int type = b.length >= 14 ? u16(b, off) : -1;
                while ((type == 0x8100 || type == 0x88a8) && b.length >= off + 6) {
                    off += 4; // 802.1Q / 802.1ad tags
                    type = u16(b, off);
                }
                return type == 0x0800 ? off + 2 : -1;
            }
            case LINUX_SLL:
                return b.length >= 16 && u16(b, 14) == 0x0800 ? 16 : -1;
            case LINUX_SLL2:
                return b.length >= 20 && u16(b, 0) == 0x0800 ? 20 : -1;
            default:
                return -1;
        }
    }

    /** RFC 9293 §3.2 option list; malformed lengths end the walk (as a receiver would ignore them). */
    private static TcpOptionsSeen options(byte[] b, int from, int end, boolean syn) {
        int mss = -1;
        int wscale = -1;
        boolean sackOk = false;
        boolean ts = false;
        long tsVal = 0;
        long tsEcr = 0;
        List<long[]> sack = null;
        int i = from;
        while (i < end) {
            int kind = b[i] & 0xff;
            if (kind == 0) {
                break;
            }
            if (kind == 1) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                break;
            }
            int len = b[i + 1] & 0xff;
            if (len < 2 || i + len > end) {
                break;
            }
            if (kind == 2 && len == 4) {
                mss = u16(b, i + 2);
            } else if (kind == 3 && len == 3) {
                wscale = b[i + 2] & 0xff;
            } else if (kind == 4 && len == 2) {
                sackOk = true;
            } else if (kind == 8 && len == 10) {
                ts = true;
                tsVal = u32(b, i + 2);
                tsEcr = u32(b, i + 6);
            } else if (kind == 5 && (len - 2) % 8 == 0) {
                sack = new ArrayList<>();
                for (int k = i + 2; k + 8 <= i + len; k += 8) {
                    sack.add(new long[] {u32(b, k), u32(b, k + 4)});
                }
            }
            i += len;
        }
        if (!syn && sack == null) {
            return null; // only a SYN's options and SACK blocks are drawn; the rest is not kept
        }
        if (syn && mss < 0 && wscale < 0 && !sackOk && !ts && sack == null) {
            return null;
        }
        return new TcpOptionsSeen(mss, wscale, sackOk, ts, tsVal, tsEcr, sack == null ? List.of() : sack);
    }

    /** The first line of a printable payload (HTTP and friends), cut at {@value #MAX_TEXT} characters. */
    private static String text(byte[] b, int from, int end) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < end && sb.length() < MAX_TEXT; i++) {
            int c = b[i] & 0xff;
            if (c == '\r' || c == '\n') {
                break;
            }
            if (c < 0x20 || c > 0x7e) {
                return null;
            }
            sb.append((char) c);
        }
        if (sb.length() < 3) {
            return null;
        }
        return sb.length() == MAX_TEXT ? sb + "…" : sb.toString();
    }

    private static int u16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    private static int s32(byte[] b, int i) {
        return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }

    private static long u32(byte[] b, int i) {
        return s32(b, i) & 0xffffffffL;
    }
}
