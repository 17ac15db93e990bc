package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Seg.ack;
import static io.jtcp.stack.harness.Seg.data;
import static io.jtcp.stack.harness.Seg.syn;
import static io.jtcp.stack.harness.Seg.synAck;

import io.jtcp.stack.cc.CongestionControls;
import io.jtcp.stack.harness.TcpScript;
import org.junit.jupiter.api.Test;

/**
 * RFC 8985 (RACK) in SACK recovery, scripted: a lost retransmission is resent as soon as a segment
 * sent after it is delivered and RACK.rtt + reo_wnd has passed (RFC 6675 alone never resends below
 * HighRxt: it waited for the recovery probe or the RTO), and a new recovery episode does not
 * resend a hole the episode before resent that is still in flight and not known lost.
 */
class RackScriptTest {
    private static final int MSS = 1460;
    private static final long MS = 1_000_000L;

    private static byte[] sackOption(int... edges) {
        return LostRetransmissionScriptTest.sackOption(edges);
    }

    /** Handshake (RTT 10 ms), then {@code segments} full segments written; the first ten leave. */
    private static TcpScript open(int segments) {
        TcpScript s = new TcpScript(c -> c.congestionControl(CongestionControls.byName("cubic"))
                .initialSendBufferBytes(1 << 15)
                .sendBufferBytes(1 << 15));
        s.listen(8080);
        s.inject(syn().seq(0).mss(MSS).sackOk());
        s.expect(synAck().seq(0).ack(1));
        s.advance(10 * MS);
        s.inject(ack().seq(1).ack(1));
        s.expectNothing();
        s.write(segments * MSS);
        for (int i = 0; i < 10; i++) {
            s.expect(data(MSS).seq(1 + i * MSS).ack(1));
        }
        s.expectNothing();
        return s;
    }

    @Test
    void shouldResendALostRetransmissionOnceALaterResendIsDelivered() {
        TcpScript s = open(10);
        int b = s.localIsn() + 1;
        s.advance(10 * MS);
        // Segments 0, 2 and 4 lost: recovery resends all three at once.
        s.inject(ack().seq(1)
                .ack(1)
                .rawOptions(sackOption(b + 5 * MSS, b + 10 * MSS, b + 3 * MSS, b + 4 * MSS, b + MSS, b + 2 * MSS)));
        for (int h : new int[] {0, 2, 4}) {
            s.expect(data(MSS).seq(1 + h * MSS).ack(1));
        }
        s.expectNothing();
        // 11 ms later: the resends of 0 and 4 arrived, that of 2 did not. It was sent before the
        // resend of 4, which is delivered, RACK.rtt (11 ms) ago: lost (reo_wnd is 0 in recovery
        // with no reordering seen). Before RACK nothing went until the recovery probe.
        s.advance(11 * MS);
        s.inject(ack().seq(1).ack(1 + 2 * MSS).rawOptions(sackOption(b + 3 * MSS, b + 10 * MSS)));
        s.expect(data(MSS).seq(1 + 2 * MSS).ack(1));
        s.expectNothing();
        s.advance(11 * MS);
        s.inject(ack().seq(1).ack(1 + 10 * MSS));
        s.expectNothing();
        s.checkEquals(4L, s.conn().retransmits(), "0, 2, 4, then 2 again");
    }

    @Test
    void shouldNotResendInANewEpisodeAHoleStillInFlight() {
        TcpScript s = open(16);
        int b = s.localIsn() + 1;
        s.advance(10 * MS);
        // Episode 1: segment 0 lost; its resend goes, and new data 10–15 as the window allows.
        s.inject(ack().seq(1).ack(1).rawOptions(sackOption(b + MSS, b + 10 * MSS)));
        s.expect(data(MSS).seq(1).ack(1));
        for (int i = 10; i < 16; i++) {
            s.expect(data(MSS).seq(1 + i * MSS).ack(1));
        }
        s.expectNothing();
        // The resend of 0 is lost, and of the new data 10 and 12. RACK: 0's resend went before 11,
        // now delivered; RFC 6675: 10 and 12 have three segments SACKed above them.
        s.advance(11 * MS);
        s.inject(ack().seq(1)
                .ack(1)
                .rawOptions(sackOption(b + 13 * MSS, b + 16 * MSS, b + 11 * MSS, b + 12 * MSS, b + MSS, b + 10 * MSS)));
        for (int h : new int[] {0, 10, 12}) {
            s.expect(data(MSS).seq(1 + h * MSS).ack(1));
        }
        s.expectNothing();
        // 0's second resend arrives (its ACK is quicker than the recovery probe): the episode ends
        // while the resends of 10 and 12 are in flight.
        s.advance(MS);
        byte[] sack = sackOption(b + 13 * MSS, b + 16 * MSS, b + 11 * MSS, b + 12 * MSS);
        s.inject(ack().seq(1).ack(1 + 10 * MSS).rawOptions(sack));
        s.expectNothing();
        // A duplicate of that ACK starts episode 2 (four segments SACKed above SND.UNA). The resend
        // of 12 was sent after the last delivered segment: RACK does not deem it lost, and with
        // HighRxt kept it is not resent (RFC 6675 alone reset HighRxt and sent it again).
        s.inject(ack().seq(1).ack(1 + 10 * MSS).rawOptions(sack));
        s.expectNothing();
        s.advance(11 * MS);
        s.inject(ack().seq(1).ack(1 + 16 * MSS));
        s.expectNothing();
        s.checkEquals(4L, s.conn().retransmits(), "0 twice, 10 and 12 once");
    }
}
