package io.jtcp.tun.trace;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.StackTracer;
import io.jtcp.stack.cc.AckSample;
import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpState;
import java.util.function.LongSupplier;
import org.agrona.DirectBuffer;

/**
 * Gives every trace event its own time. The engine passes the loop's {@code nowNs}, read once per
 * cycle, so a SYN and the SYN-ACK it caused shared one timestamp, and an event raised from another
 * thread (an application's connect) could carry an earlier time than one already printed. This
 * decorator stamps each event when it happens, never earlier than the engine's time and strictly
 * after the previous event, so the text trace and the pcap read in order with times that never go
 * backwards. Only the observers see the new time; the engine's clock is unchanged.
 *
 * <p>With several queues ({@code --queues N}) every shard's loop thread calls the same tracer. One
 * lock covers the stamp and the delegate's write, so the events reach the pcap and the text trace
 * in the order of their times: a lock only around the stamp would let a thread stamped earlier
 * write later. With one queue the lock is as uncontended as the stamp's own lock was before, and
 * there is still one lock per event.
 */
public final class StampedTracer implements StackTracer, LostPacketTracer {
    private final StackTracer delegate;
    private final LongSupplier clock;
    private long last = Long.MIN_VALUE;

    /** Wraps {@code delegate} with {@link System#nanoTime()} as the clock; null stays null. */
    public static StackTracer of(StackTracer delegate) {
        return delegate == null ? null : new StampedTracer(delegate, System::nanoTime);
    }

    StampedTracer(StackTracer delegate, LongSupplier clock) {
        this.delegate = delegate;
        this.clock = clock;
    }

    /** Under this tracer's lock, which the caller holds until the delegate has the event. */
    private long stamp(long nowNs) {
        long t = Math.max(nowNs, clock.getAsLong());
        if (last != Long.MIN_VALUE && t <= last) {
            t = last + 1;
        }
        last = t;
        return t;
    }

    @Override
    public synchronized void onPacket(long nowNs, boolean inbound, DirectBuffer buffer, int offset, int length) {
        delegate.onPacket(stamp(nowNs), inbound, buffer, offset, length);
    }

    @Override
    public synchronized void onLostPacket(long nowNs, boolean inbound, DirectBuffer buffer, int offset, int length) {
        LostPacketTracer.lost(delegate, stamp(nowNs), inbound, buffer, offset, length);
    }

    @Override
    public synchronized void onStateChange(long nowNs, TcpConnection connection, TcpState from, TcpState to) {
        delegate.onStateChange(stamp(nowNs), connection, from, to);
    }

    @Override
    public synchronized void onDrop(long nowNs, DropReason reason, DirectBuffer buffer, int offset, int length) {
        delegate.onDrop(stamp(nowNs), reason, buffer, offset, length);
    }

    /**
     * Passed on with the engine's time, unstamped: ACK events are not ordered against packets by
     * their readers, and stamping would cost a clock read and a lock per ACK.
     */
    @Override
    public void onAck(long nowNs, TcpConnection connection, AckSample sample, CongestionControl cc) {
        delegate.onAck(nowNs, connection, sample, cc);
    }
}
