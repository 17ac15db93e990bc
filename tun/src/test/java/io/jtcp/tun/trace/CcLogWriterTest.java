package io.jtcp.tun.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.cc.AckSample;
import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.cc.CongestionEvent;
import io.jtcp.stack.cc.NewReno;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpState;
import io.jtcp.viz.tsg.CcLog;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --cc-log}'s CSV: the columns, the clock, the RTT mode, and that {@code jtcp tsg} reads it. */
class CcLogWriterTest {
    private static final long MS = 1_000_000L;

    @TempDir
    Path tmp;

    /** A connection 8080 ↔ 10.7.0.1:{@code remotePort} with 3 retransmits and a 125 kB/s delivery rate. */
    private static TcpConnection connection(int remotePort) {
        // Answers boxed once, so that the proxy itself allocates nothing per call.
        Object local = 8080;
        Object addr = 0x0A070001;
        Object remote = remotePort;
        Object retransmits = 3L;
        Object rate = 125_000L;
        Object hash = remotePort * 31;
        return (TcpConnection) Proxy.newProxyInstance(
                CcLogWriterTest.class.getClassLoader(), new Class<?>[] {TcpConnection.class}, (self, m, args) -> {
                    switch (m.getName()) {
                        case "localPort":
                            return local;
                        case "remoteAddr":
                            return addr;
                        case "remotePort":
                            return remote;
                        case "retransmits":
                            return retransmits;
                        case "deliveryRateBytesPerSecond":
                            return rate;
                        case "hashCode":
                            return hash;
                        case "equals":
                            return self == args[0];
                        default:
                            throw new UnsupportedOperationException(m.getName());
                    }
                });
    }

    private static AckSample sample(long nowNs, long srttNs) {
        return new AckSample()
                .reset(nowNs)
                .srttNs(srttNs)
                .minRttNs(srttNs - 5_000)
                .bytesInFlightAfter(20_000)
                .totalLostBytes(2920);
    }

    @Test
    void shouldWriteOneRowPerAckWithEveryColumn() throws Exception {
        Path file = tmp.resolve("cc.csv");
        long start = 5_000 * 1_000_000_000L; // the loop clock is arbitrary; rows are on Unix time
        long wallBefore = System.currentTimeMillis();
        CcLogWriter log = new CcLogWriter(file, CcLogWriter.Every.ACK, start);
        NewReno cc = new NewReno();
        cc.init(1460, start);
        TcpConnection c = connection(43210);
        log.onAck(start + 1_500 * MS, c, sample(start + 1_500 * MS, 12_345_678), cc);
        cc.onCongestionEvent(CongestionEvent.FAST_RECOVERY, start + 2_000 * MS, 20_000, 3);
        log.onAck(start + 2_000 * MS, c, sample(start + 2_000 * MS, 7_000), cc);
        assertEquals(2, log.rows());
        log.close();

        List<String> lines = Files.readAllLines(file);
        assertEquals(3, lines.size(), lines.toString());
        assertEquals(CcLogWriter.HEADER, lines.get(0));
        String[] first = lines.get(1).split(",", -1);
        assertEquals(13, first.length, lines.get(1));
        double t = Double.parseDouble(first[0]);
        assertTrue(
                t >= wallBefore / 1000.0 + 1.5 - 0.01 && t <= System.currentTimeMillis() / 1000.0 + 1.5 + 0.001,
                first[0]);
        assertTrue(first[0].matches("\\d+\\.\\d{6}"), "microseconds: " + first[0]);
        assertEquals(
                "8080-10.7.0.1:43210,14600,,20000,12.345,12.340,125000,0,slow-start,3,2920,newreno",
                lines.get(1).substring(first[0].length() + 1),
                "ssthresh empty while unknown");
        String[] second = lines.get(2).split(",", -1);
        assertEquals(0.5, Double.parseDouble(second[0]) - t, 1e-5, "the loop clock's 500 ms");
        assertEquals("0.007", second[5], "srtt_ms keeps leading zeros");
        assertEquals("0.002", second[6]);
        assertEquals(Long.toString(cc.ssthresh()), second[3]);

        List<CcLog.Point> points = CcLog.read(file); // jtcp tsg --cc-log reads it as Unix time
        assertEquals(2, points.size());
        assertTrue(points.get(0).tS() > 1e6);
        assertEquals(14_600, points.get(0).cwnd());
    }

    @Test
    void shouldWriteAtMostOneRowPerConnectionPerSrttInRttMode() throws Exception {
        Path file = tmp.resolve("rtt.csv");
        CcLogWriter log = new CcLogWriter(file, CcLogWriter.Every.RTT, 0);
        CongestionControl cc = new NewReno();
        cc.init(1460, 0);
        TcpConnection a = connection(1);
        TcpConnection b = connection(2);
        // 100 ACKs a millisecond apart on each of two connections with a 10 ms SRTT: rows at 0, 10, … 90 ms.
        for (int i = 0; i < 100; i++) {
            log.onAck(i * MS, a, sample(i * MS, 10 * MS), cc);
            log.onAck(i * MS, b, sample(i * MS, 10 * MS), cc);
        }
        assertEquals(20, log.rows());
        // A connection that closes is forgotten; the next one on the same object starts afresh.
        log.onStateChange(95 * MS, a, TcpState.ESTABLISHED, TcpState.CLOSED);
        log.onAck(95 * MS, a, sample(95 * MS, 10 * MS), cc);
        log.onAck(95 * MS, b, sample(95 * MS, 10 * MS), cc); // 5 ms after its last row
        assertEquals(21, log.rows());
        log.close();
        List<String> lines = Files.readAllLines(file);
        assertEquals(22, lines.size());
        assertEquals(
                11, lines.stream().filter(l -> l.contains(",8080-10.7.0.1:1,")).count());
    }

    /** The loop thread's cost per row is formatting into reused buffers: no allocation in steady state. */
    @Test
    void shouldNotAllocatePerRow() throws Exception {
        CcLogWriter log = new CcLogWriter(tmp.resolve("alloc.csv"), CcLogWriter.Every.RTT, 0);
        NewReno cc = new NewReno();
        cc.init(1460, 0);
        TcpConnection c = connection(9);
        AckSample s = sample(0, 0); // SRTT 0: the RTT mode writes every row, through its table
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        for (int i = 0; i < 20_000; i++) { // warm-up
            log.onAck(i, c, s, cc);
        }
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 20_000; i < 120_000; i++) {
            log.onAck(i, c, s, cc);
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        log.close();
        assertEquals(120_000, log.rows());
        // A String per row would be ~20 MB; 100 000 rows of ~110 bytes went through the 64 KiB
        // buffer about 170 times.
        assertTrue(allocated < 64 * 1024, "allocated " + allocated + " B for 100 000 rows");
    }

    @Test
    void shouldFlushWithinASecondWhileOpen() throws Exception {
        Path file = tmp.resolve("live.csv");
        CcLogWriter log = new CcLogWriter(file, CcLogWriter.Every.ACK, 0);
        NewReno cc = new NewReno();
        cc.init(1460, 0);
        log.onAck(MS, connection(7), sample(MS, 10 * MS), cc);
        try {
            long deadline = System.nanoTime() + 5_000 * MS;
            while (Files.readAllLines(file).size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(2, Files.readAllLines(file).size(), "the row reached the file before close");
        } finally {
            log.close();
        }
    }

    @Test
    void shouldNameTheFileWhenItCannotBeWritten() {
        Path bad = tmp.resolve("no-such-dir").resolve("cc.csv");
        UncheckedIOException e =
                assertThrows(UncheckedIOException.class, () -> new CcLogWriter(bad, CcLogWriter.Every.ACK, 0));
        assertTrue(e.getMessage().startsWith("cannot write congestion log " + bad + ": "), e.getMessage());
    }
}
