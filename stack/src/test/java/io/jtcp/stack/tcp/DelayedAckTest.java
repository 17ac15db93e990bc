package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Seg.ack;
import static io.jtcp.stack.harness.Seg.data;

import io.jtcp.stack.harness.TcpScript;
import org.junit.jupiter.api.Test;

/** Delayed ACKs (RFC 5681 §4.2, RFC 9293 §3.8.6.3), opt-in through StackConfig.delayedAckNs. */
class DelayedAckTest {
    private static final long MS = 1_000_000L;

    private static TcpScript delayed() {
        return new TcpScript(c -> c.delayedAckNs(40 * MS)).establishedPassive();
    }

    @Test
    void shouldAckALoneSegmentOnlyWhenTheDelayRunsOut() {
        TcpScript s = delayed();
        long t = s.now();
        s.inject(data(100).seq(1).ack(1));
        s.expectNothingBefore(t + 40 * MS);
        s.expectAt(t + 40 * MS, ack().seq(1).ack(101));
    }

    @Test
    void shouldAckAtOnceWhenASecondFullSegmentArrives() {
        TcpScript s = delayed();
        s.inject(data(1460).seq(1).ack(1));
        s.expectNothing();
        s.inject(data(1460).seq(1461).ack(1));
        s.expect(ack().seq(1).ack(2921)); // "at least every second full-sized segment"
    }

    /**
     * With timestamps a full-sized segment carries 1448 bytes (MSS 1460 less the 12 the option
     * takes, RFC 7323 §3.2): two of them are "every second full-sized segment", though together
     * they are less than twice the MSS; so are two a little shorter than the largest seen (SACK
     * blocks in their options).
     */
    @Test
    void shouldAckAtOnceWhenASecondFullSegmentWithTimestampsArrives() {
        TcpScript s = withTimestamps(1460);
        secondSegmentAckedAtOnce(s, 1, 1448);
        secondSegmentAckedAtOnce(s, 2897, 1420);
    }

    /**
     * What the peer may send us is bounded by the MSS we advertised, not by the one it offered
     * (that bounds what we send): a peer offering 536 still sends 1448-byte segments, and its
     * second one, not every one, is ACKed at once.
     */
    @Test
    void shouldJudgeFullSizedByWhatThePeerSendsNotByTheMssItOffered() {
        secondSegmentAckedAtOnce(withTimestamps(536), 1, 1448);
    }

    private static TcpScript withTimestamps(int peerMss) {
        return new TcpScript(c -> c.delayedAckNs(40 * MS)).establishedPassiveWithTimestamps(peerMss);
    }

    /** Two segments of {@code len} from {@code seq}: the first waits, the second is ACKed at once. */
    private static void secondSegmentAckedAtOnce(TcpScript s, int seq, int len) {
        final int ecr = s.synAckTsVal();
        s.inject(data(len).seq(seq).ack(1).ts(1000 + seq, ecr));
        s.expectNothing();
        s.inject(data(len).seq(seq + len).ack(1).ts(1001 + seq, ecr));
        s.expect(ack().seq(1).ack(seq + 2 * len));
    }

    @Test
    void shouldStillAckOutOfOrderDataAtOnce() {
        TcpScript s = delayed();
        s.inject(data(100).seq(201).ack(1));
        s.expect(ack().seq(1).ack(1)); // RFC 5681 §4.2: out-of-order → immediate duplicate ACK
    }

    @Test
    void shouldCarryTheOwedAckOnDataWeSend() {
        TcpScript s = delayed();
        long t = s.now();
        s.inject(data(100).seq(1).ack(1));
        s.expectNothing();
        s.write(50);
        s.expect(data(50).seq(1).ack(101)); // the response piggybacks the ACK
        s.expectNothingBefore(t + 200 * MS); // and nothing is owed afterwards
    }

    @Test
    void shouldAckEverySegmentWhenDelayedAcksAreOff() {
        TcpScript s = new TcpScript().establishedPassive();
        s.inject(data(100).seq(1).ack(1));
        s.expect(ack().seq(1).ack(101));
    }
}
