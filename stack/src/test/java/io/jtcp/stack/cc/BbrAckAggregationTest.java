package io.jtcp.stack.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** BBR's ACK-aggregation allowance, with Linux v3's bounds on it. */
class BbrAckAggregationTest {
    private static final long MS = 1_000_000L;
    private static final long BW = 1_000_000; // bytes per second: 1,000 bytes per ms

    @Test
    void theAllowanceShouldBeAtMostOneHundredMillisecondsAtTheBandwidth() {
        BbrAckAggregation a = new BbrAckAggregation();
        a.restart(0);
        a.update(1 * MS, 1_000, BW, Long.MAX_VALUE, false, 0, true); // on the model: new interval
        a.update(2 * MS, 500_000, BW, Long.MAX_VALUE, false, 0, true); // 500 kB in 1 ms
        assertEquals(100_000, a.extraAcked(BW), "100 ms at 1 MB/s");
        assertEquals(10_000, a.extraAcked(BW / 10));
    }

    @Test
    void startupShouldForgetTheAllowanceAfterTwoRoundsAndProbeBwAfterTenAtMost() {
        BbrAckAggregation startup = new BbrAckAggregation();
        BbrAckAggregation probeBw = new BbrAckAggregation();
        for (BbrAckAggregation a : new BbrAckAggregation[] {startup, probeBw}) {
            a.restart(0);
            a.update(1 * MS, 1_000, BW, Long.MAX_VALUE, false, 0, a == probeBw);
            a.update(2 * MS, 50_000, BW, Long.MAX_VALUE, false, 0, a == probeBw);
        }
        assertEquals(50_000, startup.extraAcked(BW));
        long now = 2 * MS;
        for (long round = 1; round <= 2; round++) {
            now += 100 * MS; // on the model from here: a new interval, nothing extra
            startup.update(now, 1_000, BW, Long.MAX_VALUE, true, round, false);
            probeBw.update(now, 1_000, BW, Long.MAX_VALUE, true, round, true);
        }
        assertEquals(1_000, startup.extraAcked(BW), "Startup: one slot a round, both turned: only the last ACK");
        assertEquals(50_000, probeBw.extraAcked(BW), "ProbeBW: five rounds a slot");
    }
}
