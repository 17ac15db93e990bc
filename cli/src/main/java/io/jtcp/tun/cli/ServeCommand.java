package io.jtcp.tun.cli;

import io.jtcp.stack.StackConfig;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.tun.TunConfig;
import io.jtcp.tun.replay.BuiltinServices;
import io.jtcp.tun.service.HttpService;
import io.jtcp.tun.service.ServiceTimers;
import io.jtcp.tun.trace.TraceStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Runs jtcp on a TUN device with built-in services until SIGINT/SIGTERM.",
            "With no service named: echo 7, discard 9, chargen 19, http 80."
        })
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOptions dev;

    @Mixin
    TraceOptions trace;

    @Mixin
    PictureOptions pictures;

    @Option(names = "--echo", paramLabel = "PORT", description = "echo service (RFC 862)")
    Integer echo;

    @Option(names = "--discard", paramLabel = "PORT", description = "discard service (RFC 863)")
    Integer discard;

    @Option(names = "--chargen", paramLabel = "PORT", description = "character generator (RFC 864)")
    Integer chargen;

    @Option(names = "--http", paramLabel = "PORT", description = "HTTP/1.1: / (status page), /bytes/N")
    Integer http;

    @Option(
            names = "--msl",
            paramLabel = "SECONDS",
            description = "maximum segment lifetime; TIME_WAIT lasts 2 MSL (default: 30)")
    Double mslSeconds;

    @Option(
            names = "--delayed-ack",
            paramLabel = "MS",
            description = "delayed ACKs (RFC 5681 §4.2): ACK every second full segment or after MS "
                    + "milliseconds; 0 ACKs every event-loop cycle (default: 0)")
    Double delayedAckMs;

    @Option(
            names = "--http-head-timeout",
            paramLabel = "SECONDS",
            description = "close an HTTP connection whose request head is not complete SECONDS after the "
                    + "connection opened or the request's first byte; 0: never (default: 30)")
    Double httpHeadTimeoutSeconds;

    @Option(
            names = "--http-idle-timeout",
            paramLabel = "SECONDS",
            description = "close a keep-alive HTTP connection idle for SECONDS between requests, reset one "
                    + "whose response stalls that long; 0: never (default: 120)")
    Double httpIdleTimeoutSeconds;

    @Option(
            names = "--idle-timeout",
            paramLabel = "SECONDS",
            description = "close an echo, discard or chargen connection where no byte moved for SECONDS; "
                    + "0: never (default: 300)")
    Double idleTimeoutSeconds;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "stop by itself after SECONDS")
    Double durationSeconds;

    // ---- TIME_WAIT records, SYN queues and SYN cookies (issue #9) ----
    @Option(
            names = "--max-connections",
            paramLabel = "N",
            description = "connections in the table at once, TIME_WAIT not included (default: 65536)")
    Integer maxConnections;

    @Option(
            names = "--max-time-wait",
            paramLabel = "N",
            description = "TIME_WAIT records kept, the oldest recycled past it; like tcp_max_tw_buckets "
                    + "(default: 262144)")
    Integer maxTimeWait;

    @Option(
            names = "--syn-backlog",
            paramLabel = "N",
            description = "half-open connections per listener before SYN cookies (default: 256)")
    Integer synBacklog;

    @Option(
            names = "--no-syn-cookies",
            description = "drop SYNs when a SYN queue is full instead of answering with SYN cookies")
    boolean noSynCookies;
    // ---- memory budget and limits (issue #9, bounded memory) ----
    @Option(
            names = "--memory-budget",
            paramLabel = "MIB",
            description = "heap for connection buffers and state; from 3/4 of it on new connections are "
                    + "refused and buffers stop growing (default: half the JVM heap, -Xmx)")
    Long memoryBudgetMiB;

    @Option(
            names = "--max-per-listener",
            paramLabel = "N",
            description = "connections one listening port may hold; more SYNs are dropped (default: no limit)")
    Integer maxPerListener;

    @Override
    public Integer call() throws Exception {
        TunConfig tunConfig = dev.tunConfig(spec);
        io.jtcp.stack.fault.FaultSpec faults = dev.faults(spec);
        if (echo == null && discard == null && chargen == null && http == null) {
            echo = 7;
            discard = 9;
            chargen = 19;
            http = 80;
        }
        List<String> names = new ArrayList<>();
        for (Object[] s : new Object[][] {{"echo", echo}, {"discard", discard}, {"chargen", chargen}, {"http", http}}) {
            Integer port = (Integer) s[1];
            if (port != null) {
                if (port < 1 || port > 65535) {
                    throw new ParameterException(
                            spec.commandLine(), "--" + s[0] + " port must be 1..65535, not " + port);
                }
                names.add(s[0] + " " + port);
            }
        }
        StackConfig stackConfig = new StackConfig();
        if (mslSeconds != null) {
            if (mslSeconds < 0) {
                throw new ParameterException(spec.commandLine(), "--msl must not be negative");
            }
            stackConfig.mslNs((long) (mslSeconds * 1e9));
        }
        if (delayedAckMs != null) {
            if (delayedAckMs < 0 || delayedAckMs > 500) {
                throw new ParameterException(spec.commandLine(), "--delayed-ack must be 0..500 ms (RFC 5681 §4.2)");
            }
            stackConfig.delayedAckNs((long) (delayedAckMs * 1e6));
        }
        if (maxConnections != null) {
            if (maxConnections < 1) {
                throw new ParameterException(spec.commandLine(), "--max-connections must be at least 1");
            }
            stackConfig.maxConnections(maxConnections);
        }
        try {
            if (maxTimeWait != null) {
                stackConfig.maxTimeWait(maxTimeWait);
            }
            if (synBacklog != null) {
                stackConfig.synBacklog(synBacklog);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        stackConfig.synCookies(!noSynCookies);
        long headNs = timeoutNs("--http-head-timeout", httpHeadTimeoutSeconds, HttpService.DEFAULT_HEAD_TIMEOUT_NS);
        long httpIdleNs = timeoutNs("--http-idle-timeout", httpIdleTimeoutSeconds, HttpService.DEFAULT_IDLE_TIMEOUT_NS);
        long idleNs = timeoutNs("--idle-timeout", idleTimeoutSeconds, ServiceTimers.DEFAULT_IDLE_TIMEOUT_NS);
        if (memoryBudgetMiB != null) {
            if (memoryBudgetMiB < 1) {
                throw new ParameterException(spec.commandLine(), "--memory-budget must be at least 1 MiB");
            }
            stackConfig.memoryBudgetBytes(memoryBudgetMiB << 20);
        }
        if (maxPerListener != null) {
            if (maxPerListener < 0) {
                throw new ParameterException(spec.commandLine(), "--max-per-listener must not be negative");
            }
            stackConfig.maxConnectionsPerListener(maxPerListener);
        }
        pictures.check(spec);
        TraceStyle traceStyle = trace.style(spec, dev.trace);
        // Live pictures (issue #11): the record is on the stack's own tracer, so the device keeps
        // its offloads (no software cut, unlike --pcap). With several queues every shard records
        // into the one record (behind its lock), and every shard's status page lists them all.
        LiveConnections live = pictures.enabled() ? new LiveConnections(pictures, System.err) : null;
        Session session = Session.open(
                dev, traceStyle, tunConfig, stackConfig, System.out, live == null ? null : live.tracer, faults);
        if (live != null) {
            live.start(session.host);
        }
        boolean[] reported = {false};
        // One lock for closing and reporting: the shutdown hook must not return (and the JVM halt)
        // while the main thread, woken by the same stop, is still printing the report.
        Runnable stop = () -> {
            synchronized (reported) {
                session.close();
                if (live != null) {
                    live.close(); // the loop has stopped: the records still open, the queued files
                }
                if (!reported[0]) {
                    reported[0] = true;
                    // The loop threads have ended: reading their counters is safe now.
                    long[] t = new long[4];
                    for (int i = 0; i < session.host.shardCount(); i++) {
                        ServiceTimers s = session.host.serviceTimers(i);
                        t[0] += s.httpHeadTimeouts;
                        t[1] += s.httpIdleTimeouts;
                        t[2] += s.httpSendTimeouts;
                        t[3] += s.idleTimeouts;
                    }
                    System.err.print("jtcp: stopped. "
                            + session.host.counters().describe()
                            + "service timeouts: http.head=" + t[0] + " http.idle=" + t[1] + " http.send=" + t[2]
                            + " idle=" + t[3] + "\n" + session.host.describeShards()
                            + (live == null ? "" : "jtcp: " + live.describe() + "\n"));
                    System.err.flush();
                }
            }
        };
        // SIGINT/SIGTERM: close every connection (FIN), RST what is left after a 2 s grace, remove
        // the device if we created it.
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "jtcp-shutdown"));
        // Every service on every shard: a SYN is handled by the shard owning its 4-tuple.
        boolean[] journaled = {false};
        session.host.onEveryShard((stack, timers) -> {
            // Each service also goes into the replay journal (with --pcap, one queue), which jtcp
            // replay reads to rebuild the same applications: BuiltinServices keeps the two in step.
            for (String service : BuiltinServices.notes(echo, discard, chargen, http, idleNs, headNs, httpIdleNs)) {
                BuiltinServices.listen(stack, timers, service, live, session.host.shardStatus());
                if (!journaled[0]) {
                    session.journalNote(
                            live != null && service.startsWith("listen http") ? service + " pictures=1" : service);
                }
            }
            journaled[0] = true;
        });
        System.out.println("jtcp: ready on " + Ipv4Header.addressToString(tunConfig.localAddr()) + " via "
                + session.host.device().name() + " (kernel side " + dev.link.host + ", MTU " + tunConfig.mtuBytes()
                + (tunConfig.netns() != null ? ", netns " + tunConfig.netns() : "")
                + (session.host.shardCount() > 1 ? ", " + session.host.shardCount() + " queues" : "") + "): "
                + String.join(", ", names));
        System.out.flush();
        if (durationSeconds != null) {
            try {
                session.host.stopped().get((long) (durationSeconds * 1000), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                session.close();
            }
        } else {
            session.host.stopped().get();
        }
        stop.run();
        return session.host.failed() ? 1 : 0;
    }

    /** A timeout option in nanoseconds, its default when absent; a usage error when out of range. */
    private long timeoutNs(String option, Double seconds, long defaultNs) {
        if (seconds == null) {
            return defaultNs;
        }
        // Written so that NaN fails too.
        if (!(seconds >= 0 && seconds <= MAX_TIMEOUT_SECONDS)) {
            throw new ParameterException(
                    spec.commandLine(),
                    option + " must be 0 (never) to " + (int) MAX_TIMEOUT_SECONDS + " seconds, not " + seconds);
        }
        return (long) (seconds * 1e9);
    }

    private static final double MAX_TIMEOUT_SECONDS = 86_400;
}
