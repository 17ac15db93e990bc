package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Seg.ack;
import static io.jtcp.stack.harness.Seg.rst;
import static io.jtcp.stack.harness.Seg.syn;
import static io.jtcp.stack.harness.TcpScript.MS;
import static io.jtcp.stack.harness.TcpScript.SEC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.harness.TcpScript;
import org.junit.jupiter.api.Test;

/** RFC 5961 §7 (and RFC 9293 §3.10.7.4, Errata 4772): challenge ACKs are rate limited. */
class ChallengeAckTest {

    /**
     * RFC 5961 §7: at most about N challenge ACKs per second over all connections (the budget of
     * each second is drawn from [N/2, N·3/2)); the rest are suppressed and counted. The
     * per-connection interval is off here, so one connection can exhaust the global budget.
     */
    @Test
    void shouldLimitChallengeAcksPerSecondWhenFlooded() {
        TcpScript s = new TcpScript(c -> c.challengeAcksPerSecond(3).invalidAckIntervalNs(0)).establishedPassive();
        for (int i = 0; i < 10; i++) {
            s.inject(rst().seq(100 + i));
        }
        int acks = s.drain().size();
        s.check(acks >= 2 && acks <= 4, "challenge ACKs sent in one instant within [2, 4]: " + acks);
        s.checkEquals(10L - acks, s.drops(DropReason.TCP_CHALLENGE_RATE_LIMITED), "suppressed");
        s.checkEquals((long) acks, s.counters().tcpChallengeAcksSent, "counted as sent");
        s.assertState(TcpState.ESTABLISHED);
        s.advance(SEC + MS);
        s.inject(rst().seq(200));
        s.expect(ack().seq(1).ack(1));
    }

    /**
     * Linux's fix of CVE-2016-5696: the global budget changes at random every second, so counting
     * the challenge ACKs one's own connection gets tells an attacker nothing about another's. The
     * randomness comes from the injected secret (no clock): the same secret gives the same series.
     */
    @Test
    void shouldDrawTheGlobalBudgetAtRandomEachSecond() {
        java.util.List<Integer> first = budgets();
        assertTrue(new java.util.HashSet<>(first).size() >= 4, "budgets vary from second to second: " + first);
        for (int b : first) {
            assertTrue(b >= 5 && b <= 14, "budget within [N/2, N·3/2) for N = 10: " + first);
        }
        assertEquals(first, budgets(), "deterministic for one secret");
    }

    private static java.util.List<Integer> budgets() {
        TcpScript s = new TcpScript(c -> c.challengeAcksPerSecond(10).invalidAckIntervalNs(0)).establishedPassive();
        java.util.List<Integer> out = new java.util.ArrayList<>();
        for (int second = 0; second < 20; second++) {
            for (int i = 0; i < 30; i++) {
                s.inject(rst().seq(100 + i));
            }
            out.add(s.drain().size());
            s.advance(SEC + MS);
        }
        return out;
    }

    /** Integer.MAX_VALUE switches the global limit off (Linux's default since 6.0). */
    @Test
    void shouldNotLimitGloballyWhenLimitIsOff() {
        TcpScript s = new TcpScript(
                        c -> c.challengeAcksPerSecond(Integer.MAX_VALUE).invalidAckIntervalNs(0))
                .establishedPassive();
        for (int i = 0; i < 50; i++) {
            s.inject(rst().seq(100 + i));
        }
        s.checkEquals(50, s.drain().size(), "every challenge answered");
    }

    /** RFC 5961 §7: SYN challenges share the same budget as RST challenges. */
    @Test
    void shouldCountSynChallengesAgainstTheSameLimit() {
        TcpScript s = new TcpScript(c -> c.challengeAcksPerSecond(4).invalidAckIntervalNs(0)).establishedPassive();
        for (int i = 0; i < 5; i++) {
            s.inject(syn().seq(50 + i));
            s.inject(rst().seq(60 + i));
        }
        int acks = s.drain().size();
        s.check(acks >= 2 && acks <= 5, "challenges within [2, 5], then the limit: " + acks);
        s.checkEquals(10L - acks, s.drops(DropReason.TCP_CHALLENGE_RATE_LIMITED), "suppressed");
        s.check(s.drops(DropReason.TCP_SYN_CHALLENGED) >= 1, "SYN challenge counted");
    }

    /** The per-connection interval applies first and is counted apart from the global budget. */
    @Test
    void shouldCountPerConnectionSuppressionSeparately() {
        TcpScript s = new TcpScript().establishedPassive();
        for (int i = 0; i < 5; i++) {
            s.inject(rst().seq(100 + i));
        }
        s.checkEquals(1, s.drain().size(), "one challenge ACK per 500 ms");
        s.checkEquals(4L, s.drops(DropReason.TCP_CHALLENGE_ACK_CONN_LIMITED), "per-connection suppressions");
        s.checkEquals(0L, s.drops(DropReason.TCP_CHALLENGE_RATE_LIMITED), "global budget untouched");
        s.advance(499 * MS);
        s.inject(rst().seq(300));
        s.expectNothing();
        s.advance(MS);
        s.inject(rst().seq(301));
        s.expect(ack().seq(1).ack(1));
    }

    /** RFC 5961 §3.2: a challenged RST leaves the connection usable. */
    @Test
    void shouldKeepConnectionUsableAfterChallengedReset() {
        TcpScript s = new TcpScript().establishedPassive();
        s.inject(rst().seq(500));
        s.expect(ack().seq(1).ack(1));
        s.inject(io.jtcp.stack.harness.Seg.data("still here").seq(1).ack(1));
        s.expect(ack().seq(1).ack(11));
        s.checkEquals(10, s.received().length, "data after the challenge");
    }
}
