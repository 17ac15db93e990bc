package io.jtcp.tun.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ServiceTimersTest {
    private static final class Probe extends ServiceTimer {
        final List<Long> fired = new ArrayList<>();
        long want = Long.MAX_VALUE;

        @Override
        protected void onExpired(long nowNs) {
            fired.add(nowNs);
        }
    }

    @Test
    void shouldFireAtTheLatestDeadlineAfterPostponingAndNeverAfterCancel() {
        ServiceTimers timers = new ServiceTimers();
        Probe p = new Probe();
        timers.schedule(p, 100);
        timers.schedule(p, 500); // later: lazy, the heap still says 100
        assertEquals(100, timers.nextDeadlineNs());
        assertEquals(0, timers.fire(100), "re-keyed, not fired");
        assertEquals(500, timers.nextDeadlineNs());
        assertTrue(p.fired.isEmpty());
        timers.schedule(p, 300); // earlier: moves at once
        assertEquals(300, timers.nextDeadlineNs());
        assertEquals(1, timers.fire(300));
        assertEquals(List.of(300L), p.fired);
        assertFalse(p.armed());
        assertEquals(0, timers.size());
        timers.schedule(p, 1000);
        timers.cancel(p);
        assertEquals(0, timers.size(), "a cancelled timer leaves the heap (its handler is not kept)");
        assertEquals(Long.MAX_VALUE, timers.nextDeadlineNs());
        assertEquals(0, timers.fire(10_000));
    }

    /** Random schedules, postponements and cancels against a model: each fires once, on time. */
    @Test
    void shouldMatchAModelUnderRandomOperations() {
        SplittableRandom random = new SplittableRandom(9);
        ServiceTimers timers = new ServiceTimers();
        Probe[] probes = new Probe[500];
        for (int i = 0; i < probes.length; i++) {
            probes[i] = new Probe();
        }
        long now = 0;
        for (int step = 0; step < 20_000; step++) {
            Probe p = probes[random.nextInt(probes.length)];
            int op = random.nextInt(10);
            if (op < 6) {
                p.want = now + 1 + random.nextInt(1000);
                timers.schedule(p, p.want);
            } else if (op < 7) {
                p.want = Long.MAX_VALUE;
                timers.cancel(p);
            } else {
                now += random.nextInt(200);
                long next = timers.nextDeadlineNs();
                for (Probe q : probes) {
                    assertTrue(q.want == Long.MAX_VALUE || next <= q.want, "the loop never sleeps past a deadline");
                }
                timers.fire(now);
                for (Probe q : probes) {
                    if (q.want <= now) {
                        assertEquals(1, q.fired.size(), "due timers fire once");
                        assertTrue(q.fired.get(0) >= q.want, "never early");
                        q.fired.clear();
                        q.want = Long.MAX_VALUE;
                    } else {
                        assertTrue(q.fired.isEmpty(), "no timer fires before its deadline");
                    }
                }
            }
        }
    }
}
