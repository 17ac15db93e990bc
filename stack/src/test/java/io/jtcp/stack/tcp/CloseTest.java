package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Seg.ack;
import static io.jtcp.stack.harness.Seg.data;
import static io.jtcp.stack.harness.Seg.fin;
import static io.jtcp.stack.harness.Seg.rst;
import static io.jtcp.stack.harness.TcpScript.SEC;
import static io.jtcp.stack.tcp.TcpState.CLOSED;
import static io.jtcp.stack.tcp.TcpState.CLOSE_WAIT;
import static io.jtcp.stack.tcp.TcpState.CLOSING;
import static io.jtcp.stack.tcp.TcpState.ESTABLISHED;
import static io.jtcp.stack.tcp.TcpState.FIN_WAIT_1;
import static io.jtcp.stack.tcp.TcpState.FIN_WAIT_2;
import static io.jtcp.stack.tcp.TcpState.LAST_ACK;
import static io.jtcp.stack.tcp.TcpState.SYN_RECEIVED;
import static io.jtcp.stack.tcp.TcpState.TIME_WAIT;

import io.jtcp.stack.harness.Packet;
import io.jtcp.stack.harness.TcpScript;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Closing a connection: RFC 9293 §3.6 (figures 12–14) and the FIN rules of §3.10.7.4. */
class CloseTest {

    /** RFC 9293 §3.6 figure 12 (active side): FIN-WAIT-1 → FIN-WAIT-2 → TIME-WAIT → CLOSED. */
    @Test
    void shouldWalkActiveCloseThroughTimeWaitWhenApplicationClosesFirst() {
        TcpScript s = new TcpScript().establishedPassive();
        s.close();
        s.expect(fin().seq(1).ack(1));
        s.assertState(FIN_WAIT_1);
        s.inject(ack().seq(1).ack(2));
        s.expectNothing();
        s.assertState(FIN_WAIT_2);
        s.inject(fin().seq(1).ack(2));
        s.expect(ack().seq(2).ack(2));
        s.assertState(TIME_WAIT);
        long twStart = s.now();
        s.expectNothingBefore(twStart + 2 * s.config().mslNs());
        s.assertState(TIME_WAIT);
        s.at(twStart + 2 * s.config().mslNs());
        s.expectNothing();
        s.assertPath(SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, TIME_WAIT, CLOSED);
        s.checkEquals(0, s.stack().connectionCount(), "connections");
        s.checkEquals(1, s.closedCalls(), "onClosed once");
        s.checkEquals(CloseReason.NORMAL, s.closeReason(), "close reason");
    }

    /** RFC 9293 §3.6 figure 12 (passive side): CLOSE-WAIT → LAST-ACK → CLOSED, no TIME-WAIT. */
    @Test
    void shouldWalkPassiveCloseThroughLastAckWhenPeerClosesFirst() {
        TcpScript s = new TcpScript().establishedPassive();
        s.inject(fin().seq(1).ack(1));
        s.expect(ack().seq(1).ack(2));
        s.assertState(CLOSE_WAIT);
        s.check(s.events().contains("peerClosed"), "onPeerClosed");
        s.close();
        s.expect(fin().seq(1).ack(2));
        s.assertState(LAST_ACK);
        s.inject(ack().seq(2).ack(2));
        s.expectNothing();
        s.assertPath(SYN_RECEIVED, ESTABLISHED, CLOSE_WAIT, LAST_ACK, CLOSED);
        s.checkEquals(0, s.stack().connectionCount(), "connections");
        s.checkEquals(CloseReason.NORMAL, s.closeReason(), "close reason");
        s.checkEquals(1, s.closedCalls(), "onClosed once");
    }

    /** RFC 9293 §3.6 figure 13 (simultaneous close): FIN-WAIT-1 → CLOSING → TIME-WAIT. */
    @Test
    void shouldPassThroughClosingWhenFinsCross() {
        TcpScript s = new TcpScript().finWait1();
        s.inject(fin().seq(1).ack(1));
        s.expect(ack().seq(2).ack(2));
        s.assertState(CLOSING);
        s.inject(ack().seq(2).ack(2));
        s.expectNothing();
        s.assertPathEndsWith(FIN_WAIT_1, CLOSING, TIME_WAIT);
    }

    /**
     * RFC 9293 §3.10.7.4, FIN-WAIT-1: one segment carrying FIN and the ACK of our FIN → TIME-WAIT,
     * never CLOSING. The fifth step may pass through FIN-WAIT-2 on the way ("enter FIN-WAIT-2 and
     * continue processing in that state"); the eighth step then enters TIME-WAIT.
     */
    @Test
    void shouldGoFromFinWait1ToTimeWaitWhenFinAndAckArriveTogether() {
        TcpScript s = new TcpScript().finWait1();
        int before = s.path().size();
        s.inject(fin().seq(1).ack(2));
        s.expect(ack().seq(2).ack(2));
        List<TcpState> steps = s.path().subList(before, s.path().size());
        s.check(
                steps.equals(List.of(TIME_WAIT)) || steps.equals(List.of(FIN_WAIT_2, TIME_WAIT)),
                "one segment from FIN-WAIT-1 to TIME-WAIT, got " + steps);
    }

    /** RFC 9293 §3.10.7.4 fifth step, FIN-WAIT-1: ACK of our FIN → FIN-WAIT-2 (and nothing sent). */
    @Test
    void shouldEnterFinWait2WhenOurFinIsAcked() {
        TcpScript s = new TcpScript().finWait1();
        s.inject(ack().seq(1).ack(2));
        s.expectNothing();
        s.assertPathEndsWith(FIN_WAIT_1, FIN_WAIT_2);
    }

    /** RFC 9293 §3.10.7.4 fifth step, FIN-WAIT-1: an ACK short of our FIN keeps FIN-WAIT-1. */
    @Test
    void shouldStayInFinWait1WhenAckDoesNotCoverFin() {
        TcpScript s = new TcpScript().finWait1();
        s.inject(ack().seq(1).ack(1));
        s.expectNothing();
        s.assertState(FIN_WAIT_1);
    }

    /** RFC 9293 §3.10.7.4 fifth step, LAST-ACK: only the ACK of our FIN closes; a duplicate does not. */
    @Test
    void shouldStayInLastAckWhenAckDoesNotCoverFin() {
        TcpScript s = new TcpScript().lastAck();
        s.inject(ack().seq(2).ack(1));
        s.expectNothing();
        s.assertState(LAST_ACK);
        s.inject(ack().seq(2).ack(2));
        s.assertState(CLOSED);
    }

    /** RFC 9293 §3.10.7.4 fifth step, CLOSING: an ACK short of our FIN is ignored. */
    @Test
    void shouldStayInClosingWhenAckDoesNotCoverFin() {
        TcpScript s = new TcpScript().closing();
        s.inject(ack().seq(2).ack(1));
        s.expectNothing();
        s.assertState(CLOSING);
    }

    /** RFC 9293 §3.10.7.4 eighth step, FIN-WAIT-2: FIN → TIME-WAIT and ACK. */
    @Test
    void shouldEnterTimeWaitWhenFinArrivesInFinWait2() {
        TcpScript s = new TcpScript().finWait2();
        s.inject(fin().seq(1).ack(2));
        s.expect(ack().seq(2).ack(2));
        s.assertPathEndsWith(FIN_WAIT_2, TIME_WAIT);
    }

    /** RFC 9293 §3.10.7.4 seventh and eighth steps: data and FIN in one segment; FIN implies PUSH. */
    @Test
    void shouldDeliverDataThenEofWhenFinCarriesData() {
        TcpScript s = new TcpScript().establishedPassive();
        s.inject(fin().seq(1).ack(1).payload("bye".getBytes(StandardCharsets.US_ASCII)));
        s.expect(ack().seq(1).ack(5));
        s.assertState(CLOSE_WAIT);
        s.checkEquals("bye", new String(s.received(), StandardCharsets.US_ASCII), "received");
        s.checkEquals(-1, s.read(), "read after the FIN");
    }

    /** RFC 9293 §3.6 / §3.10.4: CLOSE sends the buffered data first, then FIN after it. */
    @Test
    void shouldSendBufferedDataBeforeFinWhenClosed() {
        TcpScript s = new TcpScript().establishedPassive();
        s.write(100);
        s.close();
        List<Packet> out = s.drain();
        int bytes = 0;
        Packet last = null;
        for (Packet p : out) {
            s.checkEquals(1 + bytes, p.seq - s.localIsn(), "segments in order");
            bytes += p.len();
            last = p;
        }
        s.checkEquals(100, bytes, "all data sent");
        s.check(last != null && last.fin(), "FIN last");
        s.assertState(FIN_WAIT_1);
    }

    /** RFC 9293 §3.10.5 ABORT: <SEQ=SND.NXT><CTL=RST>, CLOSED at once, user told. */
    @Test
    void shouldSendResetAndCloseWhenAborted() {
        TcpScript s = new TcpScript().establishedPassive();
        s.abort();
        s.expect(rst().seq(1).where("no data", p -> p.len() == 0));
        s.assertState(CLOSED);
        s.checkEquals(0, s.stack().connectionCount(), "connections");
        s.checkEquals(1, s.closedCalls(), "onClosed once");
        s.checkEquals(CloseReason.ABORTED, s.closeReason(), "close reason");
    }

    /** RFC 9293 §3.6 (half-close): after shutdownOutput, data still flows in FIN-WAIT-2. */
    @Test
    void shouldKeepReceivingInFinWait2AfterShutdownOutput() {
        TcpScript s = new TcpScript().finWait2();
        s.inject(data("more").seq(1).ack(2));
        s.expect(ack().seq(2).ack(5));
        s.checkEquals("more", new String(s.received(), StandardCharsets.US_ASCII), "received");
        s.assertState(FIN_WAIT_2);
    }

    /** RFC 9293 §3.8.1 / §3.10.8: our FIN is retransmitted at RTO in FIN-WAIT-1. */
    @Test
    void shouldRetransmitFinWhenUnackedInFinWait1() {
        TcpScript s = new TcpScript().finWait1();
        long rto = s.conn().rtoNs();
        s.expectAt(s.now() + rto, fin().seq(1).ack(1));
        s.assertState(FIN_WAIT_1);
    }

    /** RFC 9293 §3.8.1 / §3.10.8: our FIN is retransmitted at RTO in LAST-ACK. */
    @Test
    void shouldRetransmitFinWhenUnackedInLastAck() {
        TcpScript s = new TcpScript().lastAck();
        long rto = s.conn().rtoNs();
        s.expectAt(s.now() + rto, fin().seq(1).ack(2));
        s.assertState(LAST_ACK);
    }

    /** RFC 9293 §3.8.1 / §3.10.8: our FIN is retransmitted at RTO in CLOSING. */
    @Test
    void shouldRetransmitFinWhenUnackedInClosing() {
        TcpScript s = new TcpScript().closing();
        long rto = s.conn().rtoNs();
        s.check(rto >= s.config().minRtoNs() && rto <= SEC, "RTO within bounds: " + rto);
        // The fixture sends our FIN and receives the peer's FIN at the same instant.
        s.expectAt(s.now() + rto, fin().seq(1).ack(2));
        s.assertState(CLOSING);
    }

    /** RFC 9293 §3.10.7.4 second step: RST in CLOSING or LAST-ACK → CLOSED. */
    @Test
    void shouldCloseWhenResetArrivesInLastAck() {
        TcpScript s = new TcpScript().lastAck();
        s.inject(rst().seq(2));
        s.assertState(CLOSED);
        s.checkEquals(0, s.stack().connectionCount(), "connections");
        s.checkEquals(1, s.closedCalls(), "onClosed once");
    }

    /**
     * Linux tcp_fin_timeout (RFC 9293 §3.6 sets no limit): a FIN-WAIT-2 whose application called
     * close() — nobody can read any more — does not last for ever; it goes after 2·MSL.
     */
    @Test
    void shouldDropOrphanedFinWait2AfterTimeoutWhenApplicationClosed() {
        TcpScript s = new TcpScript(c -> c.mslNs(5 * SEC)).establishedPassive();
        s.close();
        s.expect(fin().seq(1).ack(1));
        s.inject(ack().seq(1).ack(2));
        s.assertState(FIN_WAIT_2);
        long t = s.now();
        s.expectNothingBefore(t + 10 * SEC);
        s.assertState(FIN_WAIT_2);
        s.at(t + 10 * SEC);
        s.checkEquals(0, s.stack().connectionCount(), "orphan gone");
        s.checkEquals(1, s.closedCalls(), "onClosed once");
    }

    /** RFC 9293 §3.6 (half-close): after shutdownOutput the application still reads; no FIN-WAIT-2 timeout. */
    @Test
    void shouldKeepHalfClosedFinWait2WhileApplicationCanRead() {
        TcpScript s = new TcpScript(c -> c.mslNs(5 * SEC)).finWait2();
        s.advance(100 * SEC);
        s.expectNothing();
        s.assertState(FIN_WAIT_2);
        s.inject(data("still").seq(1).ack(2));
        s.expect(ack().seq(2).ack(6));
        s.checkEquals("still", new String(s.received(), StandardCharsets.US_ASCII), "received");
    }

    /**
     * TcpConnection.close(): "later data is discarded" — acknowledged and dropped, never
     * delivered. Note RFC 1122 §4.2.2.13: such a TCP "SHOULD send a RST to show that data was
     * lost" (Linux does); jtcp's API chose to discard. This test pins the documented choice.
     */
    @Test
    void shouldDiscardDataArrivingAfterClose() {
        TcpScript s = new TcpScript().establishedPassive();
        s.close();
        s.expect(fin().seq(1).ack(1));
        s.inject(data("late").seq(1).ack(2));
        s.expect(ack().seq(2).ack(5));
        s.assertState(FIN_WAIT_2);
        s.checkEquals(0, s.received().length, "nothing delivered after close()");
        s.checkEquals(0, s.conn().readableBytes(), "nothing buffered either");
    }

    /** RFC 9293 §3.6 / §3.10.8: in CLOSE-WAIT we may still send; unacknowledged data is retransmitted at RTO. */
    @Test
    void shouldSendAndRetransmitDataInCloseWait() {
        TcpScript s = new TcpScript().closeWait();
        s.write(10);
        s.expect(data(10).seq(1).ack(2));
        long rto = s.conn().rtoNs();
        s.expectAt(s.now() + rto, data(10).seq(1).ack(2));
        s.inject(ack().seq(2).ack(11));
        s.assertState(CLOSE_WAIT);
        s.checkEquals(0, s.conn().bytesInFlight(), "acknowledged");
    }
}
