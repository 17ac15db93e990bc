package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Pair.A_ADDR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.StackCounters;
import io.jtcp.stack.StackTracer;
import io.jtcp.stack.cc.Bbr;
import io.jtcp.stack.harness.BulkApp;
import io.jtcp.stack.harness.Pair;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Retransmissions of data the receiver already had. The receiver's tracer marks every payload
 * byte that arrives; a data segment all of whose bytes had arrived before is a spurious
 * retransmission (its earlier copy got through). With SACK the sender knows most of what arrived,
 * so such duplicates should be few.
 */
class SpuriousRetransmissionTest {
    private static final int BUFFER = 8 << 20;

    /** Counts payload bytes arriving at the receiver, and segments that brought nothing new. */
    static final class ArrivalLedger implements StackTracer {
        final BitSet seen = new BitSet();
        int base = Integer.MIN_VALUE; // sequence number of the first payload byte (ISN + 1)
        long dataSegments;
        long duplicateSegments;

        @Override
        public void onPacket(long nowNs, boolean inbound, DirectBuffer buf, int off, int len) {
            if (!inbound || (buf.getByte(off + 9) & 0xff) != 6) {
                return;
            }
            final int ihl = (buf.getByte(off) & 0x0f) * 4;
            final int total = ((buf.getByte(off + 2) & 0xff) << 8) | (buf.getByte(off + 3) & 0xff);
            final int tcp = off + ihl;
            final int seq = ((buf.getByte(tcp + 4) & 0xff) << 24)
                    | ((buf.getByte(tcp + 5) & 0xff) << 16)
                    | ((buf.getByte(tcp + 6) & 0xff) << 8)
                    | (buf.getByte(tcp + 7) & 0xff);
            final int flags = buf.getByte(tcp + 13) & 0xff;
            final int dataOffset = ((buf.getByte(tcp + 12) & 0xff) >> 4) * 4;
            final int payload = total - ihl - dataOffset;
            if ((flags & 0x02) != 0) {
                base = seq + 1;
                return;
            }
            if (payload <= 0 || base == Integer.MIN_VALUE) {
                return;
            }
            final int from = seq - base;
            dataSegments++;
            if (seen.nextClearBit(from) >= from + payload) {
                duplicateSegments++;
            }
            seen.set(from, from + payload);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void bbrAtOnePercentLossShouldNotResendWhatArrived() {
        int bytes = 40_000_000;
        long mbps = 100;
        ArrivalLedger ledger = new ArrivalLedger();
        Pair.Link link = new Pair.Link()
                .delay(50 * Pair.MS)
                .bottleneck(mbps * 1_000_000L, 833)
                .loss(0.01)
                .seed(5);
        Pair pair = new Pair(
                        link,
                        a -> a.congestionControl(Bbr.factory())
                                .sendBufferBytes(BUFFER)
                                .initialSendBufferBytes(BUFFER),
                        b -> b.receiveBufferBytes(BUFFER)
                                .initialReceiveBufferBytes(BUFFER)
                                .tracer(ledger))
                .traceTraffic(false);
        BulkApp server = new BulkApp(bytes, 1);
        BulkApp client = new BulkApp(0, 2);
        server.expectFrom(client);
        client.expectFrom(server);
        pair.a.listen(5001, c -> server);
        pair.b.connect(pair.now(), A_ADDR, 5001, client);
        pair.service();
        long start = pair.now();
        assertTrue(pair.runUntil(client::eof, 600_000_000_000L, 50_000_000), "transfer finished");
        long elapsed = pair.now() - start;
        assertEquals(server.sentSha256(), client.receivedSha256(), "SHA-256 A→B");
        StackCounters c = pair.a.counters();
        String report = String.format(
                "bbr 1%% loss: %.2f s, %.1f Mbit/s, retransmits %d, duplicates at receiver %d, losses %d + %d queue,"
                        + " RTOs %d, fast rtx %d, sack rec %d, rec probes %d, TLPs %d",
                elapsed / 1e9,
                bytes * 8.0 / elapsed * 1e3,
                c.tcpRetransmits,
                ledger.duplicateSegments,
                pair.packetsLost,
                pair.packetsQueueDropped,
                c.tcpTimeouts,
                c.tcpFastRetransmits,
                c.tcpSackRecoveries,
                c.tcpRecoveryProbes,
                c.tcpTailLossProbes);
        System.out.println(report);
        // Before (the timeout cleared the scoreboard; SND.UNA's lost resend always waited for the
        // 200 ms RTO; each episode resent SND.UNA again though the last one had): 12,075
        // retransmissions for 3,335 losses, 9,080 of them duplicates at the receiver, 5 RTOs.
        assertTrue(ledger.duplicateSegments * 10 <= c.tcpRetransmits * 4, "at most 40 % spurious: " + report);
        assertTrue(
                c.tcpRetransmits <= 2 * (pair.packetsLost + pair.packetsQueueDropped), "at most 2 per loss: " + report);
    }
}
