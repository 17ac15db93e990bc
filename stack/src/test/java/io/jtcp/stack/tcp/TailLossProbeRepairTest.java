package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Seg.ack;
import static io.jtcp.stack.harness.Seg.data;
import static io.jtcp.stack.harness.Seg.syn;
import static io.jtcp.stack.harness.Seg.synAck;

import io.jtcp.stack.harness.TcpScript;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 8985 §7.4: a tail loss probe that resent the last segment and whose ACK shows the original
 * was lost (the ACK covers the probe and carries no D-SACK) repaired a loss: the controller hears
 * one congestion event for it, as after a fast recovery. A D-SACK for the probe says both copies
 * arrived: no event.
 */
class TailLossProbeRepairTest {
    private static final int MSS = 1460;

    private static byte[] sackOption(int... edges) {
        ByteBuffer bb = ByteBuffer.allocate(4 + 4 * edges.length);
        bb.put((byte) 1).put((byte) 1).put((byte) 5).put((byte) (2 + 4 * edges.length));
        for (int e : edges) {
            bb.putInt(e);
        }
        return bb.array();
    }

    /** Three segments out, the first two ACKed, the third lost: the probe resends it. */
    private static TcpScript tailLost(CongestionControlPluginTest.RecordingFactory f) {
        TcpScript s = new TcpScript(c -> c.congestionControl(f).initialSendBufferBytes(1 << 16));
        s.listen(8080);
        s.inject(syn().seq(0).mss(MSS).sackOk());
        s.expect(synAck().seq(0).ack(1));
        s.advance(10 * TcpScript.MS);
        s.inject(ack().seq(1).ack(1));
        s.write(3 * MSS);
        for (int i = 0; i < 3; i++) {
            s.expect(data(MSS).seq(1 + i * MSS).ack(1));
        }
        s.advance(10 * TcpScript.MS);
        s.inject(ack().seq(1).ack(1 + 2 * MSS));
        s.expectNothing();
        s.advanceToNextDeadline(); // the PTO: no new data, so the last segment again
        s.expect(data(MSS).seq(1 + 2 * MSS).ack(1));
        s.checkEquals(1L, s.stack().counters().tcpTailLossProbes, "one tail loss probe");
        return s;
    }

    @Test
    void shouldReportOneCongestionEventWhenTheProbeRepairedALoneTailLoss() {
        CongestionControlPluginTest.RecordingFactory f = new CongestionControlPluginTest.RecordingFactory();
        TcpScript s = tailLost(f);
        long cwndBefore = s.conn().congestionWindowBytes();
        s.advance(10 * TcpScript.MS);
        s.inject(ack().seq(1).ack(1 + 3 * MSS)); // everything, no D-SACK: the original was lost
        List<String> episodes = f.created.get(f.created.size() - 1).episodes;
        s.checkEquals(List.of("TAIL_LOSS_PROBE/0"), episodes, "one congestion event for the repaired loss");
        s.check(s.conn().congestionWindowBytes() < cwndBefore, "the window was reduced");
        s.advance(10 * TcpScript.MS);
        s.inject(ack().seq(1).ack(1 + 3 * MSS)); // a late duplicate changes nothing
        s.checkEquals(List.of("TAIL_LOSS_PROBE/0"), episodes, "still one");
    }

    @Test
    void shouldReportNoCongestionEventWhenADsackShowsTheProbeWasSpurious() {
        CongestionControlPluginTest.RecordingFactory f = new CongestionControlPluginTest.RecordingFactory();
        TcpScript s = tailLost(f);
        int base = s.localIsn();
        s.advance(10 * TcpScript.MS);
        // RFC 2883 §4.1.1: the first block, below the cumulative ACK, reports the duplicate.
        s.inject(ack().seq(1).ack(1 + 3 * MSS).rawOptions(sackOption(base + 1 + 2 * MSS, base + 1 + 3 * MSS)));
        s.checkEquals(List.of(), f.created.get(f.created.size() - 1).episodes, "no loss, no event");
    }
}
