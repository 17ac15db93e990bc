package io.jtcp.tun.trace;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.StackTracer;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpState;
import java.io.PrintStream;
import org.agrona.DirectBuffer;

/**
 * {@code --trace}: one line per packet in and out, per state transition, and per drop, in the
 * {@link TraceStyle} given (by default sequence numbers relative to each side's ISN, windows
 * scaled, full options on SYNs only). Segments carry {@link SegmentMarks} ({@code
 * [retransmission]}, {@code [dup ACK #1]}...) after the line, and {@code [lost by --fault]} when
 * the fault injector dropped them.
 */
public final class TextTracer implements StackTracer, LostPacketTracer {
    static final String LOST = "[lost by --fault]";

    private final PrintStream out;
    private final TraceFormatter formatter;
    private final TraceStyle style;
    private final SegmentMarks marks = new SegmentMarks();
    private final ConnectionView view;
    private final BulkFold fold;

    /**
     * @param packets false to print only state transitions and drops
     */
    public TextTracer(PrintStream out, long startNs, boolean packets) {
        this(out, startNs, packets ? TraceStyle.READABLE : TraceStyle.STATES);
    }

    public TextTracer(PrintStream out, long startNs, TraceStyle style) {
        this.out = out;
        this.formatter = new TraceFormatter(startNs);
        this.style = style;
        this.view = style.relative() ? new ConnectionView() : null;
        this.fold =
                new BulkFold(style.foldAfter(), (t, text) -> out.println(formatter.time(t) + " fold " + text), view);
    }

    @Override
    public void onPacket(long nowNs, boolean inbound, DirectBuffer buffer, int offset, int length) {
        if (style.packets()) {
            print(nowNs, inbound, buffer, offset, length, false);
        }
    }

    @Override
    public void onLostPacket(long nowNs, boolean inbound, DirectBuffer buffer, int offset, int length) {
        if (style.packets()) {
            print(nowNs, inbound, buffer, offset, length, true);
        }
    }

    private synchronized void print(
            long nowNs, boolean inbound, DirectBuffer buffer, int offset, int length, boolean lost) {
        // A lost segment still counts for the marks: it was sent, and what follows may resend it.
        String m = marks.of(buffer, offset, length);
        if (fold.fold(nowNs, buffer, offset, length, lost || !m.isEmpty())) {
            return;
        }
        String line = formatter.time(nowNs)
                + (inbound ? " in  " : " out ")
                + TraceFormatter.describe(buffer, offset, length, view, style.allOptions());
        if (lost) {
            m = m.isEmpty() ? LOST : m + " " + LOST;
        }
        out.println(m.isEmpty() ? line : line + " " + m);
    }

    @Override
    public synchronized void onStateChange(long nowNs, TcpConnection connection, TcpState from, TcpState to) {
        if (to == TcpState.CLOSED) {
            long local = ConnectionView.endpoint(connection.localAddr(), connection.localPort());
            long remote = ConnectionView.endpoint(connection.remoteAddr(), connection.remotePort());
            fold.forget(nowNs, local, remote);
            if (view != null) {
                view.forget(local, remote);
            }
        }
        out.println(formatter.stateChange(nowNs, connection, from, to));
    }

    /** Prints the summaries of bulk data still folded; call it when the trace ends. */
    public synchronized void flush(long nowNs) {
        fold.flushAll(nowNs);
        out.flush();
    }

    /** Directions the readable view remembers (for tests of its bound). */
    synchronized int remembered() {
        return view == null ? 0 : view.size();
    }

    /** Directions the fold remembers (for tests of its bound). */
    synchronized int folding() {
        return fold.size();
    }

    @Override
    public synchronized void onDrop(long nowNs, DropReason reason, DirectBuffer buffer, int offset, int length) {
        out.println(formatter.time(nowNs) + " drop " + reason.name().toLowerCase() + " (" + reason.description() + "): "
                + TraceFormatter.describe(buffer, offset, length));
    }
}
