package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Pair.A_ADDR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.harness.Pair;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The per-state connection counts a status page reads in O(1) instead of walking the table, and
 * the bounded walk that lists a few connections: both checked against a full copy of the table at
 * every stage of many connections' lives (handshake, established, half-closed, TIME_WAIT, gone).
 */
class StateCountTest {
    private static final int CONNECTIONS = 300;

    private static Map<TcpState, Integer> bruteForce(NetworkStack s) {
        Map<TcpState, Integer> m = new EnumMap<>(TcpState.class);
        s.forEachConnection(c -> m.merge(c.state(), 1, Integer::sum));
        // TIME_WAIT lives on as compact records outside the table, which the walk does not visit.
        m.merge(TcpState.TIME_WAIT, s.timeWaitCount(), Integer::sum);
        return m;
    }

    private static void assertCountsMatch(NetworkStack s, String stage) {
        Map<TcpState, Integer> expected = bruteForce(s);
        int sum = 0;
        for (TcpState state : TcpState.values()) {
            int n = s.connectionCount(state);
            sum += n;
            assertEquals(expected.getOrDefault(state, 0), n, stage + ": " + state);
        }
        assertEquals(s.connectionCount(), sum, stage + ": the counts add up to the table");
        int[] open = {0};
        s.forEachConnection(c -> open[0] += c.state() == TcpState.TIME_WAIT ? 0 : 1);
        assertEquals(open[0], s.openConnectionCount(), stage + ": open connections, derived from the counts");
    }

    @Test
    void shouldKeepPerStateCountsEqualToTheTableThroughEveryStage() {
        Pair pair = new Pair(new Pair.Link(), c -> c.mslNs(1_000_000_000L), c -> c.mslNs(1_000_000_000L));
        List<TcpConnection> accepted = new ArrayList<>();
        pair.a.listen(80, c -> {
            accepted.add(c);
            return new TcpHandler() {};
        });
        List<TcpConnection> clients = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            clients.add(pair.b.connect(pair.now(), A_ADDR, 80, new TcpHandler() {}));
        }
        assertCountsMatch(pair.b, "before any SYN left");
        pair.service();
        assertEquals(CONNECTIONS, pair.b.connectionCount(TcpState.SYN_SENT));
        assertTrue(pair.runUntil(() -> accepted.size() == CONNECTIONS, 10_000_000_000L, 100_000));
        assertTrue(pair.runToIdle(10_000_000_000L, 100_000));
        assertEquals(CONNECTIONS, pair.a.connectionCount(TcpState.ESTABLISHED));
        // Accept order need not be connect order (past the SYN queue, SYN cookies answer): pair
        // each accepted connection with its client by port.
        Map<Integer, TcpConnection> byPort = new java.util.HashMap<>();
        accepted.forEach(c -> byPort.put(c.remotePort(), c));
        accepted.clear();
        clients.forEach(c -> accepted.add(byPort.get(c.localPort())));
        assertCountsMatch(pair.a, "established");
        assertCountsMatch(pair.b, "established");

        // A closes a third (A ends in TIME_WAIT once B closes too), B half-closes another third
        // (A in CLOSE_WAIT), the last third stays established.
        for (int i = 0; i < CONNECTIONS / 3; i++) {
            accepted.get(i).close();
            clients.get(CONNECTIONS / 3 + i).shutdownOutput();
        }
        pair.service();
        assertTrue(pair.runUntil(() -> pair.inFlight() == 0, 10_000_000_000L, 100_000));
        assertCountsMatch(pair.a, "closing");
        assertCountsMatch(pair.b, "closing");
        assertEquals(CONNECTIONS / 3, pair.a.connectionCount(TcpState.CLOSE_WAIT));
        for (int i = 0; i < CONNECTIONS / 3; i++) {
            clients.get(i).close();
        }
        pair.service();
        assertTrue(pair.runUntil(() -> pair.inFlight() == 0, 10_000_000_000L, 100_000));
        assertEquals(CONNECTIONS / 3, pair.a.connectionCount(TcpState.TIME_WAIT));
        assertCountsMatch(pair.a, "TIME_WAIT");
        assertCountsMatch(pair.b, "TIME_WAIT");

        // The bounded walk: at most the limit, never TIME_WAIT, and all the non-TIME_WAIT ones
        // when the limit is large.
        List<TcpConnection> seen = new ArrayList<>();
        assertEquals(10, pair.a.forEachConnection(10, seen::add));
        assertEquals(10, seen.size());
        seen.clear();
        int open = pair.a.connectionCount() - pair.a.connectionCount(TcpState.TIME_WAIT);
        assertEquals(open, pair.a.forEachConnection(Integer.MAX_VALUE, seen::add));
        seen.forEach(c -> assertNotEquals(TcpState.TIME_WAIT, c.state()));
        assertEquals(0, pair.a.forEachConnection(0, seen::add));

        pair.a.abortAll(pair.now());
        pair.b.abortAll(pair.now());
        pair.service();
        assertTrue(pair.runToIdle(600_000_000_000L, 1_000_000));
        for (TcpState state : TcpState.values()) {
            assertEquals(0, pair.a.connectionCount(state), "A " + state);
            assertEquals(0, pair.b.connectionCount(state), "B " + state);
        }
    }
}
