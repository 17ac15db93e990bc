package io.jtcp.stack.cc;

/** A {@link java.util.ServiceLoader} provider (see the test resources' META-INF/services). */
public final class ServiceProviderFactory implements CongestionControl.Factory {
    @Override
    public String name() {
        return "test-fixed";
    }

    @Override
    public CongestionControl create() {
        return new FixedWindowController();
    }
}
