package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Pair.A_ADDR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.StackTracer;
import io.jtcp.stack.cc.AckSample;
import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.cc.CongestionControls;
import io.jtcp.stack.cc.Cubic;
import io.jtcp.stack.harness.BulkApp;
import io.jtcp.stack.harness.Pair;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * CUBIC's initial slow start at the lab's real-back-end rate and RTT (200 Mbit/s, 20 ms) into a
 * 4-BDP drop-tail queue: HyStart++ (RFC 9406) must see the queue build and leave slow start through
 * Conservative Slow Start before the queue overflows. It needs N_RTT_SAMPLE = 8 RTT samples in a
 * round; the engine's Karn-timed sample (one timed segment per round trip) gave it one, so it never
 * left: slow start ran on to ~2× the path's capacity and lost ~3,000 segments in one window
 * (CSS from ~1.85 MB: ~420).
 *
 * <p>Why not the lab's 1-BDP queue: without pacing, the minimum RTT of a round's first samples shows
 * the queue one round late (they time segments sent at the start of the previous round, into the
 * queue the round before left), so at these figures HyStart++ enters CSS at ~1.85 MB whatever the
 * queue, and a 1-BDP queue (1 MB of path) has overflowed by then. There the recovery decides
 * ({@link LostRetransmissionScriptTest}).
 */
class CubicSlowStartExitTest {
    private static final int BUFFER = 8 << 20;

    /** What the sender's controller did, from the tracer's per-ACK events. */
    private static final class Phases implements StackTracer {
        boolean cssSeen;
        boolean cssBeforeLoss;
        boolean lossSeen;
        long cwndAtFirstLoss;
        long lastCwnd;
        int samplesWithRtt;

        @Override
        public void onAck(long nowNs, TcpConnection connection, AckSample sample, CongestionControl cc) {
            String phase = cc.phase();
            if (sample.latestRttNs() >= 0) {
                samplesWithRtt++;
            }
            if (phase.equals("hystart-css")) {
                cssSeen = true;
                cssBeforeLoss |= !lossSeen;
            }
            if (phase.equals("recovery") && !lossSeen) {
                lossSeen = true;
                cwndAtFirstLoss = lastCwnd;
            }
            lastCwnd = cc.cwnd();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void hystartShouldLeaveSlowStartBeforeA4BdpQueueOverflows() {
        final int bytes = 20_000_000;
        final long bps = 200_000_000L;
        final long rttNs = 20 * Pair.MS;
        final int bdpBytes = (int) (bps / 8 * rttNs / 1_000_000_000L); // 500,000
        Phases phases = new Phases();
        Pair.Link link = new Pair.Link()
                .delay(rttNs / 2)
                .bottleneck(bps, 4 * bdpBytes / 1500)
                .seed(3);
        Pair pair = new Pair(
                        link,
                        a -> a.congestionControl(CongestionControls.byName(Cubic.NAME))
                                .sendBufferBytes(BUFFER)
                                .initialSendBufferBytes(BUFFER)
                                .tracer(phases),
                        b -> b.receiveBufferBytes(BUFFER).initialReceiveBufferBytes(BUFFER))
                .traceTraffic(false);
        BulkApp server = new BulkApp(bytes, 1);
        BulkApp client = new BulkApp(0, 2);
        server.expectFrom(client);
        client.expectFrom(server);
        pair.a.listen(5001, c -> server);
        pair.b.connect(pair.now(), A_ADDR, 5001, client);
        pair.service();
        long start = pair.now();
        assertTrue(pair.runUntil(client::eof, 120_000_000_000L, 20_000_000), "transfer finished");
        long elapsed = pair.now() - start;
        assertEquals(server.sentSha256(), client.receivedSha256(), "SHA-256 A→B");
        long retransmits = pair.a.counters().tcpRetransmits;
        System.out.printf(
                "cubic 200 Mbit/s, 20 ms, 4-BDP queue: %.3f s virtual (%.1f Mbit/s), retransmits %d, queue drops %d,"
                        + " CSS seen %b (before loss %b), cwnd at first loss %d, ACKs with an RTT sample %d%n",
                elapsed / 1e9,
                bytes * 8.0 / elapsed * 1e3,
                retransmits,
                pair.packetsQueueDropped,
                phases.cssSeen,
                phases.cssBeforeLoss,
                phases.cwndAtFirstLoss,
                phases.samplesWithRtt);
        assertTrue(phases.cssBeforeLoss, "HyStart++ entered CSS before the first loss");
        // The path holds 5 BDP (pipe and queue). Slow start without an exit is at ~9.7 BDP (4.8 MB)
        // when the first loss is seen; through CSS (×1.25 a round) it is at ~6 BDP.
        assertTrue(
                phases.cwndAtFirstLoss == 0 || phases.cwndAtFirstLoss < 8 * bdpBytes,
                "cwnd at the first loss " + phases.cwndAtFirstLoss + " below 8 BDP");
        assertTrue(retransmits < 1000, "retransmits " + retransmits + " below 1,000 (~3,000 without the exit)");
    }
}
