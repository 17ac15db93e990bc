package io.jtcp.stack;

import io.jtcp.stack.cc.CongestionControl;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Protocol settings of one {@link NetworkStack}: a builder with fluent setters; defaults follow
 * Linux where the RFCs leave a choice, and say so.
 *
 * <p>A {@code StackConfig} you create is mutable and not thread-safe. A stack never keeps it: its
 * constructor takes a {@link #snapshot()}, a validated, immutable copy (every setter of a snapshot
 * throws {@link IllegalStateException}), so later edits to the builder never reach a running stack,
 * and one builder may configure several stacks. {@link NetworkStack#config()} returns that
 * snapshot. Setters check their own argument at once; checks across fields (RTO bounds, the ISN
 * secret, …) run in {@link #validate()}, which {@link #snapshot()} calls. The tracer and the
 * congestion-control factory are shared by reference, not copied.
 *
 * <p>What the device can do (segmentation and checksum offload) is not a protocol setting: see
 * {@link DeviceCapabilities}.
 */
public final class StackConfig implements Cloneable {
    private static final long MS = 1_000_000L;

    /** Set on snapshots only: every setter refuses then. */
    private boolean frozen;

    private int localAddr = (10 << 24) | (7 << 16) | 2; // 10.7.0.2, the project-wide default
    private int mtuBytes = 1500;
    private int sendBufferBytes = 1 << 20;
    private int receiveBufferBytes = 1 << 20;
    private int maxConnections = 65_536;
    private int maxHalfOpen = 1024; // like Linux's tcp_max_syn_backlog
    private long initialRtoNs = 1000 * MS; // RFC 6298 §2.1
    private long minRtoNs = 200 * MS; // Linux's TCP_RTO_MIN; RFC 6298 §2.4 says 1 s
    private long maxRtoNs = 60_000 * MS; // RFC 6298 §2.5 allows a maximum of at least 60 s
    private int synRetries = 6; // Linux net.ipv4.tcp_syn_retries
    private int synAckRetries = 5; // Linux net.ipv4.tcp_synack_retries
    private int dataRetries = 15; // Linux net.ipv4.tcp_retries2
    private long mslNs = 30_000 * MS; // TIME_WAIT = 2 MSL = 60 s as Linux; RFC 9293 §3.4.2 says MSL 2 min
    private int ephemeralPortLow = 49_152; // RFC 6335 §6 dynamic range
    private int ephemeralPortHigh = 65_535;
    private EphemeralPortFilter ephemeralPortFilter; // null: every free port
    // ---- blind attacks (RFC 5961, RFC 7323) and martian sources (RFC 1122 §3.2.1.3) ----
    private int challengeAcksPerSecond = 1000; // RFC 5961 §7; Linux tcp_challenge_ack_limit, randomised
    private long invalidAckIntervalNs = 500 * MS; // Linux tcp_invalid_ratelimit
    private int localPrefixLength = 32; // the subnet we live on; 32: none known, no directed broadcast
    private int ttl = 64;
    private boolean sack = true;
    private boolean timestamps = true;
    private boolean nagle;
    private long delayedAckNs;
    private byte[] isnSecret;
    private StackTracer tracer;
    // ---- TIME_WAIT records, SYN queues and SYN cookies (issue #9) ----
    private int maxTimeWait = 262_144; // like Linux's net.ipv4.tcp_max_tw_buckets
    private int synBacklog = 256; // per listener; like listen()'s backlog, bounded by maxHalfOpen
    private boolean synCookies = true; // like Linux's net.ipv4.tcp_syncookies = 1
    // ---- ICMP errors and path MTU, IPv4 reassembly (issue #9) ----
    private int minPathMtu = 552; // Linux's net.ipv4.route.min_pmtu; RFC 1191 §3 allows 68
    private long pathMtuAgeNs = 600_000 * MS; // RFC 1191 §6.3: about 10 minutes
    private int icmpErrorsPerSecond = 1000; // Linux's net.ipv4.icmp_msgs_per_sec
    private int icmpErrorBurst = 50; // Linux's net.ipv4.icmp_msgs_burst
    private int reassemblyMaxDatagrams = 64;
    private int reassemblyBytes = 4 << 20;
    private long reassemblyTimeoutNs = 30_000 * MS; // Linux's net.ipv4.ipfrag_time

    // ---- memory: buffer autotuning, budget and limits (issue #9, bounded memory) ----
    private int initialSendBufferBytes = 16 << 10; // Linux tcp_wmem[1]
    private int initialReceiveBufferBytes = 64 << 10; // the largest unscaled window
    private long memoryBudgetBytes; // 0: half the JVM heap
    private int maxConnectionsPerListener; // 0: only maxConnections applies
    // ---- congestion control (issue #10) ----
    private CongestionControl.Factory congestionControl; // null: CUBIC, as Linux

    /** Our IPv4 address. */
    public int localAddr() {
        return localAddr;
    }

    public StackConfig localAddr(int addr) {
        mutable();
        this.localAddr = addr;
        return this;
    }

    public int mtuBytes() {
        return mtuBytes;
    }

    /** Link MTU; our MSS is MTU − 40 (RFC 9293 §3.7.1). Between 576 and 65535. */
    public StackConfig mtuBytes(int mtu) {
        mutable();
        if (mtu < 576 || mtu > 65_535) {
            throw new IllegalArgumentException("MTU must be between 576 and 65535, not " + mtu);
        }
        this.mtuBytes = mtu;
        return this;
    }

    /** Our MSS: MTU − 20 (IPv4) − 20 (TCP). */
    public int mssBytes() {
        return mtuBytes - 40;
    }

    public int sendBufferBytes() {
        return sendBufferBytes;
    }

    public StackConfig sendBufferBytes(int bytes) {
        mutable();
        this.sendBufferBytes = requirePowerOfTwo("send buffer", bytes);
        return this;
    }

    public int receiveBufferBytes() {
        return receiveBufferBytes;
    }

    public StackConfig receiveBufferBytes(int bytes) {
        mutable();
        this.receiveBufferBytes = requirePowerOfTwo("receive buffer", bytes);
        return this;
    }

    public int maxConnections() {
        return maxConnections;
    }

    public StackConfig maxConnections(int max) {
        mutable();
        this.maxConnections = max;
        return this;
    }

    public int maxHalfOpen() {
        return maxHalfOpen;
    }

    /**
     * Passive opens allowed in SYN_RECEIVED at once, all listeners together (like Linux's
     * tcp_max_syn_backlog); past it (or past a listener's {@link #synBacklog()}) SYNs are answered
     * with SYN cookies, or dropped and counted when {@link #synCookies(boolean)} is off, so a SYN
     * flood costs no memory beyond this.
     */
    public StackConfig maxHalfOpen(int max) {
        mutable();
        if (max < 1) {
            throw new IllegalArgumentException("maxHalfOpen must be at least 1: " + max);
        }
        this.maxHalfOpen = max;
        return this;
    }

    public long initialRtoNs() {
        return initialRtoNs;
    }

    public StackConfig initialRtoNs(long ns) {
        mutable();
        this.initialRtoNs = ns;
        return this;
    }

    public long minRtoNs() {
        return minRtoNs;
    }

    public StackConfig minRtoNs(long ns) {
        mutable();
        this.minRtoNs = ns;
        return this;
    }

    public long maxRtoNs() {
        return maxRtoNs;
    }

    public StackConfig maxRtoNs(long ns) {
        mutable();
        this.maxRtoNs = ns;
        return this;
    }

    public int synRetries() {
        return synRetries;
    }

    public StackConfig synRetries(int n) {
        mutable();
        this.synRetries = n;
        return this;
    }

    public int synAckRetries() {
        return synAckRetries;
    }

    public StackConfig synAckRetries(int n) {
        mutable();
        this.synAckRetries = n;
        return this;
    }

    public int dataRetries() {
        return dataRetries;
    }

    public StackConfig dataRetries(int n) {
        mutable();
        this.dataRetries = n;
        return this;
    }

    public long mslNs() {
        return mslNs;
    }

    /** Maximum segment lifetime; TIME_WAIT lasts twice this. */
    public StackConfig mslNs(long ns) {
        mutable();
        this.mslNs = ns;
        return this;
    }

    public int ephemeralPortLow() {
        return ephemeralPortLow;
    }

    public int ephemeralPortHigh() {
        return ephemeralPortHigh;
    }

    public StackConfig ephemeralPorts(int low, int high) {
        mutable();
        if (low < 1 || high > 65_535 || low > high) {
            throw new IllegalArgumentException("bad ephemeral port range " + low + "-" + high);
        }
        this.ephemeralPortLow = low;
        this.ephemeralPortHigh = high;
        return this;
    }

    /** Which free ephemeral ports an active open may take; null (the default): any. */
    public EphemeralPortFilter ephemeralPortFilter() {
        return ephemeralPortFilter;
    }

    /**
     * Restricts active opens to the ephemeral ports {@code filter} permits, for a device layer that
     * shares connections among several stacks by 4-tuple: each stack then opens only connections it
     * owns. The RFC 6056 §3.3.3 search order is kept; the filter only skips candidates. Null: any.
     */
    public StackConfig ephemeralPortFilter(EphemeralPortFilter filter) {
        mutable();
        this.ephemeralPortFilter = filter;
        return this;
    }

    public int challengeAcksPerSecond() {
        return challengeAcksPerSecond;
    }

    /**
     * Global budget of challenge ACKs (RFC 5961 §7) per second, over all connections. Each second
     * the budget actually used is drawn at random from [n/2, n·3/2) (as Linux's
     * {@code tcp_challenge_ack_limit}), so the count leaks nothing to an off-path attacker.
     * {@link Integer#MAX_VALUE} turns the global limit off (Linux's default since 6.0), leaving
     * only the per-connection {@link #invalidAckIntervalNs}; 0 sends none.
     */
    public StackConfig challengeAcksPerSecond(int n) {
        mutable();
        if (n < 0) {
            throw new IllegalArgumentException("challengeAcksPerSecond must be ≥ 0: " + n);
        }
        this.challengeAcksPerSecond = n;
        return this;
    }

    public long invalidAckIntervalNs() {
        return invalidAckIntervalNs;
    }

    /**
     * Least time between two ACKs that one connection sends in answer to segments it does not
     * accept: challenge ACKs (RFC 5961) and duplicate ACKs for out-of-window or PAWS-failing
     * segments without data (Linux {@code tcp_invalid_ratelimit}, 500 ms). 0 turns it off.
     */
    public StackConfig invalidAckIntervalNs(long ns) {
        mutable();
        if (ns < 0) {
            throw new IllegalArgumentException("invalidAckIntervalNs must be ≥ 0: " + ns);
        }
        this.invalidAckIntervalNs = ns;
        return this;
    }

    public int localPrefixLength() {
        return localPrefixLength;
    }

    /**
     * Prefix length of the subnet {@link #localAddr} lives on (the {@code /N} of {@code --host}),
     * so that its directed broadcast address is refused as a source (RFC 1122 §3.2.1.3). 32, the
     * default, knows no subnet; /31 has no broadcast address (RFC 3021).
     */
    public StackConfig localPrefixLength(int prefixLength) {
        mutable();
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length must be 0..32: " + prefixLength);
        }
        this.localPrefixLength = prefixLength;
        return this;
    }

    public int ttl() {
        return ttl;
    }

    public StackConfig ttl(int ttl) {
        mutable();
        this.ttl = ttl;
        return this;
    }

    public boolean sack() {
        return sack;
    }

    /** Negotiate SACK (RFC 2018): report out-of-order data to the peer in SACK blocks. */
    public StackConfig sack(boolean enabled) {
        mutable();
        this.sack = enabled;
        return this;
    }

    public boolean nagle() {
        return nagle;
    }

    /**
     * Nagle's algorithm for new connections (RFC 9293 §3.7.4). Off by default, like TCP_NODELAY:
     * output is segmented once per event-loop cycle, which already coalesces an application's
     * small writes, and Nagle against a delayed-ACK peer stalls request/response traffic.
     */
    public StackConfig nagle(boolean enabled) {
        mutable();
        this.nagle = enabled;
        return this;
    }

    public long delayedAckNs() {
        return delayedAckNs;
    }

    /**
     * Delayed ACKs (RFC 5681 §4.2, RFC 9293 §3.8.6.3): in-order data is acknowledged for at least
     * every second full-sized segment, or after this long at most. 0 (the default) acknowledges
     * every flush; RFC 5681 caps the delay at 500 ms.
     */
    public StackConfig delayedAckNs(long ns) {
        mutable();
        if (ns < 0 || ns > 500_000_000L) {
            throw new IllegalArgumentException("delayed ACK must be 0..500 ms (RFC 5681 §4.2): " + ns + " ns");
        }
        this.delayedAckNs = ns;
        return this;
    }

    public boolean timestamps() {
        return timestamps;
    }

    /** Negotiate TCP timestamps (RFC 7323 §3): echoed on every segment, PAWS on input. */
    public StackConfig timestamps(boolean enabled) {
        mutable();
        this.timestamps = enabled;
        return this;
    }

    /**
     * 16 random bytes keying ISNs and ephemeral ports (RFC 9293 §3.4.1, RFC 6528); a copy, null
     * when unset. Required: a stack cannot be built without one ({@code JtcpHost} draws one from
     * {@code SecureRandom} for its own snapshot when the caller set none).
     */
    public byte[] isnSecret() {
        return isnSecret == null ? null : isnSecret.clone();
    }

    public StackConfig isnSecret(byte[] secret) {
        mutable();
        Objects.requireNonNull(secret, "isnSecret");
        if (secret.length != 16) {
            throw new IllegalArgumentException("the ISN secret must be 16 bytes");
        }
        this.isnSecret = secret.clone();
        return this;
    }

    public StackTracer tracer() {
        return tracer;
    }

    public StackConfig tracer(StackTracer tracer) {
        mutable();
        this.tracer = tracer;
        return this;
    }

    // ---- TIME_WAIT records, SYN queues and SYN cookies (issue #9) ----

    public int maxTimeWait() {
        return maxTimeWait;
    }

    /**
     * TIME_WAIT entries kept at once (like Linux's {@code tcp_max_tw_buckets}). They are compact
     * records outside the connection table and do not count against {@link #maxConnections()};
     * when the cap is reached the oldest is recycled (counted). 0 keeps no TIME_WAIT at all.
     */
    public StackConfig maxTimeWait(int max) {
        mutable();
        if (max < 0) {
            throw new IllegalArgumentException("maxTimeWait must not be negative: " + max);
        }
        this.maxTimeWait = max;
        return this;
    }

    public int synBacklog() {
        return synBacklog;
    }

    /**
     * Half-open connections one listener keeps (its SYN queue) unless it was given its own limit;
     * {@link #maxHalfOpen()} bounds all listeners together. Past either, SYNs are answered with SYN
     * cookies (or dropped when those are off).
     */
    public StackConfig synBacklog(int max) {
        mutable();
        if (max < 1) {
            throw new IllegalArgumentException("synBacklog must be at least 1: " + max);
        }
        this.synBacklog = max;
        return this;
    }

    public boolean synCookies() {
        return synCookies;
    }

    /**
     * SYN cookies (RFC 4987 §3.6) when a SYN queue is full: the SYN-ACK's ISN encodes what the
     * connection needs, so a SYN flood costs no state and cannot lock a port out.
     */
    public StackConfig synCookies(boolean enabled) {
        mutable();
        this.synCookies = enabled;
        return this;
    }

    // ---- ICMP errors and path MTU, IPv4 reassembly (issue #9) ----

    public int minPathMtu() {
        return minPathMtu;
    }

    /**
     * The lowest path MTU a fragmentation-needed message may set (RFC 1191 §3 allows 68; Linux's
     * min_pmtu is 552, the default). Smaller claims are raised to it.
     */
    public StackConfig minPathMtu(int mtu) {
        mutable();
        if (mtu < 68 || mtu > 65_535) {
            throw new IllegalArgumentException("minimum path MTU must be 68..65535 (RFC 791): " + mtu);
        }
        this.minPathMtu = mtu;
        return this;
    }

    public long pathMtuAgeNs() {
        return pathMtuAgeNs;
    }

    /**
     * How long a learned path MTU is used for new connections to that destination before the link
     * MTU is tried again (RFC 1191 §6.3 suggests 10 minutes, the default).
     */
    public StackConfig pathMtuAgeNs(long ns) {
        mutable();
        if (ns <= 0) {
            throw new IllegalArgumentException("path MTU age must be positive: " + ns);
        }
        this.pathMtuAgeNs = ns;
        return this;
    }

    public int icmpErrorsPerSecond() {
        return icmpErrorsPerSecond;
    }

    public int icmpErrorBurst() {
        return icmpErrorBurst;
    }

    /**
     * Token bucket for the ICMP errors we send (RFC 1812 §4.3.2.8, like Linux's icmp_msgs_per_sec
     * and icmp_msgs_burst): {@code perSecond} tokens a second, at most {@code burst} saved up.
     * {@code perSecond = 0} sends none.
     */
    public StackConfig icmpErrorRate(int perSecond, int burst) {
        mutable();
        if (perSecond < 0 || burst < 1) {
            throw new IllegalArgumentException("ICMP error rate needs perSecond >= 0 and burst >= 1");
        }
        this.icmpErrorsPerSecond = perSecond;
        this.icmpErrorBurst = burst;
        return this;
    }

    public int reassemblyMaxDatagrams() {
        return reassemblyMaxDatagrams;
    }

    /**
     * IPv4 datagrams reassembled at once (RFC 791 §3.2); the oldest is evicted for a new one when
     * all are busy. 0 turns reassembly off (fragments are dropped as {@code IP_FRAGMENT}).
     */
    public StackConfig reassemblyMaxDatagrams(int n) {
        mutable();
        if (n < 0 || n > 65_536) {
            throw new IllegalArgumentException("reassembly datagrams must be 0..65536: " + n);
        }
        this.reassemblyMaxDatagrams = n;
        return this;
    }

    public int reassemblyBytes() {
        return reassemblyBytes;
    }

    /**
     * Memory for reassembly: each datagram in progress holds one 64 KiB buffer (pooled, taken on
     * first use), so at most {@code bytes / 64 KiB} datagrams are reassembled at once, and never
     * more than {@link #reassemblyMaxDatagrams()}. Default 4 MiB.
     */
    public StackConfig reassemblyBytes(int bytes) {
        mutable();
        if (bytes < 0) {
            throw new IllegalArgumentException("reassembly bytes must be >= 0: " + bytes);
        }
        this.reassemblyBytes = bytes;
        return this;
    }

    public long reassemblyTimeoutNs() {
        return reassemblyTimeoutNs;
    }

    /** A datagram not complete this long after its first fragment is dropped (RFC 791; Linux 30 s). */
    public StackConfig reassemblyTimeoutNs(long ns) {
        mutable();
        if (ns <= 0) {
            throw new IllegalArgumentException("reassembly timeout must be positive: " + ns);
        }
        this.reassemblyTimeoutNs = ns;
        return this;
    }

    // ---- memory: buffer autotuning, budget and limits (issue #9, bounded memory) ----

    /**
     * What a connection's send buffer starts with (a power of two, default 16 KiB as Linux's
     * {@code tcp_wmem}); it doubles while the application fills it and the congestion window and
     * the peer's window would keep twice as much in flight, up to {@link #sendBufferBytes()}.
     */
    public int initialSendBufferBytes() {
        return Math.min(initialSendBufferBytes, sendBufferBytes);
    }

    public StackConfig initialSendBufferBytes(int bytes) {
        mutable();
        this.initialSendBufferBytes = requirePowerOfTwo("initial send buffer", bytes);
        return this;
    }

    /**
     * What a connection's receive buffer, and so its window, starts with (a power of two, default
     * 64 KiB); it doubles, up to {@link #receiveBufferBytes()}, each time the peer filled the
     * window and the application read a whole buffer's worth (receive-buffer autotuning, in the
     * spirit of Linux's {@code tcp_rcv_space_adjust}).
     */
    public int initialReceiveBufferBytes() {
        return Math.min(initialReceiveBufferBytes, receiveBufferBytes);
    }

    public StackConfig initialReceiveBufferBytes(int bytes) {
        mutable();
        this.initialReceiveBufferBytes = requirePowerOfTwo("initial receive buffer", bytes);
        return this;
    }

    /** The configured memory budget; 0 (the default) means half the JVM's maximum heap. */
    public long memoryBudgetBytes() {
        return memoryBudgetBytes;
    }

    /**
     * Heap the stack may use for connections: ring storage plus a fixed estimate per connection.
     * From 3/4 of it on, new connections are refused and buffers stop growing; at the budget, no
     * new buffer storage is handed out. 0 means half of {@link Runtime#maxMemory()}.
     */
    public StackConfig memoryBudgetBytes(long bytes) {
        mutable();
        if (bytes < 0 || bytes > 0 && bytes < (1 << 20)) {
            throw new IllegalArgumentException("memory budget must be 0 (half the heap) or at least 1 MiB: " + bytes);
        }
        this.memoryBudgetBytes = bytes;
        return this;
    }

    /** The budget in force: {@link #memoryBudgetBytes()}, or half the heap when that is 0. */
    public long effectiveMemoryBudgetBytes() {
        return memoryBudgetBytes != 0 ? memoryBudgetBytes : Runtime.getRuntime().maxMemory() / 2;
    }

    public int maxConnectionsPerListener() {
        return maxConnectionsPerListener;
    }

    /**
     * Connections one listening port may hold at once (half-open and established, TIME_WAIT not
     * counted); a SYN beyond it is dropped and counted. 0 (the default): only {@link
     * #maxConnections()} applies.
     */
    public StackConfig maxConnectionsPerListener(int max) {
        mutable();
        if (max < 0) {
            throw new IllegalArgumentException("maxConnectionsPerListener must not be negative: " + max);
        }
        this.maxConnectionsPerListener = max;
        return this;
    }

    /** The congestion controller every new connection gets; null: CUBIC (RFC 9438 with HyStart++), as Linux. */
    public CongestionControl.Factory congestionControl() {
        return congestionControl;
    }

    /**
     * Sets the congestion controller for new connections (a connection may override it). Null
     * restores the default.
     */
    public StackConfig congestionControl(CongestionControl.Factory factory) {
        mutable();
        this.congestionControl = factory;
        return this;
    }

    // ---- builder and snapshot (issue #12) ----

    /** A mutable copy with the same settings, to edit without touching this one (a snapshot's copy is mutable). */
    public StackConfig copy() {
        StackConfig c = cloned();
        c.frozen = false;
        return c;
    }

    /**
     * A validated, immutable copy of these settings, the form a stack keeps; a snapshot returns
     * itself. Later edits to this builder do not change it.
     *
     * @throws IllegalArgumentException naming the fields whose values do not fit together (see
     *     {@link #validate()})
     */
    public StackConfig snapshot() {
        if (frozen) {
            return this;
        }
        validate();
        StackConfig c = cloned();
        c.frozen = true;
        return c;
    }

    /** Whether this is a {@link #snapshot()} (immutable) rather than a builder. */
    public boolean isSnapshot() {
        return frozen;
    }

    /**
     * Checks what single setters cannot: the fields together, and the ones a setter accepts
     * unchecked. Returns this.
     *
     * @throws IllegalArgumentException listing every problem, each naming its field(s)
     */
    public StackConfig validate() {
        List<String> problems = new ArrayList<>();
        if (isnSecret == null) {
            problems.add("isnSecret is required (16 random bytes, RFC 6528)");
        }
        // RFC 6298 §2: the RTO starts at the initial value and stays within [min, max].
        if (minRtoNs <= 0 || minRtoNs > initialRtoNs || initialRtoNs > maxRtoNs) {
            problems.add("RTO bounds must satisfy 0 < minRtoNs (" + minRtoNs + ") <= initialRtoNs (" + initialRtoNs
                    + ") <= maxRtoNs (" + maxRtoNs + ")");
        }
        if (minPathMtu > mtuBytes) {
            problems.add("minPathMtu (" + minPathMtu + ") must not exceed mtuBytes (" + mtuBytes + ")");
        }
        if (maxConnections < 1) {
            problems.add("maxConnections must be at least 1, not " + maxConnections);
        }
        if (ttl < 1 || ttl > 255) {
            problems.add("ttl must be 1..255 (RFC 791), not " + ttl);
        }
        if (synRetries < 0 || synAckRetries < 0 || dataRetries < 0) {
            problems.add("synRetries (" + synRetries + "), synAckRetries (" + synAckRetries + ") and dataRetries ("
                    + dataRetries + ") must not be negative");
        }
        if (mslNs < 0) {
            problems.add("mslNs must not be negative, not " + mslNs);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("StackConfig: " + String.join("; ", problems));
        }
        return this;
    }

    private void mutable() {
        if (frozen) {
            throw new IllegalStateException(
                    "this StackConfig is a snapshot and immutable: edit a copy() and build a new stack");
        }
    }

    private StackConfig cloned() {
        try {
            // A field-by-field copy that also covers fields added later; arrays are not shared.
            StackConfig c = (StackConfig) super.clone();
            c.isnSecret = isnSecret == null ? null : isnSecret.clone();
            return c;
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }

    private static int requirePowerOfTwo(String what, int bytes) {
        if (bytes < 1024 || Integer.bitCount(bytes) != 1 || bytes > (1 << 30)) {
            throw new IllegalArgumentException(what + " must be a power of two between 1 KiB and 1 GiB: " + bytes);
        }
        return bytes;
    }
}
