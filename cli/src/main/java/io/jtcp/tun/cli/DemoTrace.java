package io.jtcp.tun.cli;

import io.jtcp.stack.StackTracer;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpState;
import io.jtcp.tun.trace.TraceFormatter;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.agrona.DirectBuffer;

/**
 * What a guided demo records beside the pcap: jtcp's own state changes, each with the number of
 * packets of its connection the pcap held when it happened, so a ladder can put jtcp's real states
 * (not inferred ones) on the segment that caused them. It sees the same stamped event stream as
 * the pcap (one {@code StampedTracer} over both), so the counts line up exactly.
 */
final class DemoTrace implements StackTracer {
    /**
     * One state change of jtcp's.
     *
     * @param index how many packets of this connection (its 4-tuple) came before it
     */
    record StateEvent(String key, int index, long timeNs, TcpState from, TcpState to) {}

    private final TraceFormatter fmt;
    private final Map<String, List<Long>> packetTimes = new HashMap<>();
    private final List<StateEvent> events = new ArrayList<>();
    private final List<String> lines = new ArrayList<>();
    private long outbound;

    DemoTrace(long startNs) {
        this.fmt = new TraceFormatter(startNs);
    }

    /** The key of one connection as jtcp sees it: its port, the remote address and port. */
    static String key(int jtcpPort, int remoteAddr, int remotePort) {
        return jtcpPort + "/" + remoteAddr + ":" + remotePort;
    }

    @Override
    public synchronized void onPacket(long nowNs, boolean inbound, DirectBuffer b, int off, int len) {
        if (!inbound) {
            outbound++;
        }
        if (len < 20 || (b.getByte(off) & 0xf0) != 0x40 || b.getByte(off + 9) != 6) {
            return;
        }
        int ihl = (b.getByte(off) & 0x0f) * 4;
        if (len < ihl + 4) {
            return;
        }
        int src = b.getInt(off + 12, ByteOrder.BIG_ENDIAN);
        int dst = b.getInt(off + 16, ByteOrder.BIG_ENDIAN);
        int sport = b.getShort(off + ihl, ByteOrder.BIG_ENDIAN) & 0xffff;
        int dport = b.getShort(off + ihl + 2, ByteOrder.BIG_ENDIAN) & 0xffff;
        String k = inbound ? key(dport, src, sport) : key(sport, dst, dport);
        packetTimes.computeIfAbsent(k, x -> new ArrayList<>()).add(nowNs);
    }

    @Override
    public synchronized void onStateChange(long nowNs, TcpConnection c, TcpState from, TcpState to) {
        String k = key(c.localPort(), c.remoteAddr(), c.remotePort());
        List<Long> times = packetTimes.get(k);
        events.add(new StateEvent(k, times == null ? 0 : times.size(), nowNs, from, to));
        lines.add(fmt.stateChange(nowNs, c, from, to));
    }

    /** Packets jtcp sent so far: what the outbound fault injector has been offered. */
    synchronized long outboundPackets() {
        return outbound;
    }

    synchronized List<StateEvent> events(String key) {
        return events.stream().filter(e -> e.key().equals(key)).toList();
    }

    /** The time of the {@code i}-th packet of connection {@code key}, or -1. */
    synchronized long packetTime(String key, int i) {
        List<Long> t = packetTimes.get(key);
        return t == null || i < 0 || i >= t.size() ? -1 : t.get(i);
    }

    /** jtcp's state changes in the text trace's format, one a line. */
    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** When jtcp's side of some connection first went {@code from -> to}, or -1. */
    synchronized long firstTime(TcpState from, TcpState to) {
        return events.stream()
                .filter(e -> e.from() == from && e.to() == to)
                .mapToLong(StateEvent::timeNs)
                .findFirst()
                .orElse(-1);
    }

    /** Whether jtcp's side of some connection went {@code from -> to}. */
    synchronized boolean saw(TcpState from, TcpState to) {
        return events.stream().anyMatch(e -> e.from() == from && e.to() == to);
    }
}
