package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.StackConfig;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.tun.TunTestSupport.TestNetns;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link JtcpHost#start} works on copies (issue #12): the caller's objects neither change nor reach it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JtcpHostConfigTest {
    private static final long SEC = 1_000_000_000L;

    /** Every instance field, by reflection, so settings added later are compared too. */
    private static Map<String, Object> fields(Object o) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Field f : o.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            f.setAccessible(true);
            try {
                Object v = f.get(o);
                values.put(f.getName(), v instanceof byte[] b ? Arrays.toString(b) : v);
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        return values;
    }

    @Test
    void startRejectsSettingsThatDoNotFitTogetherBeforeOpeningTheDevice() {
        // No privileges needed: the check comes before the device would be opened.
        StackConfig bad = new StackConfig().initialRtoNs(10 * SEC).maxRtoNs(SEC);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> JtcpHost.start(new TunConfig().name("jtcp-none"), bad));
        assertTrue(e.getMessage().contains("initialRtoNs (10000000000) <= maxRtoNs (1000000000)"), e.getMessage());
        assertNull(bad.isnSecret(), "the caller's config got no secret");
    }

    /** Fails before: start wrote address, MTU, ISN secret and offloads into the caller's StackConfig. */
    @Test
    @Tag("tun")
    void startChangesNeitherArgumentAndLaterEditsDoNotReachTheHost() throws Exception {
        TunTestSupport.requireTun();
        try (TestNetns ns = new TestNetns("cfg")) {
            TunConfig tun =
                    new TunConfig().netns(ns.name()).host("10.7.3.1/24").localAddr(Ipv4Header.parseAddress("10.7.3.2"));
            StackConfig stack = new StackConfig().mslNs(3 * SEC);
            Map<String, Object> tunBefore = fields(tun);
            Map<String, Object> stackBefore = fields(stack);
            try (JtcpHost host = JtcpHost.start(tun, stack)) {
                assertEquals(tunBefore, fields(tun), "TunConfig unchanged");
                assertEquals(stackBefore, fields(stack), "StackConfig unchanged");
                assertNull(stack.isnSecret());

                stack.mslNs(9 * SEC).localAddr(1).isnSecret(new byte[16]);
                tun.mtuBytes(9000).localAddr(Ipv4Header.parseAddress("10.7.3.9"));
                StackConfig running = host.call(() -> host.stack().config());
                assertTrue(running.isSnapshot());
                assertEquals(3 * SEC, running.mslNs());
                assertEquals(Ipv4Header.parseAddress("10.7.3.2"), running.localAddr(), "from the TunConfig");
                assertEquals(24, running.localPrefixLength());
                assertEquals(1500, running.mtuBytes());
                assertNotNull(running.isnSecret(), "the host drew its own secret");
                assertEquals(1500, host.device().config().mtuBytes(), "the device keeps its own copy");
                // The ping goes to the address the host was started with, not the edited one.
                String ping =
                        ns.exec(10, "ping", "-c", "1", "-W", "2", "10.7.3.2").output();
                assertTrue(ping.contains("1 received"), ping);
            }
        }
    }
}
