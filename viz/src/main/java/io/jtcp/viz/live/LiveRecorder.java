package io.jtcp.viz.live;

import io.jtcp.stack.StackTracer;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpState;
import io.jtcp.viz.capture.Endpoint;
import io.jtcp.viz.capture.TcpOptionsSeen;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * Records the segments and jtcp's state changes of live connections, for pictures drawn while
 * jtcp runs ({@code jtcp serve --ladder DIR}, the status page's links). A stack tracer, not
 * thread-safe: called from one thread at a time (every method, {@link #sweep}, {@link #live} and
 * {@link #find} too). {@code serve} with several queues shares one recorder among its loops
 * behind a lock, and sweeps it from a thread of its own.
 *
 * <p>Bounded: at most {@code maxConnections} connections are recorded at once (more are counted
 * in {@link #skippedConnections} and not recorded), each keeps at most {@code maxSegments}
 * segments (its first and last halves, {@link ConnectionRecord}). A connection's record starts at
 * a SYN, or at jtcp's first state change when the SYN was missed (a SYN cookie); a SYN that never
 * became a connection of jtcp's (refused, dropped, answered with a cookie) is forgotten after a
 * few sweeps. Per segment the hot path is a header parse, a primitive-keyed map lookup and a few
 * array stores: no allocation once a connection's arrays have grown, except the first line of
 * each message's payload (a request line) and a SYN's options.
 *
 * <p>When jtcp's side closes (CLOSED or TIME_WAIT) the record stays one more sweep, so the last
 * ACK that follows the state change is in it, then {@link #sweep} hands an immutable {@link
 * Recording} to the consumer given at construction.
 */
public final class LiveRecorder implements StackTracer {
    /** Default segments kept per connection. */
    public static final int DEFAULT_MAX_SEGMENTS = 2048;
    /** Default connections recorded at once. */
    public static final int DEFAULT_MAX_CONNECTIONS = 256;
    /** Sweeps after which a SYN jtcp never reported a state for is forgotten. */
    static final int UNCONFIRMED_SWEEPS = 4;

    private static final int MAX_TEXT = 48;

    private final int maxSegments;
    private final int maxConnections;
    private final Consumer<Recording> finished;
    private final long epochOffsetNs;
    private final Long2ObjectHashMap<ConnectionRecord> live = new Long2ObjectHashMap<>();
    private final List<ConnectionRecord> due = new ArrayList<>();
    private long nextId = 1;
    private long generation;
    private boolean ownClock;
    private long lastStamp = Long.MIN_VALUE;

    /** Connections recorded (records started). */
    public long recordedConnections;
    /** Connections not recorded because {@code maxConnections} were being recorded. */
    public long skippedConnections;
    /** Segments dropped from the middle of records that reached {@code maxSegments}. */
    public long elidedSegments;
    /** SYNs forgotten because jtcp never made them a connection. */
    public long forgottenSyns;

    /**
     * @param maxSegments segments kept per connection (at least 16)
     * @param maxConnections connections recorded at once (at least 1)
     * @param nanoTimeBase a {@link System#nanoTime} reading taken with {@code epochBaseNs}
     * @param epochBaseNs wall-clock nanoseconds since the epoch at {@code nanoTimeBase}
     * @param finished receives each connection's recording once it closed, on the thread that
     *     called in (a sweep, or a SYN that reuses a record's port pair): must not block
     */
    public LiveRecorder(
            int maxSegments, int maxConnections, long nanoTimeBase, long epochBaseNs, Consumer<Recording> finished) {
        if (maxSegments < 16 || maxConnections < 1) {
            throw new IllegalArgumentException(
                    "need maxSegments >= 16 and maxConnections >= 1, not " + maxSegments + ", " + maxConnections);
        }
        this.maxSegments = maxSegments;
        this.maxConnections = maxConnections;
        this.finished = finished;
        this.epochOffsetNs = epochBaseNs - nanoTimeBase;
    }

    /**
     * Whether each segment is stamped with its own {@link System#nanoTime} rather than the loop's
     * {@code nowNs}, which one loop cycle shares (a SYN and its SYN-ACK then show one time; their
     * order is kept either way). Stamps never go backwards. Off by default: on a machine whose
     * clock source is slow a clock read per packet more than doubles the record's cost (measured
     * 100 ns to 245 ns per packet).
     */
    public LiveRecorder ownClock(boolean on) {
        this.ownClock = on;
        return this;
    }

    /** The event's time: its own clock reading, never before the loop's and after the last one. */
    private long stamp(long nowNs) {
        if (!ownClock) {
            return nowNs;
        }
        long t = Math.max(nowNs, System.nanoTime());
        if (t <= lastStamp) {
            t = lastStamp + 1;
        }
        lastStamp = t;
        return t;
    }

    private static long key(int remoteAddr, int remotePort, int localPort) {
        return ((remoteAddr & 0xffffffffL) << 32) | ((long) (remotePort & 0xffff) << 16) | (localPort & 0xffff);
    }

    @Override
    public void onPacket(long nowNs, boolean inbound, DirectBuffer b, int off, int length) {
        if (length < 40 || (b.getByte(off) & 0xf0) != 0x40 || b.getByte(off + 9) != 6) {
            return;
        }
        int ihl = (b.getByte(off) & 0x0f) * 4;
        int total = b.getShort(off + 2, ByteOrder.BIG_ENDIAN) & 0xffff;
        if (total == 0 || total > length) {
            total = length; // TSO: the length is filled in per piece later
        }
        if (ihl < 20 || total < ihl + 20 || (b.getShort(off + 6, ByteOrder.BIG_ENDIAN) & 0x3fff) != 0) {
            return;
        }
        int src = b.getInt(off + 12, ByteOrder.BIG_ENDIAN);
        int dst = b.getInt(off + 16, ByteOrder.BIG_ENDIAN);
        int t = off + ihl;
        int srcPort = b.getShort(t, ByteOrder.BIG_ENDIAN) & 0xffff;
        int dstPort = b.getShort(t + 2, ByteOrder.BIG_ENDIAN) & 0xffff;
        int doff = ((b.getByte(t + 12) & 0xf0) >>> 4) * 4;
        if (doff < 20 || total < ihl + doff) {
            return;
        }
        int flags = b.getByte(t + 13) & 0xff;
        long seq = b.getInt(t + 4, ByteOrder.BIG_ENDIAN) & 0xffffffffL;
        long ack = b.getInt(t + 8, ByteOrder.BIG_ENDIAN) & 0xffffffffL;
        int window = b.getShort(t + 14, ByteOrder.BIG_ENDIAN) & 0xffff;
        int payload = total - ihl - doff;
        long k = inbound ? key(src, srcPort, dstPort) : key(dst, dstPort, srcPort);
        ConnectionRecord r = live.get(k);
        boolean syn = (flags & 0x02) != 0;
        boolean bareSyn = syn && (flags & 0x10) == 0;
        if (r != null && bareSyn) {
            // A new SYN with another ISN on the same ports: the port pair reused, a new connection.
            long isn = inbound ? r.synIsnIn : r.synIsnOut;
            if (isn >= 0 && isn != seq) {
                finish(k, r);
                r = null;
            }
        }
        if (r == null) {
            if (!syn) {
                return;
            }
            r = start(
                    k,
                    inbound ? dst : src,
                    inbound ? dstPort : srcPort,
                    inbound ? src : dst,
                    inbound ? srcPort : dstPort);
            if (r == null) {
                return;
            }
            r.localOpened = !inbound && bareSyn;
        }
        boolean text = r.messageStart(inbound, payload);
        r.add(stamp(nowNs), inbound, seq, ack, flags, window, payload);
        if (syn) {
            if (inbound && r.synIsnIn < 0) {
                r.synIsnIn = seq;
            } else if (!inbound && r.synIsnOut < 0) {
                r.synIsnOut = seq;
            }
            r.extra(null, synOptions(b, t + 20, Math.min(t + doff, off + length)));
        } else if (text) {
            String s = text(b, t + doff, Math.min(t + doff + payload, off + length));
            if (s != null) {
                r.extra(s, null);
            }
        }
    }

    private ConnectionRecord start(long k, int localAddr, int localPort, int remoteAddr, int remotePort) {
        if (live.size() >= maxConnections) {
            skippedConnections++;
            return null;
        }
        ConnectionRecord r =
                new ConnectionRecord(nextId++, localAddr, localPort, remoteAddr, remotePort, maxSegments, generation);
        live.put(k, r);
        recordedConnections++;
        return r;
    }

    @Override
    public void onStateChange(long nowNs, TcpConnection c, TcpState from, TcpState to) {
        long k = key(c.remoteAddr(), c.remotePort(), c.localPort());
        ConnectionRecord r = live.get(k);
        if (r == null) {
            // A connection whose SYN was not recorded (a SYN cookie's ACK opens it): record from here.
            boolean opening = (to == TcpState.SYN_SENT || to == TcpState.SYN_RECEIVED || to == TcpState.ESTABLISHED)
                    && (from == TcpState.CLOSED || from == TcpState.LISTEN || from == TcpState.SYN_RECEIVED);
            if (!opening) {
                return;
            }
            r = start(k, c.localAddr(), c.localPort(), c.remoteAddr(), c.remotePort());
            if (r == null) {
                return;
            }
            r.localOpened = to == TcpState.SYN_SENT;
        }
        r.state(from, to);
        if ((to == TcpState.CLOSED || to == TcpState.TIME_WAIT) && r.closingGeneration < 0) {
            r.closingGeneration = generation;
        }
    }

    /**
     * Hands on the connections that closed before the previous sweep and forgets SYNs that never
     * became connections; call it a few times a second.
     */
    public void sweep() {
        generation++;
        due.clear();
        live.forEach((k, r) -> {
            if (r.closingGeneration >= 0 && r.closingGeneration < generation - 1) {
                due.add(r);
            } else if (!r.confirmed && r.createdGeneration < generation - UNCONFIRMED_SWEEPS) {
                due.add(r);
            }
        });
        for (ConnectionRecord r : due) {
            long k = key(r.remoteAddr, r.remotePort, r.localPort);
            if (r.confirmed) {
                finish(k, r);
            } else {
                live.remove(k);
                forgottenSyns++;
            }
        }
        due.clear();
    }

    /** Hands on every record still open (at shutdown, once the loop has stopped). */
    public void finishAll() {
        List<ConnectionRecord> all = new ArrayList<>(live.values());
        for (ConnectionRecord r : all) {
            finish(key(r.remoteAddr, r.remotePort, r.localPort), r);
        }
    }

    private void finish(long k, ConnectionRecord r) {
        live.remove(k);
        elidedSegments += r.elided();
        if (r.confirmed) {
            finished.accept(r.snapshot(epochOffsetNs, true));
        } else {
            forgottenSyns++;
        }
    }

    /**
     * One line of a list of connections: the recorder's id, jtcp's and the peer's endpoint, jtcp's
     * state (null before it reported one), segments seen.
     */
    public record Entry(long id, Endpoint local, Endpoint remote, TcpState state, long segments) {}

    /** The connections being recorded (jtcp reported a state for), oldest first, at most {@code max}. */
    public List<Entry> live(int max) {
        List<Entry> out = new ArrayList<>(Math.min(max, live.size()));
        for (ConnectionRecord r : live.values()) {
            if (r.confirmed) {
                out.add(new Entry(
                        r.id,
                        new Endpoint(r.localAddr, r.localPort),
                        new Endpoint(r.remoteAddr, r.remotePort),
                        r.state,
                        r.total));
            }
        }
        out.sort((x, y) -> Long.compare(x.id(), y.id()));
        return out.size() > max ? List.copyOf(out.subList(0, max)) : out;
    }

    /** The live connection with this id, copied, or null. */
    public Recording find(long id) {
        for (ConnectionRecord r : live.values()) {
            if (r.id == id && r.confirmed) {
                return r.snapshot(epochOffsetNs, r.closingGeneration >= 0);
            }
        }
        return null;
    }

    /** Connections being recorded now. */
    public int liveCount() {
        return live.size();
    }

    private static TcpOptionsSeen synOptions(DirectBuffer b, int from, int end) {
        int mss = -1;
        int wscale = -1;
        boolean sackOk = false;
        boolean ts = false;
        long tsVal = 0;
        long tsEcr = 0;
        int i = from;
        while (i < end) {
            int kind = b.getByte(i) & 0xff;
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
            int len = b.getByte(i + 1) & 0xff;
            if (len < 2 || i + len > end) {
                break;
            }
            if (kind == 2 && len == 4) {
                mss = b.getShort(i + 2, ByteOrder.BIG_ENDIAN) & 0xffff;
            } else if (kind == 3 && len == 3) {
                wscale = b.getByte(i + 2) & 0xff;
            } else if (kind == 4 && len == 2) {
                sackOk = true;
            } else if (kind == 8 && len == 10) {
                ts = true;
                tsVal = b.getInt(i + 2, ByteOrder.BIG_ENDIAN) & 0xffffffffL;
                tsEcr = b.getInt(i + 6, ByteOrder.BIG_ENDIAN) & 0xffffffffL;
            }
            i += len;
        }
        if (mss < 0 && wscale < 0 && !sackOk && !ts) {
            return null;
        }
        return new TcpOptionsSeen(mss, wscale, sackOk, ts, tsVal, tsEcr, List.of());
    }

    /** The first line of a printable payload, as the capture decoder cuts it. */
    private static String text(DirectBuffer b, int from, int end) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < end && sb.length() < MAX_TEXT; i++) {
            int c = b.getByte(i) & 0xff;
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
}
