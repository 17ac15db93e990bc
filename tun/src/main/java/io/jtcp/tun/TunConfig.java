package io.jtcp.tun;

import io.jtcp.stack.wire.Ipv4Header;

/**
 * How to open and configure a TUN device: its name, the address jtcp answers on, the kernel side's
 * address and prefix, the MTU, and optionally the network namespace to open it in.
 *
 * <p>Defaults are the project's conventions: {@code tun0}, jtcp at 10.7.0.2, kernel at 10.7.0.1/24,
 * MTU 1500.
 *
 * <p>Mutable and not thread-safe; {@link JtcpHost#start} works on a {@link #copy()}, so later edits
 * do not reach a running host.
 */
public final class TunConfig implements Cloneable {
    /** Linux IFNAMSIZ is 16 including the terminating NUL. */
    public static final int MAX_NAME_LENGTH = 15;

    /**
     * The kernel's default of 500 packets overflows when a stack advertises a large window: 5 000 to
     * 8 600 drops per GiB were measured here with another user-space stack.
     */
    public static final int DEFAULT_TXQUEUELEN = 10_000;

    /** Linux's MAX_TAP_QUEUES: the most file descriptors one multi-queue TUN device takes. */
    public static final int MAX_QUEUES = 256;

    private String name = "tun0";
    private int localAddr = Ipv4Header.parseAddress("10.7.0.2");
    private int hostAddr = Ipv4Header.parseAddress("10.7.0.1");
    private int prefixLength = 24;
    private int mtuBytes = 1500;
    private int txQueueLength = DEFAULT_TXQUEUELEN;
    private String netns;
    private boolean vnetHeader = true;
    private boolean writerThread = true;
    private int writerRingBytes = 8 << 20;
    private int offloadFlags = TunDevice.TUN_F_CSUM | TunDevice.TUN_F_TSO4;
    private int queues = 1;

    public String name() {
        return name;
    }

    public TunConfig name(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("invalid device name '" + name + "': 1 to 15 characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c) || c < 0x21 || c > 0x7e) {
                throw new IllegalArgumentException("invalid device name '" + name + "'");
            }
        }
        this.name = name;
        return this;
    }

    /** The address jtcp answers on (not configured on the kernel side). */
    public int localAddr() {
        return localAddr;
    }

    public TunConfig localAddr(int addr) {
        this.localAddr = addr;
        return this;
    }

    /** The kernel side's address on the device. */
    public int hostAddr() {
        return hostAddr;
    }

    public int prefixLength() {
        return prefixLength;
    }

    public TunConfig host(int addr, int prefixLength) {
        if (prefixLength < 1 || prefixLength > 30) {
            throw new IllegalArgumentException("prefix length must be between 1 and 30, not " + prefixLength);
        }
        this.hostAddr = addr;
        this.prefixLength = prefixLength;
        return this;
    }

    /** Parses {@code A.B.C.D/N}. */
    public TunConfig host(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("expected ADDRESS/PREFIX, e.g. 10.7.0.1/24, not '" + cidr + "'");
        }
        int prefix;
        try {
            prefix = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a prefix length in '" + cidr + "'");
        }
        return host(Ipv4Header.parseAddress(cidr.substring(0, slash)), prefix);
    }

    public int netmask() {
        return (int) (0xFFFF_FFFFL << (32 - prefixLength));
    }

    public int mtuBytes() {
        return mtuBytes;
    }

    public TunConfig mtuBytes(int mtu) {
        if (mtu < 576 || mtu > 65_535) {
            throw new IllegalArgumentException("MTU must be between 576 and 65535, not " + mtu);
        }
        this.mtuBytes = mtu;
        return this;
    }

    public int txQueueLength() {
        return txQueueLength;
    }

    public TunConfig txQueueLength(int packets) {
        if (packets < 1) {
            throw new IllegalArgumentException("txqueuelen must be positive");
        }
        this.txQueueLength = packets;
        return this;
    }

    /** Network namespace (a name under /var/run/netns) to open the device in; null for the current one. */
    public String netns() {
        return netns;
    }

    public TunConfig netns(String netns) {
        this.netns = netns;
        return this;
    }

    /**
     * Offloads through a virtio-net header ({@code IFF_VNET_HDR}): the kernel hands jtcp TCP
     * super-segments of up to 64 KiB with checksums left partial, and takes jtcp's super-segments
     * and cuts them itself (TSO). Fewer, larger packets are the lever on this path. On by default;
     * when the kernel refuses, the device opens without them ({@link TunDevice#offloadRefusal}).
     */
    public boolean vnetHeader() {
        return vnetHeader;
    }

    public TunConfig vnetHeader(boolean enabled) {
        this.vnetHeader = enabled;
        return this;
    }

    /**
     * Packets to the device are written by a second thread ({@code DeviceWriter}) rather than by
     * the loop: a TUN write runs the kernel's receive path for the packet inside the call, and on
     * its own thread that overlaps with the engine's work. On by default, except with {@link
     * #vnetHeader()} (64 KiB writes are few); off, one thread does all.
     */
    public boolean writerThread() {
        return writerThread;
    }

    public TunConfig writerThread(boolean enabled) {
        this.writerThread = enabled;
        return this;
    }

    /** The TUNSETOFFLOAD flags asked for with {@link #vnetHeader()}: checksum offload and TSO4. */
    int offloadFlags() {
        return offloadFlags;
    }

    /** For tests: other flags, such as a bit the kernel does not know, to see it refuse them. */
    TunConfig offloadFlags(int flags) {
        this.offloadFlags = flags;
        return this;
    }

    /**
     * Device queues, each a file descriptor of one {@code IFF_MULTI_QUEUE} device with its own event
     * loop and its own stack (a shard owning the connections whose 4-tuple hashes to it). 1, the
     * default, is one plain descriptor; when the kernel refuses multi-queue the host runs one queue
     * ({@link JtcpHost#multiQueueRefusal}).
     */
    public int queues() {
        return queues;
    }

    public TunConfig queues(int queues) {
        if (queues < 1 || queues > MAX_QUEUES) {
            throw new IllegalArgumentException("queues must be between 1 and " + MAX_QUEUES + ", not " + queues);
        }
        this.queues = queues;
        return this;
    }

    /** Size of the ring between the loop and the writer thread (a power of two, at least 64 KiB). */
    public int writerRingBytes() {
        return writerRingBytes;
    }

    public TunConfig writerRingBytes(int bytes) {
        if (Integer.bitCount(bytes) != 1 || bytes < 65_536) {
            throw new IllegalArgumentException("writer ring must be a power of two of at least 65536 bytes: " + bytes);
        }
        this.writerRingBytes = bytes;
        return this;
    }

    /** An independent copy with the same settings (every field is a value or immutable). */
    public TunConfig copy() {
        try {
            return (TunConfig) super.clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Checks the addresses make sense together: both in one subnet, different, and neither the
     * subnet's network nor broadcast address.
     *
     * @throws IllegalArgumentException with a message for the user
     */
    public TunConfig validate() {
        int mask = netmask();
        String local = Ipv4Header.addressToString(localAddr);
        String host = Ipv4Header.addressToString(hostAddr) + "/" + prefixLength;
        if ((localAddr & mask) != (hostAddr & mask)) {
            throw new IllegalArgumentException("--addr " + local + " is not in the host's subnet " + host);
        }
        if (localAddr == hostAddr) {
            throw new IllegalArgumentException("--addr " + local + " is the host's own address");
        }
        for (int a : new int[] {localAddr, hostAddr}) {
            if ((a & ~mask) == 0 || (a & ~mask) == ~mask) {
                throw new IllegalArgumentException(
                        Ipv4Header.addressToString(a) + " is the network or broadcast address of " + host);
            }
            int first = a >>> 24;
            if (first == 0 || first == 127 || first >= 224) {
                throw new IllegalArgumentException(Ipv4Header.addressToString(a) + " is not a unicast address");
            }
        }
        return this;
    }
}
