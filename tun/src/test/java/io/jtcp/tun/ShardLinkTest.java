package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.wire.Ipv4Header;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.junit.jupiter.api.Test;

/** The hand-off between shards: to the owner only, whole and in order, bounded, counted, one wake-up per cycle. */
class ShardLinkTest {
    private final FlowSteering steering = new FlowSteering(2, 77);
    private final int[] wakeUps = new int[2];
    private final Runnable[] wakers = {() -> wakeUps[0]++, () -> wakeUps[1]++};
    private ShardLink zero;
    private ShardLink one;

    @Test
    void shouldHandASegmentToItsOwnerAndKeepItsOwnAndNonTcpPackets() {
        links(1 << 20, false);
        UnsafeBuffer forOne = segment(FlowSteeringTest.portOwnedBy(steering, 1, 80), 0);
        UnsafeBuffer forZero = segment(FlowSteeringTest.portOwnedBy(steering, 0, 80), 0);
        for (int i = 0; i < 3; i++) {
            forOne.putByte(40, (byte) i); // a payload byte, to check order
            assertTrue(zero.handOff(forOne, 0, 41));
        }
        assertFalse(zero.handOff(forZero, 0, 41), "its own segment stays");
        assertFalse(one.handOff(forOne, 0, 41), "its own segment stays");
        UnsafeBuffer echo = segment(1, 0);
        echo.putByte(9, (byte) Ipv4Header.PROTOCOL_ICMP);
        assertFalse(zero.handOff(echo, 0, 41), "ICMP echo is answered where it was read");
        assertEquals(0, wakeUps[1], "no wake-up before the end of the cycle");
        zero.wakeOwners();
        zero.wakeOwners();
        assertEquals(1, wakeUps[1], "one wake-up per cycle, not per packet");
        assertEquals(0, wakeUps[0]);
        assertEquals(3, zero.handedOff);
        List<byte[]> got = new ArrayList<>();
        assertTrue(one.pending());
        assertEquals(
                3,
                one.drain(
                        (type, b, index, length) -> {
                            byte[] copy = new byte[length];
                            b.getBytes(index, copy);
                            got.add(copy);
                        },
                        64));
        assertEquals(3, one.handedIn);
        assertFalse(one.pending());
        for (int i = 0; i < 3; i++) {
            forOne.putByte(40, (byte) i);
            byte[] want = new byte[41];
            forOne.getBytes(0, want);
            assertArrayEquals(want, got.get(i), "packet " + i + " whole and in order");
        }
    }

    @Test
    void shouldDropAndCountAtAFullInboxWithoutBlocking() {
        links(64 << 10, false);
        UnsafeBuffer forOne = segment(FlowSteeringTest.portOwnedBy(steering, 1, 80), 0);
        for (int i = 0; i < 100; i++) {
            assertTrue(zero.handOff(forOne, 0, 1500));
        }
        assertTrue(zero.handoffDrops > 0, "a 64 KiB inbox cannot take 100 packets of 1500 bytes");
        assertEquals(100, zero.handedOff + zero.handoffDrops);
        assertEquals(zero.handedOff, one.drain((type, b, index, length) -> {}, 1000));
        long dropsBefore = zero.handoffDrops;
        assertTrue(zero.handOff(forOne, 0, 1500));
        assertEquals(dropsBefore, zero.handoffDrops, "room again after the drain");
        // A message that wraps round the ring's end comes after its padding: at the next read.
        int n = one.drain((type, b, index, length) -> {}, 1000);
        n += one.drain((type, b, index, length) -> {}, 1000);
        assertEquals(1, n);
    }

    @Test
    void shouldLookPastTheVirtioNetHeaderAndHandOverThePacketAsRead() {
        links(1 << 20, true);
        UnsafeBuffer read = segment(FlowSteeringTest.portOwnedBy(steering, 1, 80), VnetHeader.LENGTH);
        read.putByte(0, (byte) 1); // NEEDS_CSUM: the header travels with the packet
        assertTrue(zero.handOff(read, 0, VnetHeader.LENGTH + 40));
        int[] seen = new int[2];
        one.drain(
                (type, b, index, length) -> {
                    seen[0] = length;
                    seen[1] = b.getByte(index);
                },
                64);
        assertEquals(VnetHeader.LENGTH + 40, seen[0]);
        assertEquals(1, seen[1]);
        assertFalse(zero.handOff(read, 0, VnetHeader.LENGTH), "a bare header is left to the reader");
    }

    /** Two shards' ends over inboxes of {@code inboxBytes} each. */
    private void links(int inboxBytes, boolean vnet) {
        ManyToOneRingBuffer[] inboxes = ShardLink.inboxes(2, inboxBytes);
        zero = new ShardLink(0, steering, inboxes, wakers, vnet);
        one = new ShardLink(1, steering, inboxes, wakers, vnet);
    }

    /** A TCP segment REMOTE:remotePort -> LOCAL:80 at {@code at}, in a 2 KiB buffer. */
    private static UnsafeBuffer segment(int remotePort, int at) {
        UnsafeBuffer b = new UnsafeBuffer(new byte[2048]);
        FlowSteeringTest.ipv4(b, at, Ipv4Header.PROTOCOL_TCP, FlowSteeringTest.REMOTE, FlowSteeringTest.LOCAL, 41);
        b.putShort(at + 20, (short) remotePort, ByteOrder.BIG_ENDIAN);
        b.putShort(at + 22, (short) 80, ByteOrder.BIG_ENDIAN);
        return b;
    }
}
