package io.jtcp.tun.bench;

import com.sun.jna.Native;
import io.jtcp.stack.wire.Checksum;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.tun.TunDevice;
import io.jtcp.tun.TunException;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The raw TUN ceiling: how many MTU-sized packets per second the project's own device code ({@link
 * TunDevice}, JNA direct mapping, direct memory) moves through the device with no TCP at all.
 *
 * <ul>
 *   <li>{@link #write}: jtcp writes one prebuilt IPv4/UDP packet (valid checksums) to the kernel
 *       side's discard port as fast as it can; the kernel runs IP and UDP input on each inside the
 *       {@code write()} and drops it: at a UDP socket nobody reads when {@code sinkNetns} is given
 *       to {@link #write(long, String)} (the cheaper path), otherwise at the closed port, which
 *       costs an ICMP port unreachable attempt each (rate-limited; what comes back is read and
 *       ignored so the device's queue never fills).
 *   <li>{@link #read}: a thread with a UDP socket inside the device's namespace sends MTU-sized
 *       datagrams to jtcp's address through the kernel (with UDP GSO, so one system call puts up to
 *       64 on the wire and the sender is not the bottleneck); this thread reads until EAGAIN and
 *       polls. The sender's own count is reported too, so a sender-bound result shows as such.
 * </ul>
 *
 * <p>Both loops are bounded in time; nothing allocates inside them.
 */
public final class TunBench {
    /** Discard (RFC 863): where the packets go on either side. */
    public static final int PORT = 9;

    static final int IPV4_UDP_HEADERS = Ipv4Header.MIN_HEADER_LENGTH + 8;

    /** After the sender stops, how long the reader waits for the device queue to go quiet. */
    private static final int DRAIN_QUIET_MS = 50;

    /** Hard bound on the reader past the sender's time, whatever happens to the sender. */
    private static final long READ_OVERRUN_NS = 5_000_000_000L;

    private static final int POLL_MS = 10;

    /** What may be left in the device's queue before a run (the previous direction's tail). */
    private static final int STALE_PACKETS = 100_000;

    private final TunDevice device;
    private final int mtuBytes;
    private final int localAddr;
    private final int hostAddr;
    private final UnsafeBuffer packet;
    private final UnsafeBuffer rx = new UnsafeBuffer(BufferUtil.allocateDirectAligned(65_536 + 64, 64));
    private final UnsafeBuffer pollFd = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64));

    /**
     * One direction's outcome. {@code offered}: datagrams the sender put on the wire, {@code
     * perSend} of them per system call (read only).
     */
    public record Result(
            String direction, long packets, long bytes, long elapsedNs, int mtuBytes, long offered, int perSend) {
        public double seconds() {
            return elapsedNs / 1e9;
        }

        public double packetsPerSecond() {
            return elapsedNs <= 0 ? 0 : packets / seconds();
        }

        /** IP bytes (whole packets as they cross the device), in Gbit/s. */
        public double gbitPerSecond() {
            return elapsedNs <= 0 ? 0 : bytes * 8 / seconds() / 1e9;
        }

        /** {@code tun-bench write: 412345 pkt/s, 4.95 Gbit/s (MTU 1500, 3.0 s, ...)}. */
        public String line() {
            String detail = "read".equals(direction)
                    ? packets + " packets read of " + offered + " sent, " + perSend + " per send"
                    : packets + " packets written";
            return String.format(
                    Locale.ROOT,
                    "tun-bench %s: %d pkt/s, %.2f Gbit/s (MTU %d, %.1f s, %s)",
                    direction,
                    Math.round(packetsPerSecond()),
                    gbitPerSecond(),
                    mtuBytes,
                    seconds(),
                    detail);
        }
    }

    /**
     * A sender for {@link #read}: MTU-sized datagrams to jtcp's discard port from inside {@code
     * netns} (null: this namespace), {@code gso} to send many per system call.
     */
    public UdpSender openSender(String netns, boolean gso) {
        return UdpSender.open(netns, localAddr, PORT, mtuBytes - IPV4_UDP_HEADERS, gso);
    }

    /**
     * @param device an open device without virtio-net headers
     */
    public TunBench(TunDevice device) {
        if (device.vnetHeader()) {
            throw new TunException("tun-bench measures the plain device; open it without offloads");
        }
        this.device = device;
        this.mtuBytes = device.config().mtuBytes();
        this.localAddr = device.config().localAddr();
        this.hostAddr = device.config().hostAddr();
        this.packet = new UnsafeBuffer(BufferUtil.allocateDirectAligned(mtuBytes + 64, 64));
        buildPacket();
    }

    /** One MTU-sized IPv4/UDP packet from jtcp's address to the kernel side's discard port. */
    private void buildPacket() {
        new Ipv4Header()
                .wrap(packet, 0, mtuBytes)
                .writeHeader(mtuBytes, 0, 64, Ipv4Header.PROTOCOL_UDP, localAddr, hostAddr);
        final int udp = Ipv4Header.MIN_HEADER_LENGTH;
        final int udpLength = mtuBytes - udp;
        for (int i = IPV4_UDP_HEADERS; i < mtuBytes; i++) {
            packet.putByte(i, (byte) ('a' + i % 26));
        }
        packet.putShort(udp, (short) PORT, ByteOrder.BIG_ENDIAN);
        packet.putShort(udp + 2, (short) PORT, ByteOrder.BIG_ENDIAN);
        packet.putShort(udp + 4, (short) udpLength, ByteOrder.BIG_ENDIAN);
        packet.putShort(udp + 6, (short) 0, ByteOrder.BIG_ENDIAN);
        int sum = Checksum.sum(
                packet,
                udp,
                udpLength,
                Checksum.pseudoHeaderSum(localAddr, hostAddr, Ipv4Header.PROTOCOL_UDP, udpLength));
        int checksum = Checksum.finish(sum);
        // RFC 768: a computed zero is sent as all ones (zero means "no checksum").
        packet.putShort(udp + 6, (short) (checksum == 0 ? 0xFFFF : checksum), ByteOrder.BIG_ENDIAN);
    }

    /**
     * Writes packets to the kernel for {@code durationNs}, to a UDP socket bound for the purpose in
     * {@code sinkNetns} (null: the current namespace) so that the port is not closed.
     */
    public Result write(long durationNs, String sinkNetns) {
        int sink = UdpSender.bindSink(sinkNetns, hostAddr, PORT);
        try {
            return write(durationNs);
        } finally {
            UdpSender.closeFd(sink);
        }
    }

    /**
     * Writes packets to the kernel for {@code durationNs}, to whatever listens on the kernel side's
     * port 9 (usually nothing); drains what comes back on the way.
     */
    public Result write(long durationNs) {
        drain(STALE_PACKETS);
        final long address = packet.addressOffset();
        final int length = mtuBytes;
        long written = 0;
        final long start = System.nanoTime();
        final long deadline = start + durationNs;
        long now = start;
        while (now - deadline < 0) {
            for (int i = 0; i < 64; i++) {
                if (device.write(address, length)) {
                    written++;
                } else if (Native.getLastError() == BenchLibC.EAGAIN) {
                    await(BenchLibC.POLLOUT, POLL_MS);
                }
                // Anything else (the kernel refused the packet) is counted by the device.
            }
            drain(1024);
            now = System.nanoTime();
        }
        return new Result("write", written, written * length, now - start, mtuBytes, written, 1);
    }

    /** Reads until EAGAIN, at most {@code max} packets; returns how many. */
    private long drain(int max) {
        long n = 0;
        while (n < max && device.read(rx.addressOffset(), rx.capacity()) > 0) {
            n++;
        }
        return n;
    }

    /** Waits up to {@code timeoutMs} for the device to become readable or writable; true if it did. */
    private boolean await(short events, int timeoutMs) {
        pollFd.putInt(0, device.fd(), ByteOrder.nativeOrder());
        pollFd.putShort(4, events, ByteOrder.nativeOrder());
        pollFd.putShort(6, (short) 0, ByteOrder.nativeOrder());
        return BenchLibC.poll(pollFd.addressOffset(), 1, timeoutMs) > 0;
    }

    /**
     * A thread blasts MTU-sized datagrams through {@code sender} (see {@link #openSender}; with UDP
     * GSO, up to 64 per system call) for {@code durationNs}; this thread reads them off the device
     * until the sender has stopped and the device has been quiet for a moment.
     */
    public Result read(UdpSender sender, long durationNs) {
        drain(STALE_PACKETS);
        final AtomicLong sent = new AtomicLong();
        final AtomicReference<String> senderFailure = new AtomicReference<>();
        final int segments = sender.segments();
        final long start = System.nanoTime();
        final long senderDeadline = start + durationNs;
        Thread thread = new Thread(
                () -> {
                    long n = 0;
                    try {
                        while (System.nanoTime() - senderDeadline < 0) {
                            if (!sender.send()) {
                                senderFailure.set(BenchLibC.describe(Native.getLastError()));
                                break;
                            }
                            n += segments;
                            if ((n & 1023) < segments) {
                                sent.lazySet(n);
                            }
                        }
                    } finally {
                        sent.set(n);
                    }
                },
                "jtcp-bench-sender");
        thread.setDaemon(true);
        thread.start();
        final long address = rx.addressOffset();
        final int capacity = rx.capacity();
        final long hardDeadline = senderDeadline + READ_OVERRUN_NS;
        long packets = 0;
        long bytes = 0;
        long last = start;
        while (true) {
            int n = device.read(address, capacity);
            if (n > 0) {
                // Only the sender's datagrams count (UDP); anything else the kernel sends is ignored.
                if (n >= IPV4_UDP_HEADERS && rx.getByte(Ipv4Header.PROTOCOL_OFFSET) == Ipv4Header.PROTOCOL_UDP) {
                    packets++;
                    bytes += n;
                }
                continue;
            }
            long now = System.nanoTime();
            if (packets > 0) {
                last = now;
            }
            if (now - hardDeadline >= 0) {
                break;
            }
            if (!thread.isAlive()) {
                if (!await(BenchLibC.POLLIN, DRAIN_QUIET_MS)) {
                    break;
                }
            } else {
                await(BenchLibC.POLLIN, POLL_MS);
            }
        }
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String failure = senderFailure.get();
        if (failure != null && packets == 0) {
            throw new TunException("the UDP sender failed: " + failure);
        }
        // Rate over the time the packets took to arrive (to the last one read), not the quiet tail.
        return new Result("read", packets, bytes, last - start, mtuBytes, sent.get(), segments);
    }
}
