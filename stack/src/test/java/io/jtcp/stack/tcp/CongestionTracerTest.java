package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Pair.A_ADDR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.StackTracer;
import io.jtcp.stack.cc.AckSample;
import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.harness.BulkApp;
import io.jtcp.stack.harness.Pair;
import io.jtcp.stack.tcp.CongestionControlPluginTest.Recording;
import io.jtcp.stack.tcp.CongestionControlPluginTest.RecordingFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link StackTracer#onAck} (issue #10 §4): one event per ACK the controller saw, after it saw it,
 * with the connection's own controller and a sample whose flight agrees with the connection.
 */
class CongestionTracerTest {
    /** What one event showed, copied (the sample is reused). */
    private record Event(
            long nowNs, int localPort, long cwnd, long ssthresh, long flightBefore, long flightAfter, long acked) {}

    private static final class RecordingTracer implements StackTracer {
        final List<Event> events = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        AckSample firstSample;
        long lastNs = Long.MIN_VALUE;

        @Override
        public void onAck(long nowNs, TcpConnection c, AckSample s, CongestionControl cc) {
            if (cc != c.congestionControl()) {
                problems.add("not the connection's controller at " + nowNs);
            }
            if (cc.cwnd() != c.congestionWindowBytes() || cc.cwnd() <= 0) {
                problems.add("cwnd " + cc.cwnd() + " vs connection " + c.congestionWindowBytes());
            }
            if (s.nowNs() != nowNs || nowNs < lastNs) {
                problems.add("time " + s.nowNs() + " at " + nowNs + " after " + lastNs);
            }
            // The connection's flight counts SACKed bytes too; the sample's does not.
            if (s.bytesInFlightAfter() > c.bytesInFlight() || s.bytesInFlightAfter() < 0) {
                problems.add("flight " + s.bytesInFlightAfter() + " > connection's " + c.bytesInFlight());
            }
            if (firstSample == null) {
                firstSample = s;
            } else if (firstSample != s) {
                problems.add("a new sample object: the engine should reuse one per connection");
            }
            lastNs = nowNs;
            events.add(new Event(
                    nowNs,
                    c.localPort(),
                    cc.cwnd(),
                    cc.ssthresh(),
                    s.bytesInFlightBefore(),
                    s.bytesInFlightAfter(),
                    s.ackedBytes()));
        }
    }

    @Test
    void shouldSeeOneEventPerAckWithConsistentWindowAndFlight() {
        RecordingFactory factory = new RecordingFactory();
        RecordingTracer tracer = new RecordingTracer();
        int bytes = 1_000_000;
        Pair pair = new Pair(
                        new Pair.Link().loss(0.01).seed(7),
                        c -> c.congestionControl(factory).tracer(tracer),
                        c -> c.congestionControl(factory))
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

        assertEquals(List.of(), tracer.problems);
        Recording sender = (Recording) server.connection().congestionControl();
        assertSame(factory.created.get(1), sender);
        assertTrue(sender.acks > 50, "a megabyte takes dozens of ACKs: " + sender.acks);
        assertEquals(sender.acks, tracer.events.size(), "one event per onAck");
        assertTrue(tracer.events.stream().allMatch(e -> e.localPort() == 5001), "only A's connection sends");
        assertEquals(bytes + 1L, tracer.events.stream().mapToLong(Event::acked).sum(), "data + FIN acknowledged");
        assertTrue(sender.duplicates > 0, "the losses gave duplicate ACKs, which are events too");
        for (int i = 1; i < tracer.events.size(); i++) {
            Event prev = tracer.events.get(i - 1);
            Event e = tracer.events.get(i);
            // Between two ACKs the flight only grows (segments sent); an ACK only shrinks it.
            assertTrue(e.flightBefore() >= prev.flightAfter(), "flight went down between ACKs: " + prev + " " + e);
            assertTrue(e.flightAfter() <= e.flightBefore(), "an ACK grew the flight: " + e);
        }
        Event last = tracer.events.get(tracer.events.size() - 1);
        assertEquals(0, last.flightAfter(), "the last ACK empties the flight");
        assertEquals(server.connection().congestionWindowBytes(), last.cwnd());
        assertTrue(
                tracer.events.stream().anyMatch(e -> e.ssthresh() != Long.MAX_VALUE),
                "a loss set ssthresh, and the events show it");
    }
}
