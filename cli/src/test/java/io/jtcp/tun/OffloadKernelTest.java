package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.fault.FaultInjector;
import io.jtcp.stack.fault.FaultSpec;
import io.jtcp.stack.wire.Checksum;
import io.jtcp.stack.wire.TcpSegmenter;
import io.jtcp.tun.TunTestSupport.Result;
import io.jtcp.tun.TunTestSupport.TestNetns;
import io.jtcp.tun.service.BytesPattern;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #13: offloads are the default, and faults, pcap and trace work with them because the
 * super-segments are cut at the MSS in software at the device boundary. Against the kernel, content
 * by SHA-256.
 */
@Tag("tun")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OffloadKernelTest {
    /** MSS at MTU 1500 with jtcp's and Linux's timestamps. */
    private static final int WIRE_MSS = 1448;

    @TempDir
    Path tmp;

    @BeforeEach
    void requireTun() {
        TunTestSupport.requireTun();
    }

    private static String sh(JtcpFixture f, long timeoutSeconds, String script) {
        return f.ns.exec(timeoutSeconds, "sh", "-c", script).expectSuccess().output();
    }

    @Test
    void shouldOffloadByDefaultWithoutTheSoftwareCut() throws Exception {
        try (JtcpFixture f = JtcpFixture.start("defoff", null, null, new TunConfig())) {
            assertTrue(f.host.device().vnetHeader(), "the default device has virtio-net headers");
            assertTrue(f.host.call(() -> f.host.stack().device().txChecksumOffload()), "the engine offloads");
            assertNull(f.host.loop().sink().segmenter(), "no fault, pcap or trace: no software cut");
            assertNull(f.host.loop().inboundSegmenter());
            String out = sh(
                    f,
                    60,
                    "cd " + tmp + " && curl -sS --fail -m 50 -o body http://10.7.0.2/bytes/20971520 && sha256sum body");
            assertTrue(out.startsWith(BytesPattern.sha256(20 << 20)), out);
            String sha = KernelPeerTest.randomFile(tmp.resolve("up"), 20 << 20, 31);
            sh(f, 60, "nc -N -w 30 10.7.0.2 " + JtcpFixture.HASH_PORT + " < " + tmp.resolve("up"));
            assertEquals(sha + " " + (20 << 20), f.uploads.poll(10, TimeUnit.SECONDS));
            long out20 = f.host.call(() -> f.host.stack().counters().tcpSegmentsOut);
            long in20 = f.host.call(() -> f.host.stack().counters().tcpSegmentsIn);
            long wire = (20L << 20) / WIRE_MSS; // 14 481 segments each way at the MSS
            // Super-segments both ways: each of them is many MSS (ACKs count too, hence the slack).
            assertTrue(out20 < wire / 2, "segments out for 20 MiB down (+ ACKs): " + out20);
            assertTrue(in20 < wire / 2, "segments in for 20 MiB up (+ ACKs): " + in20);
        }
    }

    /**
     * 2 % loss each way through the in-process injector, with offloads: the injector sees wire
     * packets (one per MSS piece, as many as the cut made, none larger than the MTU), drops some of
     * them, and both directions still arrive intact.
     */
    @Test
    void shouldDownloadAndUploadThroughTwoPercentLossWithOffloads() throws Exception {
        FaultSpec loss = FaultSpec.parse("drop=0.02,seed=13");
        try (JtcpFixture f = JtcpFixture.start("offloss", null, loss, new TunConfig())) {
            assertTrue(f.host.device().vnetHeader());
            String out = sh(
                    f,
                    100,
                    "cd " + tmp + " && curl -sS --fail -m 90 -o body http://10.7.0.2/bytes/8388608 && sha256sum body");
            assertTrue(out.startsWith(BytesPattern.sha256(8 << 20)), out);
            String sha = KernelPeerTest.randomFile(tmp.resolve("up"), 8 << 20, 32);
            sh(f, 100, "timeout 90 nc -N 10.7.0.2 " + JtcpFixture.HASH_PORT + " < " + tmp.resolve("up"));
            assertEquals(sha + " " + (8 << 20), f.uploads.poll(10, TimeUnit.SECONDS));

            FaultInjector outFaults = f.host.loop().sink().faults();
            FaultInjector inFaults = f.host.loop().inboundFaults();
            TcpSegmenter outCut = f.host.loop().sink().segmenter();
            TcpSegmenter inCut = f.host.loop().inboundSegmenter();
            long outOffered = f.host.call(outFaults::offered);
            long outDropped = f.host.call(outFaults::dropped);
            long outPieces = f.host.call(outCut::pieces);
            long outCutCount = f.host.call(outCut::cut);
            long inOffered = f.host.call(inFaults::offered);
            long inDropped = f.host.call(inFaults::dropped);
            long inPieces = f.host.call(inCut::pieces);
            long inCutCount = f.host.call(inCut::cut);
            long superOut = f.host.call(() -> f.host.stack().counters().tcpSegmentsOut);
            long retransmits = f.host.call(() -> f.host.stack().counters().tcpRetransmits);
            System.out.println(
                    "offload + 2% loss: out " + f.host.call(outFaults::describe) + ", " + outCutCount + " cut into "
                            + outPieces + " pieces, " + superOut + " segments from the stack, " + retransmits
                            + " retransmits; in " + f.host.call(inFaults::describe) + ", " + inCutCount + " cut into "
                            + inPieces);
            // Every TCP packet out went through the cut (checksum offload), and the injector counted pieces.
            assertEquals(outPieces, outOffered, "the outbound injector sees exactly the pieces");
            assertTrue(outCutCount > 0 && outPieces > superOut, "super-segments were cut: " + outPieces);
            assertTrue(outOffered > (8L << 20) / WIRE_MSS, "at least one packet per MSS: " + outOffered);
            assertTrue(inCutCount > 0, "the kernel's super-segments were cut too: " + inPieces);
            assertTrue(inOffered >= inPieces && inOffered > (8L << 20) / WIRE_MSS, "inbound per piece: " + inOffered);
            assertTrue(outDropped > 0 && inDropped > 0, "drops both ways");
            // No piece larger than the MTU: the injector's slots are MTU-sized and would overflow.
            assertEquals(0, f.host.call(outFaults::overflowed));
            assertEquals(0, f.host.call(inFaults::overflowed));
            assertTrue(retransmits > 0, "losses were repaired by retransmission");
        }
    }

    /** The pcap of an offloaded transfer holds wire packets: none above the MTU, checksums valid. */
    @Test
    void shouldRecordWirePacketsInThePcapWithOffloads() throws Exception {
        Path pcap = tmp.resolve("off.pcap");
        long superOut;
        try (JtcpFixture f = JtcpFixture.start("offpcap", pcap, null, new TunConfig())) {
            assertTrue(f.host.device().vnetHeader());
            String out = sh(
                    f,
                    60,
                    "cd " + tmp + " && curl -sS --fail -m 50 -o body http://10.7.0.2/bytes/2097152 && sha256sum body");
            assertTrue(out.startsWith(BytesPattern.sha256(2 << 20)), out);
            for (int i = 0; i < 100 && f.host.call(() -> f.host.stack().connectionCount()) > 0; i++) {
                Thread.sleep(20);
            }
            superOut = f.host.call(() -> f.host.stack().counters().tcpSegmentsOut);
        }
        ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(pcap)).order(ByteOrder.LITTLE_ENDIAN);
        UnsafeBuffer b = new UnsafeBuffer(file);
        int at = 24;
        long fromJtcp = 0;
        long payloadFromJtcp = 0;
        int largest = 0;
        while (at + 16 <= file.capacity()) {
            int len = file.getInt(at + 8);
            int p = at + 16;
            at = p + len;
            largest = Math.max(largest, len);
            int ihl = (b.getByte(p) & 0xF) * 4;
            assertTrue(Checksum.verify(b, p, ihl, 0), "IPv4 header checksum at " + p);
            if (b.getByte(p + 9) != 6) {
                continue;
            }
            int src = b.getInt(p + 12, ByteOrder.BIG_ENDIAN);
            int dst = b.getInt(p + 16, ByteOrder.BIG_ENDIAN);
            int tcpLen = len - ihl;
            assertTrue(
                    Checksum.verify(b, p + ihl, tcpLen, Checksum.pseudoHeaderSum(src, dst, 6, tcpLen)),
                    "TCP checksum of a " + len + "-byte packet at " + p);
            if (src == io.jtcp.stack.wire.Ipv4Header.parseAddress(JtcpFixture.JTCP)) {
                fromJtcp++;
                payloadFromJtcp += tcpLen - ((b.getByte(p + ihl + 12) >> 4) & 0xF) * 4;
            }
        }
        assertEquals(file.capacity(), at, "whole records");
        assertTrue(largest <= 1500, "no packet above the MTU: " + largest);
        assertTrue(payloadFromJtcp >= 2 << 20, "the whole body is in the pcap: " + payloadFromJtcp);
        assertTrue(fromJtcp > superOut, "pieces (" + fromJtcp + ") outnumber the stack's super-segments " + superOut);
    }

    /** {@code --no-offload} still gives plain packets; {@code --fault} with the default offloads works. */
    @Test
    void shouldGetWithNoOffloadAndWithFaultsOverOffloads() throws Exception {
        try (TestNetns ns = new TestNetns("clioff")) {
            String sha = KernelPeerTest.randomFile(tmp.resolve("file.bin"), 3 << 20, 33);
            Process server = ns.httpServer(tmp, tmp.resolve("http.log"));
            try {
                CliKernelTest.awaitListening(ns, 8000);
                String url = "http://10.7.0.1:8000/file.bin";
                Result plain = TunTestSupport.run(
                        60,
                        CliKernelTest.jtcp(
                                        "get",
                                        "--netns",
                                        ns.name(),
                                        "--no-offload",
                                        url,
                                        "-o",
                                        tmp.resolve("a").toString())
                                .toArray(new String[0]));
                assertEquals(0, plain.exitCode(), plain.output());
                assertEquals(
                        "jtcp: HTTP/1.0 200 OK, 3145728 bytes", plain.output().strip());
                assertEquals(sha, KernelPeerTest.sha256Of(tmp.resolve("a")));
                Result faulty = TunTestSupport.run(
                        90,
                        CliKernelTest.jtcp(
                                        "get",
                                        "--netns",
                                        ns.name(),
                                        "--fault",
                                        "drop=0.02,seed=5",
                                        url,
                                        "-o",
                                        tmp.resolve("b").toString())
                                .toArray(new String[0]));
                assertEquals(0, faulty.exitCode(), faulty.output());
                assertTrue(faulty.output().contains("jtcp: HTTP/1.0 200 OK, 3145728 bytes"), faulty.output());
                assertEquals(sha, KernelPeerTest.sha256Of(tmp.resolve("b")));
            } finally {
                server.destroyForcibly();
            }
        }
    }
}
