package io.jtcp.stack.tcp;

import io.jtcp.stack.cc.CongestionControl;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * An application's view of one TCP connection. All methods must be called on the stack's thread
 * (inside a handler callback, or from the event loop's task queue).
 */
public interface TcpConnection {
    /**
     * The connection's state (RFC 9293 §3.3.2). A connection in TIME_WAIT is kept by the stack only
     * as a compact record (no handler, no buffers; {@link #handler()} is null by then); this handle
     * still says TIME_WAIT while that record lives and CLOSED once it has expired, been recycled
     * ({@code StackConfig.maxTimeWait}) or been replaced by a new incarnation of the 4-tuple.
     * Unread received data stays readable through it.
     */
    TcpState state();

    int localAddr();

    int localPort();

    int remoteAddr();

    int remotePort();

    /**
     * Queues up to {@code length} bytes for sending; returns how many the send buffer took (0 when
     * full: {@link TcpHandler#onWritable} follows when space frees up).
     *
     * @throws IllegalStateException after shutdownOutput/close, or when the connection is gone
     */
    int write(DirectBuffer src, int offset, int length);

    int write(byte[] src, int offset, int length);

    /**
     * Copies up to {@code length} bytes of in-order received data.
     *
     * @return bytes copied; 0 when none is buffered yet; -1 when the peer closed and all is read
     */
    int read(MutableDirectBuffer dst, int offset, int length);

    int read(byte[] dst, int offset, int length);

    /**
     * Zero-copy read: hands the buffered in-order bytes to {@code reader} where they lie in the
     * receive buffer (one piece, or two when they wrap around its end) and releases as many as it
     * reports consumed. Saves the copy {@link #read(MutableDirectBuffer, int, int)} makes.
     *
     * @return bytes consumed; 0 when none is buffered yet; -1 when the peer closed and all is read
     */
    int read(TcpReader reader);

    /**
     * Discards up to {@code length} buffered bytes without copying them.
     *
     * @return bytes discarded; 0 when none is buffered yet; -1 when the peer closed and all is read
     */
    int skip(int length);

    /** Bytes buffered for reading. */
    int readableBytes();

    /** Free space in the send buffer. */
    int writableBytes();

    /** Half-close: sends FIN after the buffered data, keeps receiving (RFC 9293 §3.6). */
    void shutdownOutput();

    /** Closes both directions gracefully: FIN after the buffered data; later data is discarded. */
    void close();

    /** Drops the connection at once and sends RST (RFC 9293 §3.10.5 ABORT). */
    void abort();

    TcpHandler handler();

    void handler(TcpHandler handler);

    Object attachment();

    void attachment(Object attachment);

    /** Application bytes received in order / acknowledged as sent by the peer. */
    long bytesReceived();

    long bytesSent();

    long retransmits();

    /** Current retransmission timeout and smoothed RTT (RFC 6298), in nanoseconds. */
    long rtoNs();

    long srttNs();

    /** Peer's advertised window (scaled) and ours, in bytes. */
    int sendWindowBytes();

    int receiveWindowBytes();

    /** Bytes in flight (sent, not acknowledged). */
    int bytesInFlight();

    /** Congestion window (RFC 5681), in bytes. */
    long congestionWindowBytes();

    // ---- congestion control (issue #10) ----

    /**
     * The connection's live congestion controller, for reading its state (cwnd, ssthresh, pacing
     * rate, phase): calling its event methods would corrupt it, as the engine alone drives it.
     * Null when the connection no longer has a sender (a TIME_WAIT record).
     */
    default CongestionControl congestionControl() {
        return null;
    }

    /**
     * Replaces this connection's congestion controller with one from {@code factory} (null: the
     * stack's default, {@code StackConfig.congestionControl}, else CUBIC). May be called at any
     * time on the stack's thread; the new controller is initialised with the current MSS and starts
     * as a new connection's would (initial window, slow start, no ssthresh), so the usual place is
     * right after {@code connect} or in {@link TcpHandler#onConnected}. Loss recovery under way
     * goes on; the new controller hears of its end. Ignored once the connection has no sender.
     */
    default void congestionControl(CongestionControl.Factory factory) {}

    /** Slow-start threshold (RFC 5681) in bytes; {@link Long#MAX_VALUE} while unknown. */
    default long slowStartThresholdBytes() {
        final CongestionControl cc = congestionControl();
        return cc == null ? Long.MAX_VALUE : cc.ssthresh();
    }

    /**
     * The latest valid delivery-rate sample (draft-cheng-iccrg-delivery-rate-estimation) in bytes
     * per second; 0 before the first. Not measured (no new sample) while the connection keeps no
     * delivery-rate records: its controller does not read them ({@link
     * CongestionControl#readsDeliveryRate()}), it has no SACK and no tracer is set.
     */
    default long deliveryRateBytesPerSecond() {
        return 0;
    }

    /** The congestion controller's phase for traces and status pages ("" when it names none). */
    default String congestionPhase() {
        final CongestionControl cc = congestionControl();
        return cc == null ? "" : cc.phase();
    }

    /**
     * Nagle's algorithm (RFC 9293 §3.7.4): when on, a segment smaller than the MSS waits while data
     * is unacknowledged. Off by default (see {@code StackConfig#nagle}).
     */
    default void nagle(boolean enabled) {
        throw new UnsupportedOperationException("nagle");
    }

    /**
     * Keep-alive (RFC 9293 §3.8.4): after {@code idleNs} without a segment from the peer, send a
     * probe every {@code intervalNs}; after {@code probes} unanswered ones the connection ends with
     * {@link CloseReason#TIMED_OUT}. {@code idleNs = 0} turns it off (the default).
     */
    default void keepAlive(long idleNs, long intervalNs, int probes) {
        throw new UnsupportedOperationException("keepAlive");
    }

    /**
     * The last ICMP error accepted for this connection as {@code (type << 8) | code}, or -1 when
     * there was none. In synchronized states errors are soft (RFC 1122 §4.2.3.9, RFC 5461): they
     * are recorded here and the connection goes on.
     */
    default int lastIcmpError() {
        return -1;
    }

    /** ICMP errors accepted for this connection (quoted sequence number in flight, RFC 5927 §4.1). */
    default long icmpErrors() {
        return 0;
    }

    /** The MSS this connection sends with: the peer's, lowered by path MTU discovery (RFC 1191). */
    default int sendMss() {
        throw new UnsupportedOperationException("sendMss");
    }
}
