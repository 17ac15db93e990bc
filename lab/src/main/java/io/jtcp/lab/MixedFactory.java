package io.jtcp.lab;

import io.jtcp.stack.cc.CongestionControl;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A cell whose flows run different algorithms, named {@code a+b[+c…]}: flow i gets the i-th name
 * (round robin), so {@code --cc cubic+newreno --flows 2} puts one CUBIC and one NewReno flow
 * through the same bottleneck and the per-flow rows give their shares. Each cell resolves its own
 * (the count starts at flow 0); the back-ends open flows in order, one controller each.
 */
final class MixedFactory implements CongestionControl.Factory {
    private final String name;
    private final List<CongestionControl.Factory> parts;
    private int next;

    private MixedFactory(String name, List<CongestionControl.Factory> parts) {
        this.name = name;
        this.parts = parts;
    }

    /** {@code name} split at '+', each part resolved by {@code resolver}; a single name as is. */
    static CongestionControl.Factory resolve(String name, Function<String, CongestionControl.Factory> resolver) {
        if (name.indexOf('+') < 0) {
            return resolver.apply(name);
        }
        List<CongestionControl.Factory> parts = new ArrayList<>();
        for (String part : name.split("\\+", -1)) {
            if (part.isEmpty()) {
                throw new IllegalArgumentException("'" + name + "': an empty algorithm name between '+'");
            }
            parts.add(resolver.apply(part));
        }
        return new MixedFactory(name, List.copyOf(parts));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CongestionControl create() {
        CongestionControl.Factory f = parts.get(next);
        next = (next + 1) % parts.size();
        return f.create();
    }
}
