package io.jtcp.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.wire.TcpOptions;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** RFC 8985 §6.2 on the records alone: RACK.xmit_ts/rtt, the loss marking, the reorder timer. */
class RackTrackerTest {
    private static final long MS = 1_000_000L;
    private static final long MIN_RTT = 10 * MS;
    private static final int MSS = 1000;

    private final RackTracker rack = new RackTracker();
    private final List<int[]> lost = new ArrayList<>();
    private final RackTracker.LostSink sink = (s, e) -> lost.add(new int[] {s, e});

    private static TcpOptions sack(int left, int right) {
        UnsafeBuffer b = new UnsafeBuffer(new byte[40]);
        int n = TcpOptions.writeSack(b, 0, new int[] {left, right}, 1);
        TcpOptions o = new TcpOptions();
        o.parse(b, 0, n);
        return o;
    }

    private void sendSegments(int from, int n, long nowNs) {
        for (int i = 0; i < n; i++) {
            rack.onSend(from + i * MSS, MSS, nowNs);
        }
    }

    @Test
    void shouldMarkALostRetransmissionOnceALaterSentSegmentIsDeliveredAndRackRttHasPassed() {
        sendSegments(0, 4, 0); // 0..3 at t = 0
        rack.onSack(sack(MSS, 4 * MSS), 0, 10 * MS, MIN_RTT); // 1..3 delivered at 10 ms: RACK.rtt 10 ms
        assertEquals(-1, rack.detectLoss(10 * MS, 0, MSS, sink));
        assertEquals(1, lost.size(), "segment 0, sent before the delivered ones, 10 ms ago");
        rack.onSend(0, MSS, 10 * MS); // resent at 10 ms
        assertEquals(0, rack.lostBytes());
        sendSegments(4 * MSS, 1, 12 * MS); // new data after the resend
        rack.onSack(sack(4 * MSS, 5 * MSS), 0, 22 * MS, MIN_RTT); // the new segment got through
        lost.clear();
        assertEquals(-1, rack.detectLoss(22 * MS, 0, MSS, sink));
        assertEquals(1, lost.size(), "the resend, sent before a delivered segment, is lost too");
        assertEquals(MSS, rack.lostBytes());
        assertTrue(rack.firstLost());
        assertEquals(0, rack.lostStart());
    }

    @Test
    void shouldWaitForTheReorderingWindowThroughTheTimer() {
        sendSegments(0, 2, 0);
        sendSegments(2 * MSS, 1, 4 * MS);
        rack.onSack(sack(2 * MSS, 3 * MSS), 0, 14 * MS, MIN_RTT); // RACK.rtt 10 ms, xmit_ts 4 ms
        // 0 and 1 were sent at 0: 0 + 10 + reo_wnd 2.5 = 12.5 ms, already past at 14 ms.
        assertEquals(-1, rack.detectLoss(14 * MS, MIN_RTT / 4, 3 * MSS, sink));
        assertEquals(2, lost.size());
        rack.onSend(0, MSS, 15 * MS);
        rack.onSend(MSS, MSS, 16 * MS);
        sendSegments(3 * MSS, 1, 17 * MS);
        rack.onSack(sack(3 * MSS, 4 * MSS), 0, 27 * MS, MIN_RTT); // RACK.rtt 10 ms, xmit_ts 17 ms
        lost.clear();
        // The resends' deadlines: 15 + 12.5 = 27.5 ms and 28.5 ms; the timer fires at the first.
        assertEquals(MS / 2, rack.detectLoss(27 * MS, MIN_RTT / 4, 3 * MSS, sink));
        assertTrue(lost.isEmpty());
        assertEquals(MS, rack.detectLoss(27 * MS + MS / 2, MIN_RTT / 4, 3 * MSS, sink));
        assertEquals(1, lost.size());
        assertEquals(-1, rack.detectLoss(28 * MS + MS / 2, MIN_RTT / 4, 3 * MSS, sink));
        assertEquals(2, lost.size());
    }

    @Test
    void shouldNotTakeRackRttFromAnAmbiguousRetransmission() {
        sendSegments(0, 3, 0);
        rack.onSend(0, MSS, 50 * MS); // resent: its ACK 2 ms later is for the original
        rack.onCumulativeAck(MSS, 52 * MS, MIN_RTT);
        assertEquals(-1, rack.detectLoss(52 * MS, 0, 3 * MSS, sink));
        assertTrue(lost.isEmpty(), "no RACK.rtt yet: nothing is judged");
        rack.onSack(sack(2 * MSS, 3 * MSS), MSS, 60 * MS, MIN_RTT); // segment 2, first sent at 0
        assertEquals(-1, rack.detectLoss(60 * MS, 0, 3 * MSS, sink));
        assertEquals(1, lost.size(), "segment 1 was sent with segment 2, 60 ms ago");
    }

    @Test
    void shouldLeaveSegmentsAboveTheMarkToTheCaller() {
        sendSegments(0, 4, 0);
        rack.onSack(sack(3 * MSS, 4 * MSS), 0, 10 * MS, MIN_RTT);
        rack.detectLoss(10 * MS, 0, 2 * MSS, sink);
        assertEquals(2, lost.size(), "0 and 1 below the mark; 2 is RFC 6675's");
        assertEquals(2L * MSS, rack.lostBytes());
        rack.onRetransmissionTimeout();
        assertEquals(0, rack.lostBytes());
        assertFalse(rack.firstLost());
    }

    @Test
    void shouldGrowWithTheFlightAndKeepTheTimeOrder() {
        sendSegments(0, 200, 0); // beyond the first 16 records, grown four times
        rack.onSend(0, MSS, 5 * MS); // the oldest resent: now the newest in time
        rack.onSack(sack(199 * MSS, 200 * MSS), 0, 10 * MS, MIN_RTT);
        rack.detectLoss(10 * MS, 0, 200 * MSS, sink);
        assertEquals(198, lost.size(), "1..198 sent before 199; the resent 0 after it");
        assertEquals(200, rack.records());
        rack.onCumulativeAck(150 * MSS, 11 * MS, MIN_RTT);
        assertEquals(50, rack.records());
        assertEquals(49L * MSS, rack.lostBytes());
    }

    @Test
    void shouldGrowTheReorderingWindowWithDsacks() {
        assertEquals(0, rack.reoWndNs(true, MIN_RTT, 20 * MS), "no reordering seen, in recovery");
        assertEquals(MIN_RTT / 4, rack.reoWndNs(false, MIN_RTT, 20 * MS));
        rack.onDsack(0, 10 * MSS);
        assertEquals(2 * (MIN_RTT / 4), rack.reoWndNs(false, MIN_RTT, 20 * MS));
        rack.onDsack(0, 10 * MSS); // same round: no growth
        assertEquals(2 * (MIN_RTT / 4), rack.reoWndNs(false, MIN_RTT, 20 * MS));
        rack.onDsack(10 * MSS, 20 * MSS);
        assertEquals(3 * (MIN_RTT / 4), rack.reoWndNs(false, MIN_RTT, 20 * MS));
        assertEquals(4 * MS, rack.reoWndNs(false, MIN_RTT, 4 * MS), "at most SRTT");
    }
}
