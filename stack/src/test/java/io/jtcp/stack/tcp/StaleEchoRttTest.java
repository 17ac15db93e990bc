package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Seg.ack;
import static io.jtcp.stack.harness.Seg.data;
import static io.jtcp.stack.harness.Seg.syn;
import static io.jtcp.stack.harness.Seg.synAck;
import static io.jtcp.stack.harness.TcpScript.MS;

import io.jtcp.stack.harness.Packet;
import io.jtcp.stack.harness.TcpScript;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RTT samples from the timestamp echo after a retransmission timeout (RFC 7323 §4.2/§4.3, RFC
 * 6298 §3 and §5). A receiver answers a duplicate segment with TS.Recent, which may still be the
 * TSval of the first transmission whose ACK was lost: "now − that TSval" then includes the RTO
 * waits, and taking it as a sample once blew SRTT from 10 ms to ~85 ms and the RTO with it.
 */
class StaleEchoRttTest {
    private static final int DATA = 100;

    /** A timestamped passive open answered after 10 ms, then three 10 ms data round trips: SRTT = 10 ms. */
    private static TcpScript tenMillisecondPath(int[] peerTs) {
        TcpScript s = new TcpScript();
        s.listen(8080);
        s.inject(syn().seq(0).mss(1460).ts(peerTs[0]++, 0));
        Packet sa = s.expect(synAck().seq(0).ack(1));
        s.advance(10 * MS);
        s.inject(ack().seq(1).ack(1).ts(peerTs[0]++, sa.tsVal));
        s.assertState(TcpState.ESTABLISHED);
        int acked = 1;
        for (int i = 0; i < 3; i++) {
            s.write(DATA);
            Packet d = s.expect(data(DATA).seq(acked));
            s.advance(10 * MS);
            acked += DATA;
            s.inject(ack().seq(1).ack(acked).ts(peerTs[0]++, d.tsVal));
            s.expectNothing();
        }
        s.checkNear(10 * MS, s.conn().srttNs(), 100_000, "SRTT before the loss");
        s.checkEquals(200 * MS, s.conn().rtoNs(), "RTO before the loss (the 200 ms minimum)");
        return s;
    }

    /**
     * Sends one more segment, loses its ACK and lets two RTOs fire (a tail loss probe may come
     * first). Returns {original TSval, TSval of the last retransmission, TSval of the first resend
     * after the first RTO}.
     */
    private static int[] loseAckAndTimeOutTwice(TcpScript s) {
        s.write(DATA);
        Packet original = s.expect(data(DATA).seq(1 + 3 * DATA));
        long timeoutsBefore = s.counters().tcpTimeouts;
        int lastTsVal = original.tsVal;
        int afterFirstTimeout = 0;
        for (int i = 0; i < 10 && s.counters().tcpTimeouts < timeoutsBefore + 2; i++) {
            s.advanceToNextDeadline();
            List<Packet> out = s.drain();
            for (Packet p : out) {
                s.check(p.len() == DATA && p.seq - s.localIsn() == 1 + 3 * DATA, "only the segment is resent: " + p);
                lastTsVal = p.tsVal;
                if (afterFirstTimeout == 0 && s.counters().tcpTimeouts == timeoutsBefore + 1) {
                    afterFirstTimeout = p.tsVal;
                }
            }
        }
        s.check(afterFirstTimeout != 0, "a resend after the first RTO");
        s.checkEquals(timeoutsBefore + 2, s.counters().tcpTimeouts, "two RTOs fired");
        s.check(
                s.conn().rtoNs() >= 800 * MS,
                "RTO backed off twice: " + s.conn().rtoNs());
        s.check(lastTsVal - original.tsVal >= 400, "the last resend went out after both RTOs");
        return new int[] {original.tsVal, lastTsVal, afterFirstTimeout};
    }

    @Test
    void shouldNotSampleEchoOfOriginalTransmissionAfterRetransmissionTimeouts() {
        int[] peerTs = {1000};
        TcpScript s = tenMillisecondPath(peerTs);
        int[] ts = loseAckAndTimeOutTwice(s);
        s.advance(10 * MS);
        // The resend arrived as a duplicate; the peer's ACK echoes TS.Recent, the original's TSval.
        s.inject(ack().seq(1).ack(1 + 4 * DATA).ts(peerTs[0]++, ts[0]));
        s.checkNear(10 * MS, s.conn().srttNs(), 100_000, "SRTT after an ACK echoing the original send");
        // RFC 6298 §5 (the note after 5.7): no valid sample yet, so the backed-off RTO stays until one comes.
        s.check(s.conn().rtoNs() >= 800 * MS, "backed-off RTO kept: " + s.conn().rtoNs());
        // A fresh, timed segment: RTO back to the minimum, not inflated by a bogus ~600 ms sample.
        s.write(DATA);
        Packet d = s.expect(data(DATA).seq(1 + 4 * DATA));
        s.advance(10 * MS);
        s.inject(ack().seq(1).ack(1 + 5 * DATA).ts(peerTs[0]++, d.tsVal));
        s.checkNear(10 * MS, s.conn().srttNs(), 100_000, "SRTT after the next clean sample");
        s.checkEquals(200 * MS, s.conn().rtoNs(), "RTO after the next clean sample");
    }

    @Test
    void shouldSampleEchoOfRetransmissionAfterRetransmissionTimeouts() {
        int[] peerTs = {1000};
        TcpScript s = tenMillisecondPath(peerTs);
        int[] ts = loseAckAndTimeOutTwice(s);
        s.advance(30 * MS);
        // RFC 7323 §4.2: the echo of the resend times it exactly (Karn forbids only the timed sample).
        s.inject(ack().seq(1).ack(1 + 4 * DATA).ts(peerTs[0]++, ts[1]));
        long expectSrtt = 10 * MS - (10 * MS >> 3) + (30 * MS >> 3); // RFC 6298 §2.3, a 30 ms sample
        s.checkNear(expectSrtt, s.conn().srttNs(), 100_000, "SRTT after an ACK echoing the resend");
        s.check(
                s.conn().rtoNs() < 800 * MS,
                "the sample ended the backoff: " + s.conn().rtoNs());
    }

    /**
     * The first RTO's resend arrived but its ACK was lost too; the second RTO's resend is a
     * duplicate, answered with the first resend's TSval: as stale as the original's, since a
     * timeout came after it.
     */
    @Test
    void shouldNotSampleEchoOfAResendThatASecondTimeoutFollowed() {
        int[] peerTs = {1000};
        TcpScript s = tenMillisecondPath(peerTs);
        int[] ts = loseAckAndTimeOutTwice(s);
        s.check(ts[1] - ts[2] >= 400, "the second RTO came well after the first resend");
        s.advance(10 * MS);
        s.inject(ack().seq(1).ack(1 + 4 * DATA).ts(peerTs[0]++, ts[2]));
        s.checkNear(10 * MS, s.conn().srttNs(), 100_000, "SRTT after an ACK echoing the first resend");
        s.check(s.conn().rtoNs() >= 800 * MS, "backed-off RTO kept: " + s.conn().rtoNs());
    }
}
