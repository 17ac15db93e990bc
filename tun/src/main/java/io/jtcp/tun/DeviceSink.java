package io.jtcp.tun;

import io.jtcp.stack.PacketSink;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Writes the stack's outgoing packets to the TUN device: straight from the stack's buffer when it
 * is direct memory, through one reused direct buffer when it is a heap array. No allocation.
 */
public final class DeviceSink implements PacketSink {
    private final TunDevice device;
    private final UnsafeBuffer copy = new UnsafeBuffer(BufferUtil.allocateDirectAligned(1 << 16, 64));
    private final FaultInjector.Deliver writer = this::write;
    private FaultInjector faults;
    private long nowNs;
    private long packets;
    private long bytes;

    public DeviceSink(TunDevice device) {
        this.device = device;
    }

    /** Impairs outgoing packets from now on (null: none). */
    public void faults(FaultInjector injector) {
        this.faults = injector;
    }

    public FaultInjector faults() {
        return faults;
    }

    /** The loop's time for this cycle, for the fault injector's delays. */
    void nowNs(long now) {
        this.nowNs = now;
    }

    /** Passes on packets the fault injector held back and that are now due. */
    void pollFaults(long now) {
        if (faults != null) {
            faults.poll(now, writer);
        }
    }

    @Override
    public void transmit(DirectBuffer buffer, int offset, int length) {
        if (faults != null) {
            faults.offer(nowNs, buffer, offset, length, writer);
        } else {
            write(buffer, offset, length);
        }
    }

    private void write(DirectBuffer buffer, int offset, int length) {
        final boolean written;
        if (buffer.byteArray() == null && buffer.addressOffset() != 0) {
            written = device.write(buffer.addressOffset() + offset, length);
        } else {
            copy.putBytes(0, buffer, offset, length);
            written = device.write(copy.addressOffset(), length);
        }
        if (written) {
            packets++;
            bytes += length;
        }
    }

    public long packets() {
        return packets;
    }

    public long bytes() {
        return bytes;
    }
}
