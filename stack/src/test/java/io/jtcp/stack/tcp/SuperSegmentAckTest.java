package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Seg.ack;
import static io.jtcp.stack.harness.Seg.data;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jtcp.stack.harness.TcpScript;
import org.junit.jupiter.api.Test;

/**
 * ACKs for super-segments (GRO'd by the device, offloads on): every second one is acknowledged
 * when the application has read it, not once per burst of reads (RFC 5681 §4.2: an ACK at least
 * every second full-sized segment, counted in the units the device delivers).
 */
class SuperSegmentAckTest {
    private static final int SEGMENT = 1448;
    private static final int SUPER = 8 * SEGMENT; // five fit in the 64 KiB initial window

    @Test
    void shouldAckEverySecondSuperSegmentOfABurstAsItIsRead() {
        TcpScript s = new TcpScript().establishedPassive();
        s.injectBatch(
                data(SUPER).seq(1).ack(1),
                data(SUPER).seq(1 + SUPER).ack(1),
                data(SUPER).seq(1 + 2 * SUPER).ack(1),
                data(SUPER).seq(1 + 3 * SUPER).ack(1),
                data(SUPER).seq(1 + 4 * SUPER).ack(1));
        s.expect(ack().seq(1).ack(1 + 2 * SUPER));
        s.expect(ack().seq(1).ack(1 + 4 * SUPER));
        s.expect(ack().seq(1).ack(1 + 5 * SUPER)); // the end of the burst, as before
        s.expectNothing();
        assertEquals(5 * SUPER, s.received().length);
    }

    @Test
    void shouldAdvertiseTheSpaceTheReadFreed() {
        TcpScript s = new TcpScript().establishedPassive();
        s.injectBatch(data(SUPER).seq(1).ack(1));
        int window = s.expect(ack().seq(1).ack(1 + SUPER)).window; // the end of the burst
        s.injectBatch(
                data(SUPER).seq(1 + SUPER).ack(1),
                data(SUPER).seq(1 + 2 * SUPER).ack(1));
        // The application read both before the ACK left: the window did not shrink.
        assertEquals(window, s.expect(ack().seq(1).ack(1 + 3 * SUPER)).window);
        s.expectNothing();
    }

    @Test
    void shouldStillAckABurstOfWireSegmentsOncePerBurst() {
        TcpScript s = new TcpScript().establishedPassive();
        s.injectBatch(
                data(SEGMENT).seq(1).ack(1),
                data(SEGMENT).seq(1 + SEGMENT).ack(1),
                data(SEGMENT).seq(1 + 2 * SEGMENT).ack(1));
        s.expect(ack().seq(1).ack(1 + 3 * SEGMENT));
        s.expectNothing();
    }
}
