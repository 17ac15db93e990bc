package io.jtcp.tun.trace;

import io.jtcp.stack.StackTracer;
import io.jtcp.stack.cc.AckSample;
import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpState;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.agrona.collections.Object2LongHashMap;

/**
 * {@code --cc-log FILE}: each sending connection's congestion state as CSV, one row per ACK (or
 * at most one per connection per smoothed RTT), from {@link StackTracer#onAck}. The columns are
 * {@value #HEADER}:
 *
 * <ul>
 *   <li>{@code t_s}: Unix time in seconds (microseconds), the loop's {@code nowNs} mapped as
 *       {@link PcapWriter} maps it, so {@code jtcp tsg FILE.pcap --cc-log FILE.csv} lines the
 *       window up with the capture;
 *   <li>{@code conn}: {@code localport-remoteaddr:remoteport};
 *   <li>bytes: {@code cwnd}, {@code ssthresh} (empty while unknown), {@code bytes_in_flight} (after
 *       the ACK, SACKed bytes excluded), {@code lost_bytes} (marked lost so far);
 *   <li>{@code srtt_ms}, {@code min_rtt_ms}; {@code delivery_rate} (the latest valid sample) and
 *       {@code pacing_rate} (0 = unpaced) in bytes per second;
 *   <li>{@code phase} and {@code cc}: the controller's phase and name; {@code retransmits}: segments
 *       resent so far.
 * </ul>
 *
 * <p>Rows are formatted into one reused buffer (no allocation per row) and written through a
 * buffered writer on the loop's thread; a daemon thread flushes at least once a second, and
 * {@link #close()} flushes the rest. A write failure stops the log with one line on standard
 * error; it never reaches the connections.
 *
 * <p>With several queues ({@code --queues N}) every shard's loop writes here: each method holds
 * this writer's lock, so rows stay whole and the reused buffer is never shared. A connection
 * lives on one shard, so its own rows are in time order; rows of connections on different
 * shards interleave in the order they were written, and as each carries its loop's cycle time,
 * the {@code t_s} column can step back by up to one loop cycle from one such row to the next.
 */
public final class CcLogWriter implements StackTracer, AutoCloseable {
    /** The first line of the file. */
    public static final String HEADER = "t_s,conn,cwnd,ssthresh,bytes_in_flight,srtt_ms,min_rtt_ms,"
            + "delivery_rate,pacing_rate,phase,retransmits,lost_bytes,cc";

    /** How often a connection gets a row. */
    public enum Every {
        /** On every ACK the controller sees. */
        ACK,
        /** On the first ACK, then on the first ACK at least one smoothed RTT after the last row. */
        RTT
    }

    static final long FLUSH_PERIOD_MS = 1000;
    private static final long NONE = Long.MIN_VALUE;

    private final Path file;
    private final Writer out;
    private final Every every;
    private final long epochBaseNs;
    private final long nanoBase;
    private final StringBuilder line = new StringBuilder(192);
    private char[] chars = new char[192];
    /** Per connection, when its last row was written ({@link Every#RTT} only). */
    private final Object2LongHashMap<TcpConnection> lastRowNs = new Object2LongHashMap<>(NONE);

    private final ScheduledExecutorService flusher;
    private long rows;
    private boolean dirty;
    private boolean closed;
    private boolean failed;

    /**
     * Creates (or truncates) {@code file} and writes the header.
     *
     * @param nowNs the loop clock's time now ({@link System#nanoTime()}), mapped to the wall clock
     * @throws UncheckedIOException naming the file when it cannot be written
     */
    public CcLogWriter(Path file, Every every, long nowNs) {
        this.file = file;
        this.every = every;
        try {
            this.out = new BufferedWriter(
                    new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.US_ASCII), 1 << 16);
            out.write(HEADER);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write congestion log " + file + ": " + e.getMessage(), e);
        }
        this.epochBaseNs = System.currentTimeMillis() * 1_000_000L;
        this.nanoBase = nowNs;
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jtcp-cc-log-flush");
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleAtFixedRate(this::flushPending, FLUSH_PERIOD_MS, FLUSH_PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void onAck(long nowNs, TcpConnection c, AckSample s, CongestionControl cc) {
        if (closed || failed) {
            return;
        }
        if (every == Every.RTT) {
            long last = lastRowNs.getValue(c);
            if (last != NONE && nowNs - last < s.srttNs()) {
                return;
            }
            lastRowNs.put(c, nowNs);
        }
        StringBuilder b = line;
        b.setLength(0);
        long ns = epochBaseNs + (nowNs - nanoBase);
        fixed(b, ns / 1000, 6); // microseconds as seconds
        b.append(',').append(c.localPort()).append('-');
        int a = c.remoteAddr();
        b.append(a >>> 24).append('.').append((a >>> 16) & 0xff).append('.');
        b.append((a >>> 8) & 0xff).append('.').append(a & 0xff).append(':').append(c.remotePort());
        b.append(',').append(cc.cwnd()).append(',');
        long ssthresh = cc.ssthresh();
        if (ssthresh != Long.MAX_VALUE) {
            b.append(ssthresh);
        }
        b.append(',').append(s.bytesInFlightAfter()).append(',');
        fixed(b, s.srttNs() / 1000, 3);
        b.append(',');
        fixed(b, s.minRttNs() / 1000, 3);
        b.append(',').append(c.deliveryRateBytesPerSecond());
        b.append(',').append(cc.pacingRate()).append(',');
        cell(b, cc.phase());
        b.append(',').append(c.retransmits());
        b.append(',').append(s.totalLostBytes()).append(',');
        cell(b, cc.name());
        b.append('\n');
        int n = b.length();
        if (chars.length < n) {
            chars = new char[2 * n];
        }
        b.getChars(0, n, chars, 0);
        try {
            out.write(chars, 0, n);
        } catch (IOException e) {
            fail(e);
            return;
        }
        rows++;
        dirty = true;
    }

    /** Connections that finish sending are forgotten, so the RTT mode's table stays bounded. */
    @Override
    public synchronized void onStateChange(long nowNs, TcpConnection c, TcpState from, TcpState to) {
        if (to == TcpState.TIME_WAIT || to == TcpState.CLOSED) {
            lastRowNs.removeKey(c);
        }
    }

    /** {@code value} (≥ 0) divided by 10^{@code decimals}, with exactly that many decimals. */
    private static void fixed(StringBuilder b, long value, int decimals) {
        long scale = decimals == 6 ? 1_000_000L : 1_000L;
        long v = Math.max(value, 0);
        b.append(v / scale).append('.');
        long frac = v % scale;
        for (long d = scale / 10; d > 1 && frac < d; d /= 10) {
            b.append('0');
        }
        b.append(frac);
    }

    /** A name from a controller, which might hold the CSV's separators: those become '_'. */
    private static void cell(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            b.append(ch == ',' || ch == '\n' || ch == '\r' || ch == '"' ? '_' : ch);
        }
    }

    private void fail(IOException e) {
        failed = true;
        System.err.println("jtcp: --cc-log " + file + ": write failed, log stopped: " + e.getMessage());
    }

    private synchronized void flushPending() {
        if (closed || failed || !dirty) {
            return;
        }
        try {
            out.flush();
            dirty = false;
        } catch (IOException e) {
            fail(e);
        }
    }

    /** Rows written so far. */
    public synchronized long rows() {
        return rows;
    }

    /** Writes out what is buffered and closes the file. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        flusher.shutdownNow();
        try {
            out.close();
        } catch (IOException e) {
            if (!failed) {
                fail(e);
            }
        }
    }
}
