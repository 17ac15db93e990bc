package io.jtcp.tun;

import io.jtcp.stack.PacketSink;
import io.jtcp.stack.StackTracer;
import io.jtcp.stack.fault.FaultInjector;
import io.jtcp.stack.wire.TcpSegmenter;
import io.jtcp.tun.trace.LostPacketTracer;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Writes the stack's outgoing packets to the TUN device: straight from the stack's buffer when it
 * is direct memory, through one reused direct buffer when it is a heap array. No allocation.
 *
 * <p>With {@link #segmentInSoftware()} a super-segment is cut at the MSS here ({@link
 * TcpSegmenter}) before the tracer and the fault injector see it, so both act on the packets a wire
 * would carry; without it (the fast path) a super-segment is one write.
 */
public final class DeviceSink implements PacketSink {
    private final TunDevice device;
    private final UnsafeBuffer copy = new UnsafeBuffer(BufferUtil.allocateDirectAligned((1 << 16) + 64, 64));
    private final PacketSink writer = this::write;
    private final boolean vnet;
    /** The virtio-net header and a two-entry iovec for writev, when the device uses headers. */
    private final UnsafeBuffer header = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64));

    private final UnsafeBuffer iov = new UnsafeBuffer(BufferUtil.allocateDirectAligned(32, 64));
    private final PacketSink piece = this::transmit;
    private FaultInjector faults;
    private StackTracer tracer;
    private TcpSegmenter segmenter;
    private DeviceWriter deviceWriter;
    private long nowNs;
    private long packets;
    private long bytes;

    public DeviceSink(TunDevice device) {
        this.device = device;
        this.vnet = device.vnetHeader();
    }

    /**
     * From now on packets go to a writer thread ({@link DeviceWriter}) instead of being written
     * on the caller's thread.
     */
    public void startWriterThread(String threadName, int ringBytes, int largestPacket) {
        if (deviceWriter == null) {
            deviceWriter = new DeviceWriter(device, ringBytes, largestPacket, threadName);
        }
    }

    /** The writer thread's id, or -1 without one (for allocation measurements). */
    public long writerThreadId() {
        return deviceWriter != null ? deviceWriter.threadId() : -1;
    }

    /** Times the loop waited for room in the writer thread's ring (0 without a writer thread). */
    public long writerFullWaits() {
        return deviceWriter != null ? deviceWriter.fullWaits() : 0;
    }

    /** Packets dropped because the writer thread's ring stayed full for a second. */
    public long writerTimeouts() {
        return deviceWriter != null ? deviceWriter.claimTimeouts() : 0;
    }

    /** The loop is about to sleep: the writer thread must not sleep on queued packets. */
    void endOfCycle() {
        if (deviceWriter != null) {
            deviceWriter.wakeIfSleeping();
        }
    }

    /** Writes what is queued and stops the writer thread, if any. */
    void stopWriterThread() {
        if (deviceWriter != null) {
            deviceWriter.stop(2_000);
        }
    }

    /** Impairs outgoing packets from now on (null: none). */
    public void faults(FaultInjector injector) {
        this.faults = injector;
    }

    public FaultInjector faults() {
        return faults;
    }

    /**
     * Super-segments and partial checksums are resolved in software from now on: each outgoing
     * packet is written as the wire would carry it (one write per MSS-sized piece).
     */
    public void segmentInSoftware() {
        if (segmenter == null) {
            segmenter = new TcpSegmenter();
        }
    }

    /** The software cut, or null on the fast path. */
    public TcpSegmenter segmenter() {
        return segmenter;
    }

    /**
     * Records every outgoing packet as it leaves for the device (after the software cut, before the
     * fault injector); null: none.
     */
    public void tracer(StackTracer outbound) {
        this.tracer = outbound;
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
            // Offered before it is traced, so the trace can say when the injector dropped it; the
            // injector copies the bytes, and nothing leaves before the poll below.
            final long lostBefore = lost(faults);
            faults.offer(nowNs, buffer, offset, length);
            if (tracer != null) {
                if (lost(faults) != lostBefore) {
                    LostPacketTracer.lost(tracer, nowNs, false, buffer, offset, length);
                } else {
                    tracer.onPacket(nowNs, false, buffer, offset, length);
                }
            }
            faults.poll(nowNs, writer);
        } else {
            if (tracer != null) {
                tracer.onPacket(nowNs, false, buffer, offset, length);
            }
            write(buffer, offset, length);
        }
    }

    /** Packets the injector has dropped so far, by any cause: a change means the last offer was lost. */
    static long lost(FaultInjector f) {
        return f.dropped() + f.queueDropped() + f.overflowed();
    }

    /** The packet tracer (null: none), which also hears of inbound packets the fault injector drops. */
    StackTracer tracer() {
        return tracer;
    }

    /**
     * A super-segment or a packet with a partial checksum (the engine sends these only when the
     * device was opened with virtio-net headers: {@link JtcpHost} configures both together).
     */
    @Override
    public void transmitOffload(
            DirectBuffer buffer, int offset, int length, int segmentBytes, boolean checksumPartial) {
        if (!vnet) {
            throw new IllegalStateException("offloads need a device opened with virtio-net headers");
        }
        if (segmenter != null) {
            segmenter.segment(buffer, offset, length, segmentBytes, piece);
            return;
        }
        if (tracer != null) {
            tracer.onPacket(nowNs, false, buffer, offset, length);
        }
        VnetHeader.writeOffload(header, 0, buffer, offset, segmentBytes, checksumPartial);
        writeWithHeader(buffer, offset, length);
    }

    private void writeWithHeader(DirectBuffer buffer, int offset, int length) {
        if (deviceWriter != null) {
            enqueue(true, buffer, offset, length);
            return;
        }
        final boolean written;
        if (buffer.byteArray() == null && buffer.addressOffset() != 0) {
            iov.putLong(0, header.addressOffset());
            iov.putLong(8, VnetHeader.LENGTH);
            iov.putLong(16, buffer.addressOffset() + offset);
            iov.putLong(24, length);
            written = device.write2(iov.addressOffset());
        } else {
            copy.putBytes(0, header, 0, VnetHeader.LENGTH);
            copy.putBytes(VnetHeader.LENGTH, buffer, offset, length);
            written = device.write(copy.addressOffset(), VnetHeader.LENGTH + length);
        }
        if (written) {
            packets++;
            bytes += length;
        }
    }

    private void write(DirectBuffer buffer, int offset, int length) {
        if (vnet) {
            VnetHeader.writeNone(header, 0);
            writeWithHeader(buffer, offset, length);
            return;
        }
        if (deviceWriter != null) {
            enqueue(false, buffer, offset, length);
            return;
        }
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

    /** One packet into the writer thread's ring, copied there in place of the direct copy. */
    private void enqueue(boolean withHeader, DirectBuffer buffer, int offset, int length) {
        final int total = (withHeader ? VnetHeader.LENGTH : 0) + length;
        final int index = deviceWriter.claim(total);
        if (index < 0) {
            return; // counted by the writer (claimTimeouts)
        }
        final MutableDirectBuffer ring = deviceWriter.buffer();
        int at = index;
        if (withHeader) {
            ring.putBytes(at, header, 0, VnetHeader.LENGTH);
            at += VnetHeader.LENGTH;
        }
        ring.putBytes(at, buffer, offset, length);
        deviceWriter.commit(index);
    }

    public long packets() {
        return deviceWriter != null ? deviceWriter.packets() : packets;
    }

    public long bytes() {
        return deviceWriter != null ? deviceWriter.bytes() : bytes;
    }
}
