package io.jtcp.stack.ip;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.StackCounters;
import io.jtcp.stack.wire.Ipv4Header;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * IPv4 reassembly (RFC 791 §3.2, the hole bookkeeping of RFC 815 as a sorted list of the fragments
 * held). Fragments may come in any order; a datagram is identified by source, identification and
 * protocol (the destination is always ours).
 *
 * <p>Bounded: at most {@link #capacity()} datagrams at once, each in one pooled buffer of 64 KiB
 * (taken on first use, then reused: allocation-free in steady state), at most {@value
 * #MAX_FRAGMENTS} fragments each. When all are busy the oldest datagram is evicted for the new one
 * (so a flood of incomplete datagrams cannot keep out a datagram that completes quickly). A
 * datagram not complete {@code reassemblyTimeoutNs} after its first fragment is dropped.
 *
 * <p>Overlaps: an exact duplicate fragment is ignored; any other overlap drops the whole datagram,
 * as Linux does since 2018 (RFC 5722's rule for IPv6), so no overlap can rewrite a header checked
 * earlier.
 */
public final class Ipv4Reassembler {
    /** Most fragments one datagram may have: 64 KiB at a 576-byte MTU is 117. */
    public static final int MAX_FRAGMENTS = 256;

    private static final int HEADROOM = 60; // room for the first fragment's header, options included
    private static final int MAX_PAYLOAD = Ipv4Header.MAX_TOTAL_LENGTH - Ipv4Header.MIN_HEADER_LENGTH;
    private static final int BUFFER_BYTES = HEADROOM + Ipv4Header.MAX_TOTAL_LENGTH;

    /** Told of each datagram dropped for its timeout. */
    public interface ExpiryListener {
        /**
         * {@code quoteLength} bytes at {@code offset} are the first fragment's header and the start
         * of its payload (for an ICMP time exceeded, RFC 792), or 0 when it never came.
         */
        void onExpired(long nowNs, MutableDirectBuffer buffer, int offset, int quoteLength);
    }

    private final StackCounters counters;
    private final long timeoutNs;
    private final int capacity;

    private final boolean[] used;
    private final long[] key;
    private final long[] deadlineNs;
    private final int[] totalPayload; // -1 until the last fragment (MF clear) came
    private final int[] bytesHeld;
    private final int[] headerLength; // 0 until the first fragment (offset 0) came
    private final int[] fragments;
    private final int[][] starts; // per slot, sorted by start
    private final int[][] ends;
    private final UnsafeBuffer[] buffers;
    private final Ipv4Header header = new Ipv4Header();
    private int inUse;
    private int completed = -1;
    private int completedOffset;
    private int completedLength;

    public Ipv4Reassembler(StackConfig config, StackCounters counters) {
        this.counters = counters;
        this.timeoutNs = config.reassemblyTimeoutNs();
        this.capacity = Math.min(config.reassemblyMaxDatagrams(), config.reassemblyBytes() / (64 * 1024));
        used = new boolean[capacity];
        key = new long[capacity];
        deadlineNs = new long[capacity];
        totalPayload = new int[capacity];
        bytesHeld = new int[capacity];
        headerLength = new int[capacity];
        fragments = new int[capacity];
        starts = new int[capacity][];
        ends = new int[capacity][];
        buffers = new UnsafeBuffer[capacity];
    }

    /** Datagrams that may be in progress at once (0: reassembly is off). */
    public int capacity() {
        return capacity;
    }

    /** Datagrams in progress. */
    public int inProgress() {
        return inUse;
    }

    /**
     * Takes one fragment whose header {@link Ipv4Header#validate() validated} (as {@link
     * DropReason#IP_FRAGMENT}) and is addressed to us. Returns {@link DropReason#NONE} when it was
     * kept; then, if it completed its datagram, {@link #hasCompleted()} is true until {@link
     * #releaseCompleted()}.
     */
    public DropReason offer(long nowNs, Ipv4Header ip) {
        if (capacity == 0) {
            return DropReason.IP_FRAGMENT;
        }
        releaseCompleted();
        counters.ipFragmentsIn++;
        final int offset = ip.fragmentOffset() * 8;
        final int length = ip.payloadLength();
        final int end = offset + length;
        final boolean more = ip.moreFragments();
        // RFC 791 §3.2: every fragment but the last carries a multiple of 8 octets; the whole must
        // fit a 65535-byte datagram (the "ping of death" is a fragment ending past it).
        if (length == 0 || (more && (length & 7) != 0) || end > MAX_PAYLOAD) {
            return DropReason.IP_FRAGMENT_BAD;
        }
        final long k = ((long) ip.srcAddr() << 32) | ((long) ip.identification() << 16) | ip.protocol();
        int s = find(k);
        if (s < 0) {
            s = allocate(nowNs, k);
        }
        if (!more) {
            if ((totalPayload[s] >= 0 && totalPayload[s] != end) || highestEnd(s) > end) {
                return dropDatagram(s, DropReason.IP_FRAGMENT_BAD); // two different ends
            }
        } else if (totalPayload[s] >= 0 && end > totalPayload[s]) {
            return dropDatagram(s, DropReason.IP_FRAGMENT_BAD);
        }
        final int[] st = starts[s];
        final int[] en = ends[s];
        final int n = fragments[s];
        int at = n; // insertion point, kept sorted by start
        for (int i = 0; i < n; i++) {
            if (st[i] == offset && en[i] == end) {
                return DropReason.IP_FRAGMENT_DUPLICATE;
            }
            if (offset < en[i] && st[i] < end) {
                return dropDatagram(s, DropReason.IP_FRAGMENT_OVERLAP);
            }
            if (at == n && offset < st[i]) {
                at = i;
            }
        }
        if (n == MAX_FRAGMENTS) {
            return dropDatagram(s, DropReason.IP_REASSEMBLY_TOO_MANY_FRAGMENTS);
        }
        System.arraycopy(st, at, st, at + 1, n - at);
        System.arraycopy(en, at, en, at + 1, n - at);
        st[at] = offset;
        en[at] = end;
        fragments[s] = n + 1;
        bytesHeld[s] += length;
        if (!more) {
            totalPayload[s] = end;
        }
        final UnsafeBuffer b = buffers[s];
        b.putBytes(HEADROOM + offset, ip.buffer(), ip.payloadOffset(), length);
        if (offset == 0) {
            final int h = ip.headerLength();
            headerLength[s] = h;
            b.putBytes(HEADROOM - h, ip.buffer(), ip.offset(), h);
        }
        if (totalPayload[s] >= 0 && bytesHeld[s] == totalPayload[s] && headerLength[s] > 0) {
            return complete(s);
        }
        return DropReason.NONE;
    }

    private DropReason complete(int s) {
        final int h = headerLength[s];
        final int total = h + totalPayload[s];
        if (total > Ipv4Header.MAX_TOTAL_LENGTH) {
            return dropDatagram(s, DropReason.IP_FRAGMENT_BAD); // the header made it too long
        }
        // The first fragment's header becomes the datagram's: whole length, no fragment fields.
        header.wrap(buffers[s], HEADROOM - h, total)
                .totalLength(total)
                .flagsAndFragment(0)
                .computeChecksum();
        completed = s;
        completedOffset = HEADROOM - h;
        completedLength = total;
        counters.ipDatagramsReassembled++;
        return DropReason.NONE;
    }

    public boolean hasCompleted() {
        return completed >= 0;
    }

    public MutableDirectBuffer completedBuffer() {
        return buffers[completed];
    }

    public int completedOffset() {
        return completedOffset;
    }

    public int completedLength() {
        return completedLength;
    }

    /** The completed datagram has been processed: its buffer goes back to the pool. */
    public void releaseCompleted() {
        if (completed >= 0) {
            free(completed);
            completed = -1;
        }
    }

    /** The earliest reassembly deadline, or {@link Long#MAX_VALUE}. */
    public long nextDeadlineNs() {
        if (inUse == 0) {
            return Long.MAX_VALUE;
        }
        long earliest = Long.MAX_VALUE;
        for (int s = 0; s < capacity; s++) {
            if (used[s] && (earliest == Long.MAX_VALUE || deadlineNs[s] - earliest < 0)) {
                earliest = deadlineNs[s];
            }
        }
        return earliest;
    }

    /** Drops every datagram past its deadline, telling {@code listener} of each. */
    public void expire(long nowNs, ExpiryListener listener) {
        if (inUse == 0) {
            return;
        }
        for (int s = 0; s < capacity; s++) {
            if (used[s] && s != completed && deadlineNs[s] - nowNs <= 0) {
                final int h = headerLength[s];
                int quote = 0;
                if (h > 0) {
                    quote = h + Math.min(8, fragments[s] > 0 && starts[s][0] == 0 ? ends[s][0] : 0);
                }
                listener.onExpired(nowNs, buffers[s], HEADROOM - h, quote);
                free(s);
            }
        }
    }

    private int find(long k) {
        for (int s = 0; s < capacity; s++) {
            if (used[s] && key[s] == k) {
                return s;
            }
        }
        return -1;
    }

    private int allocate(long nowNs, long k) {
        int s = -1;
        if (inUse == capacity) {
            // All busy: the oldest goes (its deadline is the earliest).
            for (int i = 0; i < capacity; i++) {
                if (i != completed && (s < 0 || deadlineNs[i] - deadlineNs[s] < 0)) {
                    s = i;
                }
            }
            counters.drop(DropReason.IP_REASSEMBLY_EVICTED);
            free(s);
        } else {
            for (int i = 0; i < capacity; i++) {
                if (!used[i]) {
                    s = i;
                    break;
                }
            }
        }
        if (buffers[s] == null) {
            buffers[s] = new UnsafeBuffer(new byte[BUFFER_BYTES]);
            starts[s] = new int[MAX_FRAGMENTS];
            ends[s] = new int[MAX_FRAGMENTS];
        }
        used[s] = true;
        inUse++;
        key[s] = k;
        deadlineNs[s] = nowNs + timeoutNs;
        totalPayload[s] = -1;
        bytesHeld[s] = 0;
        headerLength[s] = 0;
        fragments[s] = 0;
        return s;
    }

    private int highestEnd(int s) {
        final int n = fragments[s];
        return n == 0 ? 0 : ends[s][n - 1];
    }

    private DropReason dropDatagram(int s, DropReason reason) {
        free(s);
        return reason;
    }

    private void free(int s) {
        if (used[s]) {
            used[s] = false;
            inUse--;
        }
    }
}
