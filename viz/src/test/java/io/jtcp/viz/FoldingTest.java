package io.jtcp.viz;

import static io.jtcp.viz.ScriptedCapture.ACK;
import static io.jtcp.viz.ScriptedCapture.FIN;
import static io.jtcp.viz.ScriptedCapture.PSH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.viz.ladder.Ladder;
import io.jtcp.viz.ladder.LadderBuilder;
import io.jtcp.viz.ladder.TextRenderer;
import io.jtcp.viz.tcp.CaptureConnections;
import io.jtcp.viz.tcp.ConnectionAnalysis;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bulk transfer folds into a readable ladder; its start, its end and its teardown stay. */
class FoldingTest {
    @TempDir
    Path dir;

    private Ladder ladder(ScriptedCapture c, int maxRows) throws Exception {
        CaptureConnections cap = CaptureConnections.read(c.write(dir.resolve("bulk.pcap")));
        return new LadderBuilder(false, maxRows)
                .build(ConnectionAnalysis.of(cap.connections().get(0)), 1);
    }

    /** B sends 3000 segments of 1000 bytes, A acknowledges every second one. */
    private static ScriptedCapture bulk(int retransmitEvery) {
        ScriptedCapture c = new ScriptedCapture().handshake().a(PSH | ACK, 1, 1, 20, 502);
        long seq = 1;
        for (int i = 1; i <= 3000; i++) {
            c.b(ACK, seq, 21, 1000, 510);
            if (retransmitEvery > 0 && i % retransmitEvery == 0) {
                c.b(ACK, seq, 21, 1000, 510);
            }
            seq += 1000;
            if (i % 2 == 0) {
                c.a(ACK, 21, seq, 0, 502);
            }
        }
        return c.a(FIN | ACK, 21, seq, 0, 502).b(FIN | ACK, seq, 22, 0, 510).a(ACK, 22, seq + 1, 0, 502);
    }

    @Test
    void shouldFoldBulkTransferIntoOneCountingRow() throws Exception {
        Ladder l = ladder(bulk(0), 300);
        List<Ladder.Fold> folds = l.rows().stream()
                .filter(r -> r instanceof Ladder.Fold)
                .map(r -> (Ladder.Fold) r)
                .toList();
        assertEquals(1, folds.size(), TextRenderer.render(l));
        // 4500 data and ACK segments; the first data of each side (a message start), 4 + 2 drawn around.
        assertTrue(
                folds.get(0).text().startsWith("… 4493 segments in "),
                folds.get(0).text());
        assertTrue(
                folds.get(0).text().contains("1498 → no data, 2995 ← 3.0 MB"),
                folds.get(0).text());
        assertTrue(l.rows().size() < 20, TextRenderer.render(l));
        String text = TextRenderer.render(l);
        assertTrue(text.contains("FIN_WAIT_1") && text.contains("LAST_ACK") && text.contains("TIME_WAIT"), text);
    }

    /** Marked segments stay visible while they are few; past maxRows they fold too, counted. */
    @Test
    void shouldFoldMarkedSegmentsTooWhenTooManyRows() throws Exception {
        Ladder few = ladder(bulk(1000), 300);
        assertTrue(TextRenderer.render(few).contains("[retransmission]"), TextRenderer.render(few));
        Ladder many = ladder(bulk(10), 60);
        assertTrue(many.rows().size() <= 60, many.rows().size() + " rows");
        String text = TextRenderer.render(many);
        assertTrue(text.contains(", retransmission x299 ..."), text);
    }
}
