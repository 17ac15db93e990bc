package io.jtcp.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link TimeWaitTable} against a plain model, over 200,000 seeded operations (add, remove,
 * restart, timestamp and invalid-ACK updates) on a table that grows to its cap: every record's
 * fields read back as written (negative values included, as sequence numbers wrap), lookups find
 * exactly the live records, the head is always the earliest deadline, and a freed slot's old
 * handle is no longer live.
 */
class TimeWaitTableModelTest {
    private static final class Model {
        long key;
        long deadline;
        int snd;
        int rcv;
        int wnd;
        int flags;
        int tsRecent;
        int tsOffset;
        long lastInvalidAck;
        int slot;
        int generation;
    }

    @Test
    void shouldBehaveAsTheModel() {
        final Random random = new Random(4242);
        final TimeWaitTable table = new TimeWaitTable(300);
        final Map<Long, Model> live = new HashMap<>();
        final List<Model> gone = new ArrayList<>();
        long now = 1_000;
        for (int op = 0; op < 200_000; op++) {
            now += random.nextInt(3);
            final int what = random.nextInt(10);
            if (what < 5 && table.size() < table.capacity()) {
                final Model m = new Model();
                m.key = random.nextLong() >>> random.nextInt(40);
                if (live.containsKey(m.key)) {
                    continue;
                }
                m.deadline = now + 100;
                m.snd = random.nextInt();
                m.rcv = random.nextInt();
                m.wnd = random.nextInt(65_536);
                m.flags = random.nextBoolean() ? TimeWaitTable.F_TIMESTAMPS : 0;
                m.tsRecent = random.nextInt();
                m.tsOffset = random.nextInt();
                m.slot = table.add(m.key, m.deadline, m.snd, m.rcv, m.wnd, m.flags, m.tsRecent, m.tsOffset);
                m.generation = table.generation(m.slot);
                live.put(m.key, m);
            } else if (!live.isEmpty()) {
                final Model m = live.values().stream()
                        .skip(random.nextInt(live.size()))
                        .findFirst()
                        .orElseThrow();
                switch (what) {
                    case 5, 6 -> {
                        table.remove(m.slot);
                        live.remove(m.key);
                        gone.add(m);
                    }
                    case 7 -> {
                        m.deadline = now + 100;
                        table.restart(m.slot, m.deadline);
                    }
                    case 8 -> {
                        m.tsRecent = random.nextInt();
                        table.tsRecent(m.slot, m.tsRecent);
                    }
                    default -> {
                        m.lastInvalidAck = now;
                        m.flags |= TimeWaitTable.F_INVALID_ACK_SENT;
                        table.invalidAckSent(m.slot, now);
                    }
                }
            }
            check(table, live, gone, random);
        }
    }

    private static void check(TimeWaitTable table, Map<Long, Model> live, List<Model> gone, Random random) {
        assertEquals(live.size(), table.size());
        long earliest = Long.MAX_VALUE;
        for (Model m : live.values()) {
            earliest = Math.min(earliest, m.deadline);
        }
        assertEquals(earliest, table.earliestNs());
        if (!live.isEmpty()) {
            assertEquals(earliest, table.deadlineNs(table.oldest()));
        }
        for (int i = 0; i < 3 && !live.isEmpty(); i++) {
            final Model m = live.values().stream()
                    .skip(random.nextInt(live.size()))
                    .findFirst()
                    .orElseThrow();
            assertEquals(m.slot, table.find(m.key));
            assertTrue(table.live(m.slot, m.generation));
            assertEquals(m.key, table.key(m.slot));
            assertEquals(m.deadline, table.deadlineNs(m.slot));
            assertEquals(m.snd, table.sndNxt(m.slot));
            assertEquals(m.rcv, table.rcvNxt(m.slot));
            assertEquals(m.wnd, table.window(m.slot));
            assertEquals((m.flags & TimeWaitTable.F_TIMESTAMPS) != 0, table.timestamps(m.slot));
            assertEquals((m.flags & TimeWaitTable.F_INVALID_ACK_SENT) != 0, table.invalidAckSent(m.slot));
            if (table.invalidAckSent(m.slot)) {
                assertEquals(m.lastInvalidAck, table.lastInvalidAckNs(m.slot));
            }
            assertEquals(m.tsRecent, table.tsRecent(m.slot));
            assertEquals(m.tsOffset, table.tsOffset(m.slot));
        }
        if (!gone.isEmpty()) {
            final Model m = gone.get(random.nextInt(gone.size()));
            assertFalse(table.live(m.slot, m.generation), "a freed record's handle");
            if (!live.containsKey(m.key)) {
                assertEquals(TimeWaitTable.NONE, table.find(m.key));
            }
        }
    }
}
