package io.jtcp.tun.trace;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.StackTracer;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpState;
import java.io.PrintStream;
import org.agrona.DirectBuffer;

/**
 * {@code --trace}: one line per packet in and out, per state transition, and per drop. Segments
 * carry {@link SegmentMarks} ({@code [retransmission]}, {@code [dup ACK #1]}...) after the line.
 */
public final class TextTracer implements StackTracer {
    private final PrintStream out;
    private final TraceFormatter formatter;
    private final boolean packets;
    private final SegmentMarks marks = new SegmentMarks();

    /**
     * @param packets false to print only state transitions and drops
     */
    public TextTracer(PrintStream out, long startNs, boolean packets) {
        this.out = out;
        this.formatter = new TraceFormatter(startNs);
        this.packets = packets;
    }

    @Override
    public void onPacket(long nowNs, boolean inbound, DirectBuffer buffer, int offset, int length) {
        if (packets) {
            String line = formatter.packet(nowNs, inbound, buffer, offset, length);
            String m = marks.of(buffer, offset, length);
            out.println(m.isEmpty() ? line : line + " " + m);
        }
    }

    @Override
    public void onStateChange(long nowNs, TcpConnection connection, TcpState from, TcpState to) {
        out.println(formatter.stateChange(nowNs, connection, from, to));
    }

    @Override
    public void onDrop(long nowNs, DropReason reason, DirectBuffer buffer, int offset, int length) {
        out.println(formatter.time(nowNs) + " drop " + reason.name().toLowerCase() + " (" + reason.description() + "): "
                + TraceFormatter.describe(buffer, offset, length));
    }
}
