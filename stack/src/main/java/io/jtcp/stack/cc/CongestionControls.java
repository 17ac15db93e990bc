package io.jtcp.stack.cc;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Supplier;

/**
 * Congestion controllers by name, as {@code --cc NAME} and {@link
 * io.jtcp.stack.StackConfig#congestionControl} take them. {@link #byName} tries, in order:
 *
 * <ol>
 *   <li>the algorithms jtcp ships ({@code cubic}, ...), by their lower-case name;
 *   <li>{@link ServiceLoader} providers of {@link CongestionControl.Factory} on the class path (a
 *       jar with {@code META-INF/services/io.jtcp.stack.cc.CongestionControl$Factory}), by their
 *       {@link CongestionControl.Factory#name()};
 *   <li>a fully qualified class name on the class path: a public class with a public no-argument
 *       constructor that implements {@link CongestionControl} (one instance per connection) or
 *       {@link CongestionControl.Factory}.
 * </ol>
 *
 * <p>For example {@code CongestionControls.byName("com.example.FixedWindow")} loads the worked
 * example of {@link CongestionControl}'s documentation once it is compiled onto the class path.
 */
public final class CongestionControls {
    /** The built-in algorithms by name, in the order help texts list them. */
    private static final Map<String, CongestionControl.Factory> BUILT_IN;

    static {
        Map<String, CongestionControl.Factory> m = new LinkedHashMap<>();
        // ---- the built-in algorithms: the one table to extend ----
        m.put(NewReno.NAME, factory(NewReno.NAME, NewReno::new));
        m.put(Cubic.NAME, factory(Cubic.NAME, Cubic::new));
        m.put("bbr", Bbr.factory());
        // ---- end of the built-in algorithms ----
        BUILT_IN = Collections.unmodifiableMap(m);
    }

    private CongestionControls() {}

    /** A factory named {@code name} that makes each controller with {@code supplier}. */
    public static CongestionControl.Factory factory(String name, Supplier<? extends CongestionControl> supplier) {
        if (name == null || supplier == null) {
            throw new NullPointerException("name and supplier");
        }
        return new CongestionControl.Factory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public CongestionControl create() {
                return supplier.get();
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /**
     * The factory for {@code name} (see the class comment for where it is looked up).
     *
     * @throws IllegalArgumentException in one line naming the known algorithms, when nothing
     *     matches, or when the class named is not a controller or cannot be made
     */
    public static CongestionControl.Factory byName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("no congestion control named; known: " + String.join(", ", names()));
        }
        String key = name.strip();
        CongestionControl.Factory builtIn = BUILT_IN.get(key.toLowerCase(Locale.ROOT));
        if (builtIn != null) {
            return builtIn;
        }
        for (CongestionControl.Factory f : providers()) {
            if (f.name().equalsIgnoreCase(key)) {
                return f;
            }
        }
        if (key.indexOf('.') > 0) {
            Class<?> cls = loadClass(key);
            if (cls != null) {
                return fromClass(cls);
            }
        }
        throw new IllegalArgumentException("unknown congestion control '" + key + "'; known: "
                + String.join(", ", names()) + ", or the name of a class implementing "
                + CongestionControl.class.getName());
    }

    /** The names {@link #byName} knows without a class name: the built-in ones, then providers'. */
    public static List<String> names() {
        List<String> names = new ArrayList<>(BUILT_IN.keySet());
        for (CongestionControl.Factory f : providers()) {
            if (!names.contains(f.name())) {
                names.add(f.name());
            }
        }
        return Collections.unmodifiableList(names);
    }

    /** Providers that load; one that is broken is skipped rather than hiding the others. */
    private static List<CongestionControl.Factory> providers() {
        List<CongestionControl.Factory> found = new ArrayList<>();
        Iterator<CongestionControl.Factory> it = ServiceLoader.load(CongestionControl.Factory.class, classLoader())
                .iterator();
        for (int i = 0; i < 1000; i++) { // bounded: a class path lists few providers
            try {
                if (!it.hasNext()) {
                    break;
                }
                CongestionControl.Factory f = it.next();
                if (f.name() != null) {
                    found.add(f);
                }
            } catch (ServiceConfigurationError e) {
                // skip the broken provider (the next hasNext() moves past it)
            }
        }
        return found;
    }

    private static ClassLoader classLoader() {
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        return tccl != null ? tccl : CongestionControls.class.getClassLoader();
    }

    private static Class<?> loadClass(String name) {
        try {
            return Class.forName(name, false, classLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    private static CongestionControl.Factory fromClass(Class<?> cls) {
        boolean controller = CongestionControl.class.isAssignableFrom(cls);
        boolean factory = CongestionControl.Factory.class.isAssignableFrom(cls);
        if (!controller && !factory) {
            throw new IllegalArgumentException(
                    cls.getName() + " implements neither " + CongestionControl.class.getName() + " nor its Factory");
        }
        if (!Modifier.isPublic(cls.getModifiers()) || Modifier.isAbstract(cls.getModifiers())) {
            throw new IllegalArgumentException(cls.getName() + " must be a public, non-abstract class");
        }
        Constructor<?> ctor;
        try {
            ctor = cls.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(cls.getName() + " has no public no-argument constructor");
        }
        if (factory) {
            return (CongestionControl.Factory) newInstance(ctor);
        }
        // One instance now, so that a constructor that fails does so at selection, not per connection.
        String name = ((CongestionControl) newInstance(ctor)).name();
        return factory(name == null ? cls.getName() : name, () -> (CongestionControl) newInstance(ctor));
    }

    private static Object newInstance(Constructor<?> ctor) {
        try {
            return ctor.newInstance();
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException(
                    ctor.getDeclaringClass().getName() + ": its constructor failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalArgumentException(ctor.getDeclaringClass().getName() + " cannot be made: " + e, e);
        }
    }
}
