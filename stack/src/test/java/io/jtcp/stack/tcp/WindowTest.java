package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Seg.ack;
import static io.jtcp.stack.harness.Seg.data;
import static io.jtcp.stack.harness.Seg.syn;
import static io.jtcp.stack.harness.Seg.synAck;
import static io.jtcp.stack.tcp.TcpState.ESTABLISHED;

import io.jtcp.stack.harness.Packet;
import io.jtcp.stack.harness.Seg;
import io.jtcp.stack.harness.TcpScript;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Windows: the acceptability test of RFC 9293 §3.10.7.4 (all four rows of table 6), trimming,
 * out-of-order data, zero-window probing (§3.8.6.1), window updates (§3.8.6.2.2), MSS (§3.7.1).
 */
class WindowTest {

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    /** An established connection whose receive buffer (1 KiB) the peer has filled: RCV.WND = 0. */
    private static TcpScript zeroReceiveWindow() {
        TcpScript s = new TcpScript(c -> c.receiveBufferBytes(1024)).autoRead(false);
        s.establishedPassive();
        s.inject(data(1024).seq(1).ack(1));
        s.expect(ack().seq(1).ack(1025).win(0));
        return s;
    }

    /** Table 6 row 1 (length 0, window 0): SEG.SEQ = RCV.NXT is acceptable — no reply. */
    @Test
    void shouldAcceptEmptySegmentAtRcvNxtWhenWindowIsZero() {
        TcpScript s = zeroReceiveWindow();
        s.inject(ack().seq(1025).ack(1));
        s.expectNothing();
        s.assertState(ESTABLISHED);
    }

    /** Table 6 row 1 (length 0, window 0): any other SEG.SEQ is unacceptable → ACK. */
    @Test
    void shouldAckEmptySegmentOffRcvNxtWhenWindowIsZero() {
        TcpScript s = zeroReceiveWindow();
        s.inject(ack().seq(1026).ack(1));
        s.expect(ack().seq(1).ack(1025).win(0));
    }

    /** Table 6 row 3 (length > 0, window 0): never acceptable → ACK, data not buffered. */
    @Test
    void shouldRejectDataWhenWindowIsZero() {
        TcpScript s = zeroReceiveWindow();
        s.inject(data(10).seq(1025).ack(1));
        s.expect(ack().seq(1).ack(1025).win(0));
        s.checkEquals(1024, s.conn().readableBytes(), "readable bytes unchanged");
    }

    /** §3.10.7.4: "special allowance should be made to accept valid ACKs" with a zero window. */
    @Test
    void shouldProcessAckOfOurDataWhenWindowIsZero() {
        TcpScript s = zeroReceiveWindow();
        s.write(10);
        s.expect(data(10).seq(1).ack(1025));
        s.inject(ack().seq(1025).ack(11));
        s.expectNothing();
        s.checkEquals(0, s.conn().bytesInFlight(), "our data acknowledged");
    }

    /** Table 6 row 2 (length 0, window > 0): RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND → accepted quietly. */
    @Test
    void shouldAcceptEmptySegmentInsideWindow() {
        TcpScript s = new TcpScript().establishedPassive();
        s.inject(ack().seq(1000).ack(1));
        s.expectNothing();
    }

    /** Table 6 row 2: SEG.SEQ = RCV.NXT+RCV.WND is just outside → ACK. */
    @Test
    void shouldAckEmptySegmentJustBeyondRightEdge() {
        TcpScript s = new TcpScript(c -> c.receiveBufferBytes(4096)).establishedPassive();
        int wnd = s.conn().receiveWindowBytes();
        s.check(wnd > 0 && wnd <= 4096, "window within the buffer: " + wnd);
        s.inject(ack().seq(1 + wnd).ack(1));
        s.expect(ack().seq(1).ack(1));
        s.inject(ack().seq(wnd).ack(1)); // last sequence number inside: acceptable
        s.expectNothing();
    }

    /** Table 6 row 4: a segment straddling the left edge is acceptable; only the new part is kept. */
    @Test
    void shouldTrimSegmentOverlappingLeftEdge() {
        TcpScript s = new TcpScript().establishedPassive();
        s.inject(data("hello").seq(1).ack(1));
        s.expect(ack().seq(1).ack(6));
        s.inject(data("lloworld").seq(3).ack(1));
        s.expect(ack().seq(1).ack(11));
        s.checkEquals("helloworld", text(s.received()), "received");
    }

    /** RFC 9293 §3.10.7.4 "trim ... portions that lie outside the window": the right edge. */
    @Test
    void shouldTrimSegmentOverlappingRightEdge() {
        TcpScript s = new TcpScript(c -> c.receiveBufferBytes(4096)).autoRead(false);
        s.establishedPassive();
        int wnd = s.conn().receiveWindowBytes();
        s.inject(data(wnd - 100).seq(1).ack(1));
        Packet a = s.expect(ack().seq(1).ack(wnd - 99));
        int left = a.window;
        s.check(left > 0 && left <= 100, "right edge kept: window now " + left);
        s.inject(data(left + 200).seq(wnd - 99).ack(1));
        s.expect(ack().seq(1).ack(wnd - 99 + left));
        s.checkEquals(wnd - 100 + left, s.conn().readableBytes(), "only the in-window part kept");
    }

    /** RFC 9293 §3.10.7.4 SHLD-31 (hold later segments) and MAY-13 (ACK RCV.NXT at once). */
    @Test
    void shouldHoldOutOfOrderDataAndAckRcvNxt() {
        TcpScript s = new TcpScript().establishedPassive();
        s.inject(data("world").seq(6).ack(1));
        s.expect(ack().seq(1).ack(1));
        s.checkEquals(0, s.received().length, "nothing delivered before the gap fills");
        s.inject(data("hello").seq(1).ack(1));
        s.expect(ack().seq(1).ack(11));
        s.checkEquals("helloworld", text(s.received()), "received");
    }

    /** RFC 9293 §3.8.6.2.2 (receiver SWS avoidance) and §3.8.6.1: after a zero window, reading sends an update. */
    @Test
    void shouldSendWindowUpdateWhenApplicationFreesSpaceAfterZeroWindow() {
        TcpScript s = zeroReceiveWindow();
        s.expectNothing();
        s.checkEquals(1024, s.read(), "read everything");
        Packet update = s.expect(ack().seq(1).ack(1025));
        s.check(update.window >= 512, "window reopened by at least half the buffer: " + update.window);
    }

    /** RFC 9293 §3.8.6.2.2: freeing less than min(MSS, buffer/2) does not send a tiny window update. */
    @Test
    void shouldNotAdvertiseTinyWindowIncrease() {
        TcpScript s = zeroReceiveWindow();
        s.app("read 10 bytes", c -> c.read(new byte[10], 0, 10));
        s.expectNothing();
    }

    /** RFC 9293 §3.8.6.1 (SHLD-29, SHLD-30): zero-window probes at RTO, backing off exponentially. */
    @Test
    void shouldProbeZeroWindowWithBackoffWhenPeerWindowIsZero() {
        TcpScript s = new TcpScript().establishedPassive();
        s.inject(ack().seq(1).ack(1).win(0));
        s.expectNothing();
        s.write(100);
        s.expectNothing(); // nothing fits a zero window
        long start = s.now();
        long rto = s.conn().rtoNs();
        Seg probe = ack().anyLen().where("at most one byte", p -> p.len() <= 1).where("at SND.UNA-1 or SND.UNA", p -> {
            int rel = p.seq - s.localIsn();
            return rel == 0 || rel == 1;
        });
        s.expectAt(start + rto, probe);
        s.inject(ack().seq(1).ack(1).win(0));
        s.expectNothing();
        long second = s.nextDeadline();
        s.check(second - (start + rto) >= 2 * rto - 1, "second probe backed off: after " + (second - start - rto));
        s.advanceToNextDeadline();
        s.expect(probe);
        s.inject(ack().seq(1).ack(1).win(65535));
        List<Packet> out = s.drain();
        int end = 0;
        for (Packet p : out) {
            end = Math.max(end, p.seq - s.localIsn() + p.len());
        }
        s.checkEquals(101, end, "all data sent once the window opens");
    }

    /** RFC 9293 §3.8.6 / §3.10.2: never send beyond the peer's window. */
    @Test
    void shouldNotSendBeyondPeerWindow() {
        TcpScript s = new TcpScript().establishedPassive();
        s.inject(ack().seq(1).ack(1).win(1000));
        s.write(3000);
        int sent = 0;
        for (Packet p : s.drain()) {
            sent += p.len();
        }
        s.checkEquals(1000, sent, "bytes sent into a 1000-byte window");
        s.inject(ack().seq(1).ack(1001).win(1000));
        sent = 0;
        for (Packet p : s.drain()) {
            s.check(p.seq - s.localIsn() >= 1001, "new data only");
            sent += p.len();
        }
        s.checkEquals(1000, sent, "the next window's worth");
    }

    private static int[] segmentSizesAfterHandshake(TcpScript s, Integer peerMss, int bytes) {
        s.listen(8080);
        Seg synSeg = syn().seq(0);
        if (peerMss != null) {
            synSeg.mss(peerMss);
        }
        s.inject(synSeg);
        s.expect(synAck().seq(0).ack(1));
        s.inject(ack().seq(1).ack(1));
        s.write(bytes);
        List<Packet> out = s.drain();
        int[] sizes = new int[out.size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = out.get(i).len();
        }
        return sizes;
    }

    /** RFC 9293 §3.7.1 (MUST-15): no MSS option → assume 536. */
    @Test
    void shouldSendAtMost536BytesWhenPeerSentNoMss() {
        TcpScript s = new TcpScript();
        int[] sizes = segmentSizesAfterHandshake(s, null, 1200);
        s.checkEquals("[536, 536, 128]", java.util.Arrays.toString(sizes), "segment sizes");
    }

    /** RFC 9293 §3.7.1: the peer's MSS option bounds our segments. */
    @Test
    void shouldHonourPeerMssWhenSegmenting() {
        TcpScript s = new TcpScript();
        int[] sizes = segmentSizesAfterHandshake(s, 1000, 2500);
        s.checkEquals("[1000, 1000, 500]", java.util.Arrays.toString(sizes), "segment sizes");
    }

    /** RFC 9293 §3.7.1: Eff.snd.MSS = min(peer MSS, our MTU − 40). */
    @Test
    void shouldUseOwnMtuWhenSmallerThanPeerMss() {
        TcpScript s = new TcpScript(c -> c.mtuBytes(1000));
        int[] sizes = segmentSizesAfterHandshake(s, 1460, 2000);
        s.checkEquals("[960, 960, 80]", java.util.Arrays.toString(sizes), "segment sizes");
    }

    /**
     * RFC 9293 §3.10.7.4 fifth step: the send window is taken only from the newest segment
     * (SND.WL1/SND.WL2 check) and only when SND.UNA =< SEG.ACK; a reordered older ACK does not
     * shrink it.
     */
    @Test
    void shouldIgnoreWindowOfReorderedOlderAck() {
        TcpScript s = new TcpScript().establishedPassive();
        s.write(100);
        s.expect(data(100).seq(1));
        s.inject(ack().seq(1).ack(101).win(3000));
        s.checkEquals(3000, s.conn().sendWindowBytes(), "window from the newest ACK");
        s.inject(ack().seq(1).ack(51).win(100)); // sent before the one above, arrived after
        s.checkEquals(3000, s.conn().sendWindowBytes(), "older ACK ignored for the window");
    }

    /** RFC 9293 §3.9.1 (SHLD-27 area): the last segment of what the application wrote carries PSH. */
    @Test
    void shouldSetPushOnLastSegmentOfAWrite() {
        TcpScript s = new TcpScript().establishedPassive();
        s.write(2000);
        s.expect(data(1460).seq(1));
        s.expect(data(540).seq(1461).psh());
    }

    /** RFC 6093 §5 / RFC 9293 §3.8.5: urgent data is delivered in line, in order, like any other. */
    @Test
    void shouldDeliverUrgentDataInLine() {
        TcpScript s = new TcpScript().establishedPassive();
        s.inject(data("abc").with(io.jtcp.stack.wire.TcpHeader.URG).seq(1).ack(1));
        s.expect(ack().seq(1).ack(4));
        s.checkEquals("abc", text(s.received()), "received in line");
    }

    /**
     * RFC 5681 §2: an ACK with no data and an unchanged window is a duplicate ACK to a sender with
     * data outstanding — three of them trigger a spurious fast retransmit. So a "window update"
     * that cannot change the advertised window (an unscaled window is capped at 65535, RFC 7323
     * §2.3) must not be sent: a gap-filling segment, ACKed at once, then read, gets one ACK.
     */
    @Test
    void shouldNotSendWindowUpdateThatLeavesTheWindowUnchanged() {
        TcpScript s = new TcpScript().establishedPassive(); // unscaled, 1 MiB buffer
        s.inject(data("world").seq(6).ack(1));
        s.expect(ack().seq(1).ack(1));
        s.inject(data("hello").seq(1).ack(1));
        s.expect(ack().seq(1).ack(11));
        s.expectNothing();
        s.checkEquals("helloworld", text(s.received()), "received");
    }
}
