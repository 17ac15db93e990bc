package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Pair.A_ADDR;
import static io.jtcp.stack.harness.Seg.ack;
import static io.jtcp.stack.harness.Seg.data;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.cc.AckSample;
import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.cc.CongestionEvent;
import io.jtcp.stack.cc.Cubic;
import io.jtcp.stack.cc.NewReno;
import io.jtcp.stack.cc.RecoveryState;
import io.jtcp.stack.harness.BulkApp;
import io.jtcp.stack.harness.Pair;
import io.jtcp.stack.harness.TcpScript;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Congestion control as a plug-in (issue #10): the engine creates one controller per connection
 * from {@code StackConfig.congestionControl} (CUBIC when unset), a connection may replace its
 * own, and the controller hears the events its interface promises: one congestion event per
 * episode (RFC 5681 §3.2's three duplicates as segmentsLeft = 3), an onAck for every ACK whose
 * acknowledged bytes add up to everything sent, and onPacketSent for every segment.
 */
class CongestionControlPluginTest {

    /** NewReno's decisions, with every event recorded. */
    static final class Recording implements CongestionControl {
        final NewReno inner = new NewReno();
        final List<String> episodes = new ArrayList<>();
        int initMss;
        int inits;
        long ackedTotal;
        long acks;
        long duplicates;
        long sent;
        long sentRetransmissions;
        long recoveryEnds;
        long samplesWithRtt;
        long minRttSeen = Long.MAX_VALUE;
        boolean sawRecoveryState;
        final List<Long> idleRestarts = new ArrayList<>();

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public void init(int mss, long nowNs) {
            initMss = mss;
            inits++;
            inner.init(mss, nowNs);
        }

        @Override
        public void onPacketSent(long nowNs, int bytes, long bytesInFlight, boolean retransmission) {
            sent++;
            if (retransmission) {
                sentRetransmissions++;
            }
        }

        @Override
        public void onAck(AckSample ack) {
            acks++;
            ackedTotal += ack.ackedBytes();
            if (ack.duplicate()) {
                duplicates++;
            }
            if (ack.rttNs() >= 0) {
                samplesWithRtt++;
                assertTrue(ack.minRttNs() > 0 && ack.minRttNs() <= ack.rttNs(), "min RTT ≤ sample: " + ack);
                minRttSeen = Math.min(minRttSeen, ack.minRttNs());
            }
            if (ack.recoveryState() == RecoveryState.RECOVERY) {
                sawRecoveryState = true;
            }
            inner.onAck(ack);
        }

        @Override
        public void onCongestionEvent(CongestionEvent kind, long nowNs, long bytesInFlight, int segmentsLeft) {
            episodes.add(kind + "/" + segmentsLeft);
            inner.onCongestionEvent(kind, nowNs, bytesInFlight, segmentsLeft);
        }

        @Override
        public void onRestartAfterIdle(long nowNs, long idleNs) {
            idleRestarts.add(idleNs);
        }

        @Override
        public void onRecoveryEnd(long nowNs) {
            recoveryEnds++;
            inner.onRecoveryEnd(nowNs);
        }

        @Override
        public long cwnd() {
            return inner.cwnd();
        }

        @Override
        public long ssthresh() {
            return inner.ssthresh();
        }
    }

    static final class RecordingFactory implements CongestionControl.Factory {
        final List<Recording> created = new ArrayList<>();

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public CongestionControl create() {
            Recording r = new Recording();
            created.add(r);
            return r;
        }
    }

    @Test
    void shouldGiveEachConnectionCubicWhenNoFactoryIsConfigured() {
        Pair pair = new Pair(new Pair.Link());
        BulkApp server = new BulkApp(10_000, 1);
        BulkApp client = new BulkApp(10_000, 2);
        pair.a.listen(5001, c -> server);
        pair.b.connect(pair.now(), A_ADDR, 5001, client);
        pair.service();
        assertTrue(pair.runUntil(() -> server.connected() && client.connected(), 10_000_000_000L, 10_000));
        assertInstanceOf(Cubic.class, server.connection().congestionControl());
        assertInstanceOf(Cubic.class, client.connection().congestionControl());
        assertNotSame(
                server.connection().congestionControl(), client.connection().congestionControl());
        assertEquals(Long.MAX_VALUE, client.connection().slowStartThresholdBytes(), "ssthresh unknown at first");
        assertEquals("slow-start", client.connection().congestionPhase());
        // RFC 6928: IW = min(10·MSS, max(2·MSS, 14600)) with MSS 1460.
        assertEquals(14_600, client.connection().congestionWindowBytes());
    }

    @Test
    void shouldReportEachEpisodeOnceAndEveryAckedByteWhenLinkLoses() {
        RecordingFactory factory = new RecordingFactory();
        int bytes = 2_000_000;
        Pair.Link link = new Pair.Link().loss(0.02).seed(42);
        Pair pair = new Pair(link, c -> c.congestionControl(factory), c -> c.congestionControl(factory))
                .traceTraffic(false);
        BulkApp server = new BulkApp(bytes, 1);
        BulkApp client = new BulkApp(0, 2);
        client.expectFrom(server);
        pair.a.listen(5001, c -> server);
        pair.b.connect(pair.now(), A_ADDR, 5001, client);
        pair.service();
        assertTrue(pair.runUntil(client::eof, 600_000_000_000L, 5_000_000), "transfer finished");
        assertTrue(pair.runUntil(() -> server.connection().bytesInFlight() == 0, 60_000_000_000L, 100_000));
        assertEquals(server.sentSha256(), client.receivedSha256(), "SHA-256 A→B");
        assertEquals(2, factory.created.size(), "one controller per connection");
        Recording sender = (Recording) server.connection().congestionControl();
        assertSame(factory.created.get(1), sender, "B connects first: A's passive connection is the second");
        assertEquals(1460, sender.initMss);
        var counters = pair.a.counters();
        long episodes = counters.tcpFastRetransmits + counters.tcpSackRecoveries;
        long rtoEvents =
                sender.episodes.stream().filter(e -> e.startsWith("RTO")).count();
        assertEquals(
                episodes,
                sender.episodes.size() - rtoEvents,
                "one congestion event per recovery episode: " + sender.episodes);
        assertTrue(episodes > 0, "the link's losses started recoveries");
        assertTrue(rtoEvents <= counters.tcpTimeouts, "at most one RTO event per timeout");
        for (String e : sender.episodes) {
            assertTrue(
                    e.equals("FAST_RECOVERY/3")
                            || e.equals("FAST_RECOVERY/0")
                            || e.equals("TAIL_LOSS_PROBE/0")
                            || e.equals("RTO/0"),
                    "event and segmentsLeft: " + e);
        }
        assertEquals(bytes + 1L, sender.ackedTotal, "acked bytes of all onAck calls = data + FIN");
        assertTrue(sender.duplicates > 0, "duplicate ACKs reach the controller");
        assertTrue(sender.sawRecoveryState, "samples carry the recovery state");
        assertTrue(sender.samplesWithRtt > 0 && sender.minRttSeen >= 10_000_000L, "RTT ≥ 2 × 5 ms delay");
        assertTrue(sender.recoveryEnds > 0, "recoveries end");
        assertEquals(counters.tcpRetransmits, sender.sentRetransmissions, "every retransmission is reported");
    }

    @Test
    void shouldInitialiseReplacementWithCurrentMssWhenConnectionOverridesController() {
        RecordingFactory factory = new RecordingFactory();
        Pair pair = new Pair(new Pair.Link(), c -> c.mtuBytes(1400), c -> {});
        BulkApp server = new BulkApp(300_000, 1);
        BulkApp client = new BulkApp(0, 2);
        client.expectFrom(server);
        pair.a.listen(5001, c -> server);
        pair.b.connect(pair.now(), A_ADDR, 5001, client);
        pair.service();
        assertTrue(pair.runUntil(() -> server.connected() && client.received() > 50_000, 10_000_000_000L, 100_000));
        server.connection().congestionControl(factory);
        Recording replaced = (Recording) server.connection().congestionControl();
        assertEquals(1, factory.created.size());
        assertEquals(1, replaced.inits);
        assertEquals(server.connection().sendMss(), replaced.initMss, "initialised with the current MSS");
        assertTrue(pair.runUntil(client::eof, 60_000_000_000L, 1_000_000), "transfer finished after the switch");
        assertEquals(server.sentSha256(), client.receivedSha256(), "SHA-256 A→B");
        assertTrue(replaced.acks > 0, "the new controller drives the rest of the transfer");
        server.connection().congestionControl(null);
        assertInstanceOf(Cubic.class, server.connection().congestionControl(), "null: back to the default");
    }

    /** RFC 5681 §4.1: sending again after more than an RTO with nothing in flight is reported once. */
    @Test
    void shouldReportRestartAfterIdleOnceWhenSenderResumesAfterMoreThanRto() {
        RecordingFactory factory = new RecordingFactory();
        TcpScript s = new TcpScript(c -> c.congestionControl(factory)).establishedPassive();
        Recording cc = (Recording) s.conn().congestionControl();
        s.write(100);
        s.expect(data(100).seq(1).ack(1));
        s.advance(1_000_000);
        s.inject(ack().seq(1).ack(101));
        s.advance(50_000_000); // well below the RTO: not idle
        s.write(100);
        s.expect(data(100).seq(101).ack(1));
        s.advance(1_000_000);
        s.inject(ack().seq(1).ack(201));
        s.checkEquals(0, cc.idleRestarts.size(), "no restart within an RTO");
        s.advance(3_000_000_000L); // idle for 3 s, more than any RTO here
        s.write(100);
        s.expect(data(100).seq(201).ack(1));
        s.write(100);
        s.expect(data(100).seq(301).ack(1));
        s.checkEquals(1, cc.idleRestarts.size(), "one restart for one idle period");
        s.check(cc.idleRestarts.get(0) >= 3_000_000_000L, "idle time " + cc.idleRestarts.get(0));
    }
}
