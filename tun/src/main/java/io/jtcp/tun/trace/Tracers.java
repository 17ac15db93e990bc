package io.jtcp.tun.trace;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.StackTracer;
import io.jtcp.stack.cc.AckSample;
import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpState;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;

/** Combines tracers: the stack takes one, the CLI may want a text trace and a pcap at once. */
public final class Tracers {
    private Tracers() {}

    /** @return null when given none, the tracer itself when one, else a fan-out */
    public static StackTracer of(StackTracer... tracers) {
        List<StackTracer> list = new ArrayList<>();
        for (StackTracer t : tracers) {
            if (t != null) {
                list.add(t);
            }
        }
        if (list.isEmpty()) {
            return null;
        }
        if (list.size() == 1) {
            return list.get(0);
        }
        StackTracer[] all = list.toArray(new StackTracer[0]);
        return new Fanout(all);
    }

    private static final class Fanout implements StackTracer, LostPacketTracer {
        private final StackTracer[] all;

        Fanout(StackTracer[] all) {
            this.all = all;
        }

        @Override
        public void onLostPacket(long nowNs, boolean inbound, DirectBuffer buffer, int offset, int length) {
            for (StackTracer t : all) {
                LostPacketTracer.lost(t, nowNs, inbound, buffer, offset, length);
            }
        }

        @Override
        public void onPacket(long nowNs, boolean inbound, DirectBuffer buffer, int offset, int length) {
            for (StackTracer t : all) {
                t.onPacket(nowNs, inbound, buffer, offset, length);
            }
        }

        @Override
        public void onStateChange(long nowNs, TcpConnection connection, TcpState from, TcpState to) {
            for (StackTracer t : all) {
                t.onStateChange(nowNs, connection, from, to);
            }
        }

        @Override
        public void onDrop(long nowNs, DropReason reason, DirectBuffer buffer, int offset, int length) {
            for (StackTracer t : all) {
                t.onDrop(nowNs, reason, buffer, offset, length);
            }
        }

        @Override
        public void onAck(long nowNs, TcpConnection connection, AckSample sample, CongestionControl cc) {
            for (StackTracer t : all) {
                t.onAck(nowNs, connection, sample, cc);
            }
        }
    }
}
