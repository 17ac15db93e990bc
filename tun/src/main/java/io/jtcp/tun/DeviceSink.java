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
    private long packets;
    private long bytes;

    public DeviceSink(TunDevice device) {
        this.device = device;
    }

    @Override
    public void transmit(DirectBuffer buffer, int offset, int length) {
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
