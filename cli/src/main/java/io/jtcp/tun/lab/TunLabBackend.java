package io.jtcp.tun.lab;

import io.jtcp.lab.Backend;
import io.jtcp.lab.BulkPattern;
import io.jtcp.lab.CcColumns;
import io.jtcp.lab.Cell;
import io.jtcp.lab.CellResult;
import io.jtcp.lab.FlowResult;
import io.jtcp.lab.Series;
import io.jtcp.lab.Stats;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.fault.FaultSpec;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.tun.JtcpHost;
import io.jtcp.tun.TunConfig;
import io.jtcp.tun.TunException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The real back-end: jtcp sends over a TUN device to the Linux kernel in a network namespace this
 * creates (and deletes afterwards), where a python3 sink reads every connection to its end and
 * reports its length and SHA-256. The path is jtcp's own fault injector at the device: outbound
 * (data) the cell's random loss, then its rate and drop-tail queue ({@code rate=}, {@code queue=}),
 * then half the RTT of delay; inbound (ACKs) the other half of the delay. The kernel is the
 * receiver, so the RTT is the base RTT plus the namespace's own (tens of microseconds).
 *
 * <p>It runs in real time: a cell of 60 s takes 60 s. What it measures differs from the simulated
 * back-end in two places, both because the kernel's side cannot be watched packet by packet:
 * goodput counts the bytes the kernel acknowledged (in order, so handed to its socket), and RTT
 * statistics are over the sender's smoothed RTT as sampled for the time series.
 */
public final class TunLabBackend implements Backend {
    private static final int KERNEL = Ipv4Header.parseAddress("10.7.0.1");
    private static final int PORT = 5001;
    /**
     * Accepts connections, reads each to its end, prints "port bytes sha256" per connection.
     * Bounded: it exits after 10 minutes whatever happens (the namespace is deleted anyway).
     */
    private static final String SINK = String.join(
            "\n",
            "import socket, threading, hashlib, sys, signal",
            "signal.alarm(600)",
            "s = socket.socket()",
            "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "s.bind(('10.7.0.1', " + PORT + "))",
            "s.listen(64)",
            "print('listening', flush=True)",
            "lock = threading.Lock()",
            "def drain(c, peer):",
            "    h = hashlib.sha256(); n = 0",
            "    while True:",
            "        b = c.recv(1 << 20)",
            "        if not b: break",
            "        h.update(b); n += len(b)",
            "    with lock: print(peer[1], n, h.hexdigest(), flush=True)",
            "    c.close()",
            "while True:",
            "    c, peer = s.accept()",
            "    threading.Thread(target=drain, args=(c, peer), daemon=True).start()",
            "");

    private int runs;

    @Override
    public CellResult run(Cell cell, CongestionControl.Factory cc, long sampleIntervalNs, boolean verifyContent) {
        final long started = System.nanoTime();
        final String ns = "jtcp-lab-" + ProcessHandle.current().pid() + "-" + runs++;
        exec(10, "ip", "netns", "add", ns);
        Process sink = null;
        try {
            exec(10, "ip", "-n", ns, "link", "set", "lo", "up");
            final double bdp = cell.rateBitsPerSec() / 8.0 * cell.rttNs() / 1e9;
            // Slots for everything that can be on the impaired path at once: the queue and a
            // delay's worth at the rate, in both directions, in full-size packets, with room to spare.
            final int limit = (int) Math.min(1 << 20, Math.max(1000, 4 * (bdp + cell.queueBytes()) / 1000));
            final long oneWay = cell.rttNs() / 2;
            FaultSpec outbound = new FaultSpec(
                    cell.loss(),
                    0,
                    0,
                    0,
                    oneWay,
                    0,
                    limit,
                    cell.seed(),
                    cell.rateBitsPerSec(),
                    Math.max(1500, cell.queueBytes()));
            FaultSpec inbound = new FaultSpec(0, 0, 0, 0, cell.rttNs() - oneWay, 0, limit, cell.seed() + 1);
            final double need = 2 * (bdp + cell.queueBytes());
            final int buffer = (int) Math.min(1 << 26, Math.max(1 << 20, Long.highestOneBit((long) need) << 1));
            StackConfig sc = new StackConfig()
                    .sendBufferBytes(buffer)
                    .initialSendBufferBytes(buffer)
                    .congestionControl(cc);
            // Without offloads: every packet crosses the injector as a wire packet.
            TunConfig tc = new TunConfig().netns(ns).vnetHeader(false);
            JtcpHost host = JtcpHost.start(tc, sc, inbound, outbound, null);
            try {
                sink = startSink(ns);
                return measure(host, cell, sampleIntervalNs, verifyContent, sink, started);
            } finally {
                host.close();
            }
        } finally {
            if (sink != null) {
                sink.destroyForcibly();
            }
            // Whatever is left in the namespace is ours: the sink, and nothing else runs there.
            String pids = exec(10, "ip", "netns", "pids", ns);
            for (String pid : pids.split("\\s+")) {
                if (pid.matches("\\d+")) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            exec(10, "ip", "netns", "del", ns);
        }
    }

    private CellResult measure(JtcpHost host, Cell cell, long sampleNs, boolean verify, Process sink, long started) {
        final byte[] pattern = BulkPattern.of(cell.seed());
        final UnsafeBuffer patternBuffer = new UnsafeBuffer(pattern);
        List<Flow> flows = new ArrayList<>();
        for (int i = 0; i < cell.flows(); i++) {
            Flow f = new Flow(i, patternBuffer);
            flows.add(f);
            f.connection = host.call(() -> host.stack().connect(System.nanoTime(), KERNEL, PORT, f));
        }
        final long t0 = System.nanoTime();
        final long end = t0 + cell.seconds() * 1_000_000_000L;
        final long half = t0 + cell.seconds() * 500_000_000L;
        boolean halfTaken = false;
        for (long next = t0; ; next += sampleNs) {
            sleepUntil(Math.min(next, end));
            final long now = System.nanoTime();
            if (!halfTaken && now >= half) {
                halfTaken = true;
                host.run(() -> flows.forEach(f -> f.ackedAtHalf = f.connection.bytesSent()));
            }
            host.run(() -> flows.forEach(f -> f.sample((now - t0) / 1e9)));
            if (now >= end) {
                break;
            }
        }
        host.run(() -> flows.forEach(f -> f.ackedAtEnd = f.connection.bytesSent()));
        Map<Integer, String[]> reports = verify ? finish(host, flows, sink) : Map.of();
        final double seconds = cell.seconds();
        List<FlowResult> results = new ArrayList<>();
        List<Series> series = new ArrayList<>();
        double[] lastHalf = new double[flows.size()];
        long[] allRtts = new long[0];
        long retransmits = 0;
        long acked = 0;
        long ackedHalf = 0;
        double rttSum = 0;
        boolean allVerified = true;
        for (Flow f : flows) {
            boolean ok = !verify || f.verified(reports.get(f.connection.localPort()), pattern);
            allVerified &= ok;
            lastHalf[f.index] = (f.ackedAtEnd - f.ackedAtHalf) * 8 / (seconds / 2) / 1e6;
            long[] rtts = Arrays.copyOf(f.rtts, f.rttCount);
            double mean = Arrays.stream(rtts).average().orElse(Double.NaN);
            results.add(new FlowResult(
                    f.index,
                    f.ackedAtEnd * 8 / seconds / 1e6,
                    lastHalf[f.index],
                    f.retransmits,
                    mean / 1e6,
                    Stats.quantile(rtts.clone(), rtts.length, 0.99) / 1e6,
                    f.ackedAtEnd,
                    ok));
            series.add(f.series);
            retransmits += f.retransmits;
            acked += f.ackedAtEnd;
            ackedHalf += f.ackedAtEnd - f.ackedAtHalf;
            rttSum += Arrays.stream(rtts).sum();
            long[] merged = Arrays.copyOf(allRtts, allRtts.length + rtts.length);
            System.arraycopy(rtts, 0, merged, allRtts.length, rtts.length);
            allRtts = merged;
        }
        long[] drops = host.call(() -> new long[] {
            host.loop().sink().faults().dropped(), host.loop().sink().faults().queueDropped()
        });
        FlowResult total = new FlowResult(
                -1,
                acked * 8 / seconds / 1e6,
                ackedHalf * 8 / (seconds / 2) / 1e6,
                retransmits,
                allRtts.length == 0 ? Double.NaN : rttSum / allRtts.length / 1e6,
                Stats.quantile(allRtts, allRtts.length, 0.99) / 1e6,
                acked,
                allVerified);
        return new CellResult(
                cell,
                results,
                total,
                Stats.jain(lastHalf),
                drops[0],
                drops[1],
                series,
                (System.nanoTime() - started) / 1e9);
    }

    /**
     * Closes every flow's sending side and waits (at most 60 s) for the sink's report of each:
     * port → {port, bytes, sha256}.
     */
    private static Map<Integer, String[]> finish(JtcpHost host, List<Flow> flows, Process sink) {
        host.run(() -> flows.forEach(f -> {
            f.closing = true;
            f.connection.shutdownOutput();
        }));
        Map<Integer, String[]> reports = new HashMap<>();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        StringBuilder line = new StringBuilder();
        InputStream in = sink.getInputStream();
        try {
            while (reports.size() < flows.size() && System.nanoTime() < deadline) {
                if (in.available() == 0) {
                    sleepUntil(System.nanoTime() + 10_000_000L);
                    continue;
                }
                int c = in.read();
                if (c < 0) {
                    break;
                }
                if (c != '\n') {
                    line.append((char) c);
                    continue;
                }
                String[] parts = line.toString().trim().split(" ");
                line.setLength(0);
                if (parts.length == 3 && parts[0].matches("\\d+")) {
                    reports.put(Integer.parseInt(parts[0]), parts);
                }
            }
        } catch (IOException e) {
            throw new TunException("reading the kernel sink's report: " + e.getMessage());
        }
        return reports;
    }

    private static Process startSink(String ns) {
        try {
            Process p = new ProcessBuilder("ip", "netns", "exec", ns, "python3", "-c", SINK)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            byte[] ready = new byte["listening\n".length()];
            int got = 0;
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            InputStream in = p.getInputStream();
            while (got < ready.length && System.nanoTime() < deadline) {
                if (in.available() == 0) {
                    if (!p.isAlive()) {
                        break;
                    }
                    sleepUntil(System.nanoTime() + 10_000_000L);
                    continue;
                }
                int n = in.read(ready, got, ready.length - got);
                if (n < 0) {
                    break;
                }
                got += n;
            }
            if (!new String(ready, 0, got, StandardCharsets.US_ASCII).equals("listening\n")) {
                p.destroyForcibly();
                throw new TunException("the kernel sink (python3) did not start in namespace " + ns);
            }
            return p;
        } catch (IOException e) {
            throw new TunException("cannot start python3 in namespace " + ns + ": " + e.getMessage());
        }
    }

    private static String exec(long timeoutSeconds, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new TunException(String.join(" ", command) + ": timed out");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new TunException(
                        String.join(" ", command) + " failed (the tun back-end needs root): " + out.strip());
            }
            return out;
        } catch (IOException e) {
            throw new TunException("cannot run " + command[0] + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TunException("interrupted while running " + command[0]);
        }
    }

    private static void sleepUntil(long deadlineNs) {
        long left = deadlineNs - System.nanoTime();
        if (left > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TunException("interrupted");
            }
        }
    }

    /** One bulk flow on the loop thread: keeps the send buffer full until told to close. */
    private static final class Flow implements TcpHandler {
        final int index;
        final UnsafeBuffer pattern;
        final Series series = new Series();
        TcpConnection connection;
        long written;
        long ackedAtHalf;
        long ackedAtEnd;
        long retransmits;
        boolean closing;
        long[] rtts = new long[1024];
        int rttCount;

        Flow(int index, UnsafeBuffer pattern) {
            this.index = index;
            this.pattern = pattern;
        }

        @Override
        public void onConnected(TcpConnection c) {
            fill(c);
        }

        @Override
        public void onWritable(TcpConnection c) {
            fill(c);
        }

        private void fill(TcpConnection c) {
            for (int guard = 0; guard < 1_000_000 && !closing; guard++) {
                int at = (int) (written % BulkPattern.BYTES);
                int n = c.write(pattern, at, BulkPattern.BYTES - at);
                if (n <= 0) {
                    return;
                }
                written += n;
            }
        }

        void sample(double t) {
            TcpConnection c = connection;
            retransmits = c.retransmits();
            series.add(
                    t,
                    CcColumns.of(c),
                    c.congestionWindowBytes(),
                    c.bytesInFlight(),
                    c.srttNs() / 1e6,
                    c.rtoNs() / 1e6,
                    retransmits,
                    c.bytesSent(),
                    c.bytesSent());
            if (c.srttNs() > 0) {
                if (rttCount == rtts.length) {
                    rtts = Arrays.copyOf(rtts, rttCount * 2);
                }
                rtts[rttCount++] = c.srttNs();
            }
        }

        /** Whether the sink read exactly what was written, by length and SHA-256. */
        boolean verified(String[] report, byte[] bytes) {
            return report != null
                    && Long.parseLong(report[1]) == written
                    && report[2].equals(HexFormat.of().formatHex(BulkPattern.sha256(bytes, written)));
        }
    }
}
