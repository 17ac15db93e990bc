package io.jtcp.stack.ip;

/**
 * A token bucket on the stack's clock: {@code ratePerSecond} tokens a second, at most {@code burst}
 * kept (Linux's icmp_global_allow in spirit). Tokens are counted in nanoseconds of credit, so no
 * rounding is lost between calls.
 */
public final class TokenBucket {
    private static final long SEC = 1_000_000_000L;

    private final long nsPerToken;
    private final long capacityNs;
    private long creditNs;
    private long lastNs;
    private boolean started;

    public TokenBucket(int ratePerSecond, int burst) {
        this.nsPerToken = ratePerSecond <= 0 ? Long.MAX_VALUE : SEC / ratePerSecond;
        this.capacityNs = ratePerSecond <= 0 ? 0 : nsPerToken * burst;
    }

    /** Takes one token if there is one. */
    public boolean tryTake(long nowNs) {
        if (nsPerToken == Long.MAX_VALUE) {
            return false;
        }
        if (!started) {
            started = true;
            lastNs = nowNs;
            creditNs = capacityNs;
        }
        final long elapsed = nowNs - lastNs;
        lastNs = nowNs;
        if (elapsed > 0) {
            creditNs = elapsed >= capacityNs ? capacityNs : Math.min(capacityNs, creditNs + elapsed);
        }
        if (creditNs >= nsPerToken) {
            creditNs -= nsPerToken;
            return true;
        }
        return false;
    }
}
