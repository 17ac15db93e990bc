package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * No allocation per packet in steady state (ARCHITECTURE.md), measured where it matters: bytes allocated by the loop thread (device reads,
 * the engine, the services) and by the writer thread (device writes) while the kernel uploads 100 MiB to discard and downloads 100
 * MiB from HTTP. Per-connection setup may allocate; per-packet work may not.
 */
@Tag("tun")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LoopAllocationTest {
    @BeforeEach
    void requireTun() {
        TunTestSupport.requireTun();
    }

    private static long allocated(long threadId) {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(threadId);
    }

    @Test
    void shouldNotAllocatePerPacketOnLoopThread() {
        try (JtcpFixture f = JtcpFixture.start("alloc", null)) {
            long tid = f.host.loop().threadId();
            long writerTid = f.host.loop().sink().writerThreadId();
            assertTrue(writerTid > 0, "the writer thread runs");
            // Warm up: JIT compilation and first-use allocations.
            f.ns.exec(
                            60,
                            "sh",
                            "-c",
                            "head -c 20971520 /dev/zero | nc -N 10.7.0.2 9 && curl -s -o /dev/null http://10.7.0.2/bytes/20971520")
                    .expectSuccess();
            long before = allocated(tid);
            long writerBefore = allocated(writerTid);
            long packetsBefore = f.host.loop().packetsIn();
            f.ns.exec(
                            60,
                            "sh",
                            "-c",
                            "head -c 104857600 /dev/zero | nc -N 10.7.0.2 9 && curl -s -o /dev/null http://10.7.0.2/bytes/104857600")
                    .expectSuccess();
            long bytes = allocated(tid) - before;
            long writerBytes = allocated(writerTid) - writerBefore;
            long packets = f.host.loop().packetsIn() - packetsBefore;
            System.out.println("loop thread allocated " + bytes + " bytes over " + packets + " packets in ("
                    + (packets == 0 ? 0 : bytes / packets) + " B/packet)");
            // Two connections' setup and the HTTP response head are allowed; 1 byte per packet is not.
            assertTrue(bytes < Math.max(256 * 1024, packets), "allocated " + bytes + " B over " + packets + " packets");
            long packetsOut = f.host.loop().sink().packets();
            System.out.println("writer thread allocated " + writerBytes + " bytes; " + packetsOut + " packets written");
            assertTrue(writerBytes < 64 * 1024, "writer thread allocated " + writerBytes + " B");
        }
    }

    /**
     * Issue #13: with offloads and a fault injector (all rates zero: every packet passes, through
     * its slots), every super-segment is cut in software both ways; the cut reuses one scratch
     * buffer per direction, so it allocates nothing per piece either.
     */
    @Test
    void shouldNotAllocatePerPieceWhenCuttingOffloadsInSoftware() {
        io.jtcp.stack.fault.FaultSpec passAll = io.jtcp.stack.fault.FaultSpec.parse("drop=0,seed=1");
        try (JtcpFixture f = JtcpFixture.start("allocut", null, passAll, new TunConfig())) {
            assertTrue(f.host.device().vnetHeader(), "offloads on");
            long tid = f.host.loop().threadId();
            String transfer =
                    "head -c %d /dev/zero | nc -N 10.7.0.2 9 && curl -s -o /dev/null http://10.7.0.2/bytes/%d";
            f.ns.exec(60, "sh", "-c", String.format(transfer, 20 << 20, 20 << 20))
                    .expectSuccess();
            long before = allocated(tid);
            long piecesBefore = pieces(f);
            f.ns.exec(60, "sh", "-c", String.format(transfer, 100 << 20, 100 << 20))
                    .expectSuccess();
            long bytes = allocated(tid) - before;
            long pieces = pieces(f) - piecesBefore;
            long cuts = f.host.call(() -> f.host.loop().sink().segmenter().cut()
                    + f.host.loop().inboundSegmenter().cut());
            System.out.println("loop thread allocated " + bytes + " bytes over " + pieces + " pieces cut from " + cuts
                    + " super-segments");
            assertTrue(pieces > 2 * (100L << 20) / 1460, "both directions went through the cut: " + pieces);
            assertTrue(bytes < Math.max(256 * 1024, pieces), "allocated " + bytes + " B over " + pieces + " pieces");
        }
    }

    /**
     * Issue #13: the offloaded fast path (no cut) of an upload: super-segments in, one ACK per
     * event-loop cycle out.
     */
    @Test
    void shouldNotAllocatePerSuperSegmentOnTheOffloadedUpload() {
        try (JtcpFixture f = JtcpFixture.start("upload-alloc", null, null, new TunConfig())) {
            assertTrue(f.host.device().vnetHeader(), "offloads on");
            long tid = f.host.loop().threadId();
            String upload = "head -c %d /dev/zero | nc -N 10.7.0.2 9";
            f.ns.exec(60, "sh", "-c", String.format(upload, 20 << 20)).expectSuccess();
            long before = allocated(tid);
            long packetsBefore = f.host.loop().packetsIn();
            long acksBefore = f.host.call(() -> f.host.stack().counters().tcpSegmentsOut);
            f.ns.exec(60, "sh", "-c", String.format(upload, 100 << 20)).expectSuccess();
            long bytes = allocated(tid) - before;
            long packets = f.host.loop().packetsIn() - packetsBefore;
            long acks = f.host.call(() -> f.host.stack().counters().tcpSegmentsOut) - acksBefore;
            System.out.println("loop thread allocated " + bytes + " bytes over " + packets + " super-segments in, "
                    + acks + " ACKs out");
            assertTrue(bytes < Math.max(256 * 1024, packets), "allocated " + bytes + " B over " + packets + " packets");
        }
    }

    private static long pieces(JtcpFixture f) {
        return f.host.call(() -> f.host.loop().sink().segmenter().pieces()
                + f.host.loop().inboundSegmenter().pieces());
    }
}
