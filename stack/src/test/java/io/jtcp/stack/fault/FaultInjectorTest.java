package io.jtcp.stack.fault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.harness.EchoClient;
import io.jtcp.stack.harness.EchoServer;
import io.jtcp.stack.tcp.CloseReason;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class FaultInjectorTest {
    private static final long MS = 1_000_000L;

    /** Collects released packets: their first 4 bytes are the index the test wrote. */
    private static final class Collector {
        final List<byte[]> packets = new ArrayList<>();

        void take(org.agrona.DirectBuffer b, int off, int len) {
            byte[] copy = new byte[len];
            b.getBytes(off, copy);
            packets.add(copy);
        }

        int index(int i) {
            return new UnsafeBuffer(packets.get(i)).getInt(0);
        }
    }

    private static UnsafeBuffer packet(int index) {
        UnsafeBuffer b = new UnsafeBuffer(new byte[100]);
        b.putInt(0, index);
        for (int i = 4; i < 100; i++) {
            b.putByte(i, (byte) (index * 31 + i));
        }
        return b;
    }

    private static Collector run(FaultSpec spec, int count, long gapNs, long untilNs) {
        FaultInjector f = new FaultInjector(spec, 2048);
        Collector c = new Collector();
        long now = 0;
        for (int i = 0; i < count; i++) {
            f.offer(now, packet(i), 0, 100);
            f.poll(now, c::take);
            now += gapNs;
        }
        for (int guard = 0; guard < 1_000_000 && f.queued() > 0; guard++) {
            now = Math.max(now, f.nextDeadlineNs());
            f.poll(now, c::take);
        }
        assertEquals(0, f.queued(), "everything released by " + untilNs);
        return c;
    }

    @Test
    void shouldPassEverythingThroughInOrderWhenNoFaultIsSet() {
        Collector c = run(FaultSpec.none(), 1000, 1000, 0);
        assertEquals(1000, c.packets.size());
        for (int i = 0; i < 1000; i++) {
            assertEquals(i, c.index(i));
            assertArrayEquals(packet(i).byteArray(), c.packets.get(i));
        }
    }

    @Test
    void shouldDropAboutTheConfiguredShareWhenLossIsSet() {
        FaultInjector f = new FaultInjector(FaultSpec.parse("loss=30%,seed=3"), 2048);
        Collector c = new Collector();
        for (int i = 0; i < 10_000; i++) {
            f.offer(0, packet(i), 0, 100);
            f.poll(0, c::take);
        }
        assertTrue(f.dropped() > 2800 && f.dropped() < 3200, "dropped " + f.dropped() + " of 10000 at 30%");
        assertEquals(10_000 - f.dropped(), c.packets.size());
        for (int i = 1; i < c.packets.size(); i++) {
            assertTrue(c.index(i) > c.index(i - 1), "order kept");
        }
    }

    @Test
    void shouldReleaseTwoCopiesWhenDuplicateIsCertain() {
        Collector c = run(FaultSpec.parse("duplicate=100%"), 50, 1000, 0);
        assertEquals(100, c.packets.size());
        for (int i = 0; i < 50; i++) {
            assertEquals(i, c.index(2 * i));
            assertEquals(i, c.index(2 * i + 1));
        }
    }

    @Test
    void shouldHoldEachPacketForTheDelayWhenDelayIsSet() {
        FaultInjector f = new FaultInjector(FaultSpec.parse("delay=1ms"), 2048);
        Collector c = new Collector();
        f.offer(10 * MS, packet(0), 0, 100);
        f.offer(10 * MS + 500, packet(1), 0, 100);
        assertEquals(11 * MS, f.nextDeadlineNs());
        f.poll(11 * MS - 1, c::take);
        assertEquals(0, c.packets.size(), "nothing before the delay");
        f.poll(11 * MS, c::take);
        assertEquals(1, c.packets.size());
        f.poll(11 * MS + 500, c::take);
        assertEquals(2, c.packets.size());
        assertEquals(Long.MAX_VALUE, f.nextDeadlineNs());
    }

    @Test
    void shouldLetReorderedPacketsOvertakeDelayedOnesWhenReorderIsSet() {
        Collector c = run(FaultSpec.parse("delay=1ms,reorder=25%,seed=5"), 2000, 10_000, 0);
        assertEquals(2000, c.packets.size(), "nothing lost");
        int inversions = 0;
        for (int i = 1; i < c.packets.size(); i++) {
            if (c.index(i) < c.index(i - 1)) {
                inversions++;
            }
        }
        assertTrue(inversions > 100, "reordering happened: " + inversions + " inversions");
    }

    @Test
    void shouldSwapWithTheNextPacketWhenReorderingWithoutDelay() {
        FaultInjector f = new FaultInjector(FaultSpec.parse("reorder=100%"), 2048);
        Collector c = new Collector();
        f.offer(0, packet(0), 0, 100); // held
        f.poll(0, c::take);
        assertEquals(0, c.packets.size(), "the reordered packet waits for a successor");
        // The next one is reordered too but the hold slot is taken, so it goes out first.
        f.offer(0, packet(1), 0, 100);
        f.poll(0, c::take);
        assertEquals(List.of(1, 0), List.of(c.index(0), c.index(1)));
        f.offer(0, packet(2), 0, 100); // held, and nothing follows
        f.poll(FaultInjector.HOLD_NS, c::take);
        assertEquals(2, c.index(2), "released after the hold time");
    }

    @Test
    void shouldFlipExactlyOneBitWhenCorruptIsCertain() {
        Collector c = run(FaultSpec.parse("corrupt=100%,seed=9"), 200, 1000, 0);
        for (byte[] p : c.packets) {
            int index = -1;
            // Find the original by trying every index; a flipped bit in bytes 0..3 changes the index.
            int bestDiff = Integer.MAX_VALUE;
            for (int i = 0; i < 200; i++) {
                int diff = 0;
                byte[] o = packet(i).byteArray();
                for (int k = 0; k < 100; k++) {
                    diff += Integer.bitCount((o[k] ^ p[k]) & 0xFF);
                }
                if (diff < bestDiff) {
                    bestDiff = diff;
                    index = i;
                }
            }
            assertEquals(1, bestDiff, "exactly one bit flipped (packet " + index + ")");
        }
    }

    @Test
    void shouldDropAndCountWhenThePoolIsFull() {
        FaultInjector f = new FaultInjector(FaultSpec.parse("delay=1s,limit=10"), 2048);
        for (int i = 0; i < 25; i++) {
            f.offer(0, packet(i), 0, 100);
        }
        assertEquals(10, f.queued());
        assertEquals(15, f.overflowed());
    }

    @Test
    void shouldRepeatExactlyWhenTheSeedIsTheSame() {
        String spec = "loss=10%,duplicate=5%,reorder=10%,delay=2ms,jitter=1ms,corrupt=1%,seed=42";
        Collector a = run(FaultSpec.parse(spec), 3000, 20_000, 0);
        Collector b = run(FaultSpec.parse(spec), 3000, 20_000, 0);
        assertEquals(a.packets.size(), b.packets.size());
        for (int i = 0; i < a.packets.size(); i++) {
            assertArrayEquals(a.packets.get(i), b.packets.get(i));
        }
        Collector other = run(FaultSpec.parse(spec.replace("seed=42", "seed=43")), 3000, 20_000, 0);
        assertFalse(other.packets.size() == a.packets.size() && sameOrder(other, a), "another seed, other faults");
    }

    private static boolean sameOrder(Collector x, Collector y) {
        for (int i = 0; i < x.packets.size(); i++) {
            if (x.index(i) != y.index(i)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void shouldParseNetemLikeSpecs() {
        FaultSpec s =
                FaultSpec.parse("loss=5%, delay=1ms, reorder=10%, duplicate=1%, corrupt=0.001, jitter=200us, seed=7");
        assertEquals(0.05, s.lossProbability, 1e-12);
        assertEquals(0.10, s.reorderProbability, 1e-12);
        assertEquals(0.01, s.duplicateProbability, 1e-12);
        assertEquals(0.001, s.corruptProbability, 1e-12);
        assertEquals(1_000_000L, s.delayNs);
        assertEquals(200_000L, s.jitterNs);
        assertEquals(7L, s.seed);
        assertTrue(FaultSpec.none().isNone());
    }

    @Test
    void shouldRejectBadSpecsWithAMessageNamingThePart() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FaultSpec.parse("los=5%"))
                .getMessage()
                .contains("unknown fault 'los'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FaultSpec.parse("loss=150%"))
                .getMessage()
                .contains("loss"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FaultSpec.parse("delay=5"))
                .getMessage()
                .contains("unit"));
        assertThrows(IllegalArgumentException.class, () -> FaultSpec.parse("jitter=1ms"));
        assertThrows(IllegalArgumentException.class, () -> FaultSpec.parse("loss"));
        assertThrows(IllegalArgumentException.class, () -> FaultSpec.parse(""));
        // Found by fuzzing: "," split into no parts at all and meant "no faults", unlike "".
        assertThrows(IllegalArgumentException.class, () -> FaultSpec.parse(","));
        assertThrows(IllegalArgumentException.class, () -> FaultSpec.parse("loss=1%,"));
    }

    /**
     * Issue 4's netem recipe without netem: two engines through a pair of injectors (loss 5%,
     * delay 1 ms, reorder 10%, duplicate 1%, plus corruption the checksums must catch); 2 MiB
     * echoed, checked by SHA-256.
     */
    @Test
    void shouldKeepAnEchoIntactThroughNetemLikeFaults() throws Exception {
        final int a = (10 << 24) | (7 << 16) | 2;
        final int b = (10 << 24) | (7 << 16) | 1;
        String spec = "loss=5%,delay=1ms,reorder=10%,duplicate=1%,corrupt=0.1%";
        FaultInjector toB = new FaultInjector(FaultSpec.parse(spec + ",seed=1"), 2048);
        FaultInjector toA = new FaultInjector(FaultSpec.parse(spec + ",seed=2"), 2048);
        long[] now = {1_000_000_000L};
        NetworkStack sa = new NetworkStack(
                new StackConfig().localAddr(a).isnSecret(new byte[16]),
                (buf, off, len) -> toB.offer(now[0], buf, off, len));
        NetworkStack sb = new NetworkStack(
                new StackConfig().localAddr(b).isnSecret(new byte[16]),
                (buf, off, len) -> toA.offer(now[0], buf, off, len));
        sb.listen(7, conn -> new EchoServer());
        byte[] data = new byte[2 << 20];
        new Random(11).nextBytes(data);
        EchoClient client = new EchoClient(data);
        sa.connect(now[0], b, 7, client);
        for (int step = 0; step < 2_000_000 && client.closeReason() == null; step++) {
            sa.flush(now[0]);
            sb.flush(now[0]);
            long next = Math.min(
                    Math.min(sa.nextDeadlineNs(), sb.nextDeadlineNs()),
                    Math.min(toA.nextDeadlineNs(), toB.nextDeadlineNs()));
            if (next == Long.MAX_VALUE) {
                break;
            }
            now[0] = Math.max(now[0], next);
            toB.poll(now[0], (buf, off, len) -> sb.onPacket(now[0], (UnsafeBuffer) buf, off, len));
            toA.poll(now[0], (buf, off, len) -> sa.onPacket(now[0], (UnsafeBuffer) buf, off, len));
            sa.onTimeout(now[0]);
            sb.onTimeout(now[0]);
        }
        assertEquals(
                CloseReason.NORMAL,
                client.closeReason(),
                "client finished; faults " + toB.describe() + " / " + toA.describe());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        assertArrayEquals(sha.digest(data), MessageDigest.getInstance("SHA-256").digest(client.received()));
        assertTrue(
                toB.dropped() > 0 && toB.reordered() > 0 && toB.duplicated() > 0 && toB.corrupted() > 0,
                toB.describe());
        long checksumDrops = sa.counters().totalDrops() + sb.counters().totalDrops();
        assertTrue(checksumDrops > 0, "corrupted packets were caught and dropped");
        System.out.printf(
                "netem-like echo of %d bytes: virtual %.2f s; to B: %s; to A: %s%n",
                data.length, (now[0] - 1e9) / 1e9, toB.describe(), toA.describe());
    }
    // ---- rate limit (issue #10) ----

    /** Offers {@code count} packets of {@code size} bytes {@code gapNs} apart, polling at every event. */
    private static List<long[]> runTimed(FaultInjector f, int count, int size, long gapNs) {
        List<long[]> out = new ArrayList<>(); // {release time, index}
        UnsafeBuffer b = new UnsafeBuffer(new byte[size]);
        long nextOffer = 0;
        int offered = 0;
        for (int guard = 0; guard < 1_000_000 && (offered < count || f.queued() > 0); guard++) {
            final long now = Math.min(offered < count ? nextOffer : Long.MAX_VALUE, f.nextDeadlineNs());
            f.poll(now, (buf, off, len) -> out.add(new long[] {now, buf.getInt(off)}));
            if (offered < count && now == nextOffer) {
                b.putInt(0, offered++);
                f.offer(now, b, 0, size);
                nextOffer += gapNs;
            }
        }
        return out;
    }

    @Test
    void shouldReleaseAtTheRateWhenARateIsSet() {
        // 1500 bytes at 12 Mbit/s take 1 ms: five at once leave at 1, 2, 3, 4 and 5 ms.
        FaultInjector f = new FaultInjector(FaultSpec.parse("rate=12mbit"), 2048);
        Collector c = new Collector();
        for (int i = 0; i < 5; i++) {
            f.offer(0, packet1500(i), 0, 1500);
        }
        f.poll(0, c::take);
        assertEquals(0, c.packets.size(), "nothing leaves before its serialization time");
        for (int i = 1; i <= 5; i++) {
            assertEquals(i * MS, f.nextDeadlineNs());
            f.poll(i * MS - 1, c::take);
            assertEquals(i - 1, c.packets.size());
            f.poll(i * MS, c::take);
            assertEquals(i, c.packets.size());
            assertEquals(i - 1, c.index(i - 1));
        }
        assertEquals(0, f.queueDropped());
    }

    @Test
    void shouldDropAtTheTailOfAFullRateQueueAndCountIt() {
        // A 10-packet queue at 1 Mbit/s, 25 packets at once: 10 kept, 15 dropped and counted.
        FaultInjector f = new FaultInjector(FaultSpec.parse("rate=1mbit,queue=15000b"), 2048);
        for (int i = 0; i < 25; i++) {
            f.offer(0, packet1500(i), 0, 1500);
        }
        assertEquals(10, f.queued());
        assertEquals(15, f.queueDropped());
        assertEquals(0, f.overflowed());
        assertTrue(f.describe().contains("queue_dropped=15"), f.describe());
        // After one packet's 12 ms there is room for exactly one more.
        Collector c = new Collector();
        f.poll(12 * MS, c::take);
        assertEquals(1, c.packets.size());
        f.offer(12 * MS, packet1500(100), 0, 1500);
        f.offer(12 * MS, packet1500(101), 0, 1500);
        assertEquals(16, f.queueDropped());
    }

    @Test
    void shouldNeverExceedTheRateWhenOfferedTwiceIt() {
        // 10 Mbit/s offered 20 Mbit/s for a second, with 5 ms of delay after the bottleneck.
        FaultInjector f = new FaultInjector(FaultSpec.parse("rate=10mbit,queue=45000b,delay=5ms"), 2048);
        List<long[]> out = runTimed(f, 1667, 1500, 600_000);
        assertEquals(1667, out.size() + f.queueDropped(), "each packet released or counted");
        assertTrue(f.queueDropped() > 700, "about half dropped: " + f.queueDropped());
        for (int i = 1; i < out.size(); i++) {
            assertTrue(out.get(i)[1] > out.get(i - 1)[1], "FIFO");
            assertTrue(out.get(i)[0] - out.get(i - 1)[0] >= 1_200_000, "1.2 ms apart at least, at " + i);
        }
        assertEquals(5 * MS + 1_200_000, out.get(0)[0], "serialization, then the delay");
    }

    @Test
    void shouldApplyLossBeforeTheRateQueue() {
        // Half the packets lost at random take no room in the queue: a 10-packet queue keeps 10.
        FaultInjector f = new FaultInjector(FaultSpec.parse("loss=50%,rate=1mbit,queue=15000b,seed=4"), 2048);
        for (int i = 0; i < 40; i++) {
            f.offer(0, packet1500(i), 0, 1500);
        }
        assertEquals(10, f.queued());
        assertEquals(40, f.dropped() + f.queueDropped() + 10);
        assertTrue(f.dropped() > 10, "lost at random: " + f.dropped());
    }

    @Test
    void shouldParseRateAndQueueAndPrintThemBack() {
        FaultSpec s = FaultSpec.parse("rate=200mbit,queue=64k,delay=10ms");
        assertEquals(200_000_000L, s.rateBitsPerSec);
        assertEquals(65_536, s.queueBytes);
        assertFalse(s.isNone());
        assertEquals(FaultSpec.DEFAULT_QUEUE_BYTES, FaultSpec.parse("rate=1.5gbit").queueBytes);
        assertEquals(1_500_000_000L, FaultSpec.parse("rate=1.5gbit").rateBitsPerSec);
        FaultSpec again = FaultSpec.parse(s.toString());
        assertEquals(s.rateBitsPerSec, again.rateBitsPerSec);
        assertEquals(s.queueBytes, again.queueBytes);
        assertEquals(s.rateBitsPerSec, s.withSeed(9).rateBitsPerSec);
        assertEquals(0, FaultSpec.parse("loss=1%").rateBitsPerSec);
        assertFalse(FaultSpec.parse("loss=1%").toString().contains("rate"));
        for (String bad : new String[] {
            "rate=100",
            "rate=100mb",
            "rate=0mbit",
            "rate=-1mbit",
            "rate=1e3mbit",
            "rate=NaNmbit",
            "rate=5000gbit",
            "queue=64k",
            "rate=1mbit,queue=1000b",
            "rate=1mbit,queue=64kbit",
            "rate=1mbit,queue=2g",
            "rate=1.mbit"
        }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FaultSpec.parse(bad), bad);
            assertTrue(e.getMessage().contains("rate") || e.getMessage().contains("queue"), e.getMessage());
        }
    }

    private static UnsafeBuffer packet1500(int index) {
        UnsafeBuffer b = new UnsafeBuffer(new byte[1500]);
        b.putInt(0, index);
        return b;
    }
}
