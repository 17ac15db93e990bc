package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Seg.ack;
import static io.jtcp.stack.harness.Seg.data;
import static io.jtcp.stack.harness.Seg.syn;
import static io.jtcp.stack.harness.Seg.synAck;

import io.jtcp.stack.harness.Packet;
import io.jtcp.stack.harness.TcpScript;
import org.junit.jupiter.api.Test;

/**
 * Option negotiation and its effects: window scale (RFC 7323 §1.3, §2.2, §2.3), SACK-permitted
 * (RFC 2018 §2), MSS (RFC 9293 §3.7.1), and malformed options (RFC 9293 §3.1).
 */
class OptionsTest {

    /** RFC 7323 §1.3: a SYN-ACK carries window scale only when the SYN did; likewise SACK (RFC 2018 §2). */
    @Test
    void shouldNotOfferWindowScaleOrSackWhenPeerSynHadNeither() {
        TcpScript s = new TcpScript();
        s.listen(8080);
        s.inject(syn().seq(0).mss(1460));
        Packet p = s.expect(synAck().seq(0).ack(1));
        s.checkEquals(-1, p.windowScale, "no window scale option");
        s.check(!p.sackPermitted, "no SACK-permitted option");
    }

    /** RFC 7323 §1.3 and RFC 2018 §2: both are echoed when the peer offers them. */
    @Test
    void shouldOfferWindowScaleAndSackWhenPeerSynHadBoth() {
        TcpScript s = new TcpScript();
        s.listen(8080);
        s.inject(syn().seq(0).mss(1460).wscale(7).sackOk());
        Packet p = s.expect(synAck().seq(0).ack(1));
        s.check(p.windowScale >= 0 && p.windowScale <= 14, "window scale offered: " + p.windowScale);
        s.check(p.sackPermitted, "SACK-permitted offered");
    }

    /** RFC 7323 §2.2/§2.3: the SYN's window is never scaled; later windows are shifted by the peer's scale. */
    @Test
    void shouldScalePeerWindowAfterHandshakeButNotOnSyn() {
        TcpScript s = new TcpScript();
        s.listen(8080);
        s.inject(syn().seq(0).mss(1460).wscale(7).win(1000));
        s.expect(synAck().seq(0).ack(1));
        s.checkEquals(1000, s.conn().sendWindowBytes(), "SYN window taken as is");
        s.inject(ack().seq(1).ack(1).win(1000));
        s.checkEquals(1000 << 7, s.conn().sendWindowBytes(), "later window shifted by 7");
    }

    /** RFC 7323 §2.3: our window field, shifted by the scale we offered, is the free buffer. */
    @Test
    void shouldAdvertiseScaledReceiveWindowWhenScalingIsNegotiated() {
        TcpScript s = new TcpScript();
        s.listen(8080);
        s.inject(syn().seq(0).mss(1460).wscale(2));
        Packet synAck = s.expect(synAck().seq(0).ack(1));
        int shift = synAck.windowScale;
        s.inject(data(100).seq(1).ack(1));
        Packet a = s.expect(ack().seq(1).ack(101));
        long advertised = (long) a.window << shift;
        long buffer = s.config().initialReceiveBufferBytes(); // the window starts there
        s.check(
                advertised <= buffer && advertised > buffer - (1L << shift) - 100 - 1,
                "window " + a.window + " << " + shift + " = " + advertised + " for a " + buffer + "-byte buffer");
    }

    /**
     * RFC 7323 §2.3: unscaled, the window is at most 65535; RFC 9293 §3.10.7.4 seventh step: "the
     * total of RCV.NXT and RCV.WND should not be reduced" — and by §3.8.6.2.2 (receiver SWS
     * avoidance) it moves only in steps of min(buffer/2, MSS), so 10 bytes shrink the window by 10.
     */
    @Test
    void shouldKeepRightEdgeWithinUnscaledMaximumWhenPeerDidNotOfferScaling() {
        TcpScript s = new TcpScript().establishedPassive();
        s.inject(data(10).seq(1).ack(1));
        Packet a = s.expect(ack().seq(1).ack(11));
        s.check(a.window <= 65535, "unscaled window at most 65535: " + a.window);
        s.checkEquals(1 + 65535, 11 + a.window, "right edge kept (RCV.NXT + RCV.WND not reduced)");
    }

    /** RFC 9293 §3.1: a malformed option list is not parsed into nonsense; the segment is dropped. */
    @Test
    void shouldDropSynWithMalformedOptions() {
        TcpScript s = new TcpScript();
        s.listen(8080);
        // MSS kind with length 3 (must be 4), then padding.
        s.inject(syn().seq(0).rawOptions(new byte[] {2, 3, 5, 0}));
        s.expectNothing();
        s.checkEquals(0, s.stack().connectionCount(), "no connection");
        s.checkEquals(1L, s.drops(io.jtcp.stack.DropReason.TCP_BAD_OPTIONS), "bad options counted");
    }

    /** RFC 9293 §3.1 (MUST-6): unknown option kinds are skipped by their length. */
    @Test
    void shouldIgnoreUnknownOptionKinds() {
        TcpScript s = new TcpScript();
        s.listen(8080);
        s.inject(syn().seq(0).rawOptions(new byte[] {(byte) 253, 4, 0x12, 0x34, 2, 4, 0x02, 0x18}));
        Packet p = s.expect(synAck().seq(0).ack(1));
        s.check(p.syn(), "SYN-ACK despite an unknown option (and MSS 536 after it read)");
    }

    /** Linux behaviour, RFC 9293 §3.10.7.4: a retransmitted SYN in SYN-RECEIVED gets the SYN-ACK again. */
    @Test
    void shouldResendSynAckWhenSynIsRetransmittedInSynReceived() {
        TcpScript s = new TcpScript().synReceived();
        s.inject(syn().seq(0).mss(1460));
        s.expect(synAck().seq(0).ack(1));
        s.assertState(TcpState.SYN_RECEIVED);
    }

    /** TcpConnection contract: writing after shutdownOutput is the application's error. */
    @Test
    void shouldRejectWriteAfterShutdownOutput() {
        TcpScript s = new TcpScript().finWait1();
        boolean threw = false;
        try {
            s.conn().write(new byte[10], 0, 10);
        } catch (IllegalStateException expected) {
            threw = true;
        }
        s.check(threw, "write after shutdownOutput throws IllegalStateException");
    }
}
