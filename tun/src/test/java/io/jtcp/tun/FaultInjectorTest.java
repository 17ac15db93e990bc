package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class FaultInjectorTest {
    private final List<Integer> delivered = new ArrayList<>();
    private final List<byte[]> contents = new ArrayList<>();
    private final FaultInjector.Deliver out = (b, o, l) -> {
        delivered.add(b.getInt(o));
        byte[] copy = new byte[l];
        b.getBytes(o, copy);
        contents.add(copy);
    };

    private static UnsafeBuffer packet(int id) {
        UnsafeBuffer b = new UnsafeBuffer(new byte[100]);
        b.putInt(0, id);
        return b;
    }

    private void send(FaultInjector f, long nowNs, int n) {
        for (int i = 0; i < n; i++) {
            f.offer(nowNs, packet(i), 0, 100, out);
        }
    }

    @Test
    void shouldPassEverythingThroughUncopiedWhenNoFault() {
        FaultInjector f = new FaultInjector(FaultInjector.Spec.parse("seed=1"), 1500);
        send(f, 0, 1000);
        assertEquals(1000, delivered.size());
        assertEquals(0, f.held());
    }

    @Test
    void shouldDropAboutTheRateAndTheSameWithTheSameSeed() {
        FaultInjector f = new FaultInjector(FaultInjector.Spec.parse("drop=0.1,seed=7"), 1500);
        send(f, 0, 10_000);
        assertTrue(Math.abs(f.dropped() - 1000) < 150, "dropped " + f.dropped());
        List<Integer> first = new ArrayList<>(delivered);
        delivered.clear();
        send(new FaultInjector(FaultInjector.Spec.parse("drop=0.1,seed=7"), 1500), 0, 10_000);
        assertEquals(first, delivered, "seeded: the same packets are dropped");
    }

    @Test
    void shouldDelayInOrderUntilDue() {
        FaultInjector f = new FaultInjector(FaultInjector.Spec.parse("delay=5ms"), 1500);
        send(f, 0, 10);
        assertEquals(0, delivered.size());
        assertEquals(5_000_000L, f.nextDeadlineNs());
        f.poll(4_999_999L, out);
        assertEquals(0, delivered.size());
        f.poll(5_000_000L, out);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), delivered);
        assertEquals(Long.MAX_VALUE, f.nextDeadlineNs());
    }

    @Test
    void shouldLetLaterPacketsOvertakeReorderedOnes() {
        FaultInjector f = new FaultInjector(FaultInjector.Spec.parse("reorder=0.2,seed=3"), 1500);
        for (int i = 0; i < 100; i++) {
            f.offer(i * 10_000L, packet(i), 0, 100, out);
        }
        f.poll(1_000_000_000L, out);
        assertEquals(100, delivered.size());
        assertTrue(f.reordered() > 5, f.describe());
        List<Integer> sorted = new ArrayList<>(delivered);
        sorted.sort(null);
        assertTrue(!sorted.equals(delivered), "some packets arrive out of order");
        assertEquals(sorted, List.copyOf(new java.util.TreeSet<>(delivered)), "none lost, none duplicated");
    }

    @Test
    void shouldDuplicateAndCorruptExactlyOneBit() {
        FaultInjector f = new FaultInjector(FaultInjector.Spec.parse("dup=1,corrupt=1,seed=5"), 1500);
        UnsafeBuffer p = packet(42);
        f.offer(0, p, 0, 100, out);
        assertEquals(2, contents.size(), "a duplicate follows");
        int bits = 0;
        for (int i = 0; i < 100; i++) {
            bits += Integer.bitCount((contents.get(0)[i] ^ p.getByte(i)) & 0xFF);
        }
        assertEquals(1, bits, "one bit flipped in the first copy");
        assertEquals(0, java.util.Arrays.compare(contents.get(1), p.byteArray()), "the duplicate is intact");
    }

    @Test
    void shouldRejectBadSpecs() {
        assertThrows(IllegalArgumentException.class, () -> FaultInjector.Spec.parse("drop=2"));
        assertThrows(IllegalArgumentException.class, () -> FaultInjector.Spec.parse("wobble=1"));
        assertThrows(IllegalArgumentException.class, () -> FaultInjector.Spec.parse("delay=5parsecs"));
        assertEquals(1_500_000L, FaultInjector.Spec.parse("delay=1.5ms").delayNs());
        assertEquals(2_000_000_000L, FaultInjector.Spec.parse("jitter=2s").jitterNs());
        assertEquals(300L, FaultInjector.Spec.parse("delay=300ns").delayNs());
    }
}
