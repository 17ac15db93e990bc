package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Seg.ack;
import static io.jtcp.stack.harness.Seg.data;

import io.jtcp.stack.harness.Packet;
import io.jtcp.stack.harness.TcpScript;
import org.junit.jupiter.api.Test;

/**
 * What goes out after loss: RFC 5681 §3.2 (fast retransmit), RFC 6298 §5.4 (retransmit on
 * timeout), and the sequence numbers on segments sent meanwhile (RFC 9293 §3.10.7.4 makes the
 * peer drop anything whose SEQ falls below its RCV.NXT). Both regressions came from the Pair test.
 */
class RetransmissionTest {

    /**
     * After an RTO the sender resends from SND.UNA, but the peer may hold everything up to the
     * highest byte sent. A bare ACK must carry that highest sequence number: at SND.UNA it would be
     * "old" to the peer and dropped with its ACK field (RFC 9293 §3.10.7.4 first step), which
     * deadlocked two engines under 5 % loss.
     */
    @Test
    void shouldSendBareAckAtHighestSequenceSentWhenRetransmittingAfterTimeout() {
        TcpScript s = new TcpScript().establishedPassive();
        s.write(3000);
        int sent = 0;
        for (Packet p : s.drain()) {
            sent += p.len();
        }
        s.checkEquals(3000, sent, "all sent at once");
        s.advanceToNextDeadline();
        s.expect(data(1460).seq(1));
        // The peer had all 3000 bytes (its ACKs were lost) and now sends data of its own.
        s.inject(data(5).seq(1).ack(1));
        s.expect(ack().seq(3001).ack(6));
    }

    /**
     * RFC 5681 §3.2 step 4: fast retransmit resends the lost segment — what was sent, not more.
     * Resending past the highest byte sent hands the peer bytes whose ACK we would then reject as
     * "ACK of something not yet sent" (§3.10.7.4 fifth step); it also broke the peer's window.
     */
    @Test
    void shouldRetransmitOnlyBytesSentBeforeWhenFastRetransmitting() {
        TcpScript s = new TcpScript().establishedPassive();
        s.inject(ack().seq(1).ack(1).win(100));
        s.write(100);
        s.expect(data(100).seq(1));
        s.write(1000); // waits for the window
        s.expectNothing();
        for (int i = 0; i < 3; i++) {
            s.inject(ack().seq(1).ack(1).win(100));
        }
        for (Packet p : s.drain()) {
            int rel = p.seq - s.localIsn();
            s.check(rel + p.len() <= 101, "nothing past the window or the bytes sent: " + p.describe(s.localIsn(), 0));
        }
    }

    /**
     * RFC 9293 §3.7.4: Nagle holds back new small segments while data is unacknowledged — never a
     * retransmission (RFC 6298 §5.4 "retransmit the earliest segment"). Holding the resent tail
     * let the RTO fire until dataRetries ran out (PairConfigMatrixTest, Nagle on, 5 % loss).
     */
    @Test
    void shouldRetransmitSmallSegmentAtRtoWhenNagleIsOn() {
        TcpScript s = new TcpScript(c -> c.nagle(true)).establishedPassive();
        s.write(100);
        s.expect(data(100).seq(1));
        long rto = s.conn().rtoNs();
        s.expectAt(s.now() + rto, data(100).seq(1));
    }
}
