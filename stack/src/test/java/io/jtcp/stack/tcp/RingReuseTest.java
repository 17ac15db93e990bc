package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Pair.A_ADDR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.harness.BulkApp;
import io.jtcp.stack.harness.Pair;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Connection churn reuses ring objects (issue #13 goal 3: what a connection allocates): a closed
 * connection's rings, storage already back in the pool, serve the next connections, which start
 * them empty, at index 0 and at the starting capacity, and carry their streams intact.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RingReuseTest {
    private static final long BUDGET_NS = 600_000_000_000L;
    private static final long STEPS = 2_000_000;
    private static final int PORT = 5001;

    /** One connection B → A with {@code bytes} each way, both ends closing; its two Tcbs. */
    private static Tcb[] transfer(Pair pair, int bytes, long seed) {
        BulkApp server = new BulkApp(bytes, seed);
        BulkApp client = new BulkApp(bytes, seed + 1);
        Tcb[] accepted = new Tcb[1];
        pair.a.unlisten(PORT);
        pair.a.listen(PORT, c -> {
            accepted[0] = (Tcb) c;
            return server;
        });
        Tcb active = (Tcb) pair.b.connect(pair.now(), A_ADDR, PORT, client);
        pair.service();
        assertTrue(
                pair.runUntil(
                        () -> server.eof() && client.eof() && server.sent() == bytes && client.sent() == bytes,
                        BUDGET_NS,
                        STEPS),
                "transfer finished: server " + server + ", client " + client);
        assertTrue(pair.runToIdle(BUDGET_NS, STEPS), "engines went idle (TIME_WAIT over)");
        assertNull(server.error(), "server app error");
        assertNull(client.error(), "client app error");
        assertEquals(client.sentSha256(), server.receivedSha256(), "SHA-256 B→A");
        assertEquals(server.sentSha256(), client.receivedSha256(), "SHA-256 A→B");
        return new Tcb[] {active, accepted[0]};
    }

    @Test
    void shouldCarryStreamsIntactThroughRingsThatAnEarlierConnectionGrew() {
        Pair pair = new Pair(new Pair.Link().delay(5 * Pair.MS));
        Tcb[] first = transfer(pair, 2 << 20, 11); // grows the rings (send growth, receive autotuning)
        assertNull(first[0].tx.sendRing, "the first connection let go of its rings");
        MemoryGovernor clientMemory = first[0].engine.memory;
        MemoryGovernor serverMemory = first[1].engine.memory;
        assertEquals(2, clientMemory.spareRings(), "client: both rings kept for reuse");
        assertEquals(2, serverMemory.spareRings(), "server: both rings kept for reuse");
        transfer(pair, 2 << 20, 21); // through the reused rings, indices and capacity reset
        assertEquals(2, clientMemory.spareRings(), "client: both rings back again");
        assertEquals(2, serverMemory.spareRings(), "server: both rings back again");
    }

    @Test
    void shouldReuseTheSameFewRingObjectsAcrossManyConnections() {
        Pair pair = new Pair(new Pair.Link().delay(Pair.MS), c -> c.mslNs(Pair.MS), c -> c.mslNs(Pair.MS));
        Set<ByteRing> rings = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < 50; i++) {
            BulkApp server = new BulkApp(3000, i);
            BulkApp client = new BulkApp(200, 1000 + i);
            Tcb[] accepted = new Tcb[1];
            pair.a.unlisten(PORT);
            pair.a.listen(PORT, c -> {
                accepted[0] = (Tcb) c;
                return server;
            });
            Tcb active = (Tcb) pair.b.connect(pair.now(), A_ADDR, PORT, client);
            rings.add(active.tx.sendRing);
            rings.add(active.rx.recvRing);
            pair.service();
            assertTrue(
                    pair.runUntil(() -> server.eof() && client.eof(), BUDGET_NS, STEPS),
                    "connection " + i + " finished: server " + server + ", client " + client);
            rings.add(accepted[0].tx.sendRing);
            rings.add(accepted[0].rx.recvRing);
            assertTrue(pair.runToIdle(BUDGET_NS, STEPS), "engines went idle");
            assertEquals(client.sentSha256(), server.receivedSha256(), "SHA-256 B→A, connection " + i);
            assertEquals(server.sentSha256(), client.receivedSha256(), "SHA-256 A→B, connection " + i);
        }
        rings.remove(null);
        // One connection at a time: its four rings (two each side) serve all fifty.
        assertEquals(4, rings.size(), "distinct ring objects over 50 sequential connections");
    }
}
