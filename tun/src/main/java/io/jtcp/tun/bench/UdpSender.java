package io.jtcp.tun.bench;

import com.sun.jna.Native;
import io.jtcp.tun.Netns;
import io.jtcp.tun.TunException;
import java.nio.ByteOrder;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A UDP socket in a network namespace, connected to one address and port, sending datagrams of one
 * payload size from direct memory. Where the kernel supports it (Linux 4.18+), each {@code send()}
 * carries up to 64 datagrams at once ({@code UDP_SEGMENT}, UDP GSO): the kernel cuts the super
 * datagram into MTU-sized datagrams at the device, so the sender's per-datagram cost (one system
 * call each, about 7 µs from Java here) no longer caps what the reader can be shown to take.
 */
public final class UdpSender implements AutoCloseable {
    private static final int MAX_UDP_PAYLOAD = 65_507;
    private static final int MAX_SEGMENTS = 64;

    private final int fd;
    private final int payloadBytes;
    private final int segments;
    private final UnsafeBuffer data;
    private volatile boolean closed;

    private UdpSender(int fd, int payloadBytes, int segments) {
        this.fd = fd;
        this.payloadBytes = payloadBytes;
        this.segments = segments;
        this.data = new UnsafeBuffer(BufferUtil.allocateDirectAligned(payloadBytes * segments + 64, 64));
        for (int i = 0; i < data.capacity(); i++) {
            data.putByte(i, (byte) ('A' + i % 26));
        }
    }

    /**
     * Opens the socket inside {@code netns} (null: the current namespace) on a thread that entered
     * it; the socket keeps sending through that namespace from any thread.
     *
     * @param gso whether to try UDP GSO (falls back to one datagram per send when refused)
     */
    public static UdpSender open(String netns, int dstAddr, int dstPort, int payloadBytes, boolean gso) {
        if (payloadBytes < 1 || payloadBytes > MAX_UDP_PAYLOAD) {
            throw new IllegalArgumentException("UDP payload must be 1.." + MAX_UDP_PAYLOAD + " bytes");
        }
        java.util.function.Supplier<UdpSender> open = () -> openHere(dstAddr, dstPort, payloadBytes, gso);
        return netns == null ? open.get() : Netns.call(netns, open);
    }

    private static UdpSender openHere(int dstAddr, int dstPort, int payloadBytes, boolean gso) {
        int fd = BenchLibC.socket(BenchLibC.AF_INET, BenchLibC.SOCK_DGRAM | BenchLibC.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new TunException("cannot create a UDP socket: " + BenchLibC.describe(Native.getLastError()));
        }
        try {
            UnsafeBuffer scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64));
            int segments = 1;
            int fit = Math.min(MAX_SEGMENTS, MAX_UDP_PAYLOAD / payloadBytes);
            if (gso && fit > 1) {
                scratch.putInt(0, payloadBytes, ByteOrder.nativeOrder());
                if (BenchLibC.setsockopt(fd, BenchLibC.SOL_UDP, BenchLibC.UDP_SEGMENT, scratch.addressOffset(), 4)
                        == 0) {
                    segments = fit;
                }
            }
            sockaddr(scratch, dstAddr, dstPort);
            if (BenchLibC.connect(fd, scratch.addressOffset(), 16) < 0) {
                throw new TunException("cannot connect the UDP sender: " + BenchLibC.describe(Native.getLastError()));
            }
            UdpSender sender = new UdpSender(fd, payloadBytes, segments);
            fd = -1;
            return sender;
        } finally {
            if (fd >= 0) {
                BenchLibC.close(fd);
            }
        }
    }

    /** struct sockaddr_in: family (host order), port and address (network order), 8 zero bytes. */
    static void sockaddr(UnsafeBuffer buffer, int addr, int port) {
        buffer.setMemory(0, 16, (byte) 0);
        buffer.putShort(0, (short) BenchLibC.AF_INET, ByteOrder.nativeOrder());
        buffer.putShort(2, (short) port, ByteOrder.BIG_ENDIAN);
        buffer.putInt(4, addr, ByteOrder.BIG_ENDIAN);
    }

    /**
     * A UDP socket bound to {@code addr:port} inside {@code netns} that nobody reads: datagrams to it
     * are taken by the kernel and dropped once its receive buffer is full, without the ICMP port
     * unreachable a closed port costs. Close it when done.
     *
     * @return its file descriptor
     */
    public static int bindSink(String netns, int addr, int port) {
        java.util.function.Supplier<Integer> open = () -> {
            int fd = BenchLibC.socket(BenchLibC.AF_INET, BenchLibC.SOCK_DGRAM | BenchLibC.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw new TunException("cannot create a UDP socket: " + BenchLibC.describe(Native.getLastError()));
            }
            UnsafeBuffer scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64));
            sockaddr(scratch, addr, port);
            if (BenchLibC.bind(fd, scratch.addressOffset(), 16) < 0) {
                int errno = Native.getLastError();
                BenchLibC.close(fd);
                throw new TunException("cannot bind the UDP sink to port " + port + ": " + BenchLibC.describe(errno));
            }
            return fd;
        };
        return netns == null ? open.get() : Netns.call(netns, open);
    }

    static void closeFd(int fd) {
        BenchLibC.close(fd);
    }

    /** Datagrams each {@link #send()} puts on the wire (1 without GSO). */
    public int segments() {
        return segments;
    }

    /**
     * Sends {@link #segments()} datagrams (blocking while the socket buffer is full).
     *
     * @return false when the kernel refused (the socket was closed, or an error to read with errno)
     */
    public boolean send() {
        long n = BenchLibC.send(fd, data.addressOffset(), (long) payloadBytes * segments, 0);
        return n > 0;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            BenchLibC.close(fd);
        }
    }
}
