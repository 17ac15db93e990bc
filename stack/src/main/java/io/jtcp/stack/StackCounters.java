package io.jtcp.stack;

/**
 * Counters for everything the stack drops, plus traffic totals. Plain longs written by the stack's
 * own thread; other threads may read them racily (monotonic values, fine for display).
 */
public final class StackCounters {
    private static final DropReason[] REASONS = DropReason.values();

    private final long[] drops = new long[REASONS.length];

    public long ipPacketsIn;
    public long ipPacketsOut;
    public long ipBytesIn;
    public long ipBytesOut;
    public long tcpSegmentsIn;
    public long tcpSegmentsOut;
    public long tcpRetransmits;
    /** Retransmission timeouts (RFC 6298 §5.4), each one a go-back to a one-segment window. */
    public long tcpTimeouts;
    /** Recoveries entered by three duplicate ACKs (RFC 5681 §3.2). */
    public long tcpFastRetransmits;
    /** Recoveries entered on SACK evidence alone (RFC 6675 IsLost, or a SACKed probe). */
    public long tcpSackRecoveries;
    /** Tail loss probes sent (RFC 8985 §7). */
    public long tcpTailLossProbes;
    /** Retransmissions resent in recovery because SND.UNA stood still for 1.25·SRTT (lost again). */
    public long tcpRecoveryProbes;

    // ---- spurious-retransmission detection (issue #10, bbr-loss) ----
    /** Congestion events undone: D-SACKs (RFC 2883) reported every retransmission of the episode. */
    public long tcpSpuriousRecoveries;

    public long tcpRstsSent;
    public long tcpConnectionsOpened;
    public long tcpConnectionsAccepted;
    public long tcpConnectionsFailed;
    public long icmpEchoReplies;
    /** Connection buffers (send or receive rings) allocated because the pool was empty. */
    public long tcpRingsAllocated;

    // ---- TIME_WAIT records, SYN queues and SYN cookies (issue #9) ----
    /** TIME_WAIT records recycled before their 2·MSL because {@code maxTimeWait} was reached. */
    public long tcpTimeWaitRecycled;
    /** SYN-ACKs carrying a SYN cookie (a SYN queue was full). */
    public long tcpSynCookiesSent;
    /** ACKs whose cookie was valid: a connection built from it. */
    public long tcpSynCookiesValid;
    /** ACKs to a listener after a recent cookie whose cookie did not decode (RST sent). */
    public long tcpSynCookiesInvalid;
    /** Half-open connections given up early (fewer SYN-ACK retries) because a SYN queue was under pressure. */
    public long tcpSynAckRetriesShortened;
    // ---- blind attacks (RFC 5961 §7) and the persist timer ----
    /** Challenge ACKs sent (RFC 5961 §3.2, §4.2, §5.2); suppressed ones are drop reasons. */
    public long tcpChallengeAcksSent;
    /** Duplicate ACKs sent for out-of-window or PAWS-failing segments (RFC 9293 §3.10.7.4). */
    public long tcpOutOfWindowAcksSent;
    /** Zero-window probes sent (RFC 9293 §3.8.6.1). */
    public long tcpZeroWindowProbes;
    // ---- ICMP errors and path MTU, IPv4 fragments (issue #9) ----
    /** ICMP errors matched to a connection and accepted (quoted sequence in window). */
    public long icmpErrorsAccepted;
    /** Connection attempts (SYN_SENT / SYN_RECEIVED) ended by a hard ICMP error. */
    public long icmpHardErrors;
    /** Accepted ICMP errors recorded as soft errors (connection kept). */
    public long icmpSoftErrors;
    /** Connections whose MSS a fragmentation-needed message lowered (RFC 1191). */
    public long icmpPathMtuReductions;
    /** ICMP errors we sent (protocol unreachable, reassembly time exceeded). */
    public long icmpErrorsSent;
    /** ICMP errors not sent because the token bucket was empty. */
    public long icmpErrorsRateLimited;
    /** Fragments taken in by the reassembler. */
    public long ipFragmentsIn;
    /** Datagrams completed from fragments. */
    public long ipDatagramsReassembled;
    /** Fragments we sent (ICMP replies larger than the path MTU). */
    public long ipFragmentsOut;
    // ---- memory budget and fault isolation (issue #9, bounded memory) ----
    /** Bytes of ring storage the stack holds now: attached to connections plus pooled (a gauge). */
    public long memRingBytes;
    /** Of {@link #memRingBytes}, the part waiting in the pool for the next connection (a gauge). */
    public long memRingBytesPooled;
    /** The highest {@link #memRingBytes} seen. */
    public long memRingBytesPeak;
    /** Connections counted against the budget now (a gauge): everything in the table but TIME_WAIT. */
    public long memConnections;
    /** Receive or send buffers doubled (receive autotuning, send-buffer growth). */
    public long memBufferGrowths;
    /** Growths not done because the budget was under pressure. */
    public long memGrowthsRefused;
    /** Ring storage requests refused because the budget was exhausted (the data waits or is resent). */
    public long memAllocationFailures;
    /** Active opens ({@code connect}) refused because the budget was under pressure. */
    public long memConnectsRefused;
    /** Connections aborted because their own work threw (handler, tracer or output path). */
    public long tcpConnectionErrors;
    /** OutOfMemoryErrors seen, in one connection's work or the driver's (each empties the buffer pool). */
    public long tcpOutOfMemoryErrors;

    /**
     * Adds every counter and drop of {@code other} to these, for one view of several stacks (one
     * per device queue). Gauges add up too; the peak becomes the sum of the peaks, an upper bound.
     * Reading {@code other} while its thread runs sees each value as of some recent moment.
     */
    public StackCounters add(StackCounters other) {
        try {
            for (java.lang.reflect.Field f : LONGS) {
                f.setLong(this, f.getLong(this) + f.getLong(other));
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e); // our own public fields
        }
        for (int i = 0; i < drops.length; i++) {
            drops[i] += other.drops[i];
        }
        return this;
    }

    /** Every public long counter, found once so that counters added later are summed too. */
    private static final java.lang.reflect.Field[] LONGS = java.util.Arrays.stream(StackCounters.class.getFields())
            .filter(f -> f.getType() == long.class && !java.lang.reflect.Modifier.isStatic(f.getModifiers()))
            .toArray(java.lang.reflect.Field[]::new);

    /** Counts one drop; {@link DropReason#NONE} is not a drop and is ignored. */
    public void drop(DropReason reason) {
        if (reason != DropReason.NONE) {
            drops[reason.ordinal()]++;
        }
    }

    public long drops(DropReason reason) {
        return drops[reason.ordinal()];
    }

    public long totalDrops() {
        long total = 0;
        for (long d : drops) {
            total += d;
        }
        return total;
    }

    /** Human-readable dump of every non-zero counter, one per line. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("ip.in=").append(ipPacketsIn).append(" ip.out=").append(ipPacketsOut);
        sb.append(" tcp.in=").append(tcpSegmentsIn).append(" tcp.out=").append(tcpSegmentsOut);
        sb.append(" tcp.retransmits=")
                .append(tcpRetransmits)
                .append(" tcp.rst.sent=")
                .append(tcpRstsSent);
        sb.append(" tcp.timeouts=")
                .append(tcpTimeouts)
                .append(" tcp.fast.retransmits=")
                .append(tcpFastRetransmits);
        sb.append(" tcp.recovery.probes=").append(tcpRecoveryProbes);
        sb.append(" tcp.sack.recoveries=")
                .append(tcpSackRecoveries)
                .append(" tcp.tlp=")
                .append(tcpTailLossProbes);
        sb.append(" tcp.timewait.recycled=").append(tcpTimeWaitRecycled);
        sb.append(" tcp.syncookies.sent=")
                .append(tcpSynCookiesSent)
                .append(" tcp.syncookies.valid=")
                .append(tcpSynCookiesValid)
                .append(" tcp.syncookies.invalid=")
                .append(tcpSynCookiesInvalid);
        sb.append(" tcp.challenge.acks=")
                .append(tcpChallengeAcksSent)
                .append(" tcp.oow.acks=")
                .append(tcpOutOfWindowAcksSent)
                .append(" tcp.zero.window.probes=")
                .append(tcpZeroWindowProbes);
        sb.append(" icmp.errors.accepted=").append(icmpErrorsAccepted);
        sb.append(" icmp.errors.sent=").append(icmpErrorsSent);
        sb.append(" icmp.pmtu.reductions=").append(icmpPathMtuReductions);
        sb.append(" ip.reassembled=").append(ipDatagramsReassembled);
        sb.append(" mem.ring.bytes=")
                .append(memRingBytes)
                .append(" mem.ring.peak=")
                .append(memRingBytesPeak)
                .append(" mem.growths=")
                .append(memBufferGrowths)
                .append(" mem.alloc.failures=")
                .append(memAllocationFailures)
                .append(" tcp.connection.errors=")
                .append(tcpConnectionErrors)
                .append(" tcp.oom=")
                .append(tcpOutOfMemoryErrors);
        sb.append('\n');
        for (DropReason r : REASONS) {
            if (r != DropReason.NONE && drops[r.ordinal()] != 0) {
                sb.append("drop.").append(r.name().toLowerCase()).append('=').append(drops[r.ordinal()]);
                sb.append("  # ").append(r.description()).append('\n');
            }
        }
        return sb.toString();
    }
}
