package io.jtcp.tun;

import io.jtcp.stack.wire.Ipv4Header;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A Linux TUN device ({@code IFF_TUN | IFF_NO_PI}: each read or write is one whole IPv4 packet) and
 * the kernel side's interface configuration, all by ioctl on file descriptors (no {@code ip}
 * subprocess), so it works the same in a namespace entered by {@code setns()}.
 *
 * <p>The descriptor is non-blocking; the event loop waits for it with {@code ppoll()}. Reads and
 * writes take raw addresses of direct memory: no copy on the Java side and no allocation.
 *
 * <p>A device this object created disappears when it is closed (it is not made persistent). A
 * persistent device made beforehand ({@code ip tuntap add dev tun0 mode tun user $USER}) is
 * attached to and left in place; its kernel-side settings are only changed where they differ, so a
 * user without CAP_NET_ADMIN can use a device root configured for them.
 */
public final class TunDevice implements AutoCloseable {
    public static final String TUN_PATH = "/dev/net/tun";

    // linux/if_tun.h and linux/sockios.h
    static final long TUNSETIFF = 0x400454caL;
    static final long SIOCGIFFLAGS = 0x8913;
    static final long SIOCSIFFLAGS = 0x8914;
    static final long SIOCGIFADDR = 0x8915;
    static final long SIOCSIFADDR = 0x8916;
    static final long SIOCGIFNETMASK = 0x891b;
    static final long SIOCSIFNETMASK = 0x891c;
    static final long SIOCGIFMTU = 0x8921;
    static final long SIOCSIFMTU = 0x8922;
    static final long SIOCGIFTXQLEN = 0x8942;
    static final long SIOCSIFTXQLEN = 0x8943;
    static final long TUNSETOFFLOAD = 0x400454d0L;
    static final long TUNSETVNETHDRSZ = 0x400454d8L;
    static final int TUN_F_CSUM = 0x01;
    static final int TUN_F_TSO4 = 0x02;
    static final short IFF_VNET_HDR = 0x4000;
    static final short IFF_TUN = 0x0001;
    static final short IFF_NO_PI = 0x1000;
    static final short IFF_MULTI_QUEUE = 0x0100;
    static final short IFF_UP = 0x1;
    static final short IFF_RUNNING = 0x40;

    /** struct ifreq: 16 bytes of name, then a 24-byte union (flags, sockaddr, mtu, qlen...). */
    private static final int IFREQ_SIZE = 40;

    private static final int IFR_UNION = 16;

    private final TunConfig config;
    private final String name;
    private final boolean created;
    private final boolean vnet;
    private String offloadRefusal;
    private String multiQueueRefusal;
    private int queueIndex;
    private String configWarning;
    private volatile int fd;
    private long readErrors;
    private long writeDrops;

    private TunDevice(TunConfig config, String name, int fd, boolean created, boolean vnet) {
        this.config = config;
        this.name = name;
        this.fd = fd;
        this.created = created;
        this.vnet = vnet;
    }

    /** The kernel would not take the virtio-net header or the offloads: open without them. */
    private static final class OffloadRefused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OffloadRefused(String message) {
            super(message);
        }
    }

    /** The kernel would not attach with {@code IFF_MULTI_QUEUE}: open one plain queue instead. */
    private static final class MultiQueueRefused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MultiQueueRefused(String message) {
            super(message);
        }
    }

    /**
     * Opens (creating it if needed) and configures the device, inside {@link TunConfig#netns()} when
     * set: one queue, whatever {@link TunConfig#queues()} says ({@link #openQueues} for more).
     *
     * @throws TunException with a one-line message for the user when that cannot be done
     */
    public static TunDevice open(TunConfig config) {
        validate(config);
        return openFirst(config, false);
    }

    /**
     * Opens {@link TunConfig#queues()} file descriptors of one {@code IFF_MULTI_QUEUE} device
     * (Documentation/networking/tuntap.rst §3.3), the first configuring the kernel side, each with
     * the same offloads. The kernel picks a queue per flow for what it sends to jtcp: the queue
     * user space last wrote the flow on (a flow table keyed by the packet's symmetric hash, entries
     * aged after 3 s), else the hash scaled to the queue count ({@code tun_automq_select_queue}).
     * When the kernel refuses multi-queue (an existing device made without it, or an old driver)
     * one plain queue is returned and {@link #multiQueueRefusal} says why.
     *
     * @throws TunException with a one-line message for the user when that cannot be done
     */
    public static TunDevice[] openQueues(TunConfig config) {
        validate(config);
        if (config.queues() == 1) {
            return new TunDevice[] {openFirst(config, false)};
        }
        final TunDevice[] queues = new TunDevice[config.queues()];
        try {
            queues[0] = openFirst(config, true);
        } catch (MultiQueueRefused refused) {
            TunDevice single = openFirst(config, false);
            single.multiQueueRefusal = refused.getMessage();
            return new TunDevice[] {single};
        }
        try {
            for (int i = 1; i < queues.length; i++) {
                queues[i] = openIn(config, queues[0].vnet, true, false);
                queues[i].queueIndex = i;
                queues[i].offloadRefusal = queues[0].offloadRefusal;
            }
        } catch (RuntimeException e) {
            for (TunDevice q : queues) {
                if (q != null) {
                    q.close();
                }
            }
            throw e instanceof MultiQueueRefused ? new TunException(e.getMessage()) : e;
        }
        return queues;
    }

    private static void validate(TunConfig config) {
        try {
            config.validate();
        } catch (IllegalArgumentException e) {
            throw new TunException(e.getMessage());
        }
    }

    private static TunDevice openFirst(TunConfig config, boolean multiQueue) {
        try {
            return openIn(config, config.vnetHeader(), multiQueue, true);
        } catch (OffloadRefused refused) {
            // Issue #5: offloads are asked for, never required; without them every packet is
            // plain IPv4, which any TUN driver takes.
            TunDevice device = openIn(config, false, multiQueue, true);
            device.offloadRefusal = refused.getMessage();
            return device;
        }
    }

    private static TunDevice openIn(TunConfig config, boolean vnet, boolean multiQueue, boolean first) {
        if (config.netns() != null) {
            return Netns.call(config.netns(), () -> openHere(config, vnet, multiQueue, first));
        }
        return openHere(config, vnet, multiQueue, first);
    }

    /** {@code first}: the queue that creates or configures the device; the others only attach. */
    private static TunDevice openHere(TunConfig config, boolean vnet, boolean multiQueue, boolean first) {
        final String name = config.name();
        final UnsafeBuffer ifr = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64));
        final int sock = LibC.socket(LibC.AF_INET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        if (sock < 0) {
            throw new TunException("cannot create a configuration socket: " + LibC.describe(LibC.errno()));
        }
        int fd = -1;
        try {
            final boolean existed = ioctl(sock, SIOCGIFFLAGS, ifr, name) == 0;
            fd = LibC.open(TUN_PATH, LibC.O_RDWR | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
            if (fd < 0) {
                int errno = LibC.errno();
                if (errno == LibC.ENOENT || errno == LibC.ENODEV || errno == LibC.ENXIO) {
                    throw new TunException("no " + TUN_PATH
                            + ": this system has no TUN driver (modprobe tun, or mknod /dev/net/tun c 10 200)");
                }
                if (errno == LibC.EACCES || errno == LibC.EPERM) {
                    throw new TunException("permission denied opening " + TUN_PATH + ": " + remedy(name, config));
                }
                throw new TunException("cannot open " + TUN_PATH + ": " + LibC.describe(errno));
            }
            clear(ifr, name);
            short mode = (short) (IFF_TUN | IFF_NO_PI | (vnet ? IFF_VNET_HDR : 0) | (multiQueue ? IFF_MULTI_QUEUE : 0));
            ifr.putShort(IFR_UNION, mode, ByteOrder.nativeOrder());
            if (LibC.ioctl(fd, TUNSETIFF, ifr.addressOffset()) < 0) {
                int errno = LibC.errno();
                if (multiQueue && errno == LibC.EINVAL) {
                    // tun_set_iff: the flag must match the existing device's, and old drivers lack it.
                    throw new MultiQueueRefused("the kernel refused IFF_MULTI_QUEUE on " + name
                            + (existed ? " (the device exists without multi_queue)" : ""));
                }
                if (vnet && errno == LibC.EINVAL) {
                    throw new OffloadRefused("the kernel refused virtio-net headers on " + name);
                }
                if (errno == LibC.EPERM || errno == LibC.EACCES) {
                    throw new TunException((existed ? "permission denied attaching to " : "permission denied creating ")
                            + name + ": " + remedy(name, config));
                }
                if (errno == LibC.EBUSY) {
                    throw new TunException("device " + name + " is busy: another program has it open");
                }
                if (errno == LibC.EINVAL) {
                    throw new TunException("device " + name + " exists but is not a TUN device without packet info"
                            + " (delete it with: ip link del " + name + ")");
                }
                throw new TunException("cannot attach to " + name + ": " + LibC.describe(errno));
            }
            if (vnet) {
                enableOffloads(fd, ifr, name, config.offloadFlags());
            }
            String warning = first ? configure(sock, ifr, name, config, existed) : null;
            TunDevice device = new TunDevice(config, name, fd, !existed, vnet);
            device.configWarning = warning;
            fd = -1;
            return device;
        } finally {
            if (fd >= 0) {
                LibC.close(fd);
            }
            LibC.close(sock);
        }
    }

    private static String remedy(String name, TunConfig config) {
        return "run as root, grant CAP_NET_ADMIN (setcap cap_net_admin+ep on java), or have root pre-create the"
                + " device: ip tuntap add dev " + name + " mode tun user " + System.getProperty("user.name")
                + " && ip addr add " + Ipv4Header.addressToString(config.hostAddr()) + "/"
                + config.prefixLength() + " dev " + name + " && ip link set " + name + " up";
    }

    /**
     * Brings the kernel side to the wanted address, netmask, MTU, queue length and up. On a device
     * that already existed only differing settings are written (see the class comment).
     *
     * @return a warning for the user, or null: a device pre-created for an unprivileged user keeps
     *     its shorter queue (raising it needs CAP_NET_ADMIN), which costs drops in bursts, not
     *     correctness, so it is said once and not fatal
     */
    private static String configure(int sock, UnsafeBuffer ifr, String name, TunConfig config, boolean existed) {
        String warning = null;
        if (!existed || getInt(sock, ifr, name, SIOCGIFMTU) != config.mtuBytes()) {
            setInt(sock, ifr, name, SIOCSIFMTU, config.mtuBytes(), "MTU");
        }
        int txQueue = existed ? getInt(sock, ifr, name, SIOCGIFTXQLEN) : -1;
        if (!existed || txQueue < config.txQueueLength()) {
            clear(ifr, name);
            ifr.putInt(IFR_UNION, config.txQueueLength(), ByteOrder.nativeOrder());
            if (LibC.ioctl(sock, SIOCSIFTXQLEN, ifr.addressOffset()) < 0) {
                int errno = LibC.errno();
                if (!existed || (errno != LibC.EPERM && errno != LibC.EACCES)) {
                    throw new TunException(configFailureText(name, "txqueuelen", errno));
                }
                warning = "cannot raise the txqueuelen of " + name + " from " + txQueue + " to "
                        + config.txQueueLength() + ": " + LibC.describe(errno)
                        + "; going on (bursts may be dropped; as root: ip link set " + name + " txqueuelen "
                        + config.txQueueLength() + ")";
            }
        }
        if (!existed || getAddr(sock, ifr, name, SIOCGIFADDR) != config.hostAddr()) {
            setAddr(sock, ifr, name, SIOCSIFADDR, config.hostAddr(), "address");
        }
        if (!existed || getAddr(sock, ifr, name, SIOCGIFNETMASK) != config.netmask()) {
            setAddr(sock, ifr, name, SIOCSIFNETMASK, config.netmask(), "netmask");
        }
        if (!existed) {
            disableIpv6(name);
        }
        if (ioctl(sock, SIOCGIFFLAGS, ifr, name) < 0) {
            throw new TunException("cannot read the flags of " + name + ": " + LibC.describe(LibC.errno()));
        }
        short flags = ifr.getShort(IFR_UNION, ByteOrder.nativeOrder());
        if ((flags & IFF_UP) == 0) {
            ifr.putShort(IFR_UNION, (short) (flags | IFF_UP | IFF_RUNNING), ByteOrder.nativeOrder());
            if (LibC.ioctl(sock, SIOCSIFFLAGS, ifr.addressOffset()) < 0) {
                throw configFailure(name, "up", LibC.errno(), config);
            }
        }
        return warning;
    }

    /**
     * A 10-byte {@code struct virtio_net_hdr} before every packet, and permission for the kernel to
     * send us partial checksums and TCPv4 super-segments (linux/if_tun.h).
     */
    private static void enableOffloads(int fd, UnsafeBuffer ifr, String name, int flags) {
        ifr.putInt(0, VnetHeader.LENGTH, ByteOrder.nativeOrder());
        if (LibC.ioctl(fd, TUNSETVNETHDRSZ, ifr.addressOffset()) < 0) {
            throw new OffloadRefused(
                    "the kernel refused a virtio-net header on " + name + " (" + LibC.describe(LibC.errno()) + ")");
        }
        // TUNSETOFFLOAD takes the flags by value, not through a pointer.
        if (LibC.ioctl(fd, TUNSETOFFLOAD, flags) < 0) {
            throw new OffloadRefused(
                    "the kernel refused offloads on " + name + " (" + LibC.describe(LibC.errno()) + ")");
        }
    }

    /**
     * jtcp speaks IPv4 only; without this the kernel sends router solicitations and MLD reports
     * into the device, which the stack can only count as drops. Best effort: /proc/sys/net belongs
     * to the namespace of the calling thread, which is the device's.
     */
    private static void disableIpv6(String name) {
        try {
            java.nio.file.Files.writeString(
                    java.nio.file.Path.of("/proc/sys/net/ipv6/conf", name, "disable_ipv6"), "1");
        } catch (java.io.IOException | RuntimeException e) {
            // No IPv6 in this kernel, or no permission: the stray packets are merely counted.
        }
    }

    private static TunException configFailure(String name, String what, int errno, TunConfig config) {
        if (errno == LibC.EPERM || errno == LibC.EACCES) {
            return new TunException(
                    "permission denied setting the " + what + " of " + name + ": " + remedy(name, config));
        }
        return new TunException("cannot set the " + what + " of " + name + ": " + LibC.describe(errno));
    }

    private static int ioctl(int sock, long request, UnsafeBuffer ifr, String name) {
        clear(ifr, name);
        return LibC.ioctl(sock, request, ifr.addressOffset());
    }

    private static int getInt(int sock, UnsafeBuffer ifr, String name, long request) {
        return ioctl(sock, request, ifr, name) < 0 ? -1 : ifr.getInt(IFR_UNION, ByteOrder.nativeOrder());
    }

    private static void setInt(int sock, UnsafeBuffer ifr, String name, long request, int value, String what) {
        clear(ifr, name);
        ifr.putInt(IFR_UNION, value, ByteOrder.nativeOrder());
        if (LibC.ioctl(sock, request, ifr.addressOffset()) < 0) {
            throw new TunException(configFailureText(name, what, LibC.errno()));
        }
    }

    private static String configFailureText(String name, String what, int errno) {
        return "cannot set the " + what + " of " + name + ": " + LibC.describe(errno)
                + (errno == LibC.EPERM ? " (run as root or grant CAP_NET_ADMIN)" : "");
    }

    /** struct sockaddr_in in the union: family (host order), port, address (network order). */
    private static int getAddr(int sock, UnsafeBuffer ifr, String name, long request) {
        return ioctl(sock, request, ifr, name) < 0 ? 0 : ifr.getInt(IFR_UNION + 4, ByteOrder.BIG_ENDIAN);
    }

    private static void setAddr(int sock, UnsafeBuffer ifr, String name, long request, int addr, String what) {
        clear(ifr, name);
        ifr.putShort(IFR_UNION, (short) LibC.AF_INET, ByteOrder.nativeOrder());
        ifr.putInt(IFR_UNION + 4, addr, ByteOrder.BIG_ENDIAN);
        if (LibC.ioctl(sock, request, ifr.addressOffset()) < 0) {
            throw new TunException(configFailureText(name, what, LibC.errno()));
        }
    }

    private static void clear(UnsafeBuffer ifr, String name) {
        ifr.setMemory(0, IFREQ_SIZE, (byte) 0);
        byte[] bytes = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ifr.putBytes(0, bytes);
    }

    public String name() {
        return name;
    }

    public TunConfig config() {
        return config;
    }

    /** True when this object created the device (it goes away on close). */
    public boolean created() {
        return created;
    }

    /**
     * Whether every packet read or written starts with a {@link VnetHeader}: false when {@code
     * --offload} was asked for but the kernel refused it ({@link #offloadRefusal}).
     */
    public boolean vnetHeader() {
        return vnet;
    }

    /** Why offloads that were asked for are off (one line for the user), or null. */
    public String offloadRefusal() {
        return offloadRefusal;
    }

    /** Why more than one queue was asked for but one is open (one line for the user), or null. */
    public String multiQueueRefusal() {
        return multiQueueRefusal;
    }

    /** This descriptor's queue index on a multi-queue device (0 for a single queue). */
    public int queueIndex() {
        return queueIndex;
    }

    /** A setting of a pre-existing device that could not be made as wanted (one line), or null. */
    public String configWarning() {
        return configWarning;
    }

    public int fd() {
        return fd;
    }

    /**
     * Reads one packet into direct memory.
     *
     * @return its length, or 0 when none is waiting (EAGAIN)
     */
    public int read(long address, int capacity) {
        long n = LibC.read(fd, address, capacity);
        if (n >= 0) {
            return (int) n;
        }
        int errno = LibC.errno();
        if (errno != LibC.EAGAIN && errno != LibC.EINTR) {
            readErrors++;
            if (fd < 0) {
                throw new TunException("device " + name + " is closed");
            }
        }
        return 0;
    }

    /**
     * Writes one packet from direct memory.
     *
     * @return false when the kernel refused it (the packet is dropped; TCP retransmits)
     */
    public boolean write(long address, int length) {
        long n = LibC.write(fd, address, length);
        if (n == length) {
            return true;
        }
        writeDrops++;
        return false;
    }

    /** Writes the two parts of one packet (a virtio-net header and the packet) with one writev. */
    public boolean write2(long iovecs) {
        long n = LibC.writev(fd, iovecs, 2);
        if (n > 0) {
            return true;
        }
        writeDrops++;
        return false;
    }

    /** Writes one packet from a byte buffer (copies unless it is direct). */
    public boolean write(ByteBuffer packet) {
        if (packet.isDirect()) {
            return write(BufferUtil.address(packet) + packet.position(), packet.remaining());
        }
        ByteBuffer direct = ByteBuffer.allocateDirect(packet.remaining());
        direct.put(packet.duplicate()).flip();
        return write(BufferUtil.address(direct), direct.remaining());
    }

    /** Reads that failed with something other than EAGAIN. */
    public long readErrors() {
        return readErrors;
    }

    /** Packets the kernel refused to take. */
    public long writeDrops() {
        return writeDrops;
    }

    @Override
    public void close() {
        int f = fd;
        if (f >= 0) {
            fd = -1;
            LibC.close(f);
        }
    }
}
