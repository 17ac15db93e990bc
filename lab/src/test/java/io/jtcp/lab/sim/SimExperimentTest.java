package io.jtcp.lab.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.lab.Cell;
import io.jtcp.lab.CellResult;
import io.jtcp.lab.QueueSize;
import io.jtcp.lab.Series;
import org.junit.jupiter.api.Test;

class SimExperimentTest {
    private static final long MS = 1_000_000L;

    private static CellResult run(long rate, double loss, int flows, long seconds, long seed) {
        Cell cell = new Cell("newreno", rate, 40 * MS, loss, QueueSize.ofBdp(1), flows, seconds, seed);
        return new SimExperiment(cell, null, 10 * MS, true).run();
    }

    @Test
    void aFlowShouldFillButNeverExceedTheBottleneck() {
        CellResult r = run(10_000_000L, 0, 1, 20, 1);
        // Payload is 1448 of every 1500 bytes on the wire (20 IP + 20 TCP + 12 timestamps).
        double ceiling = 10 * 1448.0 / 1500;
        assertTrue(r.total().goodputMbit() <= ceiling, "goodput " + r.total().goodputMbit());
        assertTrue(r.total().goodputLastHalfMbit() > 0.95 * ceiling, "fills the link: " + r.total());
        assertTrue(r.total().contentVerified(), "SHA-256 of what was read matches what was written");
        // At no time had more arrived than the link can carry since the start (the first data
        // leaves after the handshake, one RTT in). Per window the application may read faster: a
        // filled hole releases what was buffered behind it at once.
        Series s = r.series().get(0);
        for (int i = 0; i < s.rows(); i++) {
            double bits = s.get(Series.Column.DELIVERED_BYTES, i) * 8;
            assertTrue(bits <= 10_000_000L * 1448.0 / 1500 * s.t(i), "at " + s.t(i) + ": " + bits + " bits");
        }
        // The RTT a packet sees: at least the propagation, at most propagation plus a full queue.
        assertTrue(
                r.total().meanRttMs() >= 40 && r.total().p99RttMs() <= 40 + 40 + 1.3,
                r.total().toString());
    }

    @Test
    void queueOverflowShouldBeCountedAndRecovered() {
        // Slow start overshoots a 1-BDP queue: drops at the queue, retransmitted, all data intact.
        CellResult r = run(20_000_000L, 0, 1, 10, 1);
        assertTrue(r.queueDrops() > 0, "slow start overflowed the queue");
        assertEquals(0, r.randomLosses());
        assertTrue(r.total().retransmits() >= r.queueDrops() / 2, r.total().toString());
        assertTrue(r.total().contentVerified());
    }

    @Test
    void theSameSeedShouldGiveTheSameRun() {
        CellResult a = run(20_000_000L, 0.001, 2, 5, 9);
        CellResult b = run(20_000_000L, 0.001, 2, 5, 9);
        assertEquals(a.flows(), b.flows());
        assertEquals(a.randomLosses(), b.randomLosses());
        assertEquals(a.queueDrops(), b.queueDrops());
        CellResult c = run(20_000_000L, 0.001, 2, 5, 10);
        assertTrue(!a.flows().equals(c.flows()), "another seed, another run");
    }

    @Test
    void severalFlowsShouldShareTheBottleneck() {
        CellResult r = run(20_000_000L, 0, 3, 20, 1);
        assertEquals(3, r.flows().size());
        double sum = r.flows().stream().mapToDouble(f -> f.goodputMbit()).sum();
        assertEquals(r.total().goodputMbit(), sum, 1e-9);
        assertTrue(r.total().goodputLastHalfMbit() <= 20 * 1448.0 / 1500);
        assertTrue(r.flows().stream().allMatch(f -> f.goodputMbit() > 0 && f.contentVerified()));
        assertTrue(r.jain() > 0 && r.jain() <= 1);
    }
}
