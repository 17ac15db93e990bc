package io.jtcp.viz.tsg;

import java.util.List;

/**
 * A time-sequence graph of one direction of one connection, in the style of tcptrace and Stevens:
 * the sender's segments as vertical bars from their first to their last sequence number at the
 * time they were captured, the receiver's cumulative ACK and receive-window edge as step lines,
 * its SACK blocks, and marks for duplicate ACKs and zero windows. Times are seconds since the
 * connection's first captured segment; sequence numbers are relative to the sender's ISN (0 is the
 * SYN), unwrapped to 64 bits, whatever {@link #absolute} says (renderers add {@link #seqBase} to
 * label absolute numbers).
 *
 * @param seqBase the sender's ISN (or its first captured sequence number when the SYN was missed)
 * @param t0Ns the capture time of the connection's first segment
 * @param startS where the time axis starts: 0, or the start of the window asked for
 * @param durationS where the time axis ends: the last segment of the connection (seconds after
 *     its first), or the end of the window asked for
 * @param inFlight bytes in flight (highest sequence sent minus cumulative ACK) over time; empty
 *     unless asked for
 * @param cwnd the sender's congestion window from its congestion log; empty without one
 */
public record TimeSequence(
        String title,
        List<String> notes,
        String sender,
        String receiver,
        boolean absolute,
        long seqBase,
        long t0Ns,
        double startS,
        double durationS,
        List<Bar> bars,
        List<AckSample> acks,
        List<SackBlock> sacks,
        List<Marker> markers,
        List<Sample> inFlight,
        List<Sample> cwnd,
        Stats stats) {

    /** What a bar is: tcptrace's colours follow this. */
    public enum BarKind {
        /** New data, in order. */
        DATA,
        /** Data the sender had sent before. */
        RETRANSMISSION,
        /** Data that fills a hole, captured after later data (sent earlier or lost before the capture point). */
        OUT_OF_ORDER,
        /** A zero window probe or a keep-alive. */
        PROBE,
        SYN,
        FIN
    }

    /** A bar: sequence numbers [from, to) at time t; several segments when decimated. */
    public record Bar(double t, long from, long to, BarKind kind, int segments) {}

    /**
     * The receiver's state after one of its segments: cumulative ACK (relative) and the right edge
     * of the window it offered (ack + scaled window, RFC 7323 §2.3).
     */
    public record AckSample(double t, long ack, long windowEdge) {}

    /** A SACK block [from, to) the receiver reported at time t (RFC 2018). */
    public record SackBlock(double t, long from, long to) {}

    public enum MarkerKind {
        /** A duplicate ACK (RFC 5681 §2). */
        DUP_ACK,
        /** The receiver advertised a zero window (RFC 9293 §3.8.6.1). */
        ZERO_WINDOW
    }

    /** A mark at the ACK line; {@code count} such events when decimated. */
    public record Marker(double t, long y, MarkerKind kind, int count) {}

    /** A value over time (bytes). */
    public record Sample(double t, long value) {}

    /**
     * Counts before and after decimation.
     *
     * @param dataSegments the sender's segments that occupy sequence space
     * @param ackSegments the receiver's segments with ACK
     * @param columns time columns the graph was decimated into (0: none)
     */
    public record Stats(
            int dataSegments,
            int retransmissions,
            int ackSegments,
            int dupAcks,
            int zeroWindows,
            int sackBlocks,
            int columns,
            long bytes) {}

    /** Highest sequence number the graph shows (bars, ACKs), relative. */
    public long maxSeq() {
        long m = 0;
        for (Bar b : bars) {
            m = Math.max(m, b.to());
        }
        for (AckSample a : acks) {
            m = Math.max(m, a.ack());
        }
        return m;
    }

    /** Lowest sequence number the graph shows, relative (0 unless the capture started mid-stream). */
    public long minSeq() {
        long m = Long.MAX_VALUE;
        for (Bar b : bars) {
            m = Math.min(m, b.from());
        }
        for (AckSample a : acks) {
            m = Math.min(m, a.ack());
        }
        return m == Long.MAX_VALUE ? 0 : m;
    }
}
