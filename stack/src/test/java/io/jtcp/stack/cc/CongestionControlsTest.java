package io.jtcp.stack.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CongestionControlsTest {
    @Test
    void shouldResolveBuiltInNamesInAnyCase() {
        assertEquals("cubic", CongestionControls.byName("cubic").name());
        assertInstanceOf(Cubic.class, CongestionControls.byName("CUBIC").create());
        assertEquals(
                java.util.List.of("newreno", "cubic", "bbr"),
                CongestionControls.names().subList(0, 3));
    }

    @Test
    void shouldMakeOneControllerPerConnection() {
        CongestionControl.Factory f = CongestionControls.byName("cubic");
        assertNotSame(f.create(), f.create());
    }

    @Test
    void shouldFindServiceLoaderProvidersByName() {
        CongestionControl.Factory f = CongestionControls.byName("test-fixed");
        assertInstanceOf(ServiceProviderFactory.class, f);
        assertInstanceOf(FixedWindowController.class, f.create());
        assertTrue(
                CongestionControls.names().contains("test-fixed"),
                CongestionControls.names().toString());
    }

    @Test
    void shouldLoadAControllerClassByName() {
        CongestionControl.Factory f = CongestionControls.byName(FixedWindowController.class.getName());
        assertEquals("fixed", f.name());
        CongestionControl a = f.create();
        assertInstanceOf(FixedWindowController.class, a);
        assertNotSame(a, f.create());
        a.init(1000, 0);
        assertEquals(64_000, a.cwnd());
    }

    @Test
    void shouldLoadAFactoryClassByName() {
        CongestionControl.Factory f = CongestionControls.byName(ServiceProviderFactory.class.getName());
        assertEquals("test-fixed", f.name());
        assertInstanceOf(FixedWindowController.class, f.create());
    }

    @Test
    void shouldRejectAnUnknownNameInOneLineListingTheKnownOnes() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> CongestionControls.byName("vegas"));
        assertTrue(
                e.getMessage().startsWith("unknown congestion control 'vegas'; known: newreno, cubic, bbr"),
                e.getMessage());
        assertTrue(e.getMessage().contains("test-fixed"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CongestionControls.byName("com.example.Missing"));
        assertThrows(IllegalArgumentException.class, () -> CongestionControls.byName(" "));
    }

    @Test
    void shouldRejectAClassThatIsNotAController() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> CongestionControls.byName("java.lang.String"));
        assertEquals(
                "java.lang.String implements neither io.jtcp.stack.cc.CongestionControl nor its Factory",
                e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> CongestionControls.byName(NoDefaultConstructorFactory.class.getName()));
        assertTrue(e.getMessage().endsWith("has no public no-argument constructor"), e.getMessage());
    }
}
