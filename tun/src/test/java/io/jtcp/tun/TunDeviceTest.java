package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.tun.TunTestSupport.Result;
import io.jtcp.tun.TunTestSupport.TestNetns;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Tag("tun")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TunDeviceTest {
    @BeforeEach
    void requireTun() {
        TunTestSupport.requireTun();
    }

    private static TunConfig config(TestNetns ns) {
        // Plain packets: these tests read and write the device themselves (one has virtio-net headers on).
        return new TunConfig().name("tun0").netns(ns.name()).vnetHeader(false);
    }

    @Test
    void shouldConfigureKernelSideByIoctlWhenCreatingDevice() {
        try (TestNetns ns = new TestNetns("dev");
                TunDevice device = TunDevice.open(config(ns).mtuBytes(9000))) {
            assertTrue(device.created());
            String link =
                    ns.exec(10, "ip", "link", "show", "tun0").expectSuccess().output();
            assertTrue(link.contains("mtu 9000"), link);
            assertTrue(link.contains("qlen 10000"), link);
            assertTrue(link.contains(",UP"), link);
            String addr = ns.exec(10, "ip", "-o", "-4", "addr", "show", "dev", "tun0")
                    .expectSuccess()
                    .output();
            assertTrue(addr.contains("inet 10.7.0.1/24"), addr);
            String route = ns.exec(10, "ip", "route", "get", "10.7.0.2")
                    .expectSuccess()
                    .output();
            assertTrue(route.contains("dev tun0"), route);
        }
    }

    @Test
    void shouldRemoveCreatedDeviceWhenClosed() {
        try (TestNetns ns = new TestNetns("devrm")) {
            TunDevice device = TunDevice.open(config(ns));
            assertEquals(0, ns.exec(10, "ip", "link", "show", "tun0").exitCode());
            device.close();
            assertTrue(ns.exec(10, "ip", "link", "show", "tun0").exitCode() != 0);
        }
    }

    @Test
    void shouldReportBusyWhenDeviceIsAlreadyOpen() {
        try (TestNetns ns = new TestNetns("busy");
                TunDevice first = TunDevice.open(config(ns))) {
            TunException e = assertThrows(TunException.class, () -> TunDevice.open(config(ns)));
            assertEquals("device tun0 is busy: another program has it open", e.getMessage());
            assertTrue(first.fd() >= 0);
        }
    }

    @Test
    void shouldAttachToPersistentDeviceAndLeaveIt() {
        try (TestNetns ns = new TestNetns("persist")) {
            ns.exec(10, "ip", "tuntap", "add", "dev", "tunp", "mode", "tun").expectSuccess();
            try (TunDevice device = TunDevice.open(config(ns).name("tunp"))) {
                assertFalse(device.created());
                String addr = ns.exec(10, "ip", "-o", "-4", "addr", "show", "dev", "tunp")
                        .output();
                assertTrue(addr.contains("inet 10.7.0.1/24"), addr);
            }
            assertEquals(0, ns.exec(10, "ip", "link", "show", "tunp").exitCode(), "a persistent device stays");
        }
    }

    @Test
    void shouldRejectDeviceOfWrongKind() {
        try (TestNetns ns = new TestNetns("tap")) {
            ns.exec(10, "ip", "tuntap", "add", "dev", "tap0", "mode", "tap").expectSuccess();
            TunException e = assertThrows(
                    TunException.class, () -> TunDevice.open(config(ns).name("tap0")));
            assertTrue(e.getMessage().startsWith("device tap0 exists but is not a TUN device"), e.getMessage());
        }
    }

    @Test
    void shouldNameMissingNamespace() {
        TunException e =
                assertThrows(TunException.class, () -> TunDevice.open(new TunConfig().netns("jtcp-no-such-ns")));
        assertEquals(
                "no network namespace 'jtcp-no-such-ns' (create it with: ip netns add jtcp-no-such-ns)",
                e.getMessage());
    }

    @Test
    void shouldRejectAddressOutsideHostSubnet() {
        TunException e = assertThrows(
                TunException.class,
                () -> TunDevice.open(new TunConfig().localAddr(Ipv4Header.parseAddress("10.8.0.2"))));
        assertEquals("--addr 10.8.0.2 is not in the host's subnet 10.7.0.1/24", e.getMessage());
    }

    @Test
    void shouldAnswerPingThroughLoopWithStandInEngine() throws Exception {
        try (TestNetns ns = new TestNetns("ping")) {
            TunConfig config = config(ns);
            TunDevice device = TunDevice.open(config);
            EchoReplyEngine[] engine = new EchoReplyEngine[1];
            try (StackLoop loop =
                    new StackLoop(device, sink -> engine[0] = new EchoReplyEngine(config.localAddr(), sink))) {
                loop.start("test-loop");
                Result ping = ns.exec(20, "ping", "-c", "3", "-i", "0.2", "-W", "2", "10.7.0.2");
                assertEquals(0, ping.exitCode(), ping.output());
                assertTrue(ping.output().contains("3 received"), ping.output());
                assertEquals(3, engine[0].echoRequests);
                // Tasks from other threads run on the loop thread, which wakes up for them.
                assertTrue(loop.call(loop::inLoopThread));
            }
            assertTrue(ns.exec(10, "ip", "link", "show", "tun0").exitCode() != 0, "device removed on stop");
        }
    }

    @Test
    void shouldStopLoopInsteadOfSpinningWhenDeviceIsDeleted() throws Exception {
        try (TestNetns ns = new TestNetns("devdel")) {
            TunConfig config = config(ns);
            TunDevice device = TunDevice.open(config);
            try (StackLoop loop = new StackLoop(device, sink -> new EchoReplyEngine(config.localAddr(), sink))) {
                loop.start("test-loop");
                ns.exec(10, "ip", "link", "del", "tun0").expectSuccess();
                loop.stopped().get(5, TimeUnit.SECONDS);
                assertTrue(loop.failed());
            }
        }
    }

    @Test
    void shouldAnswerPingThroughVirtioNetHeaders() throws Exception {
        try (TestNetns ns = new TestNetns("vnet")) {
            TunConfig config = config(ns).vnetHeader(true);
            TunDevice device = TunDevice.open(config);
            EchoReplyEngine[] engine = new EchoReplyEngine[1];
            try (StackLoop loop =
                    new StackLoop(device, sink -> engine[0] = new EchoReplyEngine(config.localAddr(), sink))) {
                loop.start("test-loop");
                Result ping = ns.exec(20, "ping", "-c", "3", "-i", "0.2", "-W", "2", "10.7.0.2");
                assertTrue(ping.output().contains("3 received"), ping.output());
                assertEquals(3, engine[0].echoRequests);
            }
        }
    }
}
