package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.StackTracer;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpState;
import io.jtcp.tun.service.BytesPattern;
import io.jtcp.tun.service.ShardStatus;
import io.jtcp.tun.trace.PcapWriter;
import io.jtcp.tun.trace.TextTracer;
import io.jtcp.tun.trace.TraceStyle;
import io.jtcp.tun.trace.Tracers;
import io.jtcp.viz.capture.CaptureReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pcap and a text trace over two queues with offloads (issue #13 §6): both loops cut their
 * super-segments at the MSS and write to the same tracers. Read back through Pcap4J (libpcap),
 * the capture holds the connections of both shards, every packet at most the MTU with valid
 * checksums, in time order; the trace has lines of both shards' connections.
 */
@Tag("tun")
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class MultiQueueCaptureKernelTest {
    private static final int DOWNLOADS = 6;
    private static final int UPLOADS = 2;
    private static final int BYTES = 4 << 20;
    private static final int KERNEL = io.jtcp.stack.wire.Ipv4Header.parseAddress("10.7.0.1");

    @TempDir
    Path tmp;

    @BeforeEach
    void requireTun() {
        TunTestSupport.requireTun();
    }

    /** Which shard's loop thread ("jtcp-DEV-qI") reported each connection, by the kernel side's port. */
    private static final class ShardOfConnection implements StackTracer {
        private static final Pattern QUEUE = Pattern.compile("-q(\\d+)$");
        final Map<Integer, Integer> shardByPort = new ConcurrentHashMap<>();

        @Override
        public void onStateChange(long nowNs, TcpConnection c, TcpState from, TcpState to) {
            Matcher m = QUEUE.matcher(Thread.currentThread().getName());
            if (m.find() && c.remoteAddr() == KERNEL) {
                shardByPort.put(c.remotePort(), Integer.parseInt(m.group(1)));
            }
        }
    }

    /** What the capture holds per connection, by the kernel side's port. */
    private static final class Flow {
        int packets;
        long payloadOut; // jtcp to the kernel
        long payloadIn;
    }

    @Test
    void shouldCaptureAndTraceEveryShardsConnectionsAsWirePackets() throws Exception {
        TunConfig tun = new TunConfig()
                .name("tunmqo" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 16)))
                .queues(2)
                .vnetHeader(true);
        Path pcapFile = tmp.resolve("mq.pcap");
        ByteArrayOutputStream traceBytes = new ByteArrayOutputStream();
        PrintStream traceOut = new PrintStream(traceBytes, false, StandardCharsets.UTF_8);
        long startNs = System.nanoTime();
        // Every segment a line (no folding): each connection's lines can be found.
        TextTracer text = new TextTracer(traceOut, startNs, new TraceStyle(true, true, false, 0));
        ShardOfConnection shardOf = new ShardOfConnection();
        int mtu;
        boolean offloads;
        try (JtcpFixture f = JtcpFixture.start("mqobs", pcapFile, null, tun, Tracers.of(text, shardOf))) {
            Assumptions.assumeTrue(
                    f.host.shardCount() == 2, "the kernel refused multi-queue: " + f.host.multiQueueRefusal());
            mtu = tun.mtuBytes();
            offloads = f.host.device().vnetHeader();
            List<String> ups = new ArrayList<>();
            StringBuilder script = new StringBuilder("cd " + tmp + "; ");
            for (int i = 0; i < DOWNLOADS; i++) {
                script.append("(curl -sS --fail -m 100 -o down")
                        .append(i)
                        .append(" http://10.7.0.2/bytes/")
                        .append(BYTES)
                        .append(") & ");
            }
            for (int i = 0; i < UPLOADS; i++) {
                ups.add(KernelPeerTest.randomFile(tmp.resolve("up" + i), BYTES, 200 + i) + " " + BYTES);
                script.append("(timeout 100 nc -N 10.7.0.2 ")
                        .append(JtcpFixture.HASH_PORT)
                        .append(" < up")
                        .append(i)
                        .append(") & ");
            }
            script.append("wait && sha256sum");
            for (int i = 0; i < DOWNLOADS; i++) {
                script.append(" down").append(i);
            }
            String sums = f.ns.exec(120, "sh", "-c", script.toString())
                    .expectSuccess()
                    .output();
            for (int i = 0; i < DOWNLOADS; i++) {
                assertTrue(sums.contains(BytesPattern.sha256(BYTES) + "  down" + i), "download " + i + ": " + sums);
            }
            Set<String> got = new HashSet<>();
            for (int i = 0; i < UPLOADS; i++) {
                got.add(f.uploads.poll(20, TimeUnit.SECONDS));
            }
            assertEquals(new HashSet<>(ups), got, "the uploads by SHA-256");
            // Eight connections land on one shard only with a chance of 2^-7: a few short
            // downloads more make "both shards served" certain.
            for (int i = 0; i < 20 && minAccepted(f.host.shardStatus()) == 0; i++) {
                String one = f.ns.exec(20, "sh", "-c", "curl -sS --fail -m 10 http://10.7.0.2/bytes/1000 | sha256sum")
                        .expectSuccess()
                        .output();
                assertTrue(one.startsWith(BytesPattern.sha256(1000)), one);
            }
            assertTrue(minAccepted(f.host.shardStatus()) > 0, "both shards accepted connections");
            f.host.close(); // the loops end: nothing more is recorded
            text.flush(System.nanoTime());
        }
        traceOut.flush();

        // ---- the capture, through libpcap ----
        Map<Integer, Flow> flows = new HashMap<>();
        long[] lastNs = {Long.MIN_VALUE};
        int[] frames = {0};
        CaptureReader.Summary summary = CaptureReader.read(pcapFile, (linkType, frame) -> {
            byte[] p = frame.data();
            frames[0]++;
            assertTrue(p.length <= mtu, "frame " + frame.number() + " of " + p.length + " bytes, MTU " + mtu);
            assertTrue(frame.timeNs() >= lastNs[0], "frame " + frame.number() + " earlier than the one before");
            lastNs[0] = frame.timeNs();
            assertEquals(4, (p[0] >> 4) & 0xF, "IPv4");
            int ihl = (p[0] & 0xF) * 4;
            int total = u16(p, 2);
            assertEquals(p.length, total, "frame " + frame.number() + ": IPv4 total length");
            assertEquals(0xFFFF, sum(p, 0, ihl, 0), "frame " + frame.number() + ": IPv4 header checksum");
            if ((p[9] & 0xFF) != 6) {
                return;
            }
            int tcpLength = total - ihl;
            int pseudo = u16(p, 12) + u16(p, 14) + u16(p, 16) + u16(p, 18) + 6 + tcpLength;
            assertEquals(0xFFFF, sum(p, ihl, tcpLength, pseudo), "frame " + frame.number() + ": TCP checksum");
            int src = (u16(p, 12) << 16) | u16(p, 14);
            int payload = tcpLength - ((p[ihl + 12] >> 4) & 0xF) * 4;
            boolean out = src != KERNEL;
            int kernelPort = out ? u16(p, ihl + 2) : u16(p, ihl);
            Flow flow = flows.computeIfAbsent(kernelPort, k -> new Flow());
            flow.packets++;
            if (out) {
                flow.payloadOut += payload;
            } else {
                flow.payloadIn += payload;
            }
        });
        // libpcap reports the file's LINKTYPE_RAW (101) as its DLT_RAW, 12 on Linux.
        assertTrue(summary.linkType() == PcapWriter.LINKTYPE_RAW || summary.linkType() == 12, "raw IPv4: " + summary);
        assertEquals(null, summary.truncation());

        // ---- every shard's connections are in it, whole ----
        Map<Integer, Set<Integer>> portsByShard = new HashMap<>();
        shardOf.shardByPort.forEach((port, shard) ->
                portsByShard.computeIfAbsent(shard, k -> new HashSet<>()).add(port));
        assertEquals(Set.of(0, 1), portsByShard.keySet(), "connections on both shards: " + shardOf.shardByPort);
        for (Map.Entry<Integer, Integer> e : shardOf.shardByPort.entrySet()) {
            Flow flow = flows.get(e.getKey());
            assertTrue(
                    flow != null && flow.packets >= 4, "shard " + e.getValue() + "'s port " + e.getKey() + " captured");
        }
        long downloads =
                flows.values().stream().filter(x -> x.payloadOut >= BYTES).count();
        long uploads = flows.values().stream().filter(x -> x.payloadIn >= BYTES).count();
        assertTrue(downloads >= DOWNLOADS, downloads + " downloads captured whole");
        assertTrue(uploads >= UPLOADS, uploads + " uploads captured whole");

        // ---- the trace: lines of both shards' connections, in time order ----
        String trace = traceBytes.toString(StandardCharsets.UTF_8);
        for (Map.Entry<Integer, Set<Integer>> e : portsByShard.entrySet()) {
            boolean traced = false;
            for (int port : e.getValue()) {
                traced |= trace.contains(" in  10.7.0.1." + port + " > 10.7.0.2.");
            }
            assertTrue(traced, "a trace line of shard " + e.getKey() + "'s connections " + e.getValue());
        }
        double last = -1;
        int lines = 0;
        for (String line : trace.split("\n")) {
            String[] w = line.strip().split(" ", 3);
            if (w.length == 3 && (w[1].equals("in") || w[1].equals("out") || w[1].equals("state"))) {
                double t = Double.parseDouble(w[0]);
                assertTrue(t >= last, "trace goes back in time at: " + line);
                last = t;
                lines++;
            }
        }
        System.out.println("two queues, offloads " + offloads + ": " + frames[0] + " packets captured, " + lines
                + " trace lines, connections per shard " + portsByShard);
        assertTrue(lines >= frames[0], lines + " trace lines for " + frames[0] + " packets");
    }

    private static long minAccepted(ShardStatus shards) {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < shards.shardCount(); i++) {
            min = Math.min(min, shards.stackForReading(i).counters().tcpConnectionsAccepted);
        }
        return min;
    }

    private static int u16(byte[] p, int at) {
        return ((p[at] & 0xFF) << 8) | (p[at + 1] & 0xFF);
    }

    /** The ones' complement sum (RFC 1071) of {@code length} bytes from {@code off}, folded to 16 bits. */
    private static int sum(byte[] p, int off, int length, int initial) {
        long s = initial;
        for (int i = 0; i + 1 < length; i += 2) {
            s += u16(p, off + i);
        }
        if ((length & 1) != 0) {
            s += (p[off + length - 1] & 0xFF) << 8;
        }
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) s;
    }
}
