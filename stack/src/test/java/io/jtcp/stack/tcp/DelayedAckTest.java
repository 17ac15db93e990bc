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
     * they are less than twice the MSS.
     */
    @Test
    void shouldAckAtOnceWhenASecondFullSegmentWithTimestampsArrives() {
        TcpScript s = new TcpScript(c -> c.delayedAckNs(40 * MS)).establishedPassiveWithTimestamps();
        final int ecr = s.synAckTsVal();
        s.inject(data(1448).seq(1).ack(1).ts(1002, ecr));
        s.expectNothing();
        s.inject(data(1448).seq(1449).ack(1).ts(1003, ecr));
        s.expect(ack().seq(1).ack(2897));
    }

    /**
     * What the peer may send us is bounded by the MSS we advertised, not by the one it offered
     * (that bounds what we send): a peer offering 536 still sends 1448-byte segments, and its
     * second one, not every one, is ACKed at once.
     */
    @Test
    void shouldJudgeFullSizedByWhatThePeerSendsNotByTheMssItOffered() {
        TcpScript s = new TcpScript(c -> c.delayedAckNs(40 * MS)).establishedPassiveWithTimestamps(536);
        final int ecr = s.synAckTsVal();
        s.inject(data(1448).seq(1).ack(1).ts(1002, ecr));
        s.expectNothing();
        s.inject(data(1448).seq(1449).ack(1).ts(1003, ecr));
        s.expect(ack().seq(1).ack(2897));
    }

    /** Segments a little short of the largest seen (SACK blocks in their options) still count. */
    @Test
    void shouldAckTheSecondOfTwoSegmentsShortOfTheLargestSeen() {
        TcpScript s = new TcpScript(c -> c.delayedAckNs(40 * MS)).establishedPassiveWithTimestamps();
        final int ecr = s.synAckTsVal();
        s.inject(data(1448).seq(1).ack(1).ts(1002, ecr));
        s.inject(data(1448).seq(1449).ack(1).ts(1003, ecr));
        s.expect(ack().seq(1).ack(2897));
        s.inject(data(1420).seq(2897).ack(1).ts(1004, ecr));
        s.expectNothing();
        s.inject(data(1420).seq(4317).ack(1).ts(1005, ecr));
        s.expect(ack().seq(1).ack(5737));
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
