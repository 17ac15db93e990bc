package io.jtcp.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.cc.AckSample;
import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.cc.CongestionEvent;
import io.jtcp.stack.cc.Cubic;
import io.jtcp.stack.harness.Pair;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The engine hands the controller one reused {@link AckSample} and, once the delivery-rate
 * records exist, sets its fields instead of resetting all of them first (the send path's cost). So
 * every field must be set on every ACK: here a controller overwrites each numeric and reference
 * field with a poison value after reading the sample, and the next ACK must not show any of them.
 * A field added to {@code AckSample} but filled only on some ACKs fails this test.
 */
class AckSampleRefillTest {
    private static final long POISON = 0x5A5A_5A5A_5A5A_5A5AL;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldSetEveryFieldOfTheSampleOnEveryAck() throws Exception {
        final List<Field> fields = poisonable();
        assertTrue(fields.size() >= 15, "AckSample's numeric and reference fields: " + fields);
        final Poisoning cc = new Poisoning(fields);
        // Loss and a bottleneck queue: duplicate ACKs, SACK, recovery and an RTO all fill the sample.
        final Pair.Link link = new Pair.Link()
                .delay(5 * Pair.MS)
                .bottleneck(20_000_000L, 20)
                .loss(0.02)
                .seed(11);
        final Pair pair = new Pair(
                        link,
                        a -> a.congestionControl(new CongestionControl.Factory() {
                            @Override
                            public String name() {
                                return "poisoning";
                            }

                            @Override
                            public CongestionControl create() {
                                return cc;
                            }
                        }),
                        b -> {})
                .traceTraffic(false);
        DeliveryRecordsKeptTest.bulk(pair, 1_000_000, null);
        assertTrue(cc.acks > 100, "ACKs seen: " + cc.acks);
        assertEquals(List.of(), cc.stale, "fields that kept the poison of the previous ACK");
    }

    /** AckSample's instance fields other than booleans (a boolean has no value it cannot take). */
    private static List<Field> poisonable() {
        final List<Field> out = new ArrayList<>();
        for (Field f : AckSample.class.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers()) && f.getType() != boolean.class) {
                f.setAccessible(true);
                out.add(f);
            }
        }
        return out;
    }

    /** CUBIC, which afterwards poisons the sample it was given. */
    private static final class Poisoning implements CongestionControl {
        private final Cubic cubic = new Cubic();
        private final List<Field> fields;
        final List<String> stale = new ArrayList<>();
        int acks;

        Poisoning(List<Field> fields) {
            this.fields = fields;
        }

        @Override
        public String name() {
            return "poisoning";
        }

        @Override
        public void init(int mss, long nowNs) {
            cubic.init(mss, nowNs);
        }

        @Override
        public void onAck(AckSample ack) {
            try {
                for (Field f : fields) {
                    final Object v = f.get(ack);
                    if (v == null || v.equals(poisonFor(f.getType()))) {
                        if (!stale.contains(f.getName())) {
                            stale.add(f.getName());
                        }
                    }
                }
                cubic.onAck(ack);
                acks++;
                for (Field f : fields) {
                    f.set(ack, poisonFor(f.getType()));
                }
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }

        private static Object poisonFor(Class<?> type) {
            if (type == long.class) {
                return POISON;
            }
            if (type == int.class) {
                return (int) POISON;
            }
            if (type == double.class) {
                return (double) POISON;
            }
            return null; // references (the recovery state): never null when set
        }

        @Override
        public void onCongestionEvent(CongestionEvent kind, long nowNs, long bytesInFlight, int segmentsLeft) {
            cubic.onCongestionEvent(kind, nowNs, bytesInFlight, segmentsLeft);
        }

        @Override
        public void onRecoveryEnd(long nowNs) {
            cubic.onRecoveryEnd(nowNs);
        }

        @Override
        public void onSpuriousCongestion(long nowNs) {
            cubic.onSpuriousCongestion(nowNs);
        }

        @Override
        public long cwnd() {
            return cubic.cwnd();
        }

        @Override
        public long ssthresh() {
            return cubic.ssthresh();
        }
    }
}
