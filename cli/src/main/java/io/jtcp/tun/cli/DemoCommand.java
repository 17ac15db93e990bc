package io.jtcp.tun.cli;

import io.jtcp.stack.StackConfig;
import io.jtcp.stack.StackTracer;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpState;
import io.jtcp.tun.JtcpHost;
import io.jtcp.tun.TunConfig;
import io.jtcp.tun.client.HttpGetClient;
import io.jtcp.tun.service.BytesPattern;
import io.jtcp.tun.service.ChargenService;
import io.jtcp.tun.service.DiscardService;
import io.jtcp.tun.service.EchoService;
import io.jtcp.tun.service.HttpService;
import io.jtcp.tun.service.ServiceTimers;
import io.jtcp.tun.service.StatusPage;
import io.jtcp.tun.trace.TraceFormatter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Without SCENARIO: creates its own network namespace with jtcp serving in it, runs the real",
            "ping, curl and nc against jtcp and jtcp get against a kernel HTTP server (python3), prints",
            "every state transition of three connections in order, and removes the namespace.",
            "With SCENARIO (see --list): one guided scenario against real kernel peers in its own",
            "namespace, printing the text ladder of each connection (jtcp's states from its own trace,",
            "the kernel's inferred), writing its SVG, pcap and state trace to DIR, and saying what to",
            "look at. Needs root."
        })
final class DemoCommand implements Callable<Integer> {
    private final List<String> failures = new ArrayList<>();
    private long mslNs;

    @Spec
    CommandSpec spec;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "SCENARIO",
            description = "handshake, teardown, half-close, simultaneous-close, rst, time-wait, retransmit,"
                    + " zero-window or syn-flood")
    String scenario;

    @Option(names = "--list", description = "list the scenarios, one a line")
    boolean list;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "DIR",
            description = "where a scenario writes its SVG ladders, pcap and state trace (default: a new temporary"
                    + " directory, printed)")
    Path outDir;

    @Option(
            names = "--msl",
            paramLabel = "SECONDS",
            defaultValue = "1",
            description = "MSL; TIME_WAIT lasts 2*MSL (default: ${DEFAULT-VALUE}, shortened for the demo; jtcp's"
                    + " own default is 30, Linux's TIME_WAIT 60 s)")
    double mslSeconds;

    @Override
    public Integer call() throws Exception {
        if (!(mslSeconds >= 0.01 && mslSeconds <= 600)) {
            throw new ParameterException(spec.commandLine(), "--msl must be 0.01 to 600 seconds, not " + mslSeconds);
        }
        long mslNs = (long) (mslSeconds * 1e9);
        PrintWriter out = spec.commandLine().getOut();
        if (list) {
            for (DemoScenario s : DemoRunner.SCENARIOS) {
                out.printf(Locale.ROOT, "%-19s %s%n", s.name(), s.summary());
            }
            out.flush();
            return 0;
        }
        if (scenario != null) {
            DemoScenario s = DemoRunner.find(scenario);
            if (s == null) {
                throw new ParameterException(
                        spec.commandLine(), "unknown scenario '" + scenario + "' (jtcp demo --list shows them)");
            }
            return DemoRunner.run(s, outDir != null ? outDir : DemoLab.defaultDir(), mslNs, out);
        }
        this.mslNs = mslNs;
        String ns = "jtcp-demo-" + ProcessHandle.current().pid();
        Proc add = Proc.run(10, null, "ip", "netns", "add", ns);
        if (add.exitCode != 0) {
            throw new CliFailure(
                    "cannot create network namespace " + ns + " (the demo needs root): " + add.output.strip());
        }
        Path www = Files.createTempDirectory("jtcp-demo");
        Process http = null;
        long startNs = System.nanoTime();
        TraceFormatter fmt = new TraceFormatter(startNs);
        Map<String, List<String>> transitions = new LinkedHashMap<>();
        StackTracer states = new StackTracer() {
            @Override
            public void onStateChange(long nowNs, TcpConnection c, TcpState from, TcpState to) {
                synchronized (transitions) {
                    transitions
                            .computeIfAbsent(c.localPort() + "-" + c.remotePort(), k -> new ArrayList<>())
                            .add(fmt.stateChange(nowNs, c, from, to));
                }
            }
        };
        try {
            Proc.run(10, null, "ip", "-n", ns, "link", "set", "lo", "up");
            JtcpHost host = JtcpHost.start(
                    new TunConfig().netns(ns), new StackConfig().mslNs(mslNs).tracer(states));
            try {
                host.run(() -> {
                    host.stack()
                            .listen(7, new EchoService(host.serviceTimers(), ServiceTimers.DEFAULT_IDLE_TIMEOUT_NS));
                    host.stack()
                            .listen(9, new DiscardService(host.serviceTimers(), ServiceTimers.DEFAULT_IDLE_TIMEOUT_NS));
                    host.stack()
                            .listen(
                                    19,
                                    new ChargenService(host.serviceTimers(), ServiceTimers.DEFAULT_IDLE_TIMEOUT_NS));
                    host.stack()
                            .listen(
                                    80,
                                    new HttpService(
                                            StatusPage.of(host.stack(), host.serviceTimers()),
                                            host.serviceTimers(),
                                            HttpService.DEFAULT_HEAD_TIMEOUT_NS,
                                            HttpService.DEFAULT_IDLE_TIMEOUT_NS));
                });
                System.out.println(
                        "demo: namespace " + ns + ": kernel 10.7.0.1/24 on tun0, jtcp 10.7.0.2 serving echo 7,"
                                + " discard 9, chargen 19, http 80");

                step(
                        ns,
                        "ping -c 3 -i 0.2 10.7.0.2",
                        "ping -c 3 -i 0.2 -W 2 10.7.0.2 | grep -E 'transmitted|rtt'",
                        null);
                String sha = BytesPattern.sha256(1 << 20);
                step(
                        ns,
                        "curl http://10.7.0.2/bytes/1048576 | sha256sum",
                        "curl -sS --fail -m 20 http://10.7.0.2/bytes/1048576 | sha256sum",
                        sha);
                step(
                        ns,
                        "curl http://10.7.0.2/ (status page, connection rows)",
                        "curl -sS --fail -m 10 http://10.7.0.2/ | grep -o '<td>10.7.0.1:[0-9]*</td><td>[A-Z_]*' | sed 's/<[^>]*>/ /g'",
                        "ESTABLISHED");
                step(
                        ns,
                        "echo 'hello, jtcp' | nc -N 10.7.0.2 7",
                        "echo 'hello, jtcp' | nc -N -w 5 10.7.0.2 7",
                        "hello, jtcp");
                step(ns, "nc 10.7.0.2 19 | head -c 148 (chargen)", "nc -w 5 10.7.0.2 19 | head -c 148", "ABCDEFG");
                step(
                        ns,
                        "curl http://10.7.0.2:81/ (closed port: RST)",
                        "curl -sS -m 5 http://10.7.0.2:81/ 2>&1; echo \"curl exit $?\"",
                        "curl exit 7");

                byte[] file = new byte[1 << 20];
                new java.util.Random(42).nextBytes(file);
                Files.write(www.resolve("file.bin"), file);
                http = new ProcessBuilder(
                                "ip",
                                "netns",
                                "exec",
                                ns,
                                "python3",
                                "-m",
                                "http.server",
                                "8000",
                                "--bind",
                                "10.7.0.1",
                                "--directory",
                                www.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(www.resolve("http.log").toFile())
                        .start();
                awaitListening(ns, 8000);
                System.out.println(
                        "\n$ jtcp get http://10.7.0.1:8000/file.bin   (jtcp as the client, python3 http.server as the server)");
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                HttpGetClient client =
                        new HttpGetClient(HttpGetClient.Url.parse("http://10.7.0.1:8000/file.bin"), body);
                TcpConnection c = Clients.connect(
                        host, HttpGetClient.Url.parse("http://10.7.0.1:8000/").addr(), 8000, client);
                HttpGetClient.Result r = client.result().get(30, TimeUnit.SECONDS);
                Clients.awaitSettled(host, c, 5000);
                boolean same = MessageDigest.isEqual(sha256(body.toByteArray()), sha256(file));
                System.out.println(
                        r.statusLine() + ", " + r.bodyBytes() + " bytes, SHA-256 " + (same ? "matches" : "DIFFERS"));
                if (!same || r.status() != 200) {
                    failures.add("jtcp get");
                }
                activeClose(ns, host, www);
            } finally {
                host.close();
            }
            synchronized (transitions) {
                List<List<String>> all = new ArrayList<>(transitions.values());
                // The first HTTP connection (curl's 1 MiB download) and the get (an active open).
                printTransitions(
                        "curl's connection to jtcp port 80 (passive open, jtcp closes after the peer)",
                        all.stream()
                                .filter(l -> l.get(0).contains(" 10.7.0.2:80 <> "))
                                .findFirst()
                                .orElse(List.of()));
                printTransitions(
                        "jtcp get's connection to 10.7.0.1:8000 (active open)",
                        all.stream()
                                .filter(l -> l.get(0).contains(" <> 10.7.0.1:8000 "))
                                .findFirst()
                                .orElse(List.of()));
                printTransitions(
                        "jtcp connect's connection to nc -l 5000 (jtcp closes first: TIME_WAIT)",
                        all.stream()
                                .filter(l -> l.get(0).contains(" <> 10.7.0.1:5000 "))
                                .findFirst()
                                .orElse(List.of()));
            }
        } finally {
            if (http != null) {
                http.destroyForcibly();
                http.waitFor(5, TimeUnit.SECONDS);
            }
            Proc.run(10, null, "ip", "netns", "del", ns);
            try (var files = Files.list(www)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(www);
        }
        if (!failures.isEmpty()) {
            throw new CliFailure("demo: failed: " + String.join(", ", failures));
        }
        System.out.println("\ndemo: all steps passed; namespace " + ns + " removed");
        return 0;
    }

    /**
     * {@code jtcp connect}'s path (a StreamBridge) against {@code nc -l}: jtcp sends a line and its
     * FIN first, so it is the active closer and waits in TIME_WAIT (RFC 9293 §3.6).
     */
    private void activeClose(String ns, JtcpHost host, Path dir) throws Exception {
        System.out.println(
                "\n$ echo 'hello from jtcp' | jtcp connect 10.7.0.1 5000   (against nc -l 5000 in the namespace)");
        Path received = dir.resolve("received");
        Process nc = new ProcessBuilder("ip", "netns", "exec", ns, "nc", "-l", "5000")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(received.toFile())
                .redirectErrorStream(false)
                .start();
        try {
            awaitListening(ns, 5000);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            io.jtcp.tun.client.StreamBridge bridge = new io.jtcp.tun.client.StreamBridge(
                    host.loop(),
                    new java.io.ByteArrayInputStream("hello from jtcp\n".getBytes(StandardCharsets.UTF_8)),
                    got);
            TcpConnection c =
                    Clients.connect(host, io.jtcp.stack.wire.Ipv4Header.parseAddress("10.7.0.1"), 5000, bridge);
            bridge.finished().get(10, TimeUnit.SECONDS);
            TcpState s = Clients.awaitSettled(host, c, 5000);
            nc.waitFor(5, TimeUnit.SECONDS);
            String text = Files.readString(received);
            System.out.print("nc received: " + text);
            System.out.println("jtcp's side is now " + s);
            if (!text.equals("hello from jtcp\n") || s != TcpState.TIME_WAIT) {
                failures.add("jtcp connect");
            }
            // TIME_WAIT is kept to its end: stopping the stack now would cut it short unseen.
            System.out.printf(
                    Locale.ROOT,
                    "waiting out TIME_WAIT: 2*MSL = %.1f s (this demo's --msl %.1f; jtcp's default MSL is 30 s, so"
                            + " 60 s as Linux; RFC 9293 suggests MSL 2 min)%n",
                    2 * mslNs / 1e9,
                    mslNs / 1e9);
            long t0 = System.nanoTime();
            long deadline = System.currentTimeMillis() + 2 * mslNs / 1_000_000 + 5000;
            while (host.call(() -> host.stack().timeWaitCount()) > 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            int left = host.call(() -> host.stack().timeWaitCount());
            System.out.printf(
                    Locale.ROOT,
                    left == 0 ? "TIME_WAIT ended after %.3f s: CLOSED%n" : "TIME_WAIT still held after %.3f s%n",
                    (System.nanoTime() - t0) / 1e9);
            if (left != 0) {
                failures.add("TIME_WAIT end");
            }
        } finally {
            nc.destroyForcibly();
        }
    }

    private static void printTransitions(String title, List<String> lines) {
        System.out.println("\nState transitions of " + title + ":");
        lines.forEach(l -> System.out.println("  " + l));
    }

    private void step(String ns, String title, String script, String expect) {
        System.out.println("\n$ " + title);
        Proc p = Proc.run(30, null, "ip", "netns", "exec", ns, "sh", "-c", script);
        System.out.print(p.output.endsWith("\n") || p.output.isEmpty() ? p.output : p.output + "\n");
        if ((expect == null && p.exitCode != 0) || (expect != null && !p.output.contains(expect))) {
            System.out.println("   ^ FAILED" + (expect != null ? " (expected \"" + expect + "\")" : ""));
            failures.add(title);
        }
    }

    private static void awaitListening(String ns, int port) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (Proc.run(5, null, "ip", "netns", "exec", ns, "ss", "-ltnH", "sport = :" + port)
                    .output
                    .contains("LISTEN")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new CliFailure("the kernel HTTP server did not start on port " + port);
    }

    static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    static String hex(byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }

    /** A finished program: exit code and output. */
    static final class Proc {
        final int exitCode;
        final String output;

        private Proc(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }

        static Proc run(long timeoutSeconds, Path dir, String... command) {
            try {
                ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
                if (dir != null) {
                    pb.directory(dir.toFile());
                }
                Process p = pb.start();
                p.getOutputStream().close();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                Thread t = new Thread(() -> {
                    try (InputStream in = p.getInputStream()) {
                        in.transferTo(out);
                    } catch (IOException e) {
                        // killed
                    }
                });
                t.start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    t.join(1000);
                    return new Proc(
                            -1, out.toString(StandardCharsets.UTF_8) + "(timed out after " + timeoutSeconds + " s)\n");
                }
                t.join(5000);
                return new Proc(p.exitValue(), out.toString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                return new Proc(-2, "cannot run " + command[0] + ": " + e.getMessage() + "\n");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Proc(-3, "interrupted\n");
            }
        }
    }
}
