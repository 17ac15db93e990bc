package io.jtcp.stack.ip;

import io.jtcp.stack.PacketSink;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.StackCounters;
import io.jtcp.stack.StackTracer;
import io.jtcp.stack.wire.IcmpHeader;
import io.jtcp.stack.wire.Ipv4Header;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The ICMP messages jtcp sends: echo replies (RFC 792) and errors (protocol unreachable,
 * reassembly time exceeded), the errors through a token bucket (RFC 1812 §4.3.2.8). What it sends
 * goes without DF, as Linux's ICMP replies do, and is fragmented (RFC 791 §3.2) when larger than
 * the path MTU: an answer to a 4000-byte ping leaves in pieces. Allocation-free.
 */
public final class IcmpSender {
    /** RFC 1812 §4.3.2.3: an error quotes as much of the datagram as fits in 576 bytes. */
    private static final int MAX_ERROR_DATAGRAM = 576;

    private final StackConfig config;
    private final StackCounters counters;
    private final PacketSink sink;
    private final StackTracer tracer;
    private final PathMtuCache pathMtus;
    private final TokenBucket errorBucket;
    private final int localAddr;

    private final UnsafeBuffer tx = new UnsafeBuffer(new byte[Ipv4Header.MAX_TOTAL_LENGTH + 1]);
    private final UnsafeBuffer fragment = new UnsafeBuffer(new byte[Ipv4Header.MAX_TOTAL_LENGTH + 1]);
    private final Ipv4Header txIp = new Ipv4Header();
    private final Ipv4Header fragmentIp = new Ipv4Header();
    private final IcmpHeader txIcmp = new IcmpHeader();
    private int identification;

    public IcmpSender(StackConfig config, StackCounters counters, PacketSink sink, PathMtuCache pathMtus) {
        this.config = config;
        this.counters = counters;
        this.sink = sink;
        this.tracer = config.tracer();
        this.pathMtus = pathMtus;
        this.errorBucket = new TokenBucket(config.icmpErrorsPerSecond(), config.icmpErrorBurst());
        this.localAddr = config.localAddr();
    }

    /** RFC 792 echo: the reply carries the request's identifier, sequence and data. */
    public void echoReply(long nowNs, DirectBuffer buffer, int icmpOffset, int icmpLength, int dst) {
        tx.putBytes(Ipv4Header.MIN_HEADER_LENGTH, buffer, icmpOffset, icmpLength);
        txIcmp.wrap(tx, Ipv4Header.MIN_HEADER_LENGTH, icmpLength)
                .type(IcmpHeader.TYPE_ECHO_REPLY)
                .code(0)
                .computeChecksum();
        counters.icmpEchoReplies++;
        send(nowNs, Ipv4Header.MIN_HEADER_LENGTH + icmpLength, dst);
    }

    /**
     * An ICMP error about the datagram of {@code datagramLength} bytes at {@code offset} (its IPv4
     * header first), to its source. The caller has checked RFC 1122 §3.2.2's rules (never about an
     * ICMP error, a broadcast or multicast, or a fragment other than the first); the rate limit is
     * checked here. Returns whether it was sent.
     */
    public boolean error(long nowNs, int type, int code, DirectBuffer buffer, int offset, int datagramLength, int dst) {
        if (!errorBucket.tryTake(nowNs)) {
            counters.icmpErrorsRateLimited++;
            return false;
        }
        final int quote =
                Math.min(datagramLength, MAX_ERROR_DATAGRAM - Ipv4Header.MIN_HEADER_LENGTH - IcmpHeader.HEADER_LENGTH);
        final int icmpLength = IcmpHeader.HEADER_LENGTH + quote;
        tx.putBytes(Ipv4Header.MIN_HEADER_LENGTH + IcmpHeader.HEADER_LENGTH, buffer, offset, quote);
        txIcmp.wrap(tx, Ipv4Header.MIN_HEADER_LENGTH, icmpLength)
                .type(type)
                .code(code)
                .restOfHeader(0)
                .computeChecksum();
        counters.icmpErrorsSent++;
        send(nowNs, Ipv4Header.MIN_HEADER_LENGTH + icmpLength, dst);
        return true;
    }

    /** {@code tx} holds an ICMP message after 20 bytes of room: add the header, fragment if needed. */
    private void send(long nowNs, int total, int dst) {
        final int id = identification++ & 0xFFFF;
        txIp.wrap(tx, 0, total).writeHeader(total, id, config.ttl(), Ipv4Header.PROTOCOL_ICMP, localAddr, dst);
        txIp.flagsAndFragment(0).computeChecksum(); // no DF: a smaller path fragments it (RFC 791)
        final int learned = pathMtus.get(dst, nowNs);
        final int mtu = learned == 0 ? config.mtuBytes() : Math.min(learned, config.mtuBytes());
        if (total <= mtu) {
            transmit(nowNs, tx, total);
            return;
        }
        // RFC 791 §3.2 fragmentation: every piece but the last a multiple of 8 bytes of payload.
        final int chunk = ((mtu - Ipv4Header.MIN_HEADER_LENGTH) / 8) * 8;
        final int payload = total - Ipv4Header.MIN_HEADER_LENGTH;
        for (int at = 0; at < payload; at += chunk) {
            final int len = Math.min(chunk, payload - at);
            final boolean more = at + len < payload;
            fragment.putBytes(0, tx, 0, Ipv4Header.MIN_HEADER_LENGTH);
            fragment.putBytes(Ipv4Header.MIN_HEADER_LENGTH, tx, Ipv4Header.MIN_HEADER_LENGTH + at, len);
            fragmentIp
                    .wrap(fragment, 0, Ipv4Header.MIN_HEADER_LENGTH + len)
                    .totalLength(Ipv4Header.MIN_HEADER_LENGTH + len)
                    .flagsAndFragment((more ? Ipv4Header.FLAG_MF : 0) | (at / 8))
                    .computeChecksum();
            counters.ipFragmentsOut++;
            transmit(nowNs, fragment, Ipv4Header.MIN_HEADER_LENGTH + len);
        }
    }

    private void transmit(long nowNs, UnsafeBuffer buffer, int length) {
        counters.ipPacketsOut++;
        counters.ipBytesOut += length;
        if (tracer != null) {
            tracer.onPacket(nowNs, false, buffer, 0, length);
        }
        sink.transmit(buffer, 0, length);
    }
}
