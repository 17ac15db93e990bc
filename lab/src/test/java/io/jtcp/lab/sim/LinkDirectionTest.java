package io.jtcp.lab.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class LinkDirectionTest {
    private static final long MS = 1_000_000L;
    private final UnsafeBuffer packet = new UnsafeBuffer(new byte[1500]);

    private record Arrival(long atNs, int length, int index) {}

    @Test
    void shouldNeverCarryMoreThanItsRateWhenOfferedTwiceIt() {
        // 10 Mbit/s, offered 20 Mbit/s of 1500-byte packets for one second, a 30-packet queue.
        LinkDirection link = new LinkDirection(10_000_000L, 45_000, 5 * MS, 0, 1, 1500);
        List<Arrival> arrivals = new ArrayList<>();
        final long gap = 1500 * 8 * 1_000_000_000L / 20_000_000L; // 600 us
        final int offers = 1667;
        long nextOffer = 0;
        int offered = 0;
        for (int guard = 0; guard < 10_000 && (offered < offers || link.inFlight() > 0); guard++) {
            final long now = Math.min(offered < offers ? nextOffer : Long.MAX_VALUE, link.nextArrivalNs());
            link.poll(now, (b, o, l) -> arrivals.add(new Arrival(now, l, b.getInt(o))));
            if (offered < offers && now == nextOffer) {
                packet.putInt(0, offered++);
                link.offer(now, packet, 0, 1500);
                nextOffer += gap;
            }
        }
        assertEquals(offers, link.delivered() + link.queueDrops(), "every packet delivered or counted as dropped");
        assertEquals(link.delivered(), arrivals.size());
        assertTrue(link.queueDrops() > 700, "about half dropped at the full queue: " + link.queueDrops());
        // Any k consecutive arrivals span at least k - 1 serialization times: never above the rate.
        final long serialize = 1500 * 8 * 1_000_000_000L / 10_000_000L;
        for (int i = 1; i < arrivals.size(); i++) {
            assertTrue(arrivals.get(i).index() > arrivals.get(i - 1).index(), "in order");
            assertTrue(arrivals.get(i).atNs() - arrivals.get(i - 1).atNs() >= serialize, "spacing at " + i);
        }
        long span = arrivals.get(arrivals.size() - 1).atNs() - arrivals.get(0).atNs();
        assertTrue((arrivals.size() - 1) * 1500 * 8.0 / (span / 1e9) <= 10_000_000L, "carried at most the rate");
    }

    @Test
    void shouldSpaceDeparturesBySerializationTime() {
        LinkDirection link = new LinkDirection(12_000_000L, 1 << 20, 10 * MS, 0, 1, 1500);
        for (int i = 0; i < 5; i++) {
            assertTrue(link.offer(0, packet, 0, 1500));
            // 1500 B at 12 Mbit/s is 1 ms each: the i-th waits i ms and takes 1 ms.
            assertEquals((i + 1) * MS, link.lastSojournNs());
        }
        long[] at = new long[5];
        int[] n = {0};
        for (long t = 0; t <= 20 * MS; t += 100_000) {
            final long now = t;
            link.poll(now, (b, o, l) -> at[n[0]++] = now);
        }
        for (int i = 0; i < 5; i++) {
            assertEquals(10 * MS + (i + 1) * MS, at[i], "packet " + i);
        }
    }

    @Test
    void shouldDropAtTheTailAndCountItWhenTheQueueIsFull() {
        // A 10-packet queue, 25 packets at once: 10 accepted (the one on the wire included), 15 drops.
        LinkDirection link = new LinkDirection(1_000_000L, 15_000, MS, 0, 1, 1500);
        int accepted = 0;
        for (int i = 0; i < 25; i++) {
            if (link.offer(0, packet, 0, 1500)) {
                accepted++;
            }
        }
        assertEquals(10, accepted);
        assertEquals(15, link.queueDrops());
        assertEquals(0, link.randomLosses());
        // Once one packet has been serialized (12 ms at 1 Mbit/s), there is room for one more.
        assertTrue(link.offer(12 * MS, packet, 0, 1500));
        assertEquals(15, link.queueDrops());
        assertEquals(false, link.offer(12 * MS, packet, 0, 1500));
        assertEquals(16, link.queueDrops());
    }

    @Test
    void shouldLoseRandomlyBeforeTheQueueWithTheSeed() {
        LinkDirection a = new LinkDirection(0, 0, MS, 0.1, 42, 1500);
        LinkDirection b = new LinkDirection(0, 0, MS, 0.1, 42, 1500);
        StringBuilder sa = new StringBuilder();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            sa.append(a.offer(i, packet, 0, 100) ? '1' : '0');
            sb.append(b.offer(i, packet, 0, 100) ? '1' : '0');
            a.poll(i, (x, y, z) -> {});
            b.poll(i, (x, y, z) -> {});
        }
        assertEquals(sa.toString(), sb.toString(), "the same seed loses the same packets");
        assertEquals(0.1, a.randomLosses() / 100_000.0, 0.005);
        assertEquals(0, a.queueDrops(), "an unlimited link has no queue to overflow");
    }

    @Test
    void shouldGrowItsRingAndKeepOrderWhenManyPacketsAreInFlight() {
        LinkDirection link = new LinkDirection(0, 0, 100 * MS, 0, 1, 1500);
        for (int i = 0; i < 5000; i++) {
            packet.putInt(0, i);
            link.offer(i, packet, 0, 64);
        }
        assertEquals(5000, link.inFlight());
        int[] next = {0};
        link.poll(Long.MAX_VALUE - 1, (b, o, l) -> assertEquals(next[0]++, b.getInt(o)));
        assertEquals(5000, next[0]);
        assertEquals(Long.MAX_VALUE, link.nextArrivalNs());
    }
}
