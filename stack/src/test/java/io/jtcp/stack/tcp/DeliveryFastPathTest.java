package io.jtcp.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.cc.AckSample;
import io.jtcp.stack.wire.Seq;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link DeliveryRateEstimator#deliverOldestAndFill}, the per-ACK fast path, fills every field of
 * the sample as {@code deliverOldest}/{@code onDelivered} followed by {@code fillSample} do: two
 * estimators take the same seeded stream of sends, resends, SACKs, losses, app-limited marks and
 * timeouts, and differ only in how each cumulative ACK is delivered.
 */
class DeliveryFastPathTest {
    private static final int MSS = 1000;

    @Test
    void fastPathFillsTheSampleAsTheGeneralPathDoes() throws Exception {
        final List<Method> getters = getters();
        int fastTaken = 0;
        for (int seed = 1; seed <= 40; seed++) {
            fastTaken += run(seed, getters);
        }
        // The stream must exercise both paths, or the comparison says nothing.
        assertTrue(fastTaken > 1000, "fast path taken " + fastTaken + " times");
    }

    private static int run(int seed, List<Method> getters) throws Exception {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final DeliveryRateEstimator general = new DeliveryRateEstimator(4, 16); // small: grows, then merges
        final DeliveryRateEstimator fast = new DeliveryRateEstimator(4, 16);
        final AckSample a = new AckSample();
        final AckSample b = new AckSample();
        final ArrayDeque<Integer> ends = new ArrayDeque<>(); // first-transmission ends above SND.UNA
        int una = -5 * MSS; // across the 2^32 wrap
        int max = una;
        long now = 1_000_000L;
        int fastTaken = 0;
        int slowTaken = 0;
        for (int step = 0; step < 3000; step++) {
            now += rnd.nextInt(4) * 250_000L;
            final long flight = Seq.diff(max, una);
            final int op = rnd.nextInt(100);
            if (op < 40 || max == una) {
                final int len = MSS * (1 + rnd.nextInt(3)) - (rnd.nextInt(8) == 0 ? 1 : 0);
                general.onSend(max, len, now, flight);
                fast.onSend(max, len, now, flight);
                max = Seq.add(max, len);
                ends.addLast(max);
            } else if (op < 45) {
                final int len = Math.min(MSS, Seq.diff(max, una));
                general.onSend(una, len, now, flight);
                fast.onSend(una, len, now, flight);
            } else if (op < 52) {
                final int from = Seq.add(una, MSS * rnd.nextInt(4));
                final int to = Seq.min(Seq.add(from, MSS * (1 + rnd.nextInt(2))), max);
                if (Seq.lt(from, to)) {
                    general.onDelivered(from, to, now);
                    fast.onDelivered(from, to, now);
                }
            } else if (op < 55) {
                final int to = Seq.min(Seq.add(una, MSS * (1 + rnd.nextInt(3))), max);
                general.onLost(una, to);
                fast.onLost(una, to);
            } else if (op < 60) {
                general.markAppLimited(flight);
                fast.markAppLimited(flight);
            } else if (op < 61) {
                general.onRetransmissionTimeout(una, max);
                fast.onRetransmissionTimeout(una, max);
            } else {
                // A cumulative ACK, usually at a segment's end, sometimes mid-segment.
                int ack = ends.isEmpty() ? max : ends.peekFirst();
                for (int k = rnd.nextInt(3); k > 0 && ends.size() > 1; k--) {
                    ends.pollFirst();
                    ack = ends.peekFirst();
                }
                if (rnd.nextInt(10) == 0) {
                    ack = Seq.min(Seq.add(una, MSS / 2), max);
                }
                if (!Seq.gt(ack, una)) {
                    continue;
                }
                final long minRtt = rnd.nextInt(3) * 500_000L;
                a.reset(0).nowNs(now);
                b.reset(0).nowNs(now);
                if (!general.deliverOldest(una, ack, now)) {
                    general.onDelivered(una, ack, now);
                }
                final boolean validA = general.fillSample(a, now, minRtt);
                final int f = fast.deliverOldestAndFill(b, una, ack, now, minRtt);
                final boolean validB;
                if (f >= 0) {
                    fastTaken++;
                    validB = f > 0;
                } else {
                    slowTaken++;
                    if (!fast.deliverOldest(una, ack, now)) {
                        fast.onDelivered(una, ack, now);
                    }
                    validB = fast.fillSample(b, now, minRtt);
                }
                final String where = "seed " + seed + " step " + step;
                assertEquals(validA, validB, where);
                for (Method g : getters) {
                    assertEquals(g.invoke(a), g.invoke(b), where + ": " + g.getName());
                }
                una = ack;
                while (!ends.isEmpty() && Seq.le(ends.peekFirst(), una)) {
                    ends.pollFirst();
                }
            }
            assertEquals(general.delivered(), fast.delivered(), "seed " + seed + " step " + step);
            assertEquals(general.lost(), fast.lost());
            assertEquals(general.records(), fast.records());
            assertEquals(general.appLimited(), fast.appLimited());
        }
        assertTrue(slowTaken > 0, "seed " + seed + ": the general path never ran");
        return fastTaken;
    }

    /** Every public no-argument getter of AckSample. */
    private static List<Method> getters() {
        final List<Method> out = new ArrayList<>();
        for (Method m : AckSample.class.getMethods()) {
            if (m.getDeclaringClass() == AckSample.class
                    && m.getParameterCount() == 0
                    && !Modifier.isStatic(m.getModifiers())
                    && m.getReturnType() != AckSample.class
                    && !m.getName().equals("toString")) {
                out.add(m);
            }
        }
        assertTrue(out.size() >= 20, "getters: " + out.size());
        return out;
    }
}
