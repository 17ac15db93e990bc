package io.jtcp.stack.tcp;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.StackCounters;

/**
 * How often we answer segments that do not fit a connection's current state: challenge ACKs
 * (RFC 5961 §3.2, §4.2, §5.2) and duplicate ACKs for out-of-window or PAWS-failing segments
 * (RFC 9293 §3.10.7.4 first step, RFC 7323 §5.3 R1).
 *
 * <p>Two limits, as Linux has them since the CVE-2016-5696 fix:
 *
 * <ul>
 *   <li>per connection, at most one such ACK every {@link StackConfig#invalidAckIntervalNs()}
 *       (Linux {@code tcp_invalid_ratelimit}, 500 ms), shared by both kinds;
 *   <li>for challenge ACKs also a global budget per second, drawn at random each second from
 *       [limit/2, limit·3/2) (Linux {@code tcp_challenge_ack_limit}), so an off-path attacker who
 *       exhausts it cannot tell from the count whether its guess hit another connection's window.
 * </ul>
 *
 * <p>The randomness is a keyed hash of a counter, keyed with the injected ISN secret: no clock and
 * no shared generator. Allocation-free: the per-connection state is two fields of {@link Tcb}.
 */
final class AckRateLimiter {
    private static final long SECOND_NS = 1_000_000_000L;
    private static final long DOMAIN = 0x6368_616c_6c65_6e67L; // "challeng": apart from ISN inputs

    private final StackCounters counters;
    private final long intervalNs;
    private final int globalLimit;
    private final IsnGenerator hash;
    private long draws;
    private boolean secondStarted;
    private long secondStartNs;
    private int budget;

    AckRateLimiter(StackConfig config, StackCounters counters) {
        this.counters = counters;
        this.intervalNs = config.invalidAckIntervalNs();
        this.globalLimit = config.challengeAcksPerSecond();
        this.hash = new IsnGenerator(config.isnSecret());
    }

    /**
     * A challenge ACK for {@code t} may go now: the connection's interval has passed and the
     * global budget is not spent. Counts the outcome.
     */
    boolean allowChallenge(Tcb t, long nowNs) {
        if (!allowForConnection(t, nowNs)) {
            counters.drop(DropReason.TCP_CHALLENGE_ACK_CONN_LIMITED);
            return false;
        }
        if (!allowGlobal(nowNs)) {
            counters.drop(DropReason.TCP_CHALLENGE_RATE_LIMITED);
            return false;
        }
        counters.tcpChallengeAcksSent++;
        return true;
    }

    /**
     * A duplicate ACK for an unacceptable segment may go now. Like Linux's tcp_oow_rate_limited,
     * a segment that occupies sequence space (data or FIN) without SYN is always answered: it is
     * not part of an ACK loop, and an old duplicate most often means our ACK was lost and the peer
     * needs it to make progress (a zero-window probe with data, a retransmitted FIN).
     */
    boolean allowOutOfWindow(Tcb t, long nowNs, boolean dataWithoutSyn) {
        if (!dataWithoutSyn && !allowForConnection(t, nowNs)) {
            counters.drop(DropReason.TCP_OOW_ACK_RATE_LIMITED);
            return false;
        }
        counters.tcpOutOfWindowAcksSent++;
        return true;
    }

    /** Linux's __tcp_oow_rate_limited: at most one every interval, measured from the last sent. */
    private boolean allowForConnection(Tcb t, long nowNs) {
        if (intervalNs <= 0) {
            return true;
        }
        if (t.invalidAckSent) {
            final long elapsed = nowNs - t.lastInvalidAckNs;
            if (elapsed >= 0 && elapsed < intervalNs) {
                return false;
            }
        }
        t.invalidAckSent = true;
        t.lastInvalidAckNs = nowNs;
        return true;
    }

    /**
     * The per-4-tuple interval for a TIME_WAIT record, which keeps the time of its last such ACK
     * itself (Linux's {@code tw_last_oow_ack_time}): without it, spoofed segments on a closed
     * 4-tuple would each be reflected to the real peer as an ACK.
     */
    boolean allowForTimeWait(TimeWaitTable table, int slot, long nowNs) {
        if (intervalNs <= 0) {
            return true;
        }
        if (table.invalidAckSent(slot)) {
            final long elapsed = nowNs - table.lastInvalidAckNs(slot);
            if (elapsed >= 0 && elapsed < intervalNs) {
                return false;
            }
        }
        table.invalidAckSent(slot, nowNs);
        return true;
    }

    /** RFC 5961 §7 with Linux's per-second random budget; {@link Integer#MAX_VALUE}: no limit. */
    boolean allowGlobal(long nowNs) {
        if (globalLimit == Integer.MAX_VALUE) {
            return true;
        }
        if (!secondStarted || nowNs - secondStartNs >= SECOND_NS || nowNs - secondStartNs < 0) {
            secondStarted = true;
            secondStartNs = nowNs;
            final int half = (globalLimit + 1) >>> 1;
            final long r = hash.sipHash24(DOMAIN, draws++) >>> 1;
            budget = globalLimit <= 0 ? 0 : half + (int) (r % globalLimit);
        }
        if (budget > 0) {
            budget--;
            return true;
        }
        return false;
    }
}
