package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Pair.A_ADDR;
import static io.jtcp.stack.harness.Pair.B_ADDR;
import static io.jtcp.stack.harness.Pair.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.harness.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Simultaneous open and simultaneous close between two engines (RFC 9293 §3.5 figure 7, §3.6 figure 13). */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PairOpenCloseTest {
    private static final long BUDGET_NS = 3_600_000_000_000L;
    private static final long STEPS = 1_000_000;

    /** Records events; closes on demand. */
    static final class App implements TcpHandler {
        final List<String> events = new ArrayList<>();
        TcpConnection conn;
        CloseReason reason;

        @Override
        public void onConnected(TcpConnection c) {
            conn = c;
            events.add("connected");
        }

        @Override
        public void onPeerClosed(TcpConnection c) {
            events.add("peerClosed");
        }

        @Override
        public void onClosed(TcpConnection c, CloseReason r) {
            events.add("closed:" + r);
            reason = r;
        }
    }

    /** Each side connects to the other's only ephemeral port at the same instant: the SYNs cross. */
    private static Pair simultaneousOpen(App appA, App appB, Pair.Link link) {
        // 2·MSL above several maximum RTOs: under 20 % loss a 60 s TIME-WAIT can end before the
        // other side's backed-off FIN retransmission lands, which then meets a RST (seen, seed 659).
        long msl = link.lossRate > 0 ? 300_000_000_000L : 30_000_000_000L;
        Pair pair = new Pair(link, c -> c.ephemeralPorts(6000, 6000).mslNs(msl), c -> c.ephemeralPorts(5000, 5000)
                .mslNs(msl));
        TcpConnection ca = pair.a.connect(pair.now(), B_ADDR, 5000, appA);
        TcpConnection cb = pair.b.connect(pair.now(), A_ADDR, 6000, appB);
        assertEquals(6000, ca.localPort(), "A's port");
        assertEquals(5000, cb.localPort(), "B's port");
        pair.service();
        assertTrue(
                pair.runUntil(() -> appA.conn != null && appB.conn != null, BUDGET_NS, STEPS),
                "both sides connected: " + pair.transitions());
        return pair;
    }

    /** RFC 9293 §3.5 figure 7: crossing SYNs → both SYN-SENT → SYN-RECEIVED → ESTABLISHED. */
    @Test
    void shouldEstablishBothSidesThroughSynReceivedWhenSynsCross() {
        App appA = new App();
        App appB = new App();
        Pair pair = simultaneousOpen(appA, appB, new Pair.Link().delay(5 * MS));
        assertEquals(
                List.of(TcpState.SYN_SENT, TcpState.SYN_RECEIVED, TcpState.ESTABLISHED),
                pair.path("A"),
                "A's path " + pair.transitions());
        assertEquals(
                List.of(TcpState.SYN_SENT, TcpState.SYN_RECEIVED, TcpState.ESTABLISHED),
                pair.path("B"),
                "B's path " + pair.transitions());
        // And the connection carries data both ways.
        appA.conn.write("ping".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, 4);
        appB.conn.write("pong".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, 4);
        pair.service();
        assertTrue(pair.runUntil(
                () -> appA.conn.readableBytes() == 4 && appB.conn.readableBytes() == 4, BUDGET_NS, STEPS));
    }

    /** RFC 9293 §3.6 figure 13: both close at once → FIN-WAIT-1 → CLOSING → TIME-WAIT → CLOSED on both. */
    @Test
    void shouldPassThroughClosingOnBothSidesWhenBothCloseAtOnce() {
        App appA = new App();
        App appB = new App();
        Pair pair = new Pair(new Pair.Link().delay(5 * MS));
        pair.a.listen(7000, c -> appA);
        pair.b.connect(pair.now(), A_ADDR, 7000, appB);
        pair.service();
        assertTrue(pair.runUntil(() -> appA.conn != null && appB.conn != null, BUDGET_NS, STEPS), "connected");
        pair.runUntil(() -> false, 50 * MS, STEPS); // let the last ACK land
        appA.conn.close();
        appB.conn.close();
        pair.service();
        assertTrue(pair.runToIdle(BUDGET_NS, STEPS), "went idle");
        List<TcpState> closing = List.of(TcpState.FIN_WAIT_1, TcpState.CLOSING, TcpState.TIME_WAIT, TcpState.CLOSED);
        List<TcpState> a = pair.path("A");
        List<TcpState> b = pair.path("B");
        assertEquals(closing, a.subList(a.size() - 4, a.size()), "A's path " + pair.transitions());
        assertEquals(closing, b.subList(b.size() - 4, b.size()), "B's path " + pair.transitions());
        assertEquals(CloseReason.NORMAL, appA.reason, "A's close reason");
        assertEquals(CloseReason.NORMAL, appB.reason, "B's close reason");
        assertEquals(0, pair.a.connectionCount() + pair.b.connectionCount(), "tables empty");
    }

    /** Simultaneous open, then simultaneous close, over a lossy link: still both NORMAL. */
    @Test
    void shouldOpenAndCloseSimultaneouslyWhenLinkLosesPackets() {
        for (long seed = 1; seed <= Integer.getInteger("jtcp.simul.seeds", 20); seed++) {
            App appA = new App();
            App appB = new App();
            Pair pair = simultaneousOpen(
                    appA, appB, new Pair.Link().loss(0.2).jitter(3 * MS).seed(seed));
            appA.conn.close();
            appB.conn.close();
            pair.service();
            assertTrue(pair.runToIdle(BUDGET_NS, STEPS), "went idle, seed " + seed);
            assertEquals(0, pair.a.connectionCount() + pair.b.connectionCount(), "tables empty, seed " + seed);
            assertEquals(CloseReason.NORMAL, appA.reason, "A, seed " + seed + " " + pair.transitions());
            assertEquals(CloseReason.NORMAL, appB.reason, "B, seed " + seed + " " + pair.transitions());
        }
    }
}
