package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Seg.ack;
import static io.jtcp.stack.harness.Seg.data;
import static io.jtcp.stack.harness.Seg.rst;
import static io.jtcp.stack.harness.Seg.syn;
import static io.jtcp.stack.harness.Seg.synAck;
import static io.jtcp.stack.harness.TcpScript.MS;
import static io.jtcp.stack.harness.TcpScript.SEC;

import io.jtcp.stack.harness.TcpScript;
import org.junit.jupiter.api.Test;

/**
 * Retransmission timing: RFC 6298 (RTO computation, backoff, Karn), RFC 9293 §3.8.1 and §3.8.3
 * (give up after R2), RFC 1122 §4.2.3.5 / Linux tcp_syn_retries (SYN give-up).
 */
class TimerTest {

    private static final long TOLERANCE_NS = MS;

    /** RFC 6298 §5.5 and §2.5: the RTO doubles on every expiry, capped at the maximum. */
    @Test
    void shouldDoubleRtoOnEachRetransmissionUpToMaximum() {
        TcpScript s = new TcpScript(c -> c.maxRtoNs(4 * SEC).dataRetries(10)).establishedPassive();
        s.write(100);
        s.expect(data(100).seq(1));
        long rto = s.conn().rtoNs();
        long t = s.now();
        long[] gaps = new long[7];
        for (int i = 0; i < gaps.length; i++) {
            long expectedGap = Math.min(rto << i, 4 * SEC);
            s.expectAt(t + expectedGap, data(100).seq(1));
            gaps[i] = s.now() - t;
            t = s.now();
        }
        s.check(gaps[gaps.length - 1] == 4 * SEC, "capped at max RTO");
        s.checkEquals(7L, s.conn().retransmits(), "retransmits counted");
    }

    /**
     * RFC 6298 §2.2 and §2.3: first sample R → SRTT = R, RTTVAR = R/2; later R' → RTTVAR = 3/4
     * RTTVAR + 1/4 |SRTT − R'|, SRTT = 7/8 SRTT + 1/8 R'; RTO = max(min RTO, SRTT + 4·RTTVAR).
     */
    @Test
    void shouldComputeSrttAndRtoFromAckTimingPerRfc6298() {
        TcpScript s = new TcpScript(c -> c.minRtoNs(MS)).establishedPassive();
        double srtt;
        double rttvar;
        if (s.conn().srttNs() == 0) {
            srtt = Double.NaN; // no sample from the handshake
            rttvar = Double.NaN;
        } else {
            // The fixture's peer answered the SYN-ACK 100 ms later.
            s.checkNear(100 * MS, s.conn().srttNs(), TOLERANCE_NS, "SRTT from the handshake sample");
            srtt = 100 * MS;
            rttvar = 50 * MS;
        }
        long[] samples = {200 * MS, 50 * MS, 120 * MS};
        int seq = 1;
        for (long r : samples) {
            s.write(10);
            s.expect(data(10).seq(seq));
            s.advance(r);
            seq += 10;
            s.inject(ack().seq(1).ack(seq));
            if (Double.isNaN(srtt)) {
                srtt = r;
                rttvar = r / 2.0;
            } else {
                rttvar = 0.75 * rttvar + 0.25 * Math.abs(srtt - r);
                srtt = 0.875 * srtt + 0.125 * r;
            }
            long rto = (long) Math.max(MS, srtt + 4 * rttvar);
            s.checkNear((long) srtt, s.conn().srttNs(), TOLERANCE_NS, "SRTT after sample " + r / MS + " ms");
            s.checkNear(rto, s.conn().rtoNs(), TOLERANCE_NS, "RTO after sample " + r / MS + " ms");
        }
    }

    /** RFC 6298 §2.4: the RTO never goes below the configured minimum (200 ms by default). */
    @Test
    void shouldClampRtoToMinimumWhenRttIsTiny() {
        TcpScript s = new TcpScript().establishedPassive();
        for (int i = 0; i < 20; i++) {
            s.write(10);
            s.drain();
            s.advance(MS);
            s.inject(ack().seq(1).ack(1 + 10 * (i + 1)));
        }
        s.checkEquals(200 * MS, s.conn().rtoNs(), "RTO clamped to min");
    }

    /** RFC 6298 §3 (Karn): no RTT sample from a retransmitted segment's ACK. */
    @Test
    void shouldNotSampleRttFromRetransmittedSegment() {
        TcpScript s = new TcpScript().establishedPassive();
        long srttBefore = s.conn().srttNs();
        s.write(100);
        s.expect(data(100).seq(1));
        long rto = s.conn().rtoNs();
        s.expectAt(s.now() + rto, data(100).seq(1));
        s.advance(10 * MS);
        s.inject(ack().seq(1).ack(101));
        s.checkEquals(srttBefore, s.conn().srttNs(), "SRTT unchanged by an ambiguous sample");
    }

    /**
     * RFC 9293 §3.8.3 (R2) / RFC 1122 §4.2.3.5: after dataRetries retransmissions the connection
     * gives up; the application hears TIMED_OUT and nothing more is sent.
     */
    @Test
    void shouldTimeOutAfterDataRetriesAndTellApplication() {
        TcpScript s = new TcpScript(c -> c.dataRetries(3)).establishedPassive();
        s.write(100);
        s.expect(data(100).seq(1));
        for (int i = 0; i < 3; i++) {
            s.advanceToNextDeadline();
            s.expect(data(100).seq(1));
        }
        s.advanceToNextDeadline();
        // Linux sends nothing here; jtcp tells the peer with a RST. RFC 5961 §3.2 makes the peer
        // accept it only at its RCV.NXT, which is our highest sequence sent if the data arrived.
        s.expect(rst().seq(101));
        s.expectNothing();
        s.assertState(TcpState.CLOSED);
        s.checkEquals(io.jtcp.stack.tcp.CloseReason.TIMED_OUT, s.closeReason(), "close reason");
        s.checkEquals(1, s.closedCalls(), "onClosed once");
        s.checkEquals(0, s.stack().connectionCount(), "connections");
        s.advance(600 * SEC);
        s.expectNothing();
    }

    /** RFC 6298 §5.5 / Linux tcp_syn_retries: SYN at 0, 1, 3 s; with 2 retries, give up at 7 s. */
    @Test
    void shouldTimeOutActiveOpenAfterSynRetries() {
        TcpScript s = new TcpScript(c -> c.synRetries(2)).synSent();
        long t0 = s.now();
        s.expectAt(t0 + SEC, syn().seq(0));
        s.expectAt(t0 + 3 * SEC, syn().seq(0));
        s.expectNothingBefore(t0 + 7 * SEC);
        s.assertState(TcpState.SYN_SENT);
        s.at(t0 + 7 * SEC);
        s.expectNothing();
        s.assertState(TcpState.CLOSED);
        s.checkEquals(io.jtcp.stack.tcp.CloseReason.TIMED_OUT, s.closeReason(), "close reason");
        s.checkEquals(0, s.stack().connectionCount(), "connections");
    }

    /** Linux tcp_synack_retries: SYN-ACK at 0, 1, 3 s; with 2 retries the half-open connection goes at 7 s. */
    @Test
    void shouldDropHalfOpenConnectionAfterSynAckRetries() {
        TcpScript s = new TcpScript(c -> c.synAckRetries(2)).synReceived();
        long t0 = s.now();
        s.expectAt(t0 + SEC, synAck().seq(0).ack(1));
        s.expectAt(t0 + 3 * SEC, synAck().seq(0).ack(1));
        s.expectNothingBefore(t0 + 7 * SEC);
        s.at(t0 + 7 * SEC);
        s.checkEquals(0, s.stack().connectionCount(), "connections");
        s.checkEquals(0, s.acceptCalls(), "never accepted");
        s.advance(60 * SEC);
        s.expectNothing();
    }

    /** RFC 6298 §5.3: the timer restarts when an ACK acknowledges new data but not all of it. */
    @Test
    void shouldRestartTimerWhenAckCoversPartOfTheData() {
        TcpScript s = new TcpScript().establishedPassive();
        s.write(2000);
        s.drain();
        long rto = s.conn().rtoNs();
        s.advance(rto / 2);
        s.inject(ack().seq(1).ack(1461));
        s.expectNothing();
        long ackAt = s.now();
        s.expectAt(ackAt + s.conn().rtoNs(), data(540).seq(1461));
    }

    /** RFC 6298 §5.2: when all data is acknowledged, the retransmission timer stops. */
    @Test
    void shouldStopRetransmissionTimerWhenEverythingIsAcked() {
        TcpScript s = new TcpScript().establishedPassive();
        s.write(100);
        s.expect(data(100).seq(1));
        s.advance(10 * MS);
        s.inject(ack().seq(1).ack(101));
        s.checkEquals(Long.MAX_VALUE, s.nextDeadline(), "no timer armed on an idle connection");
    }
}
