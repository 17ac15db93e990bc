package io.jtcp.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.cc.Bbr;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * BBRv3 (draft-ietf-ccwg-bbr) driven through {@link BottleneckSim}: one flow, one bottleneck,
 * every ACK carrying the {@link DeliveryRateEstimator}'s sample. Virtual time; each test runs in
 * well under a second of real time.
 */
class BbrBottleneckTest {
    private static final int MSS = 1448;
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;
    private static final int ISN = 0xFFF0_0000; // the flow crosses the 2^32 wrap

    /** Phase changes as (time, phase), with the pacing gain and cwnd seen on entry. */
    private static final class PhaseLog implements BottleneckSim.Listener {
        final List<Long> times = new ArrayList<>();
        final List<String> phases = new ArrayList<>();
        final List<Double> gains = new ArrayList<>();
        final List<Long> rounds = new ArrayList<>();
        final List<Long> inflights = new ArrayList<>();
        private final Bbr bbr;

        PhaseLog(Bbr bbr) {
            this.bbr = bbr;
        }

        @Override
        public void onAck(BottleneckSim sim, io.jtcp.stack.cc.AckSample ack) {
            String phase = bbr.phase();
            if (phases.isEmpty() || !phases.get(phases.size() - 1).equals(phase)) {
                times.add(sim.nowNs);
                phases.add(phase);
                gains.add(bbr.pacingGain());
                rounds.add(bbr.roundCount());
                inflights.add(sim.inflight());
            }
        }

        int first(String phase) {
            return phases.indexOf(phase);
        }
    }

    private static BottleneckSim sim(Bbr bbr, long rateBits, long rttNs) {
        return new BottleneckSim(bbr, rateBits, rttNs, MSS, ISN, 42);
    }

    @Test
    void startupShouldReachTheBottleneckBandwidthWithinLog2OfBdpOverIwPlusThreeRoundsAndExit() {
        Bbr bbr = new Bbr();
        BottleneckSim sim = sim(bbr, 20_000_000, 100 * MS);
        long[] roundAtFullRate = {-1};
        long rate = sim.rateBytesPerSec;
        PhaseLog log = new PhaseLog(bbr);
        sim.runUntil(3 * S, (s, a) -> {
            log.onAck(s, a);
            if (roundAtFullRate[0] < 0 && bbr.maxBandwidth() >= rate * 9 / 10) {
                roundAtFullRate[0] = bbr.roundCount();
            }
        });
        double log2 = Math.log((double) sim.bdpBytes() / (10 * MSS)) / Math.log(2);
        long limit = (long) Math.ceil(log2) + 3;
        assertTrue(
                roundAtFullRate[0] > 0 && roundAtFullRate[0] <= limit,
                "90 % of the bottleneck at round " + roundAtFullRate[0] + ", limit " + limit);
        int drain = log.first("drain");
        assertTrue(drain > 0, "Startup never ended: " + log.phases);
        long exitRound = log.rounds.get(drain);
        // Full bandwidth is declared after three rounds without 25 % growth.
        assertTrue(
                exitRound >= roundAtFullRate[0] + 2 && exitRound <= roundAtFullRate[0] + 4,
                "left Startup at round " + exitRound);
        assertEquals(Bbr.class.getSimpleName().length() > 0 ? 2.77 : 0, log.gains.get(0), 1e-9);
        assertTrue(bbr.fullBandwidthReached());
        assertEquals(rate, bbr.maxBandwidth(), rate * 0.02);
    }

    @Test
    void drainShouldBringTheFlightDownToAboutOneBdp() {
        Bbr bbr = new Bbr();
        BottleneckSim sim = sim(bbr, 20_000_000, 100 * MS);
        PhaseLog log = new PhaseLog(bbr);
        sim.runUntil(3 * S, log);
        int drain = log.first("drain");
        assertTrue(drain > 0);
        assertEquals(0.35, log.gains.get(drain), 1e-9);
        long bdp = sim.bdpBytes();
        assertTrue(log.inflights.get(drain) > 3 * bdp / 2, "Startup left a queue: " + log.inflights.get(drain));
        String next = log.phases.get(drain + 1);
        assertTrue(next.startsWith("probe-bw-"), next);
        long atExit = log.inflights.get(drain + 1);
        assertTrue(
                atExit <= bdp * 11 / 10 && atExit >= bdp * 8 / 10, "flight after Drain " + atExit + " vs BDP " + bdp);
    }

    @Test
    void probeBwShouldCycleItsPacingGainsInOrderOnAWallClockOfTwoToThreeSeconds() {
        Bbr bbr = new Bbr();
        BottleneckSim sim = sim(bbr, 20_000_000, 100 * MS);
        PhaseLog log = new PhaseLog(bbr);
        sim.runUntil(30 * S, log);
        Set<String> allowed = Set.of(
                "probe-bw-down>probe-bw-cruise",
                "probe-bw-down>probe-bw-refill",
                "probe-bw-cruise>probe-bw-refill",
                "probe-bw-refill>probe-bw-up",
                "probe-bw-up>probe-bw-down",
                "probe-bw-down>probe-rtt",
                "probe-bw-cruise>probe-rtt",
                "probe-bw-refill>probe-rtt",
                "probe-bw-up>probe-rtt",
                "probe-rtt>probe-bw-cruise",
                "drain>probe-bw-down",
                "drain>probe-bw-cruise");
        int ups = 0;
        int timedWaits = 0;
        long downAt = -1;
        for (int i = log.first("drain"); i + 1 < log.phases.size(); i++) {
            String edge = log.phases.get(i) + ">" + log.phases.get(i + 1);
            assertTrue(allowed.contains(edge), "unexpected transition " + edge + " in " + log.phases);
            String p = log.phases.get(i + 1);
            double gain = log.gains.get(i + 1);
            double want =
                    switch (p) {
                        case "probe-bw-down" -> 0.9;
                        case "probe-bw-up" -> 1.25;
                        default -> 1.0;
                    };
            assertEquals(want, gain, 1e-9, p);
            long t = log.times.get(i + 1);
            if (p.equals("probe-bw-up")) {
                ups++;
            }
            if (p.equals("probe-bw-down") || p.equals("probe-rtt")) {
                downAt = p.equals("probe-bw-down") ? t : -1;
            }
            if (p.equals("probe-bw-cruise") && log.phases.get(i).equals("probe-rtt")) {
                downAt = t; // leaving ProbeRTT restarts the cycle in DOWN, then CRUISE
            }
            if (p.equals("probe-bw-refill") && downAt >= 0) {
                long wait = t - downAt;
                // §4.3.3.5: 2 s plus a uniform random 0-1 s (Reno's 63 rounds are 6.3 s here).
                assertTrue(wait >= 2 * S && wait <= 3 * S + 2 * 100 * MS, "probe wait " + wait / 1e6 + " ms");
                timedWaits++;
            }
        }
        // ProbeRTT, every 5 s here since the path never beats its minimum, restarts the cycle.
        assertTrue(ups >= 5, "only " + ups + " bandwidth probes in 30 s: " + log.phases);
        assertTrue(timedWaits >= 4, "only " + timedWaits + " timed waits");
        assertTrue(sim.deliveredBytes >= 0.9 * sim.rateBytesPerSec * 30, "goodput " + sim.deliveredBytes);
    }

    @Test
    void theProbeWaitShouldBeReproducibleForOneSeedAndDifferForAnother() {
        List<Long> a = refillTimes(7);
        List<Long> b = refillTimes(7);
        List<Long> c = refillTimes(8);
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    private static List<Long> refillTimes(long seed) {
        Bbr bbr = new Bbr(seed);
        BottleneckSim sim = sim(bbr, 20_000_000, 100 * MS);
        PhaseLog log = new PhaseLog(bbr);
        sim.runUntil(12 * S, log);
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < log.phases.size(); i++) {
            if (log.phases.get(i).equals("probe-bw-refill")) {
                times.add(log.times.get(i));
            }
        }
        return times;
    }

    @Test
    void theBandwidthFilterShouldForgetAStaleHighSampleAfterTwoProbeBwCycles() {
        Bbr bbr = new Bbr();
        BottleneckSim sim = sim(bbr, 20_000_000, 100 * MS);
        sim.runUntil(6 * S, null);
        long high = sim.rateBytesPerSec;
        assertEquals(high, bbr.maxBandwidth(), high * 0.02);
        sim.rateBytesPerSec = high / 2; // the path's capacity halves
        sim.runUntil(6 * S + 300 * MS, null);
        assertTrue(bbr.maxBandwidth() >= high * 0.95, "forgot too soon: " + bbr.maxBandwidth());
        long[] forgotAt = {-1};
        int[] probes = {0};
        int[] probesWhenForgotten = {-1};
        String[] last = {bbr.phase()};
        StringBuilder trace = new StringBuilder();
        sim.runUntil(40 * S, (s, a) -> {
            String phase = bbr.phase();
            // A bandwidth probe ends in DOWN, which advances the filter one round later. A cycle
            // restarted by leaving ProbeRTT does not: the first round's samples were sent in
            // ProbeRTT and count as app-limited (§4.3.4.3), as in Linux.
            if (!phase.equals(last[0])) {
                trace.append(String.format(" %.2f:%s", s.nowNs / 1e9, phase));
                if (phase.equals("probe-bw-down") && last[0].equals("probe-bw-up")) {
                    probes[0]++;
                }
            }
            last[0] = phase;
            if (forgotAt[0] < 0 && bbr.maxBandwidth() <= high / 2 * 1.1) {
                forgotAt[0] = s.nowNs;
                probesWhenForgotten[0] = probes[0];
            }
        });
        assertTrue(forgotAt[0] > 0, "still " + bbr.maxBandwidth() + " at 40 s:" + trace);
        // The filter spans two cycles: after the first probe it still remembers the old rate.
        assertEquals(2, probesWhenForgotten[0], "forgotten after " + probesWhenForgotten[0] + " probes:" + trace);
        assertEquals(high / 2, bbr.maxBandwidth(), high / 2 * 0.1);
    }

    @Test
    void probeRttShouldComeFiveSecondsAfterTheLastNewMinimumAndLastAtLeast200MsAndARound() {
        Bbr bbr = new Bbr();
        BottleneckSim sim = sim(bbr, 20_000_000, 100 * MS);
        long[] cwndBefore = {0};
        long[] maxCwndInside = {0};
        long[] lastOutside = {0};
        PhaseLog log = new PhaseLog(bbr);
        sim.runUntil(12 * S, (s, a) -> {
            log.onAck(s, a);
            if (bbr.phase().equals("probe-rtt")) {
                maxCwndInside[0] = Math.max(maxCwndInside[0], bbr.cwnd());
                if (cwndBefore[0] == 0) {
                    cwndBefore[0] = lastOutside[0];
                }
            } else {
                lastOutside[0] = bbr.cwnd();
            }
        });
        int enter = log.first("probe-rtt");
        assertTrue(enter > 0, "no ProbeRTT in 12 s: " + log.phases);
        long enteredAt = log.times.get(enter);
        // The minimum was first seen on the first ACK (one RTT in); the sim's path never beats it.
        assertTrue(enteredAt >= 5 * S && enteredAt <= 5 * S + 300 * MS, "ProbeRTT at " + enteredAt / 1e6 + " ms");
        long lasted = log.times.get(enter + 1) - enteredAt;
        assertTrue(lasted >= 200 * MS && lasted < 1 * S, "ProbeRTT lasted " + lasted / 1e6 + " ms");
        long bdp = sim.bdpBytes();
        assertTrue(maxCwndInside[0] <= Math.max(bdp / 2 + 4 * MSS, 4 * MSS), "cwnd in ProbeRTT " + maxCwndInside[0]);
        // The second one is due five seconds after the first ended.
        int second = log.phases.subList(enter + 1, log.phases.size()).indexOf("probe-rtt");
        assertTrue(second >= 0, log.phases.toString());
        long gap = log.times.get(enter + 1 + second) - log.times.get(enter + 1);
        assertTrue(gap >= 5 * S && gap <= 5 * S + 300 * MS, "gap " + gap / 1e6 + " ms");
        assertTrue(cwndBefore[0] > 2 * bdp * 9 / 10, "cwnd before ProbeRTT " + cwndBefore[0]);
    }

    @Test
    void probeRttShouldAlsoLastARoundWhenTheRoundIsLongerThan200Ms() {
        Bbr bbr = new Bbr();
        BottleneckSim sim = sim(bbr, 10_000_000, 400 * MS);
        PhaseLog log = new PhaseLog(bbr);
        long[] drainedAt = {-1};
        sim.runUntil(8 * S, (s, a) -> {
            log.onAck(s, a);
            if (drainedAt[0] < 0 && bbr.phase().equals("probe-rtt") && s.inflight() <= bbr.cwnd()) {
                drainedAt[0] = s.nowNs;
            }
        });
        int enter = log.first("probe-rtt");
        assertTrue(enter > 0 && drainedAt[0] > 0, log.phases.toString());
        // §4.3.4.3: 200 ms at the low flight, and at least one round trip (400 ms here).
        long lasted = log.times.get(enter + 1) - drainedAt[0];
        assertTrue(lasted >= 400 * MS, "ProbeRTT lasted " + lasted / 1e6 + " ms at its flight, less than a round");
    }

    @Test
    void randomLossOfOnePercentShouldNotCollapseTheWindow() {
        // Reno under 1 % loss gets MSS/RTT * 1.22/sqrt(p) (Mathis et al.), 1.4 % of this link.
        // The default, as Linux's BBRv3: no packet conservation in fast recovery (0.87 measured).
        double linuxV3 = lossyGoodputShare(new Bbr(), 0.01);
        assertTrue(linuxV3 >= 0.8, "goodput share " + linuxV3);
        // With the draft's conservation the chained recovery episodes of steady random loss hold
        // the flight down (0.33 measured since the loss rate is per sample, 0.35+ before); it
        // must still not collapse to Reno's share, and must stay below the default.
        double withConservation = lossyGoodputShare(new Bbr(Bbr.DEFAULT_SEED, true), 0.01);
        assertTrue(withConservation >= 0.25, "goodput share " + withConservation);
        assertTrue(withConservation < linuxV3, withConservation + " vs " + linuxV3);
    }

    /** Goodput over 10-20 s at 100 Mbit/s, 100 ms, a 1-BDP queue, as a share of the link. */
    private static double lossyGoodputShare(Bbr bbr, double loss) {
        BottleneckSim sim = sim(bbr, 100_000_000, 100 * MS);
        sim.queueLimitBytes = sim.bdpBytes();
        sim.lossProbability = loss;
        sim.runUntil(10 * S, null);
        long before = sim.deliveredBytes;
        long[] minCwnd = {Long.MAX_VALUE};
        sim.runUntil(20 * S, (s, a) -> {
            if (!bbr.phase().equals("probe-rtt")) {
                minCwnd[0] = Math.min(minCwnd[0], bbr.cwnd());
            }
        });
        assertTrue(minCwnd[0] >= 16L * MSS, "cwnd fell to " + minCwnd[0] / MSS + " segments");
        assertEquals(Long.MAX_VALUE, bbr.ssthresh());
        return (sim.deliveredBytes - before) / 10.0 / sim.rateBytesPerSec;
    }

    @Test
    void lossAboveTwoPercentDuringAProbeShouldLowerInflightHi() {
        Bbr bbr = new Bbr();
        BottleneckSim sim = sim(bbr, 20_000_000, 100 * MS);
        sim.runUntil(3 * S, null);
        assertEquals(Long.MAX_VALUE, bbr.inflightHi(), "no loss, no upper bound");
        long[] maxFlightInUp = {0};
        PhaseLog log = new PhaseLog(bbr);
        sim.runUntil(12 * S, (s, a) -> {
            log.onAck(s, a);
            if (bbr.phase().equals("probe-bw-up")) {
                maxFlightInUp[0] = Math.max(maxFlightInUp[0], s.inflight());
            }
        });
        long losslessProbe = maxFlightInUp[0];
        assertEquals(Long.MAX_VALUE, bbr.inflightHi());
        sim.lossProbability = 0.05;
        maxFlightInUp[0] = 0;
        PhaseLog lossy = new PhaseLog(bbr);
        sim.runUntil(20 * S, (s, a) -> {
            lossy.onAck(s, a);
            if (bbr.phase().equals("probe-bw-up")) {
                maxFlightInUp[0] = Math.max(maxFlightInUp[0], s.inflight());
            }
        });
        assertTrue(lossy.phases.contains("probe-bw-up"), lossy.phases.toString());
        assertTrue(bbr.inflightHi() < losslessProbe, "inflight_hi " + bbr.inflightHi() + " vs " + losslessProbe);
        assertTrue(bbr.inflightHi() <= 2 * sim.bdpBytes(), "inflight_hi " + bbr.inflightHi());
        assertTrue(maxFlightInUp[0] < losslessProbe, "lossy probe reached " + maxFlightInUp[0]);
    }

    @Test
    void aSegmentLostInAProbeAboveTheLossThresholdShouldEndTheProbeAtTheFlightWhereItCrossed() {
        Bbr bbr = new Bbr();
        BottleneckSim sim = sim(bbr, 20_000_000, 100 * MS);
        // Lossless until the first UP (entered once REFILL's round is done: its samples are the probe's).
        while (!bbr.phase().equals("probe-bw-up") && sim.nowNs < 30 * S) {
            sim.runUntil(sim.nowNs + MS, null);
        }
        assertEquals("probe-bw-up", bbr.phase());
        long flight = 3 * sim.bdpBytes();
        long lost = flight / 25; // 4 %
        long crossed = Bbr.inflightAtLossThreshold(MSS, flight, lost);
        bbr.onSegmentLost(sim.nowNs, MSS, flight, lost, false);
        assertEquals("probe-bw-down", bbr.phase(), "the probe ends at once");
        assertEquals(crossed, bbr.inflightHi(), "inflight_hi where the loss rate crossed 2 %");
        // Once per probe: a second such loss changes nothing.
        bbr.onSegmentLost(sim.nowNs, MSS, flight / 2, lost, false);
        assertEquals(crossed, bbr.inflightHi());
    }

    @Test
    void startupShouldEndOnHighLossBeforeTheBandwidthStopsGrowing() {
        Bbr bbr = new Bbr();
        BottleneckSim sim = sim(bbr, 100_000_000, 100 * MS);
        sim.lossProbability = 0.05;
        PhaseLog log = new PhaseLog(bbr);
        sim.runUntil(2 * S, log);
        // Drain may pass within one ACK: the flight is already below the BDP it aims for.
        assertTrue(log.phases.size() > 1, log.phases.toString());
        assertTrue(bbr.fullBandwidthReached());
        assertTrue(bbr.inflightHi() != Long.MAX_VALUE, "v3's loss exit sets inflight_hi");
        assertTrue(log.rounds.get(1) < 10, "left Startup at round " + log.rounds.get(1));
        assertTrue(bbr.maxBandwidth() < sim.rateBytesPerSec * 0.9, "left before finding the bandwidth");
    }
}
