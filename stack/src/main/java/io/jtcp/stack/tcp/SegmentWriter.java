package io.jtcp.stack.tcp;

import io.jtcp.stack.PacketSink;
import io.jtcp.stack.StackTracer;
import io.jtcp.stack.wire.Checksum;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.stack.wire.TcpHeader;
import io.jtcp.stack.wire.TcpOptions;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Segment construction for the engine: every segment jtcp sends — data, ACK and FIN of a
 * connection, SYN and SYN-ACK, cookie SYN-ACKs, RSTs for no connection, TIME_WAIT answers — is
 * written here into one reused transmit buffer (TCP header and options per RFC 9293 §3.1, RFC 7323,
 * RFC 2018; the IPv4 header with DF), checksummed or left to the device, counted, shown to the
 * tracer and handed to the sink. Allocation-free.
 */
final class SegmentWriter {
    private final TcpEngine engine;
    private final PacketSink sink;
    private final StackTracer tracer;
    private final UnsafeBuffer tx = new UnsafeBuffer(new byte[65_536 + 64]);
    private final Ipv4Header txIp = new Ipv4Header();
    private final TcpHeader txTcp = new TcpHeader();
    private final int[] sackEdges = new int[2 * Tcb.MAX_SACK_BLOCKS];
    private int ipIdentification;

    SegmentWriter(TcpEngine engine, PacketSink sink, StackTracer tracer) {
        this.engine = engine;
        this.sink = sink;
        this.tracer = tracer;
    }

    /**
     * A data/ACK/FIN segment of {@code t}: payload from its send ring at {@code ringOffset}, SACK
     * blocks when it holds out-of-order data (RFC 2018).
     */
    void emit(Tcb t, int flags, int seq, int payloadLength, int ringOffset) {
        final int optionsStart = Ipv4Header.MIN_HEADER_LENGTH + TcpHeader.MIN_HEADER_LENGTH;
        int o = optionsStart;
        long optionsSum = 0;
        if (t.tsOk) {
            // RFC 7323 §3.2: once negotiated, every segment carries TSval and TSecr = TS.Recent.
            final int tsVal = t.tsVal();
            final int tsEcr = t.rx.tsRecent;
            o = TcpOptions.writeTimestamps(tx, o, tsVal, tsEcr);
            optionsSum = TcpOptions.timestampsWordSum(tsVal, tsEcr);
        }
        final int blocks = t.sackBlocks(sackEdges);
        final int optionsEnd = blocks > 0 ? TcpOptions.writeSack(tx, o, sackEdges, blocks) : o;
        t.rx.onAckSent(); // Last.ACK.sent (RFC 7323 §4.3); no delayed ACK is owed any more
        final int headerLength = optionsEnd - Ipv4Header.MIN_HEADER_LENGTH;
        final int tcpLength = headerLength + payloadLength;
        txTcp.wrap(tx, Ipv4Header.MIN_HEADER_LENGTH, tcpLength);
        txTcp.writeFixed(
                t.localPort, t.remotePort, seq, t.rx.rcvNxt, headerLength / 4, flags, t.rx.windowField(t.tx.sndMss));
        // The checksum takes the timestamps from their values, not from the bytes just stored.
        txTcp.coverWrittenOptions(o - optionsStart, optionsSum);
        if (payloadLength > 0) {
            t.tx.sendRing.copyOut(t.tx.sendRing.readIndex() + ringOffset, tx, optionsEnd, payloadLength);
        }
        final int pieceBytes = t.tx.sndMss - (headerLength - TcpHeader.MIN_HEADER_LENGTH);
        finishAndSend(t.remoteAddr, tcpLength, payloadLength > pieceBytes ? pieceBytes : 0);
    }

    /**
     * SYN or SYN-ACK with MSS (RFC 9293 §3.7.1) and, when negotiable, window scale (RFC 7323) and
     * SACK-permitted (RFC 2018).
     */
    void emitSyn(Tcb t, boolean synAck, int window, boolean offerWscale, boolean offerSack) {
        final int optionsStart = Ipv4Header.MIN_HEADER_LENGTH + TcpHeader.MIN_HEADER_LENGTH;
        int o = TcpOptions.writeMss(tx, optionsStart, engine.config.mssBytes());
        if (offerWscale) {
            o = TcpOptions.writeWindowScale(tx, o, t.rx.rcvWscale);
        }
        if (offerSack) {
            o = TcpOptions.writeSackPermitted(tx, o);
        }
        if (synAck ? t.tsOk : engine.config.timestamps()) {
            o = TcpOptions.writeTimestamps(tx, o, t.tsVal(), synAck ? t.rx.tsRecent : 0);
        }
        t.rx.lastAckSent = t.rx.rcvNxt;
        final int tcpLength = o - Ipv4Header.MIN_HEADER_LENGTH;
        txTcp.wrap(tx, Ipv4Header.MIN_HEADER_LENGTH, tcpLength);
        txTcp.writeFixed(
                t.localPort,
                t.remotePort,
                t.tx.iss,
                synAck ? t.rx.rcvNxt : 0,
                tcpLength / 4,
                synAck ? TcpHeader.SYN | TcpHeader.ACK : TcpHeader.SYN,
                window);
        finishAndSend(t.remoteAddr, tcpLength, 0);
    }

    /**
     * A SYN-ACK that belongs to no TCB: its ISN is a SYN cookie (RFC 4987 §3.6), its options what
     * the cookie can carry ({@code wscale} -1: none offered).
     */
    void emitCookieSynAck(
            int dst,
            int srcPort,
            int dstPort,
            int iss,
            int ack,
            int window,
            int wscale,
            boolean offerSack,
            boolean ts,
            int tsVal,
            int tsEcr) {
        final int optionsStart = Ipv4Header.MIN_HEADER_LENGTH + TcpHeader.MIN_HEADER_LENGTH;
        int o = TcpOptions.writeMss(tx, optionsStart, engine.config.mssBytes());
        if (wscale >= 0) {
            o = TcpOptions.writeWindowScale(tx, o, wscale);
        }
        if (offerSack) {
            o = TcpOptions.writeSackPermitted(tx, o);
        }
        if (ts) {
            o = TcpOptions.writeTimestamps(tx, o, tsVal, tsEcr);
        }
        final int tcpLength = o - Ipv4Header.MIN_HEADER_LENGTH;
        txTcp.wrap(tx, Ipv4Header.MIN_HEADER_LENGTH, tcpLength);
        txTcp.writeFixed(srcPort, dstPort, iss, ack, tcpLength / 4, TcpHeader.SYN | TcpHeader.ACK, window);
        finishAndSend(dst, tcpLength, 0);
    }

    /** A bare ACK that belongs to no TCB (a TIME_WAIT record's), with timestamps when {@code ts}. */
    void emitStatelessAck(
            int dst, int srcPort, int dstPort, int seq, int ack, int window, boolean ts, int tsVal, int tsEcr) {
        final int optionsStart = Ipv4Header.MIN_HEADER_LENGTH + TcpHeader.MIN_HEADER_LENGTH;
        final int o = ts ? TcpOptions.writeTimestamps(tx, optionsStart, tsVal, tsEcr) : optionsStart;
        final int tcpLength = o - Ipv4Header.MIN_HEADER_LENGTH;
        txTcp.wrap(tx, Ipv4Header.MIN_HEADER_LENGTH, tcpLength);
        txTcp.writeFixed(srcPort, dstPort, seq, ack, tcpLength / 4, TcpHeader.ACK, window)
                .coverWrittenOptions(o - optionsStart, ts ? TcpOptions.timestampsWordSum(tsVal, tsEcr) : 0);
        finishAndSend(dst, tcpLength, 0);
    }

    /**
     * A RST not tied to a live connection (RFC 9293 §3.10.7.1): {@code <SEQ=seq><CTL=RST>} or, with
     * {@code withAck}, {@code <SEQ=0><ACK=ack><CTL=RST,ACK>}.
     */
    void sendRst(int src, int srcPort, int dst, int dstPort, int seq, int ack, boolean withAck) {
        txTcp.wrap(tx, Ipv4Header.MIN_HEADER_LENGTH, TcpHeader.MIN_HEADER_LENGTH);
        txTcp.writeFixed(
                srcPort,
                dstPort,
                seq,
                withAck ? ack : 0,
                5,
                withAck ? TcpHeader.RST | TcpHeader.ACK : TcpHeader.RST,
                0);
        engine.counters.tcpRstsSent++;
        finishAndSend(dst, TcpHeader.MIN_HEADER_LENGTH, 0);
    }

    /** Checksums (or leaves the checksum to the device), adds the IPv4 header and hands it on. */
    private void finishAndSend(int dst, int tcpLength, int gsoSegmentBytes) {
        final boolean partial = engine.device.txChecksumOffload();
        if (partial) {
            // The device completes it: the field holds the pseudo-header sum (virtio-net convention).
            txTcp.checksum(Checksum.pseudoHeaderSum(engine.localAddr, dst, Ipv4Header.PROTOCOL_TCP, tcpLength));
        } else {
            txTcp.computeChecksumOfWritten(engine.localAddr, dst); // every caller used writeFixed
        }
        final int total = Ipv4Header.MIN_HEADER_LENGTH + tcpLength;
        txIp.wrap(tx, 0, total)
                .writeHeader(
                        total,
                        ipIdentification++ & 0xFFFF,
                        engine.config.ttl(),
                        Ipv4Header.PROTOCOL_TCP,
                        engine.localAddr,
                        dst);
        engine.counters.tcpSegmentsOut++;
        engine.counters.ipPacketsOut++;
        engine.counters.ipBytesOut += total;
        if (tracer != null) {
            tracer.onPacket(engine.nowNs, false, tx, 0, total);
        }
        if (partial || gsoSegmentBytes > 0) {
            sink.transmitOffload(tx, 0, total, gsoSegmentBytes, partial);
        } else {
            sink.transmit(tx, 0, total);
        }
    }
}
