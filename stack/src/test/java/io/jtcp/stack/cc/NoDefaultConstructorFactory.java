package io.jtcp.stack.cc;

/** A factory that cannot be loaded by name: no public no-argument constructor. */
public final class NoDefaultConstructorFactory implements CongestionControl.Factory {
    private final String name;

    public NoDefaultConstructorFactory(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CongestionControl create() {
        return new FixedWindowController();
    }
}
