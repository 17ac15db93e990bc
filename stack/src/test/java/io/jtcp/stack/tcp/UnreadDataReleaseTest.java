package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Pair.A_ADDR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.harness.Pair;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Received data nobody will read must not stay charged to the memory budget after its connection
 * ended: a listener that refuses the connection, a handler that closes or aborts after a reset
 * without reading. Before the fix each case kept its 64 KiB ring counted for good, so an attacker
 * repeating them could spend the budget and lock every new connection out.
 */
class UnreadDataReleaseTest {
    private static final long LIMIT = 3_600_000_000_000L;
    private static final int CONNECTIONS = 20;

    private static long ringBytesHeld(NetworkStack s) {
        return s.counters().memRingBytes - s.counters().memRingBytesPooled;
    }

    /** Never reads; on the peer's reset closes and aborts, as an application cleaning up would. */
    private static final class Lazy implements TcpHandler {
        CloseReason closed;

        @Override
        public void onClosed(TcpConnection c, CloseReason r) {
            closed = r;
            c.close();
            c.abort();
        }
    }

    @Test
    void shouldReleaseUnreadDataWhenTheApplicationClosesAfterAReset() {
        Pair pair = new Pair(new Pair.Link());
        List<Lazy> servers = new ArrayList<>();
        pair.a.listen(5001, c -> {
            Lazy l = new Lazy();
            servers.add(l);
            return l;
        });
        for (int i = 0; i < CONNECTIONS; i++) {
            TcpConnection c = pair.b.connect(pair.now(), A_ADDR, 5001, new TcpHandler() {});
            pair.service();
            assertTrue(pair.runUntil(() -> c.state() == TcpState.ESTABLISHED, LIMIT, 100_000));
            c.write(new byte[3000], 0, 3000);
            pair.service();
            assertTrue(pair.runUntil(() -> c.bytesInFlight() == 0 && c.bytesSent() == 3000, LIMIT, 100_000));
            c.abort();
            pair.service();
            pair.runToIdle(LIMIT, 100_000);
        }
        assertEquals(
                CONNECTIONS,
                servers.stream()
                        .filter(s -> s.closed == CloseReason.RESET_BY_PEER)
                        .count());
        assertEquals(0, pair.a.counters().memConnections);
        assertEquals(0, ringBytesHeld(pair.a), "no ring storage left attached to dead connections");
    }

    @Test
    void shouldReleaseDataThatCameBeforeARefusedAccept() {
        Pair pair = new Pair(new Pair.Link());
        pair.a.listen(5001, c -> null); // the application refuses every connection
        for (int i = 0; i < CONNECTIONS; i++) {
            TcpConnection c = pair.b.connect(pair.now(), A_ADDR, 5001, new TcpHandler() {});
            c.write(new byte[1000], 0, 1000); // goes with the handshake's ACK
            pair.service();
            pair.runToIdle(LIMIT, 100_000);
        }
        assertEquals(CONNECTIONS, pair.a.counters().tcpConnectionsAccepted);
        assertEquals(0, pair.a.connectionCount());
        assertEquals(0, ringBytesHeld(pair.a), "no ring storage left for refused connections");
    }
}
