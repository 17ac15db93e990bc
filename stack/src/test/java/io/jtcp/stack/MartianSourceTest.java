package io.jtcp.stack;

import static io.jtcp.stack.harness.PacketBuilder.ENGINE_ADDR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.harness.Packet;
import io.jtcp.stack.harness.PacketBuilder;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.stack.wire.TcpHeader;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** RFC 1122 §3.2.1.3: datagrams from martian sources are dropped, counted, and never answered. */
class MartianSourceTest {

    /** An engine listening on 8080, and what it sends. */
    private static final class Engine {
        final List<Packet> out = new ArrayList<>();
        final NetworkStack stack;
        long now = 1_000_000_000L;

        Engine(int prefixLength) {
            StackConfig config = new StackConfig()
                    .localAddr(ENGINE_ADDR)
                    .localPrefixLength(prefixLength)
                    .isnSecret(new byte[16]);
            stack = new NetworkStack(config, (b, o, l) -> out.add(new Packet(b, o, l)));
            stack.listen(8080, c -> new TcpHandler() {});
        }

        /** Sends a SYN from {@code src}; true when a SYN-ACK went back to it. */
        boolean synFrom(String src) {
            int addr = Ipv4Header.parseAddress(src);
            byte[] p = PacketBuilder.tcp(
                    addr,
                    ENGINE_ADDR,
                    40_000,
                    8080,
                    1,
                    0,
                    TcpHeader.SYN,
                    65_535,
                    PacketBuilder.options(1460, -1, false, false, 0, 0),
                    null);
            out.clear();
            stack.onPacket(now, new UnsafeBuffer(p), 0, p.length);
            stack.flush(now);
            now += 1_000_000L;
            return out.stream().anyMatch(q -> q.dst == addr && q.flags == (TcpHeader.SYN | TcpHeader.ACK));
        }

        long martians() {
            return stack.counters().drops(DropReason.IP_MARTIAN_SOURCE);
        }
    }

    /** Loopback, reserved, "this network" and our subnet's broadcast get no SYN-ACK. */
    @Test
    void shouldDropSynFromMartianSources() {
        Engine e = new Engine(24);
        String[] martians = {"127.0.0.1", "127.200.3.4", "240.0.0.1", "250.1.2.3", "10.7.0.255", "0.1.2.3"};
        for (String src : martians) {
            assertTrue(!e.synFrom(src), "SYN-ACK sent to martian " + src);
        }
        assertEquals(martians.length, e.martians(), "martian drops");
        assertEquals(0, e.stack.halfOpenCount(), "no half-open connection");
        assertEquals(0, e.stack.connectionCount(), "nothing in the table");
    }

    /** The neighbours of those ranges are ordinary hosts. */
    @Test
    void shouldAnswerSynFromOrdinarySources() {
        Engine e = new Engine(24);
        for (String src : new String[] {"10.7.0.254", "126.255.255.255", "128.0.0.1", "223.255.255.254", "1.0.0.0"}) {
            assertTrue(e.synFrom(src), "SYN-ACK to " + src);
        }
        assertEquals(0, e.martians(), "no martian drops");
    }

    /** The subnet's broadcast follows the configured prefix; /31 (RFC 3021) and /32 have none. */
    @Test
    void shouldTakeBroadcastFromConfiguredPrefix() {
        Engine wide = new Engine(16);
        assertTrue(wide.synFrom("10.7.0.255"), "an ordinary host in a /16");
        assertTrue(!wide.synFrom("10.7.255.255"), "the /16's broadcast");
        assertEquals(1, wide.martians(), "martian drops");
        assertTrue(new Engine(31).synFrom("10.7.0.3"), "the other end of a /31");
        assertTrue(new Engine(32).synFrom("10.7.0.255"), "no subnet known");
    }
}
