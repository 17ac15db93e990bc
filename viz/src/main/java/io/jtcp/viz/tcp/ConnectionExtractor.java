package io.jtcp.viz.tcp;

import io.jtcp.viz.capture.Endpoint;
import io.jtcp.viz.capture.TcpSegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups decoded segments into connections by their 4-tuple. A SYN (without ACK) with a new ISN on a
 * 4-tuple that already had a SYN starts a new connection (the port pair reused, e.g. after
 * TIME_WAIT). Payload text is kept only where a message starts (the first data each time the
 * direction of data changes), so a bulk transfer keeps headers only.
 */
public final class ConnectionExtractor {
    private static final class Building {
        final int number;
        final Endpoint a;
        final Endpoint b;
        final List<TcpSegment> segments = new ArrayList<>();
        Long synSeq;
        int lastDataFromA = -1;

        Building(int number, Endpoint a, Endpoint b) {
            this.number = number;
            this.a = a;
            this.b = b;
        }
    }

    private record Key(long lo, long hi) {}

    private final Map<Key, Building> open = new HashMap<>();
    private final List<Building> all = new ArrayList<>();

    /** Adds the next segment in capture order. */
    public void add(TcpSegment s) {
        Key key = key(s);
        Building c = open.get(key);
        boolean bareSyn = s.has(TcpSegment.SYN) && !s.has(TcpSegment.ACK);
        if (c != null && bareSyn && c.synSeq != null && c.synSeq != s.seq()) {
            c = null;
        }
        if (c == null) {
            Endpoint src = new Endpoint(s.srcAddr(), s.srcPort());
            Endpoint dst = new Endpoint(s.dstAddr(), s.dstPort());
            // A SYN-ACK first (the SYN was not captured): its receiver opened the connection.
            boolean synAck = s.has(TcpSegment.SYN) && s.has(TcpSegment.ACK);
            c = synAck ? new Building(all.size() + 1, dst, src) : new Building(all.size() + 1, src, dst);
            all.add(c);
            open.put(key, c);
        }
        if (bareSyn && c.synSeq == null) {
            c.synSeq = s.seq();
        }
        if (s.text() != null) {
            int fromA = s.srcAddr() == c.a.addr() && s.srcPort() == c.a.port() ? 1 : 0;
            if (fromA == c.lastDataFromA) {
                s = withoutText(s);
            }
        }
        if (s.length() > 0) {
            c.lastDataFromA = s.srcAddr() == c.a.addr() && s.srcPort() == c.a.port() ? 1 : 0;
        }
        c.segments.add(s);
    }

    /** The connections found so far, in order of first appearance. */
    public List<Connection> connections() {
        List<Connection> out = new ArrayList<>(all.size());
        for (Building c : all) {
            out.add(new Connection(c.number, c.a, c.b, List.copyOf(c.segments)));
        }
        return out;
    }

    private static TcpSegment withoutText(TcpSegment s) {
        return new TcpSegment(
                s.frame(),
                s.timeNs(),
                s.srcAddr(),
                s.srcPort(),
                s.dstAddr(),
                s.dstPort(),
                s.seq(),
                s.ack(),
                s.flags(),
                s.window(),
                s.length(),
                s.options(),
                null);
    }

    /** The same key for both directions: the lower (address, port) first. */
    private static Key key(TcpSegment s) {
        long x = ((s.srcAddr() & 0xffffffffL) << 16) | s.srcPort();
        long y = ((s.dstAddr() & 0xffffffffL) << 16) | s.dstPort();
        return new Key(Math.min(x, y), Math.max(x, y));
    }
}
