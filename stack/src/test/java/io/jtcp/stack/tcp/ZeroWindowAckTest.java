package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Seg.ack;
import static io.jtcp.stack.harness.Seg.data;
import static io.jtcp.stack.harness.Seg.syn;
import static io.jtcp.stack.harness.Seg.synAck;

import io.jtcp.stack.harness.Packet;
import io.jtcp.stack.harness.TcpScript;
import org.junit.jupiter.api.Test;

/**
 * The deadlock found against the Linux kernel: window fields rounded up under window scaling let
 * the peer send past the edge we accept; with our window then zero, its ACKs (SEQ past RCV.NXT)
 * were dropped whole and our data was never acknowledged.
 */
class ZeroWindowAckTest {

    /** RFC 9293 §3.10.7.4: with RCV.WND = 0, a valid ACK is still taken even at SEQ > RCV.NXT. */
    @Test
    void shouldTakeAckFieldWhenWindowIsZeroAndSeqIsPastRcvNxt() {
        TcpScript s = new TcpScript(c -> c.receiveBufferBytes(1024)).autoRead(false);
        s.establishedPassive();
        s.inject(data(1024).seq(1).ack(1));
        s.expect(ack().seq(1).ack(1025).win(0));
        s.write(100);
        s.expect(data(100).seq(1).ack(1025));
        // The peer's ACK of our data sits 10 bytes past RCV.NXT (bytes it sent that we trimmed).
        s.inject(ack().seq(1035).ack(101));
        s.expect(ack().seq(101).ack(1025).win(0));
        s.checkEquals(0, s.conn().bytesInFlight(), "our 100 bytes are acknowledged");
    }

    /** RFC 7323 §2.3: the window field is the free space shifted right, rounded down. */
    @Test
    void shouldRoundScaledWindowDownWhenAdvertising() {
        TcpScript s =
                new TcpScript(c -> c.receiveBufferBytes(1 << 20).initialReceiveBufferBytes(1 << 20)).autoRead(false);
        s.listen(8080);
        s.inject(syn().seq(0).mss(1460).wscale(7));
        Packet sa = s.expect(synAck().seq(0).ack(1));
        int shift = sa.windowScale;
        s.check(shift > 0, "we scale a 1 MiB buffer");
        s.inject(ack().seq(1).ack(1).win(512));
        s.inject(data(1000).seq(1).ack(1).win(512));
        Packet a = s.expect(ack().seq(1).ack(1001));
        int free = (1 << 20) - 1000;
        s.checkEquals(free >>> shift, a.window, "window field: free space shifted");
        // 100 more bytes move RCV.NXT off the 2^shift grid while the edge stays (a move under the
        // SWS threshold): the field must round down, not up.
        int edge = 1001 + (a.window << shift);
        s.inject(data(100).seq(1001).ack(1).win(512));
        Packet b = s.expect(ack().seq(1).ack(1101));
        s.checkEquals((edge - 1101) >>> shift, b.window, "window field rounded down");
        s.check(((edge - 1101) & ((1 << shift) - 1)) != 0, "the case really is off the grid");
    }
}
