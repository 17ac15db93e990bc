package io.jtcp.tun.trace;

import io.jtcp.stack.StackConfig;
import io.jtcp.stack.StackTracer;
import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.cc.CongestionControls;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every setting of a {@link StackConfig} as {@code config.NAME=VALUE} lines, and back: the part of
 * the replay journal's header that makes a fresh engine behave as the recorded one (MSS through
 * the MTU, buffers and windows, SACK and timestamps, congestion control, RTO bounds, TSO and
 * checksum offload, the ISN secret).
 *
 * <p>Read by reflection over the fields rather than through a list of getters, so a setting added
 * to {@code StackConfig} later is recorded and restored without anyone remembering to add it here.
 * Primitive, {@code byte[]} (hex) and congestion-control (by name) fields are kept; the tracer is
 * an observer and is left out; a field of any other type is listed under {@code unsupported} so a
 * replay can say what it could not restore. The memory budget is written as the budget in force
 * (half this JVM's heap when 0), since the replaying JVM may have another heap.
 */
public final class StackConfigSnapshot {
    static final String PREFIX = "config.";

    private StackConfigSnapshot() {}

    /** The settings of {@code config}, one {@code config.NAME=VALUE} line each, sorted by name. */
    public static String write(StackConfig config) {
        Map<String, String> lines = new TreeMap<>();
        List<String> unsupported = new ArrayList<>();
        for (Field f : fields()) {
            Object v = get(f, config);
            Class<?> t = f.getType();
            String value;
            if (f.getName().equals("memoryBudgetBytes")) {
                value = Long.toString(config.effectiveMemoryBudgetBytes());
            } else if (t.isPrimitive()) {
                value = String.valueOf(v);
            } else if (t == byte[].class) {
                value = v == null ? "null" : HexFormat.of().formatHex((byte[]) v);
            } else if (t == CongestionControl.Factory.class) {
                value = v == null ? "null" : ((CongestionControl.Factory) v).name();
            } else if (t == StackTracer.class) {
                continue;
            } else {
                if (v != null) {
                    unsupported.add(f.getName());
                }
                continue;
            }
            lines.put(f.getName(), value);
        }
        StringBuilder sb = new StringBuilder();
        lines.forEach(
                (k, v) -> sb.append(PREFIX).append(k).append('=').append(v).append('\n'));
        if (!unsupported.isEmpty()) {
            sb.append("unsupported=").append(String.join(",", unsupported)).append('\n');
        }
        return sb.toString();
    }

    /**
     * Sets on {@code config} every {@code config.NAME} entry of {@code header}.
     *
     * @return the names it could not restore (unknown here, or of a type not kept), empty when all
     * @throws IllegalArgumentException when a value does not parse
     */
    public static List<String> apply(Map<String, String> header, StackConfig config) {
        List<String> missed = new ArrayList<>();
        Map<String, Field> byName = new TreeMap<>();
        for (Field f : fields()) {
            byName.put(f.getName(), f);
        }
        for (Map.Entry<String, String> e : header.entrySet()) {
            if (!e.getKey().startsWith(PREFIX)) {
                continue;
            }
            String name = e.getKey().substring(PREFIX.length());
            Field f = byName.get(name);
            if (f == null) {
                missed.add(name);
                continue;
            }
            set(f, config, parse(f, e.getValue()));
        }
        return missed;
    }

    private static Object parse(Field f, String s) {
        Class<?> t = f.getType();
        if (t == int.class) {
            return Integer.parseInt(s);
        } else if (t == long.class) {
            return Long.parseLong(s);
        } else if (t == boolean.class) {
            return Boolean.parseBoolean(s);
        } else if (t == double.class) {
            return Double.parseDouble(s);
        } else if (t == float.class) {
            return Float.parseFloat(s);
        } else if (t == short.class) {
            return Short.parseShort(s);
        } else if (t == byte.class) {
            return Byte.parseByte(s);
        } else if (t == byte[].class) {
            return s.equals("null") ? null : HexFormat.of().parseHex(s);
        } else if (t == CongestionControl.Factory.class) {
            return s.equals("null") ? null : CongestionControls.byName(s);
        }
        throw new IllegalArgumentException("cannot restore " + f.getName() + " of type " + t.getSimpleName());
    }

    private static List<Field> fields() {
        List<Field> out = new ArrayList<>();
        for (Field f : StackConfig.class.getDeclaredFields()) {
            // "frozen" marks a snapshot: a setting of the object, not of the stack.
            if (!Modifier.isStatic(f.getModifiers()) && !f.getName().equals("frozen")) {
                f.setAccessible(true);
                out.add(f);
            }
        }
        return out;
    }

    private static Object get(Field f, StackConfig c) {
        try {
            return f.get(c);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void set(Field f, StackConfig c, Object v) {
        try {
            f.set(c, v);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
