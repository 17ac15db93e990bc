package io.jtcp.viz.live;

import io.jtcp.stack.tcp.TcpState;
import io.jtcp.viz.capture.Endpoint;
import io.jtcp.viz.capture.TcpOptionsSeen;
import io.jtcp.viz.capture.TcpSegment;
import io.jtcp.viz.tcp.Connection;
import io.jtcp.viz.tcp.ConnectionAnalysis;
import io.jtcp.viz.tcp.TracedState;
import java.util.ArrayList;
import java.util.List;

/**
 * One connection as {@link LiveRecorder} recorded it, copied out of the loop's record: immutable,
 * so any thread may render it. Times are wall-clock nanoseconds since the epoch, as a capture's.
 */
public final class Recording {
    private final long id;
    private final Endpoint local;
    private final Endpoint remote;
    private final boolean localOpened;
    private final long[] time;
    private final long[] seq;
    private final long[] ack;
    private final int[] len;
    private final int[] meta;
    private final String[] texts;
    private final TcpOptionsSeen[] options;
    private final List<TracedState> states;
    private final int elidedAt;
    private final long[] elidedSegments;
    private final long[] elidedBytes;
    private final long total;
    private final TcpState state;
    private final boolean closed;

    Recording(
            long id,
            int localAddr,
            int localPort,
            int remoteAddr,
            int remotePort,
            boolean localOpened,
            long[] time,
            long[] seq,
            long[] ack,
            int[] len,
            int[] meta,
            String[] texts,
            TcpOptionsSeen[] options,
            List<TracedState> states,
            int elidedAt,
            long[] elidedSegments,
            long[] elidedBytes,
            long total,
            TcpState state,
            boolean closed) {
        this.id = id;
        this.local = new Endpoint(localAddr, localPort);
        this.remote = new Endpoint(remoteAddr, remotePort);
        this.localOpened = localOpened;
        this.time = time;
        this.seq = seq;
        this.ack = ack;
        this.len = len;
        this.meta = meta;
        this.texts = texts;
        this.options = options;
        this.states = states;
        this.elidedAt = elidedAt;
        this.elidedSegments = elidedSegments;
        this.elidedBytes = elidedBytes;
        this.total = total;
        this.state = state;
        this.closed = closed;
    }

    /** The recorder's sequence number for this connection, 1 for the first. */
    public long id() {
        return id;
    }

    /** jtcp's endpoint. */
    public Endpoint local() {
        return local;
    }

    public Endpoint remote() {
        return remote;
    }

    /** Whether jtcp opened the connection (it is then side a, drawn on the left). */
    public boolean localOpened() {
        return localOpened;
    }

    /** jtcp's last state, or null when it reported none (a SYN it never answered with a connection). */
    public TcpState state() {
        return state;
    }

    /** Whether jtcp's side had closed (CLOSED or TIME_WAIT) when this copy was taken. */
    public boolean closed() {
        return closed;
    }

    /** Segments seen, including those dropped from the middle of a long record. */
    public long totalSegments() {
        return total;
    }

    /** Segments kept. */
    public int keptSegments() {
        return time.length;
    }

    /** Segments dropped from the middle of the record (beyond its cap). */
    public long elidedSegments() {
        return elidedSegments[0] + elidedSegments[1];
    }

    /** Payload bytes in the dropped segments: {sent by jtcp, received by jtcp}. */
    public long[] elidedBytes() {
        return elidedBytes.clone();
    }

    /** Where the dropped segments were, as a position among the kept ones, or -1 when none were. */
    public int elidedAt() {
        return elidedAt;
    }

    /** jtcp's state changes, placed among the kept segments. */
    public List<TracedState> states() {
        return states;
    }

    /** This connection as a line of a list. */
    public LiveRecorder.Entry entry() {
        return new LiveRecorder.Entry(id, local, remote, state, total);
    }

    /** The kept segments as a connection of a capture (side a is the opener). */
    public Connection connection() {
        List<TcpSegment> segs = new ArrayList<>(time.length);
        for (int k = 0; k < time.length; k++) {
            boolean inbound = (meta[k] & ConnectionRecord.INBOUND) != 0;
            Endpoint src = inbound ? remote : local;
            Endpoint dst = inbound ? local : remote;
            segs.add(new TcpSegment(
                    k + 1,
                    time[k],
                    src.addr(),
                    src.port(),
                    dst.addr(),
                    dst.port(),
                    seq[k],
                    ack[k],
                    meta[k] & 0xff,
                    meta[k] >>> 16,
                    len[k],
                    options[k],
                    texts[k]));
        }
        Endpoint a = localOpened ? local : remote;
        Endpoint b = localOpened ? remote : local;
        return new Connection((int) Math.min(id, Integer.MAX_VALUE), a, b, List.copyOf(segs));
    }

    /** The analysis of {@link #connection()} with jtcp's states from its own trace. */
    public ConnectionAnalysis analysis() {
        return ConnectionAnalysis.of(connection()).withTracedStates(localOpened, states);
    }

    /** {@code 000042_10.7.0.1-40312_10.7.0.2-80}: the id, then the opener's endpoint, then the other. */
    public String fileStem() {
        Endpoint a = localOpened ? local : remote;
        Endpoint b = localOpened ? remote : local;
        return String.format(java.util.Locale.ROOT, "%06d_%s-%d_%s-%d", id, addr(a), a.port(), addr(b), b.port());
    }

    private static String addr(Endpoint e) {
        String s = e.toString();
        return s.substring(0, s.lastIndexOf(':'));
    }
}
