package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Seg.ack;
import static io.jtcp.stack.harness.Seg.data;
import static io.jtcp.stack.harness.Seg.flags;
import static io.jtcp.stack.harness.Seg.rst;
import static io.jtcp.stack.harness.Seg.rstAck;
import static io.jtcp.stack.harness.Seg.syn;
import static io.jtcp.stack.harness.Seg.synAck;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.harness.StateFixture;
import io.jtcp.stack.harness.TcpScript;
import io.jtcp.stack.wire.TcpHeader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The rules of RFC 9293 §3.10.7.4 (with RFC 5961) that hold in every synchronized state, one
 * parameterized test per rule, run in each state a fixture reaches.
 */
class SynchronizedStateRulesTest {

    /** Far beyond any window we advertise (65535 unscaled, the buffer is 1 MiB). */
    private static final int FAR = 2_000_000;

    /** RFC 5961 §3.2 / RFC 9293 §3.10.7.4 second step, check 2: RST with SEQ = RCV.NXT resets. */
    @ParameterizedTest
    @EnumSource(
            value = StateFixture.class,
            names = {"TIME_WAIT"},
            mode = EnumSource.Mode.EXCLUDE)
    void shouldCloseWhenResetHasExactlyRcvNxt(StateFixture f) {
        TcpScript s = f.create();
        s.inject(rst().seq(f.rcvNxt));
        s.expectNothing();
        s.assertState(TcpState.CLOSED);
        s.checkEquals(0, s.stack().connectionCount(), "connections left");
        s.checkEquals(1, s.closedCalls(), "onClosed exactly once");
        if (f.state == TcpState.ESTABLISHED
                || f.state == TcpState.CLOSE_WAIT
                || f.state == TcpState.FIN_WAIT_1
                || f.state == TcpState.FIN_WAIT_2) {
            s.checkEquals(CloseReason.RESET_BY_PEER, s.closeReason(), "close reason");
        }
    }

    /** RFC 5961 §3.2 check 2 does not depend on the ACK bit: RST+ACK with SEQ = RCV.NXT resets too. */
    @ParameterizedTest
    @EnumSource(
            value = StateFixture.class,
            names = {"ESTABLISHED_PASSIVE", "ESTABLISHED_ACTIVE", "CLOSE_WAIT"})
    void shouldCloseWhenResetWithAckHasExactlyRcvNxt(StateFixture f) {
        TcpScript s = f.create();
        s.inject(rstAck().seq(f.rcvNxt).ack(f.sndNxt));
        s.expectNothing();
        s.assertState(TcpState.CLOSED);
        s.checkEquals(CloseReason.RESET_BY_PEER, s.closeReason(), "close reason");
    }

    /** RFC 5961 §3.2 check 3: RST in the window but not at RCV.NXT → challenge ACK, no reset. */
    @ParameterizedTest
    @EnumSource(
            value = StateFixture.class,
            names = {"TIME_WAIT"},
            mode = EnumSource.Mode.EXCLUDE)
    void shouldSendChallengeAckWhenResetIsInWindowButNotExact(StateFixture f) {
        TcpScript s = f.create();
        s.inject(rst().seq(f.rcvNxt + 100));
        s.expect(ack().seq(f.sndNxt).ack(f.rcvNxt));
        s.assertState(f.state);
        s.checkEquals(0, s.closedCalls(), "no onClosed");
        s.checkEquals(1L, s.drops(DropReason.TCP_RST_CHALLENGED), "challenged RSTs");
    }

    /** RFC 5961 §3.2 check 1: RST outside the window is dropped silently. */
    @ParameterizedTest
    @EnumSource(StateFixture.class)
    void shouldDropResetSilentlyWhenOutsideWindow(StateFixture f) {
        TcpScript s = f.create();
        int closedBefore = s.closedCalls(); // TIME-WAIT: the application already heard onClosed
        s.inject(rst().seq(f.rcvNxt + FAR));
        s.inject(rst().seq(f.rcvNxt - 10));
        s.expectNothing();
        s.assertState(f.state);
        s.checkEquals(closedBefore, s.closedCalls(), "no further onClosed");
        if (f.state != TcpState.TIME_WAIT) { // TIME-WAIT may ignore every RST (RFC 1337)
            s.checkEquals(2L, s.drops(DropReason.TCP_RST_OUT_OF_WINDOW), "out-of-window RSTs");
        }
    }

    /** RFC 5961 §4.2 / RFC 9293 §3.10.7.4 fourth step: SYN in a synchronized state → challenge ACK. */
    @ParameterizedTest
    @EnumSource(
            value = StateFixture.class,
            names = {"TIME_WAIT"},
            mode = EnumSource.Mode.EXCLUDE)
    void shouldSendChallengeAckWhenSynArrivesInWindow(StateFixture f) {
        TcpScript s = f.create();
        s.inject(syn().seq(f.rcvNxt + 10));
        s.expect(ack().seq(f.sndNxt).ack(f.rcvNxt));
        s.assertState(f.state);
        s.checkEquals(0, s.closedCalls(), "no onClosed");
    }

    /**
     * RFC 5961 §4.2 applies to any SYN, SYN-ACK included; on the active side it is also what a
     * retransmitted SYN-ACK (our ACK of it lost) needs: an ACK <SND.NXT, RCV.NXT>.
     */
    @ParameterizedTest
    @EnumSource(StateFixture.class)
    void shouldAnswerWithAckWhenSynAckArrivesInSynchronizedState(StateFixture f) {
        TcpScript s = f.create();
        s.inject(synAck().seq(0).ack(f.sndUna()));
        s.expect(ack().seq(f.sndNxt).ack(f.rcvNxt));
        s.assertState(f.state);
    }

    /** RFC 5961 §4.2: "irrespective of the sequence number" — an old SYN gets the same ACK. */
    @ParameterizedTest
    @EnumSource(StateFixture.class)
    void shouldAnswerWithAckWhenOldSynArrives(StateFixture f) {
        TcpScript s = f.create();
        s.inject(syn().seq(0));
        s.expect(ack().seq(f.sndNxt).ack(f.rcvNxt));
        s.assertState(f.state);
    }

    /** RFC 9293 §3.10.7.4 first step: data beyond the window → ACK <SND.NXT, RCV.NXT>, dropped. */
    @ParameterizedTest
    @EnumSource(StateFixture.class)
    void shouldAckAndDropWhenDataIsBeyondWindow(StateFixture f) {
        TcpScript s = f.create();
        s.inject(data(10).seq(f.rcvNxt + FAR).ack(f.sndNxt));
        s.expect(ack().seq(f.sndNxt).ack(f.rcvNxt));
        s.assertState(f.state);
        s.checkEquals(0, s.received().length, "nothing delivered");
        s.check(s.drops(DropReason.TCP_OUT_OF_WINDOW) >= 1, "counted out of window");
    }

    /** RFC 9293 §3.10.7.4 first step: an old duplicate (wholly below RCV.NXT) → ACK, dropped. */
    @ParameterizedTest
    @EnumSource(StateFixture.class)
    void shouldAckAndDropWhenDataIsAnOldDuplicate(StateFixture f) {
        TcpScript s = f.create();
        s.inject(data(10).seq(f.rcvNxt - 100).ack(f.sndNxt));
        s.expect(ack().seq(f.sndNxt).ack(f.rcvNxt));
        s.assertState(f.state);
        s.checkEquals(0, s.received().length, "nothing delivered");
    }

    /** RFC 9293 §3.10.7.4 first step, zero-length row: an empty segment below RCV.NXT → ACK. */
    @ParameterizedTest
    @EnumSource(StateFixture.class)
    void shouldAckWhenEmptySegmentIsBelowWindow(StateFixture f) {
        TcpScript s = f.create();
        s.inject(ack().seq(f.rcvNxt - 1).ack(f.sndNxt));
        s.expect(ack().seq(f.sndNxt).ack(f.rcvNxt));
        s.assertState(f.state);
    }

    /**
     * RFC 9293 §3.10.7.4 fifth step (ESTABLISHED and the states that do its processing): an ACK of
     * something not yet sent → send an ACK, drop the segment (its data is not delivered).
     */
    @ParameterizedTest
    @EnumSource(
            value = StateFixture.class,
            names = {"TIME_WAIT"},
            mode = EnumSource.Mode.EXCLUDE)
    void shouldAckAndDropWhenAckAcknowledgesUnsentData(StateFixture f) {
        TcpScript s = f.create();
        s.inject(data(5).seq(f.rcvNxt).ack(f.sndNxt + 1000));
        s.expect(ack().seq(f.sndNxt).ack(f.rcvNxt));
        s.assertState(f.state);
        s.checkEquals(0, s.received().length, "nothing delivered");
        s.checkEquals(1L, s.drops(DropReason.TCP_ACK_UNSENT), "ACK-of-unsent drops");
    }

    /** RFC 9293 §3.10.7.4 fifth step: "if the ACK bit is off, drop the segment and return". */
    @ParameterizedTest
    @EnumSource(StateFixture.class)
    void shouldDropSegmentWithoutAckFlag(StateFixture f) {
        TcpScript s = f.create();
        s.inject(flags(TcpHeader.PSH).seq(f.rcvNxt).len(5));
        if (f.peerFinReceived()) {
            // Beyond the peer's FIN nothing is acceptable, so the first step may answer with an ACK
            // before the fifth step would drop it (Linux ACKs everything in TIME-WAIT).
            for (io.jtcp.stack.harness.Packet p : s.drain()) {
                s.check(p.flags == TcpHeader.ACK && p.len() == 0, "at most a pure ACK: " + p);
            }
        }
        s.expectNothing();
        s.assertState(f.state);
        s.checkEquals(0, s.received().length, "nothing delivered");
        s.checkEquals(
                1L,
                s.drops(DropReason.TCP_NO_ACK_FLAG) + (f.peerFinReceived() ? s.drops(DropReason.TCP_OUT_OF_WINDOW) : 0),
                "dropped and counted once");
    }

    /** RFC 9293 §3.10.7.4 seventh step: data in ESTABLISHED / FIN-WAIT-1 / FIN-WAIT-2 is delivered and ACKed. */
    @ParameterizedTest
    @EnumSource(
            value = StateFixture.class,
            names = {"ESTABLISHED_PASSIVE", "ESTABLISHED_ACTIVE", "FIN_WAIT_1", "FIN_WAIT_2"})
    void shouldDeliverAndAckInOrderData(StateFixture f) {
        TcpScript s = f.create();
        s.inject(data("hello").seq(f.rcvNxt).ack(f.sndUna()));
        s.expect(ack().seq(f.sndNxt).ack(f.rcvNxt + 5));
        s.assertState(f.state);
        s.checkEquals("hello", new String(s.received(), java.nio.charset.StandardCharsets.US_ASCII), "received");
    }

    /** RFC 9293 §3.10.7.4 seventh step: after the peer's FIN, segment text is ignored. */
    @ParameterizedTest
    @EnumSource(
            value = StateFixture.class,
            names = {"CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT"})
    void shouldNotDeliverDataAfterPeerFin(StateFixture f) {
        TcpScript s = f.create();
        s.inject(data("late").seq(f.rcvNxt).ack(f.sndNxt));
        s.drain(); // an ACK, or a RST as Linux sends; either way the bytes must not reach the app
        s.checkEquals(0, s.received().length, "nothing delivered");
    }

    /** RFC 9293 §3.10.7.4 eighth step: a retransmitted FIN (old) is ACKed again, state kept. */
    @ParameterizedTest
    @EnumSource(
            value = StateFixture.class,
            names = {"CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT"})
    void shouldReAckWhenPeerRetransmitsFin(StateFixture f) {
        TcpScript s = f.create();
        s.inject(io.jtcp.stack.harness.Seg.fin().seq(1).ack(f.sndUna()));
        s.expect(ack().seq(f.sndNxt).ack(2));
        s.assertState(f.state);
    }
}
