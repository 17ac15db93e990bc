package io.jtcp.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.viz.tcp.CaptureConnections;
import io.jtcp.viz.tcp.ConnectionAnalysis;
import io.jtcp.viz.tsg.CcLog;
import io.jtcp.viz.tsg.TimeSequence;
import io.jtcp.viz.tsg.TimeSequence.Bar;
import io.jtcp.viz.tsg.TimeSequence.BarKind;
import io.jtcp.viz.tsg.TimeSequence.MarkerKind;
import io.jtcp.viz.tsg.TsgBuilder;
import io.jtcp.viz.tsg.TsgSvgRenderer;
import io.jtcp.viz.tsg.Units;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decimation, direction, bytes in flight, the congestion log and the axes' numbers. */
class TsgBuilderTest {
    @TempDir
    Path dir;

    @Test
    void shouldDrawEverySegmentOfSmallCaptureAndPickBusierDirection() throws Exception {
        TimeSequence g = TimeSequences.graph(TimeSequences.lossy().write(dir.resolve("l.pcap")), false, 1000, true);
        assertEquals("10.7.0.1:40000", g.sender());
        assertEquals(9, g.stats().dataSegments()); // SYN, 5 data, a retransmission, the probe, FIN
        assertEquals(g.stats().dataSegments(), g.bars().size());
        assertEquals(1, g.stats().retransmissions());
        assertEquals(2, g.stats().dupAcks());
        assertEquals(1, g.stats().zeroWindows());
        assertEquals(2, g.stats().sackBlocks());
        assertTrue(
                g.notes().stream().noneMatch(n -> n.startsWith("decimated")),
                g.notes().toString());
        // Bytes in flight after segment 6 (401 sent, 1 acknowledged) and after the ACK of 401.
        assertTrue(
                g.inFlight().stream().anyMatch(s -> s.value() == 400),
                g.inFlight().toString());
        assertEquals(0, g.inFlight().get(g.inFlight().size() - 1).value());
        ConnectionAnalysis an = ConnectionAnalysis.of(
                CaptureConnections.read(dir.resolve("l.pcap")).connections().get(0));
        TimeSequence back = new TsgBuilder(false, 1000, false).build(an, false);
        assertEquals("10.7.0.2:80", back.sender());
        assertEquals(2, back.stats().dataSegments()); // B's SYN-ACK and FIN
    }

    @Test
    void shouldBoundOutputByColumnsAndKeepEverySegmentCounted() throws Exception {
        Path pcap = dir.resolve("bulk.pcap");
        long bytes = HeadersOnlyCapture.bulk(pcap, 20_000, 500);
        int columns = 100;
        TimeSequence g = TimeSequences.graph(pcap, false, columns, true);
        assertEquals(bytes + 40 * HeadersOnlyCapture.MSS, g.stats().bytes()); // 40 retransmitted
        int segments = 0;
        int dataBars = 0;
        for (Bar b : g.bars()) {
            segments += b.segments();
            dataBars += b.kind() == BarKind.DATA ? 1 : 0;
        }
        assertEquals(g.stats().dataSegments(), segments, "every segment is in exactly one bar");
        assertTrue(
                g.bars().size() <= columns * TsgBuilder.MAX_BARS_PER_COLUMN,
                "bars: " + g.bars().size());
        // In-order data touches: one bar per column (a retransmission below it does not split it).
        assertTrue(dataBars <= columns, "data bars: " + dataBars);
        assertTrue(g.acks().size() <= 3 * columns, "ack samples: " + g.acks().size());
        assertTrue(
                g.inFlight().size() <= columns,
                "in-flight samples: " + g.inFlight().size());
        assertEquals(40, g.stats().retransmissions());
        assertTrue(g.bars().stream()
                        .filter(b -> b.kind() == BarKind.RETRANSMISSION)
                        .count()
                >= 1);
        // The data bars still cover the whole transfer without a gap.
        List<Bar> data = new ArrayList<>(
                g.bars().stream().filter(b -> b.kind() == BarKind.DATA).toList());
        data.sort(Comparator.comparingLong(Bar::from));
        long covered = 1;
        for (Bar b : data) {
            assertTrue(b.from() <= covered, "gap before " + b);
            covered = Math.max(covered, b.to());
        }
        assertEquals(bytes + 1, covered);
        assertEquals(bytes + 2, g.acks().get(g.acks().size() - 1).ack()); // FIN acknowledged
        long dupMarks = g.markers().stream()
                .filter(m -> m.kind() == MarkerKind.DUP_ACK)
                .mapToLong(TimeSequence.Marker::count)
                .sum();
        assertEquals(g.stats().dupAcks(), dupMarks);
        assertTrue(
                g.notes().stream().anyMatch(n -> n.startsWith("decimated: ")),
                g.notes().toString());
    }

    /** A zoom: only the window's segments, the ACK line entering at its left edge with its value there. */
    @Test
    void shouldDrawOnlyTheTimeWindowAskedFor() throws Exception {
        Path pcap = TimeSequences.lossy().write(dir.resolve("l.pcap"));
        ConnectionAnalysis an = ConnectionAnalysis.of(
                CaptureConnections.read(pcap).connections().get(0));
        TimeSequence g =
                new TsgBuilder(false, 1000, true).window(0.0075, 0.0115).build(an, true);
        assertEquals(0.0075, g.startS());
        assertEquals(0.0115, g.durationS());
        assertEquals(List.of(new Bar(0.010, 101, 201, BarKind.RETRANSMISSION, 1)), g.bars());
        assertEquals(
                new TimeSequence.AckSample(0.0075, 101, 101 + (510 << 7)),
                g.acks().get(0));
        assertEquals(
                List.of(101L, 101L, 101L, 401L),
                g.acks().stream().map(TimeSequence.AckSample::ack).toList());
        assertEquals(300, g.inFlight().get(0).value()); // before the window: 401 sent, 101 acknowledged
        String svg = TsgSvgRenderer.render(g);
        assertTrue(svg.contains(">8.0<") && svg.contains(">11.0<"), "ticks inside the window");
        assertTrue(
                g.notes().get(0).endsWith("(0.008 to 0.012 s after the first segment)"),
                g.notes().get(0));
    }

    @Test
    void shouldReadCongestionLogAndPlaceItOnTheCaptureClock() throws Exception {
        Path pcap = TimeSequences.lossy().write(dir.resolve("l.pcap"));
        Path csv = dir.resolve("cc.csv");
        // Unix seconds on the capture's clock (the scripted capture starts at 1.7e9 s).
        Files.writeString(
                csv,
                "# cc log\nconn,t_s,cwnd,ssthresh\n1,1700000000.001,14480,max\n"
                        + "1,1700000000.0105,7240,7240\n1,1700000099,1,1\n");
        TimeSequence g = new TsgBuilder(false, 1000, false)
                .ccLog(readLenient(csv))
                .build(
                        ConnectionAnalysis.of(
                                CaptureConnections.read(pcap).connections().get(0)),
                        true);
        assertEquals(2, g.cwnd().size(), g.cwnd().toString()); // the third is after the capture
        assertEquals(14480, g.cwnd().get(0).value());
        assertEquals(0.0095, g.cwnd().get(1).t(), 1e-6);
        String svg = TsgSvgRenderer.render(g);
        assertTrue(svg.contains("class=\"cwnd\""));
        assertTrue(svg.contains("cwnd (sender's congestion log)"));
    }

    private static List<CcLog.Point> readLenient(Path csv) throws Exception {
        // The ssthresh column holds "max": only t_s and cwnd are read, so that is no error.
        return CcLog.read(csv);
    }

    @Test
    void shouldRejectCongestionLogWithoutItsColumns() throws Exception {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "time,cwnd\n0.1,100\n");
        IllegalArgumentException e =
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> CcLog.read(csv));
        assertTrue(e.getMessage().contains("must name the columns t_s and cwnd"), e.getMessage());
        Files.writeString(csv, "t_s,cwnd\n0.1,lots\n");
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> CcLog.read(csv));
        assertTrue(e.getMessage().contains("line 2: not a number"), e.getMessage());
    }

    @Test
    void shouldPickRoundTicksAndUnits() {
        assertEquals(0.02, Units.step(0.218, 10), 1e-12);
        assertEquals(200, Units.step(2000, 10), 1e-12);
        assertEquals(5, Units.step(45, 10), 1e-12);
        assertEquals(List.of(0.0, 200.0, 400.0), Units.ticks(-3, 450, 200));
        assertEquals("0.02", Units.label(0.02, 0.01));
        assertEquals("1200", Units.label(1200, 200));
        assertEquals("ms", Units.time(0.5).name());
        assertEquals("s", Units.time(3).name());
        assertEquals("bytes", Units.byteUnit(5000).name());
        assertEquals("KB", Units.byteUnit(500_000).name());
        assertEquals("MB", Units.byteUnit(1e9).name());
        assertEquals("1.2 MB", Units.bytes(1_258_291));
    }
}
