package io.jtcp.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.tcp.TcpHandler;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The builder → snapshot contract (issue #12): stacks keep a validated, immutable copy. */
class StackConfigTest {
    private static final long MS = 1_000_000L;

    private static StackConfig valid() {
        return new StackConfig().isnSecret(new byte[16]);
    }

    /** Every field, by reflection: covers settings added after this test was written. */
    static Map<String, Object> fields(StackConfig c) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Field f : StackConfig.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) || f.getName().equals("frozen")) {
                continue;
            }
            f.setAccessible(true);
            try {
                Object v = f.get(c);
                values.put(f.getName(), v instanceof byte[] b ? Arrays.toString(b) : v);
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        return values;
    }

    /** The fluent setters: public, taking arguments, returning StackConfig. */
    private static List<Method> setters() {
        List<Method> setters = new ArrayList<>();
        for (Method m : StackConfig.class.getMethods()) {
            if (m.getReturnType() == StackConfig.class && m.getParameterCount() > 0) {
                setters.add(m);
            }
        }
        return setters;
    }

    private static Object[] someArguments(Method m) {
        Object[] args = new Object[m.getParameterCount()];
        Class<?>[] types = m.getParameterTypes();
        for (int i = 0; i < args.length; i++) {
            if (types[i] == int.class) {
                args[i] = 1 << 12;
            } else if (types[i] == long.class) {
                args[i] = 1L << 24;
            } else if (types[i] == boolean.class) {
                args[i] = Boolean.TRUE;
            } else {
                args[i] = null;
            }
        }
        return args;
    }

    @Test
    void everySetterOfASnapshotRefuses() throws Exception {
        StackConfig snapshot = valid().snapshot();
        List<Method> setters = setters();
        assertTrue(setters.size() >= 30, "found the setters: " + setters.size());
        Map<String, Object> before = fields(snapshot);
        for (Method m : setters) {
            InvocationTargetException e = assertThrows(
                    InvocationTargetException.class, () -> m.invoke(snapshot, someArguments(m)), m::getName);
            assertTrue(e.getCause() instanceof IllegalStateException, m.getName() + ": " + e.getCause());
        }
        assertEquals(before, fields(snapshot));
    }

    @Test
    void aSnapshotCopiesEveryFieldAndLaterEditsDoNotReachIt() {
        byte[] secret = new byte[16];
        secret[0] = 42;
        StackConfig builder = valid().isnSecret(secret)
                .mslNs(7_000 * MS)
                .maxConnections(77)
                .sack(false)
                .mtuBytes(9000)
                .ephemeralPorts(40_000, 40_100);
        StackConfig snapshot = builder.snapshot();
        assertTrue(snapshot.isSnapshot());
        assertFalse(builder.isSnapshot());
        assertNotSame(builder, snapshot);
        assertEquals(fields(builder), fields(snapshot));
        assertSame(snapshot, snapshot.snapshot(), "a snapshot of a snapshot is itself");

        builder.mslNs(1).maxConnections(1).sack(true).isnSecret(new byte[16]);
        secret[0] = 0;
        assertEquals(7_000 * MS, snapshot.mslNs());
        assertEquals(77, snapshot.maxConnections());
        assertFalse(snapshot.sack());
        assertEquals(42, snapshot.isnSecret()[0]);
        snapshot.isnSecret()[0] = 1; // the getter hands out a copy
        assertEquals(42, snapshot.isnSecret()[0]);

        StackConfig copy = snapshot.copy();
        assertFalse(copy.isSnapshot());
        assertEquals(fields(snapshot), fields(copy));
        copy.mslNs(5);
        assertEquals(7_000 * MS, snapshot.mslNs());
    }

    @Test
    void validationNamesTheFieldsThatDoNotFitTogether() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> valid().minRtoNs(300 * MS).initialRtoNs(200 * MS).snapshot());
        assertTrue(e.getMessage().contains("minRtoNs (300000000) <= initialRtoNs (200000000)"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> valid().initialRtoNs(2_000 * MS).maxRtoNs(1_000 * MS).validate());
        assertTrue(e.getMessage().contains("maxRtoNs (1000000000)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new StackConfig().snapshot());
        assertTrue(e.getMessage().contains("isnSecret is required"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class, () -> valid().minPathMtu(4000).snapshot());
        assertTrue(e.getMessage().contains("minPathMtu (4000) must not exceed mtuBytes (1500)"), e.getMessage());
        // Every problem at once, not only the first.
        e = assertThrows(IllegalArgumentException.class, () -> new StackConfig()
                .maxConnections(0)
                .ttl(0)
                .synRetries(-1)
                .mslNs(-1)
                .snapshot());
        for (String field : List.of("isnSecret", "maxConnections", "ttl", "synRetries", "mslNs")) {
            assertTrue(e.getMessage().contains(field), field + ": " + e.getMessage());
        }
        assertTrue(valid().minRtoNs(MS).initialRtoNs(MS).maxRtoNs(MS).snapshot().isSnapshot(), "equal bounds are fine");
    }

    @Test
    void deviceCapabilitiesAreCheckedAgainstTheMtu() {
        assertThrows(IllegalArgumentException.class, () -> new DeviceCapabilities(512, false));
        assertThrows(IllegalArgumentException.class, () -> new DeviceCapabilities(65_416, false));
        PacketSink sink = (b, o, l) -> {};
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new NetworkStack(valid().mtuBytes(9000), new DeviceCapabilities(8000, true), sink));
        assertTrue(e.getMessage().contains("tsoSegmentBytes (8000)"), e.getMessage());
        assertTrue(e.getMessage().contains("mtuBytes 9000"), e.getMessage());
        NetworkStack ok = new NetworkStack(valid(), new DeviceCapabilities(60_000, true), sink);
        assertEquals(new DeviceCapabilities(60_000, true), ok.device());
        assertEquals(DeviceCapabilities.NONE, new NetworkStack(valid(), sink).device());
    }

    /** Fails before the snapshot: the engine read the caller's object, so the edit reached it. */
    @Test
    void anEditAfterConstructionDoesNotReachTheStack() {
        StackConfig config = valid().maxConnections(1);
        NetworkStack stack = new NetworkStack(config, (b, o, l) -> {});
        config.maxConnections(100).mslNs(1);
        TcpHandler idle = new TcpHandler() {};
        stack.connect(0, 0x0A07_0001, 80, idle);
        assertThrows(IllegalStateException.class, () -> stack.connect(0, 0x0A07_0001, 81, idle));
        assertEquals(1, stack.config().maxConnections());
        assertTrue(stack.config().isSnapshot());
        assertThrows(IllegalStateException.class, () -> stack.config().maxConnections(5));
        assertArrayEquals(config.isnSecret(), stack.config().isnSecret());
    }
}
