package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Seg.ack;
import static io.jtcp.stack.harness.Seg.data;
import static io.jtcp.stack.harness.Seg.fin;
import static io.jtcp.stack.harness.Seg.rst;
import static io.jtcp.stack.harness.Seg.rstAck;
import static io.jtcp.stack.harness.Seg.syn;
import static io.jtcp.stack.harness.Seg.synAck;
import static io.jtcp.stack.harness.TcpScript.MS;
import static io.jtcp.stack.harness.TcpScript.SEC;
import static io.jtcp.stack.tcp.TcpState.CLOSE_WAIT;
import static io.jtcp.stack.tcp.TcpState.ESTABLISHED;
import static io.jtcp.stack.tcp.TcpState.SYN_RECEIVED;
import static io.jtcp.stack.tcp.TcpState.SYN_SENT;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.harness.Packet;
import io.jtcp.stack.harness.TcpScript;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Opening a connection: RFC 9293 §3.5 and the SYN-SENT / SYN-RECEIVED / LISTEN rules of §3.10.7. */
class HandshakeTest {

    /** RFC 9293 §3.5 figure 6, passive side; §3.10.7.2 (LISTEN gets SYN → SYN-RECEIVED). */
    @Test
    void shouldCompletePassiveOpenWhenPeerSendsSynThenAck() {
        TcpScript s = new TcpScript();
        s.listen(8080);
        s.inject(syn().seq(0).mss(1460).win(65535));
        Packet synAck = s.expect(synAck().seq(0).ack(1).mss(1460));
        s.check(synAck.window > 0, "SYN-ACK advertises a non-zero window");
        s.assertState(SYN_RECEIVED);
        s.check(s.acceptCalls() == 0, "no accept before the handshake completes");
        s.advance(100 * MS);
        s.inject(ack().seq(1).ack(1));
        s.expectNothing();
        s.assertPath(SYN_RECEIVED, ESTABLISHED);
        s.checkEquals(1, s.acceptCalls(), "onAccept calls");
        s.check(s.events().contains("connected"), "onConnected after accept");
    }

    /** RFC 9293 §3.5 figure 6, active side; §3.10.7.3 fourth step (SYN-ACK in SYN-SENT). */
    @Test
    void shouldCompleteActiveOpenWhenPeerAnswersSynAck() {
        TcpScript s = new TcpScript();
        s.connect(80);
        s.expect(syn().seq(0).mss(1460));
        s.assertState(SYN_SENT);
        s.advance(100 * MS);
        s.inject(synAck().seq(0).ack(1).mss(1460));
        s.expect(ack().seq(1).ack(1));
        s.assertPath(SYN_SENT, ESTABLISHED);
        s.check(s.events().contains("connected"), "onConnected");
    }

    /**
     * RFC 9293 §3.5 figure 7 (simultaneous open): SYN-SENT gets a bare SYN → SYN-RECEIVED and a
     * SYN-ACK (§3.10.7.3, "Otherwise, enter SYN-RECEIVED"); the peer's SYN-ACK or ACK then completes.
     */
    @Test
    void shouldReachEstablishedThroughSynReceivedWhenBothSidesOpenAtOnce() {
        TcpScript s = new TcpScript().synSent();
        s.inject(syn().seq(0).mss(1460));
        s.expect(synAck().seq(0).ack(1));
        s.assertState(SYN_RECEIVED);
        s.advance(10 * MS);
        s.inject(synAck().seq(0).ack(1));
        // A strict §3.10.7.4 reading finds the SYN-ACK old (SEQ < RCV.NXT) and answers with an
        // ACK; Linux accepts it. Either is fine: what matters is that the handshake completes.
        for (Packet p : s.drain()) {
            s.check(p.flags == io.jtcp.stack.wire.TcpHeader.ACK && p.len() == 0, "only a pure ACK may answer: " + p);
        }
        s.inject(ack().seq(1).ack(1));
        s.expectNothing();
        s.assertState(ESTABLISHED);
        s.assertPath(SYN_SENT, SYN_RECEIVED, ESTABLISHED);
    }

    /** RFC 9293 §3.10.7.4 fifth step (SYN-RECEIVED: acceptable ACK → ESTABLISHED) then seventh (text). */
    @Test
    void shouldDeliverDataWhenTheThirdHandshakeSegmentCarriesIt() {
        TcpScript s = new TcpScript().synReceived();
        s.inject(data("hello").seq(1).ack(1));
        s.expect(ack().seq(1).ack(6));
        s.assertState(ESTABLISHED);
        s.checkEquals("hello", new String(s.received(), StandardCharsets.US_ASCII), "received");
    }

    /** RFC 9293 §3.10.7.4 eighth step: FIN on the third segment → ESTABLISHED then CLOSE-WAIT. */
    @Test
    void shouldEnterCloseWaitWhenTheThirdHandshakeSegmentCarriesFin() {
        TcpScript s = new TcpScript().synReceived();
        s.inject(fin().seq(1).ack(1));
        s.expect(ack().seq(1).ack(2));
        s.assertPath(SYN_RECEIVED, ESTABLISHED, CLOSE_WAIT);
        s.check(s.events().contains("peerClosed"), "onPeerClosed");
    }

    /** RFC 9293 §3.10.7.3 first step: SEG.ACK =< ISS is unacceptable → <SEQ=SEG.ACK><CTL=RST>. */
    @Test
    void shouldSendResetWhenSynAckAcknowledgesTheIsnInSynSent() {
        TcpScript s = new TcpScript().synSent();
        s.inject(synAck().seq(0).ack(0));
        s.expect(rst().seq(0));
        s.assertState(SYN_SENT);
    }

    /** RFC 9293 §3.10.7.3 first step: SEG.ACK > SND.NXT is unacceptable → RST, state kept. */
    @Test
    void shouldSendResetWhenSynAckAcknowledgesUnsentDataInSynSent() {
        TcpScript s = new TcpScript().synSent();
        s.inject(synAck().seq(0).ack(1000));
        s.expect(rst().seq(1000));
        s.assertState(SYN_SENT);
        s.check(s.drops(DropReason.TCP_BAD_ACK_IN_SYN_STATE) >= 1, "counted as a bad ACK in a SYN state");
    }

    /** RFC 9293 §3.10.7.3 second step: RST with an acceptable ACK → CLOSED, "connection refused". */
    @Test
    void shouldReportRefusedWhenResetWithAcceptableAckArrivesInSynSent() {
        TcpScript s = new TcpScript().synSent();
        s.inject(rstAck().seq(0).ack(1));
        s.expectNothing();
        s.assertState(TcpState.CLOSED);
        s.checkEquals(CloseReason.REFUSED, s.closeReason(), "close reason");
        s.checkEquals(1, s.closedCalls(), "onClosed calls");
        s.checkEquals(0, s.stack().connectionCount(), "connections left");
    }

    /** RFC 9293 §3.10.7.3 second step: a RST without ACK is dropped in SYN-SENT. */
    @Test
    void shouldIgnoreResetWithoutAckInSynSent() {
        TcpScript s = new TcpScript().synSent();
        s.inject(rst().seq(0));
        s.expectNothing();
        s.assertState(SYN_SENT);
        s.checkEquals(0, s.closedCalls(), "onClosed calls");
    }

    /** RFC 9293 §3.10.7.3 first step: RST with an unacceptable ACK is dropped, never answered. */
    @Test
    void shouldDropResetWithUnacceptableAckInSynSentWithoutAnswering() {
        TcpScript s = new TcpScript().synSent();
        s.inject(rstAck().seq(0).ack(5000));
        s.expectNothing();
        s.assertState(SYN_SENT);
    }

    /** RFC 9293 §3.10.7.3 fifth step: neither SYN nor RST (a bare acceptable ACK) → drop. */
    @Test
    void shouldDropBareAckInSynSent() {
        TcpScript s = new TcpScript().synSent();
        s.inject(ack().seq(0).ack(1));
        s.expectNothing();
        s.assertState(SYN_SENT);
    }

    /** RFC 9293 §3.7.1 / §3.10.7.3: the SYN-ACK's data waits; SYN-ACK with data is delivered once established. */
    @Test
    void shouldDeliverDataCarriedOnSynAckInSynSent() {
        TcpScript s = new TcpScript().synSent();
        s.inject(synAck().seq(0).ack(1).payload("early".getBytes(StandardCharsets.US_ASCII)));
        s.expect(ack().seq(1).ack(6));
        s.assertState(ESTABLISHED);
        s.checkEquals("early", new String(s.received(), StandardCharsets.US_ASCII), "received");
    }

    /** RFC 9293 §3.10.7.2 first step: a RST to a listener is ignored. */
    @Test
    void shouldIgnoreResetInListen() {
        TcpScript s = new TcpScript();
        s.listen(8080);
        s.inject(rst().seq(0));
        s.expectNothing();
        s.checkEquals(0, s.stack().connectionCount(), "connections");
    }

    /** RFC 9293 §3.10.7.2 second step: any ACK to a listener → <SEQ=SEG.ACK><CTL=RST>. */
    @Test
    void shouldResetAckArrivingInListen() {
        TcpScript s = new TcpScript();
        s.listen(8080);
        s.inject(ack().seq(0).absAck(0x12345678));
        s.expect(rst().absSeq(0x12345678));
        s.checkEquals(0, s.stack().connectionCount(), "connections");
    }

    /** RFC 9293 §3.10.7.2 fourth step: neither SYN, RST nor ACK → dropped without reply. */
    @Test
    void shouldDropSegmentWithoutSynAckOrRstInListen() {
        TcpScript s = new TcpScript();
        s.listen(8080);
        s.inject(io.jtcp.stack.harness.Seg.flags(io.jtcp.stack.wire.TcpHeader.FIN)
                .seq(0));
        s.check(s.stack().connectionCount() == 0, "no connection created");
        for (Packet p : s.drain()) {
            // §3.10.7.2 says drop; some stacks reset. Never a SYN-ACK.
            s.check(p.rst(), "only a RST may answer a FIN to a listener: " + p);
        }
    }

    /** RFC 9293 §3.10.7.4 second step (SYN-RECEIVED, passive): RST → back to LISTEN, user not told. */
    @Test
    void shouldReturnToListenWhenResetArrivesInSynReceived() {
        TcpScript s = new TcpScript().synReceived();
        s.inject(rst().seq(1));
        s.expectNothing();
        s.check(s.state() == TcpState.CLOSED || s.state() == TcpState.LISTEN, "connection gone: " + s.state());
        s.checkEquals(0, s.acceptCalls(), "accepts");
        s.checkEquals(0, s.stack().connectionCount(), "connections");
        // The listener still works.
        s.peerPort(40001);
        s.inject(syn().seq(0).srcPort(40001));
        s.expect(synAck().ack(1).dstPort(40001));
    }

    /** RFC 9293 §3.10.7.4 fifth step (SYN-RECEIVED): unacceptable ACK → <SEQ=SEG.ACK><CTL=RST>. */
    @Test
    void shouldResetUnacceptableAckInSynReceived() {
        TcpScript s = new TcpScript().synReceived();
        s.inject(ack().seq(1).ack(77));
        s.expect(rst().seq(77));
        s.check(s.state() == SYN_RECEIVED, "still SYN-RECEIVED");
    }

    /** RFC 9293 §3.10.7.4 (synchronised-state rules for SYN-RECEIVED): SYN-ACK retransmitted at RTO. */
    @Test
    void shouldRetransmitSynAckAfterInitialRtoInSynReceived() {
        TcpScript s = new TcpScript().synReceived();
        long t0 = s.now();
        s.expectAt(t0 + SEC, synAck().seq(0).ack(1));
        s.expectAt(t0 + 3 * SEC, synAck().seq(0).ack(1));
    }

    /** RFC 6298 §2.1 and RFC 9293 §3.8.1: the SYN is retransmitted after the initial RTO of 1 s. */
    @Test
    void shouldRetransmitSynAfterInitialRtoInSynSent() {
        TcpScript s = new TcpScript().synSent();
        long t0 = s.now();
        s.expectAt(t0 + SEC, syn().seq(0));
        s.expectAt(t0 + 3 * SEC, syn().seq(0));
    }

    /** RFC 9293 §3.7.1: the MSS option we send is the MTU minus 40 (IPv4 and TCP headers). */
    @Test
    void shouldAdvertiseMssOfMtuMinus40WhenMtuIsConfigured() {
        TcpScript s = new TcpScript(c -> c.mtuBytes(9000)).synSent();
        s.check(s.conn().state() == SYN_SENT, "SYN sent with MSS 8960 (checked by the fixture)");
        TcpScript p = new TcpScript(c -> c.mtuBytes(9000)).synReceived();
        p.check(p.state() == SYN_RECEIVED, "SYN-ACK sent with MSS 8960 (checked by the fixture)");
    }

    /** RFC 5961 §3.2 covers every state but SYN-SENT: in SYN-RECEIVED an inexact in-window RST gets a challenge ACK. */
    @Test
    void shouldSendChallengeAckWhenInexactResetArrivesInSynReceived() {
        TcpScript s = new TcpScript().synReceived();
        s.inject(rst().seq(100));
        s.expect(ack().seq(1).ack(1));
        s.assertState(SYN_RECEIVED);
    }

    /** RFC 5961 §3.2 check 1 in SYN-RECEIVED: an out-of-window RST is dropped silently. */
    @Test
    void shouldDropOutOfWindowResetInSynReceived() {
        TcpScript s = new TcpScript().synReceived();
        s.inject(rst().seq(3_000_000));
        s.expectNothing();
        s.assertState(SYN_RECEIVED);
    }

    /** RFC 5961 §4.2 (SYN with another sequence number in SYN-RECEIVED) → challenge ACK, no new connection. */
    @Test
    void shouldSendChallengeAckWhenDifferentSynArrivesInSynReceived() {
        TcpScript s = new TcpScript().synReceived();
        s.inject(syn().seq(500));
        s.expect(ack().seq(1).ack(1));
        s.assertState(SYN_RECEIVED);
        s.checkEquals(1, s.stack().connectionCount(), "still one connection");
    }

    /** RFC 9293 §3.10.7.4 first step in SYN-RECEIVED: data beyond the window → ACK, dropped. */
    @Test
    void shouldAckOutOfWindowDataInSynReceived() {
        TcpScript s = new TcpScript().synReceived();
        s.inject(data(10).seq(3_000_000).ack(1));
        s.expect(ack().seq(1).ack(1));
        s.assertState(SYN_RECEIVED);
        s.checkEquals(0, s.received().length, "nothing delivered");
    }

    /**
     * RFC 7323 §1.3/§3.2, RFC 2018 §2: our SYN offers window scale, SACK and timestamps; a SYN-ACK
     * without them means none is used (no TS option on later segments, unscaled windows).
     */
    @Test
    void shouldUseNoOptionWhenSynAckOmitsThem() {
        TcpScript s = new TcpScript();
        s.connect(80);
        Packet synSeg = s.expect(syn().seq(0).mss(1460));
        s.check(synSeg.windowScale >= 0, "SYN offers window scale");
        s.check(synSeg.sackPermitted, "SYN offers SACK");
        s.check(synSeg.hasTimestamps, "SYN offers timestamps");
        s.inject(synAck().seq(0).ack(1).win(1000));
        Packet ack = s.expect(ack().seq(1).ack(1));
        s.check(!ack.hasTimestamps, "no timestamps after a SYN-ACK without them");
        s.checkEquals(1000, s.conn().sendWindowBytes(), "peer window unscaled");
    }

    /** RFC 9293 §3.7.1 (MUST-15) on the active side: a SYN-ACK without MSS means 536. */
    @Test
    void shouldSegmentAt536WhenSynAckHasNoMss() {
        TcpScript s = new TcpScript().synSent();
        s.inject(synAck().seq(0).ack(1));
        s.expect(ack().seq(1).ack(1));
        s.write(1000);
        s.expect(data(536).seq(1));
        s.expect(data(464).seq(537));
    }
}
