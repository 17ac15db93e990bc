package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Seg.ack;
import static io.jtcp.stack.harness.Seg.rst;
import static io.jtcp.stack.harness.Seg.syn;
import static io.jtcp.stack.harness.TcpScript.MS;
import static io.jtcp.stack.harness.TcpScript.SEC;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.harness.TcpScript;
import org.junit.jupiter.api.Test;

/** RFC 5961 §7 (and RFC 9293 §3.10.7.4, Errata 4772): challenge ACKs are rate limited. */
class ChallengeAckTest {

    /** RFC 5961 §7: at most N challenge ACKs per second; the rest are suppressed and counted. */
    @Test
    void shouldLimitChallengeAcksPerSecondWhenFlooded() {
        TcpScript s = new TcpScript(c -> c.challengeAcksPerSecond(3)).establishedPassive();
        for (int i = 0; i < 10; i++) {
            s.inject(rst().seq(100 + i));
        }
        int acks = s.drain().size();
        s.checkEquals(3, acks, "challenge ACKs sent in one instant");
        s.checkEquals(7L, s.drops(DropReason.TCP_CHALLENGE_RATE_LIMITED), "suppressed");
        s.assertState(TcpState.ESTABLISHED);
        s.advance(SEC + MS);
        s.inject(rst().seq(200));
        s.expect(ack().seq(1).ack(1));
    }

    /** RFC 5961 §7: SYN challenges share the same budget as RST challenges. */
    @Test
    void shouldCountSynChallengesAgainstTheSameLimit() {
        TcpScript s = new TcpScript(c -> c.challengeAcksPerSecond(2)).establishedPassive();
        s.inject(syn().seq(50));
        s.inject(rst().seq(60));
        s.inject(syn().seq(70));
        s.checkEquals(2, s.drain().size(), "two challenges, then the limit");
        s.checkEquals(1L, s.drops(DropReason.TCP_CHALLENGE_RATE_LIMITED), "suppressed");
        s.check(s.drops(DropReason.TCP_SYN_CHALLENGED) >= 1, "SYN challenge counted");
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
