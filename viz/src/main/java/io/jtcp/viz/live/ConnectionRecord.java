package io.jtcp.viz.live;

import io.jtcp.stack.tcp.TcpState;
import io.jtcp.viz.capture.TcpOptionsSeen;
import io.jtcp.viz.tcp.TracedState;
import java.util.ArrayList;
import java.util.List;

/**
 * The bounded record of one live connection, written on the event loop only. Segments go into
 * primitive arrays (grown by doubling up to the cap, then reused), so appending allocates nothing
 * in steady state. Past {@code maxSegments} the record keeps the first half and a ring of the last
 * half: the middle of a bulk transfer (what a ladder folds anyway) is dropped and counted, while
 * the handshake, the first request and the teardown stay.
 */
final class ConnectionRecord {
    /** Message starts (payload text) and SYN options kept at most; the oldest are overwritten. */
    static final int MAX_EXTRAS = 64;
    /** State changes kept at most; later ones overwrite the last, so the final state is right. */
    static final int MAX_STATES = 32;

    static final int INBOUND = 0x100;

    final long id;
    final int localAddr;
    final int localPort;
    final int remoteAddr;
    final int remotePort;
    final long createdGeneration;
    /** Whether jtcp sent the first SYN (it opened the connection). */
    boolean localOpened;

    long synIsnIn = -1;
    long synIsnOut = -1;
    private final int head;
    private final int tail;

    private long[] time;
    private int[] seq;
    private int[] ack;
    private int[] len;
    /** window << 16 | INBOUND | flags. */
    private int[] meta;

    /** Segments seen in all (also those dropped from the middle). */
    long total;

    private int ringNext;

    final long[] elidedBytes = new long[2];
    final long[] elidedSegments = new long[2];

    private final long[] extraAt = new long[MAX_EXTRAS];
    private final String[] extraText = new String[MAX_EXTRAS];
    private final TcpOptionsSeen[] extraOptions = new TcpOptionsSeen[MAX_EXTRAS];
    private int extras;
    private int lastDataInbound = -1;

    private final List<long[]> states = new ArrayList<>(8);
    TcpState state;
    boolean confirmed;
    /** The sweep generation in which jtcp's side closed (CLOSED or TIME_WAIT), or -1 while open. */
    long closingGeneration = -1;

    ConnectionRecord(
            long id,
            int localAddr,
            int localPort,
            int remoteAddr,
            int remotePort,
            int maxSegments,
            long createdGeneration) {
        this.id = id;
        this.localAddr = localAddr;
        this.localPort = localPort;
        this.remoteAddr = remoteAddr;
        this.remotePort = remotePort;
        this.head = maxSegments / 2;
        this.tail = maxSegments - head;
        this.createdGeneration = createdGeneration;
        int initial = Math.min(32, maxSegments);
        time = new long[initial];
        seq = new int[initial];
        ack = new int[initial];
        len = new int[initial];
        meta = new int[initial];
    }

    /** Whether the next segment's payload is a message start (worth its first line of text). */
    boolean messageStart(boolean inbound, int payload) {
        return payload > 0 && lastDataInbound != (inbound ? 1 : 0);
    }

    /** Appends one segment; allocation-free once the arrays reached their size. */
    void add(long ns, boolean inbound, long s, long a, int flags, int window, int payload) {
        long n = total++;
        int slot;
        if (n < head) {
            slot = (int) n;
        } else {
            slot = head + ringNext; // (n - head) % tail, without a division per segment
            if (++ringNext == tail) {
                ringNext = 0;
            }
            if (n >= head + tail) {
                int side = (meta[slot] & INBOUND) != 0 ? 1 : 0;
                elidedSegments[side]++;
                elidedBytes[side] += len[slot];
            }
        }
        if (slot >= time.length) {
            grow();
        }
        time[slot] = ns;
        seq[slot] = (int) s;
        ack[slot] = (int) a;
        len[slot] = payload;
        meta[slot] = (window << 16) | (inbound ? INBOUND : 0) | (flags & 0xff);
        if (payload > 0) {
            lastDataInbound = inbound ? 1 : 0;
        }
    }

    private void grow() {
        int size = Math.min(time.length * 2, head + tail);
        time = java.util.Arrays.copyOf(time, size);
        seq = java.util.Arrays.copyOf(seq, size);
        ack = java.util.Arrays.copyOf(ack, size);
        len = java.util.Arrays.copyOf(len, size);
        meta = java.util.Arrays.copyOf(meta, size);
    }

    /** Text or SYN options for the segment just added (allocates: message starts and SYNs are rare). */
    void extra(String text, TcpOptionsSeen options) {
        int i = extras++ % MAX_EXTRAS;
        extraAt[i] = total - 1;
        extraText[i] = text;
        extraOptions[i] = options;
    }

    void state(TcpState from, TcpState to) {
        if (states.size() == MAX_STATES) {
            states.remove(MAX_STATES - 1);
        }
        states.add(new long[] {total, from.ordinal(), to.ordinal()});
        state = to;
        confirmed = true;
    }

    /** Segments dropped from the middle. */
    long elided() {
        return Math.max(0, total - head - tail);
    }

    /** An immutable copy, the kept segments in order, for rendering on any thread. */
    Recording snapshot(long epochOffsetNs, boolean closed) {
        int kept = (int) Math.min(total, head + tail);
        long[] t = new long[kept];
        long[] sq = new long[kept];
        long[] ak = new long[kept];
        int[] ln = new int[kept];
        int[] mt = new int[kept];
        long first = total - kept; // absolute number of the first kept ring segment, past the head
        for (int k = 0; k < kept; k++) {
            long n = k < head ? k : first + k;
            int slot = n < head ? (int) n : head + (int) ((n - head) % tail);
            t[k] = time[slot] + epochOffsetNs;
            sq[k] = seq[slot] & 0xffffffffL;
            ak[k] = ack[slot] & 0xffffffffL;
            ln[k] = len[slot];
            mt[k] = meta[slot];
        }
        String[] texts = new String[kept];
        TcpOptionsSeen[] options = new TcpOptionsSeen[kept];
        for (int i = 0; i < Math.min(extras, MAX_EXTRAS); i++) {
            int k = keptIndex(extraAt[i], kept);
            if (k >= 0 && k < kept && keptNumber(k) == extraAt[i]) {
                texts[k] = extraText[i];
                options[k] = extraOptions[i];
            }
        }
        List<TracedState> traced = new ArrayList<>(states.size());
        TcpState[] all = TcpState.values();
        for (long[] s : states) {
            traced.add(new TracedState(Math.max(0, keptIndex(s[0], kept)), all[(int) s[1]], all[(int) s[2]]));
        }
        return new Recording(
                id,
                localAddr,
                localPort,
                remoteAddr,
                remotePort,
                localOpened,
                t,
                sq,
                ak,
                ln,
                mt,
                texts,
                options,
                List.copyOf(traced),
                elided() > 0 ? head : -1,
                elidedSegments.clone(),
                elidedBytes.clone(),
                total,
                state,
                closed);
    }

    /** The position among the kept segments of absolute segment number {@code n} (the junction when elided). */
    private int keptIndex(long n, int kept) {
        long elided = total - kept;
        if (n <= head) {
            return (int) n;
        }
        return (int) Math.max(head, n - elided);
    }

    private long keptNumber(int k) {
        return k < head ? k : k + (total - Math.min(total, head + tail));
    }
}
