package io.jtcp.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** results.csv, the series CSVs and the SVGs, from a small real matrix. */
class OutputTest {
    private static final long MS = 1_000_000L;
    private static final String REQUIRED =
            "cc,rate_mbit,rtt_ms,loss,queue_bdp,flows,seconds,goodput_mbit,retransmits,mean_rtt_ms,p99_rtt_ms,jain";

    private static List<CellResult> results;

    private static synchronized List<CellResult> results() {
        if (results == null) {
            Matrix m = new Matrix(
                    List.of("newreno"),
                    List.of(20_000_000L),
                    List.of(20 * MS),
                    List.of(0.0, 0.001, 0.01),
                    List.of(QueueSize.ofBdp(1)),
                    List.of(1, 2),
                    4,
                    1);
            results = new LabRunner(LabRunner.BUILT_IN, LabRunner.DEFAULT_SAMPLE_NS, true).run(m, null);
        }
        return results;
    }

    @Test
    void resultsCsvShouldHaveTheFixedColumnsAndOneRowPerCellAndPerFlow() {
        String[] lines = ResultsCsv.render(results()).split("\n");
        assertTrue(lines[0].startsWith(REQUIRED + ",flow,"), lines[0]);
        int columns = lines[0].split(",", -1).length;
        // 6 cells; the three with 2 flows add 2 rows each.
        assertEquals(1 + 6 + 3 * 2, lines.length);
        int flowColumn = List.of(lines[0].split(",")).indexOf("flow");
        int jainColumn = List.of(lines[0].split(",")).indexOf("jain");
        assertEquals("newreno,20,20,0,1,1,4,", lines[1].substring(0, "newreno,20,20,0,1,1,4,".length()));
        String[] all = lines[2].split(",", -1);
        String[] flow0 = lines[3].split(",", -1);
        String[] flow1 = lines[4].split(",", -1);
        assertEquals("all", all[flowColumn]);
        assertEquals("0", flow0[flowColumn]);
        assertEquals("1", flow1[flowColumn]);
        assertTrue(!all[jainColumn].isEmpty() && flow0[jainColumn].isEmpty(), "Jain on the aggregate row only");
        assertEquals(Double.parseDouble(all[7]), Double.parseDouble(flow0[7]) + Double.parseDouble(flow1[7]), 1e-3);
        assertEquals("0.001", lines[5].split(",")[3], "loss as a fraction");
        for (String line : lines) {
            assertEquals(columns, line.split(",", -1).length, line);
        }
    }

    @Test
    void seriesCsvShouldHaveARowPerSampleAndFlow() {
        CellResult twoFlows = results().get(1);
        String[] lines = SeriesCsv.render(twoFlows.series()).split("\n");
        assertEquals(
                "t_s,flow,cwnd,bytes_in_flight,srtt_ms,rto_ms,retransmits,delivered_bytes,acked_bytes,"
                        + "ssthresh,pacing_rate,phase,delivery_rate",
                lines[0]);
        // t = 0 to 3.99 s every 10 ms, and the end (4 s), for each flow.
        assertEquals(1 + 2 * 401, lines.length);
        assertTrue(lines[1].startsWith("0,0,") && lines[2].startsWith("0,1,"), lines[1] + " / " + lines[2]);
        assertTrue(lines[lines.length - 1].startsWith("4,1,"), lines[lines.length - 1]);
        for (String line : lines) {
            assertEquals(13, line.split(",", -1).length, line);
        }
    }

    @Test
    void plotsShouldBeXmlWithTheirAxisLabels(@TempDir Path dir) throws Exception {
        List<Path> written =
                LabRunner.write(results(), dir, results().get(3).cell().name());
        assertTrue(written.contains(dir.resolve("results.csv")));
        for (CellResult r : results()) {
            assertTrue(Files.exists(dir.resolve("series").resolve(r.cell().name() + ".csv")));
        }
        assertAxes(dir.resolve("goodput_vs_loss.svg"), Charts.LOSS_AXIS, Charts.GOODPUT_AXIS, "newreno");
        assertAxes(
                dir.resolve("cwnd_rtt.svg"),
                Charts.TIME_AXIS,
                Charts.CWND_AXIS,
                Charts.RTT_AXIS,
                results().get(3).cell().name());
        assertAxes(dir.resolve("fairness.svg"), Charts.FAIRNESS_AXIS, "flow 0", "flow 1");
    }

    private static void assertAxes(Path svg, String... texts) throws Exception {
        byte[] bytes = Files.readAllBytes(svg);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        // No network: the SVG 1.1 DOCTYPE names a DTD on w3.org.
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(bytes));
        assertEquals("svg", doc.getDocumentElement().getLocalName(), svg.toString());
        String text = doc.getDocumentElement().getTextContent();
        for (String t : texts) {
            assertTrue(text.contains(t), svg.getFileName() + " lacks '" + t + "'");
        }
        assertTrue(new String(bytes, StandardCharsets.UTF_8).contains("<text"), "labels are text, not paths");
    }

    @Test
    void unknownAlgorithmShouldFailBeforeAnythingRuns() {
        Matrix m = new Matrix(
                List.of("newreno", "nosuch"),
                List.of(20_000_000L),
                List.of(20 * MS),
                List.of(0.0),
                List.of(QueueSize.ofBdp(1)),
                List.of(1),
                600,
                1);
        StringWriter progress = new StringWriter();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LabRunner(
                        LabRunner.BUILT_IN, LabRunner.DEFAULT_SAMPLE_NS, false)
                .run(m, new PrintWriter(progress)));
        assertTrue(
                e.getMessage().startsWith("unknown congestion control 'nosuch'; known: newreno, cubic, bbr"),
                e.getMessage());
        assertEquals("", progress.toString(), "no cell ran");
    }

    @Test
    void anUnknownPlotCellShouldNameTheCells(@TempDir Path dir) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> LabRunner.write(results(), dir, "nope"));
        assertTrue(e.getMessage().contains(results().get(0).cell().name()), e.getMessage());
    }
}
