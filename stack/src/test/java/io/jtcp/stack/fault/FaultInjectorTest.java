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
}
