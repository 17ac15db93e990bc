package io.jtcp.tun.cli;

import io.jtcp.stack.StackConfig;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.tun.JtcpHost;
import io.jtcp.tun.TunConfig;
import io.jtcp.tun.trace.PcapWriter;
import io.jtcp.tun.trace.StampedTracer;
import io.jtcp.tun.trace.Tracers;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What a guided scenario runs in: its own network namespace (kernel 10.7.0.1/24 on tun0, jtcp at
 * 10.7.0.2), jtcp started in it with a pcap and a state trace ({@link DemoTrace}) on one stamped
 * event stream, python3 peers in the namespace, and the list of connections to draw. Closing it
 * stops jtcp, closes the capture and removes the namespace.
 */
final class DemoLab implements AutoCloseable {
    static final String KERNEL = "10.7.0.1";
    static final String JTCP = "10.7.0.2";
    static final int JTCP_ADDR = Ipv4Header.parseAddress(JTCP);
    static final int KERNEL_ADDR = Ipv4Header.parseAddress(KERNEL);

    /** A connection to draw: the first whose kernel- or jtcp-side port is {@code port}, with a caption. */
    record Shown(int port, String caption) {}

    final String ns;
    final JtcpHost host;
    final DemoTrace trace;
    final Path pcapFile;
    final long mslNs;
    private final PcapWriter pcap;
    private final PrintWriter out;
    private final List<Shown> shown = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final List<DemoPeer> peers;
    private boolean closed;
    private Thread hook;

    private DemoLab(
            String ns,
            JtcpHost host,
            DemoTrace trace,
            PcapWriter pcap,
            Path pcapFile,
            long mslNs,
            PrintWriter out,
            List<DemoPeer> peers) {
        this.peers = peers;
        this.ns = ns;
        this.host = host;
        this.trace = trace;
        this.pcap = pcap;
        this.pcapFile = pcapFile;
        this.mslNs = mslNs;
        this.out = out;
    }

    static DemoLab open(DemoScenario s, Path dir, long mslNs, PrintWriter out) {
        String ns = "jtcp-demo-" + ProcessHandle.current().pid() + "-" + s.name();
        DemoCommand.Proc add = DemoCommand.Proc.run(10, null, "ip", "netns", "add", ns);
        if (add.exitCode != 0) {
            throw new CliFailure(
                    "cannot create network namespace " + ns + " (the demo needs root): " + add.output.strip());
        }
        // Ctrl-C must not leave the namespace behind: removed by a hook unless close() ran.
        List<DemoPeer> peers = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread hook = new Thread(() -> {
            synchronized (peers) {
                peers.forEach(DemoPeer::close);
            }
            DemoCommand.Proc.run(10, null, "ip", "netns", "del", ns);
        });
        Runtime.getRuntime().addShutdownHook(hook);
        PcapWriter pcap = null;
        try {
            DemoCommand.Proc.run(10, null, "ip", "-n", ns, "link", "set", "lo", "up");
            long startNs = System.nanoTime();
            Path file = dir.resolve(s.name() + ".pcap");
            pcap = new PcapWriter(file, startNs);
            DemoTrace trace = new DemoTrace(startNs);
            StackConfig config = new StackConfig().mslNs(mslNs);
            s.configure(config);
            JtcpHost host = JtcpHost.start(
                    new TunConfig().netns(ns),
                    config,
                    s.inboundFaults(),
                    s.outboundFaults(),
                    StampedTracer.of(Tracers.of(pcap, trace)));
            DemoLab lab = new DemoLab(ns, host, trace, pcap, file, mslNs, out, peers);
            lab.hook = hook;
            return lab;
        } catch (RuntimeException e) {
            if (pcap != null) {
                pcap.close();
            }
            DemoCommand.Proc.run(10, null, "ip", "netns", "del", ns);
            removeHook(hook);
            throw e;
        }
    }

    /** Prints one line of narration. */
    void say(String line) {
        out.println(line);
        out.flush();
    }

    /** Records a failed expectation (the scenario goes on; the command exits 1). */
    void check(boolean ok, String what) {
        if (!ok) {
            failures.add(what);
            say("   ^ NOT AS EXPECTED: " + what);
        }
    }

    List<String> failures() {
        return failures;
    }

    /** Draws the first connection with {@code port} on either side, under {@code caption}. */
    void show(int port, String caption) {
        shown.add(new Shown(port, caption));
    }

    List<Shown> shown() {
        return shown;
    }

    /** Starts a python3 peer in the namespace. */
    DemoPeer python(String script, String... args) throws Exception {
        DemoPeer p = new DemoPeer(ns, script, args);
        peers.add(p);
        return p;
    }

    /** Runs a shell command in the namespace (bounded to 30 s). */
    DemoCommand.Proc sh(String script) {
        return DemoCommand.Proc.run(30, null, "ip", "netns", "exec", ns, "sh", "-c", script);
    }

    /** A jtcp listener on {@code port}; accepted connections arrive in the queue. */
    LinkedBlockingQueue<DemoConn> listen(int port) {
        LinkedBlockingQueue<DemoConn> q = new LinkedBlockingQueue<>();
        host.run(() -> host.stack().listen(port, c -> {
            DemoConn d = new DemoConn(host);
            q.add(d);
            return d;
        }));
        return q;
    }

    /** jtcp opens a connection to the kernel at {@code port}. */
    DemoConn connect(int port) {
        DemoConn d = new DemoConn(host);
        TcpConnection c = Clients.connect(host, KERNEL_ADDR, port, d);
        return d.withConnection(c);
    }

    static DemoConn take(LinkedBlockingQueue<DemoConn> q, String what) throws InterruptedException {
        DemoConn d = q.poll(10, TimeUnit.SECONDS);
        if (d == null) {
            throw new CliFailure("timed out waiting for " + what);
        }
        return d;
    }

    /** Sleeps {@code ms}: the pauses that make a state visible in the ladder. */
    static void pause(long ms) throws InterruptedException {
        Thread.sleep(ms);
    }

    /** Waits (bounded) until no connection of jtcp's is in TIME_WAIT or anything but CLOSED. */
    boolean awaitAllClosed(long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (host.call(() -> host.stack().timeWaitCount() + host.stack().openConnectionCount()) == 0) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** Waits (bounded) until a kernel socket listens on {@code port}. */
    void awaitListening(int port) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (DemoCommand.Proc.run(5, null, "ip", "netns", "exec", ns, "ss", "-ltnH", "sport = :" + port)
                    .output
                    .contains("LISTEN")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new CliFailure("no kernel socket listened on port " + port);
    }

    /** Stops jtcp, closes the capture and removes the namespace; safe to call twice. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (peers) {
            peers.forEach(DemoPeer::close);
        }
        try {
            host.close();
        } finally {
            pcap.close();
            DemoCommand.Proc.run(10, null, "ip", "netns", "del", ns);
            removeHook(hook);
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs, and deleting twice is harmless
        }
    }

    static boolean namespaceExists(String ns) {
        return DemoCommand.Proc.run(10, null, "ip", "netns", "list").output.contains(ns);
    }

    static Path defaultDir() throws java.io.IOException {
        return Files.createTempDirectory("jtcp-demo-");
    }
}
