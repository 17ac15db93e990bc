package io.jtcp.stack.harness;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.wire.IcmpHeader;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.stack.wire.TcpHeader;
import io.jtcp.stack.wire.TcpOptions;
import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One IPv4 packet, copied and parsed with the wire flyweights: what the harnesses inject and what
 * they capture from the engine. Immutable after construction; allocation is fine here (tests only).
 */
public final class Packet {
    public final byte[] bytes;
    public final boolean ipValid;
    /** A valid IPv4 fragment (MF or an offset): its upper-layer header is not parsed. */
    public final boolean fragment;

    public final int src;
    public final int dst;
    public final int protocol;
    public final int ttl;

    // TCP (protocol 6)
    public final boolean tcpChecksumOk;
    public final int srcPort;
    public final int dstPort;
    public final int seq;
    public final int ack;
    public final int flags;
    public final int window;
    public final int mss;
    public final int windowScale;
    public final boolean sackPermitted;
    public final boolean hasTimestamps;
    public final int tsVal;
    public final int tsEcr;
    public final int sackBlocks;
    /** SACK block edges, left and right in turn (sequence numbers as on the wire). */
    public final int[] sackEdges;

    public final byte[] payload;

    // ICMP (protocol 1)
    public final boolean icmpChecksumOk;
    public final int icmpType;
    public final int icmpCode;
    public final int icmpId;
    public final int icmpSeq;

    public Packet(DirectBuffer buffer, int offset, int length) {
        this(copy(buffer, offset, length));
    }

    private static byte[] copy(DirectBuffer buffer, int offset, int length) {
        byte[] b = new byte[length];
        buffer.getBytes(offset, b);
        return b;
    }

    public Packet(byte[] bytes) {
        this.bytes = bytes;
        UnsafeBuffer buf = new UnsafeBuffer(bytes);
        Ipv4Header ip = new Ipv4Header().wrap(buf, 0, bytes.length);
        DropReason ipCheck = ip.validate();
        fragment = ipCheck == DropReason.IP_FRAGMENT;
        ipValid = ipCheck == DropReason.NONE || fragment;
        src = bytes.length >= 20 ? ip.srcAddr() : 0;
        dst = bytes.length >= 20 ? ip.dstAddr() : 0;
        protocol = bytes.length >= 20 ? ip.protocol() : -1;
        ttl = bytes.length >= 20 ? ip.ttl() : -1;
        boolean tcpOk = false;
        int sp = -1, dp = -1, sq = 0, ak = 0, fl = 0, win = -1, m = -1, ws = -1, tv = 0, te = 0, sb = 0;
        int[] edges = new int[0];
        boolean sackOk = false, ts = false;
        byte[] pl = new byte[0];
        boolean icmpOk = false;
        int it = -1, ic = -1, iid = -1, iseq = -1;
        if (ipValid && !fragment && protocol == Ipv4Header.PROTOCOL_TCP) {
            TcpHeader tcp = new TcpHeader().wrap(buf, ip.payloadOffset(), ip.payloadLength());
            if (tcp.validateLength() == DropReason.NONE) {
                tcpOk = tcp.validate(src, dst) == DropReason.NONE;
                sp = tcp.srcPort();
                dp = tcp.dstPort();
                sq = tcp.seq();
                ak = tcp.ackNum();
                fl = tcp.flags();
                win = tcp.window();
                TcpOptions opts = new TcpOptions();
                if (opts.parse(tcp) == DropReason.NONE) {
                    m = opts.mss();
                    ws = opts.windowScale();
                    sackOk = opts.sackPermitted();
                    ts = opts.hasTimestamps();
                    tv = opts.tsVal();
                    te = opts.tsEcr();
                    sb = opts.sackBlockCount();
                    edges = new int[2 * sb];
                    for (int b = 0; b < sb; b++) {
                        edges[2 * b] = opts.sackLeft(b);
                        edges[2 * b + 1] = opts.sackRight(b);
                    }
                }
                pl = Arrays.copyOfRange(bytes, tcp.payloadOffset(), tcp.payloadOffset() + tcp.payloadLength());
            }
        } else if (ipValid && !fragment && protocol == Ipv4Header.PROTOCOL_ICMP) {
            IcmpHeader icmp = new IcmpHeader().wrap(buf, ip.payloadOffset(), ip.payloadLength());
            if (ip.payloadLength() >= IcmpHeader.HEADER_LENGTH) {
                icmpOk = icmp.validate() == DropReason.NONE;
                it = icmp.type();
                ic = icmp.code();
                iid = icmp.identifier();
                iseq = icmp.sequence();
                pl = Arrays.copyOfRange(bytes, icmp.dataOffset(), icmp.dataOffset() + icmp.dataLength());
            }
        }
        tcpChecksumOk = tcpOk;
        srcPort = sp;
        dstPort = dp;
        seq = sq;
        ack = ak;
        flags = fl;
        window = win;
        mss = m;
        windowScale = ws;
        sackPermitted = sackOk;
        hasTimestamps = ts;
        tsVal = tv;
        tsEcr = te;
        sackBlocks = sb;
        sackEdges = edges;
        payload = pl;
        icmpChecksumOk = icmpOk;
        icmpType = it;
        icmpCode = ic;
        icmpId = iid;
        icmpSeq = iseq;
    }

    public boolean isTcp() {
        return protocol == Ipv4Header.PROTOCOL_TCP && srcPort >= 0;
    }

    public boolean isIcmp() {
        return protocol == Ipv4Header.PROTOCOL_ICMP && icmpType >= 0;
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    public boolean syn() {
        return has(TcpHeader.SYN);
    }

    public boolean fin() {
        return has(TcpHeader.FIN);
    }

    public boolean rst() {
        return has(TcpHeader.RST);
    }

    public boolean isAck() {
        return has(TcpHeader.ACK);
    }

    public int len() {
        return payload.length;
    }

    /** SEG.LEN of RFC 9293 §3.4: payload plus one for SYN and one for FIN. */
    public int segLen() {
        return payload.length + (syn() ? 1 : 0) + (fin() ? 1 : 0);
    }

    /** tcpdump-like line; sequence numbers relative to the given bases (0 = absolute). */
    public String describe(int seqBase, int ackBase) {
        StringBuilder sb = new StringBuilder();
        sb.append(Ipv4Header.addressToString(src));
        if (isTcp()) {
            sb.append('.').append(srcPort);
        }
        sb.append(" > ").append(Ipv4Header.addressToString(dst));
        if (isTcp()) {
            sb.append('.').append(dstPort);
            sb.append(": Flags [").append(TcpHeader.flagsToString(flags)).append("]");
            long s = Seq.unsignedDiff(seq, seqBase);
            sb.append(", seq ").append(s);
            if (payload.length > 0 || syn() || fin()) {
                sb.append(':').append(s + payload.length);
            }
            if (isAck() || ack != 0) {
                sb.append(", ack ").append(Seq.unsignedDiff(ack, ackBase));
            }
            sb.append(", win ").append(window);
            StringBuilder o = new StringBuilder();
            if (mss >= 0) o.append("mss ").append(mss).append(',');
            if (windowScale >= 0) o.append("wscale ").append(windowScale).append(',');
            if (sackPermitted) o.append("sackOK,");
            if (hasTimestamps)
                o.append("TS val ")
                        .append(Integer.toUnsignedString(tsVal))
                        .append(" ecr ")
                        .append(Integer.toUnsignedString(tsEcr))
                        .append(',');
            if (sackBlocks > 0) o.append("sack ").append(sackBlocks).append(',');
            if (o.length() > 0) {
                o.setLength(o.length() - 1);
                sb.append(", options [").append(o).append(']');
            }
            sb.append(", length ").append(payload.length);
            if (!tcpChecksumOk) {
                sb.append(" [bad tcp cksum]");
            }
        } else if (isIcmp()) {
            sb.append(": ICMP type ").append(icmpType).append(" code ").append(icmpCode);
            sb.append(", id ").append(icmpId).append(", seq ").append(icmpSeq);
            sb.append(", length ").append(payload.length);
            if (!icmpChecksumOk) {
                sb.append(" [bad icmp cksum]");
            }
        } else {
            sb.append(": proto ")
                    .append(protocol)
                    .append(", ")
                    .append(bytes.length)
                    .append(" bytes");
        }
        if (!ipValid) {
            sb.append(" [bad ip]");
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return describe(0, 0);
    }

    /** Small helpers for relative sequence numbers. */
    static final class Seq {
        private Seq() {}

        static long unsignedDiff(int value, int base) {
            return (value - base) & 0xFFFF_FFFFL;
        }
    }

    /** Recomputes nothing: true when an emitted packet is well formed (both checksums right). */
    public boolean wellFormed() {
        if (!ipValid) {
            return false;
        }
        if (fragment) {
            return true; // the checksum covers the whole datagram: checked once reassembled
        }
        if (protocol == Ipv4Header.PROTOCOL_TCP) {
            return tcpChecksumOk;
        }
        if (protocol == Ipv4Header.PROTOCOL_ICMP) {
            return icmpChecksumOk;
        }
        return true;
    }
}
