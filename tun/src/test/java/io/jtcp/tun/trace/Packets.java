package io.jtcp.tun.trace;

import io.jtcp.stack.wire.IcmpHeader;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.stack.wire.TcpHeader;
import io.jtcp.stack.wire.TcpOptions;
import org.agrona.concurrent.UnsafeBuffer;

/** Hand-built packets for the trace and pcap tests. */
public final class Packets {
    static final int KERNEL = Ipv4Header.parseAddress("10.7.0.1");
    static final int JTCP = Ipv4Header.parseAddress("10.7.0.2");

    private Packets() {}

    /** A SYN with the options Linux sends: mss, sackOK, TS, nop, wscale. */
    public static UnsafeBuffer syn() {
        UnsafeBuffer b = new UnsafeBuffer(new byte[60]);
        int o = 40;
        // Linux's layout, packed without the NOP padding jtcp's own writers use.
        o = TcpOptions.writeMss(b, o, 1460);
        b.putByte(o++, (byte) TcpOptions.KIND_SACK_PERMITTED);
        b.putByte(o++, (byte) 2);
        b.putByte(o++, (byte) TcpOptions.KIND_TIMESTAMPS);
        b.putByte(o++, (byte) 10);
        b.putInt(o, 12345, java.nio.ByteOrder.BIG_ENDIAN);
        b.putInt(o + 4, 0);
        o += 8;
        TcpOptions.writeWindowScale(b, o, 7);
        return finishTcp(b, 40, KERNEL, JTCP, 40312, 80, 2711, 0, TcpHeader.SYN, 64240);
    }

    public static UnsafeBuffer data(int len) {
        UnsafeBuffer b = new UnsafeBuffer(new byte[40 + len]);
        for (int i = 0; i < len; i++) {
            b.putByte(40 + i, (byte) ('a' + i % 26));
        }
        return finishTcp(b, 20, JTCP, KERNEL, 80, 40312, 100, 2712, TcpHeader.ACK | TcpHeader.PSH, 512);
    }

    /** A segment without options from the kernel side (fromKernel) or from jtcp, with len bytes of payload. */
    public static UnsafeBuffer tcp(boolean fromKernel, int seq, int ack, int flags, int win, int len) {
        UnsafeBuffer b = new UnsafeBuffer(new byte[40 + len]);
        return fromKernel
                ? finishTcp(b, 20, KERNEL, JTCP, 40312, 80, seq, ack, flags, win)
                : finishTcp(b, 20, JTCP, KERNEL, 80, 40312, seq, ack, flags, win);
    }

    /** As {@link #tcp}, with these option bytes (a multiple of 4 long) after the header. */
    public static UnsafeBuffer tcp(boolean fromKernel, int seq, int ack, int flags, int win, int len, byte[] options) {
        UnsafeBuffer b = new UnsafeBuffer(new byte[40 + options.length + len]);
        b.putBytes(40, options);
        int hlen = 20 + options.length;
        return fromKernel
                ? finishTcp(b, hlen, KERNEL, JTCP, 40312, 80, seq, ack, flags, win)
                : finishTcp(b, hlen, JTCP, KERNEL, 80, 40312, seq, ack, flags, win);
    }

    private static UnsafeBuffer finishTcp(
            UnsafeBuffer b, int hlen, int src, int dst, int sport, int dport, int seq, int ack, int flags, int win) {
        int total = b.capacity();
        new Ipv4Header().wrap(b, 0, total).writeHeader(total, 1, 64, Ipv4Header.PROTOCOL_TCP, src, dst);
        TcpHeader tcp = new TcpHeader().wrap(b, 20, total - 20);
        tcp.srcPort(sport)
                .dstPort(dport)
                .seq(seq)
                .ackNum(ack)
                .dataOffset(hlen / 4)
                .flags(flags)
                .window(win);
        tcp.computeChecksum(src, dst);
        return b;
    }

    public static UnsafeBuffer echoRequest() {
        UnsafeBuffer b = new UnsafeBuffer(new byte[20 + 8 + 56]);
        new Ipv4Header()
                .wrap(b, 0, b.capacity())
                .writeHeader(b.capacity(), 7, 64, Ipv4Header.PROTOCOL_ICMP, KERNEL, JTCP);
        new IcmpHeader()
                .wrap(b, 20, 64)
                .type(IcmpHeader.TYPE_ECHO_REQUEST)
                .code(0)
                .identifier(42)
                .sequence(3)
                .computeChecksum();
        return b;
    }
}
