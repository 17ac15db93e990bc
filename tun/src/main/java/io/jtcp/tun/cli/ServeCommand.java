package io.jtcp.tun.cli;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.tun.TunConfig;
import io.jtcp.tun.service.ChargenService;
import io.jtcp.tun.service.DiscardService;
import io.jtcp.tun.service.EchoService;
import io.jtcp.tun.service.HttpService;
import io.jtcp.tun.service.StatusPage;
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

    @Option(names = "--duration", paramLabel = "SECONDS", description = "stop by itself after SECONDS")
    Double durationSeconds;

    // ---- memory budget and limits (issue #9, bounded memory) ----
    @Option(
            names = "--memory-budget",
            paramLabel = "MIB",
            description = "heap for connection buffers and state; from 3/4 of it on new connections are "
                    + "refused and buffers stop growing (default: half the JVM heap, -Xmx)")
    Long memoryBudgetMiB;

    @Option(names = "--max-connections", paramLabel = "N", description = "connection table size (default: 65536)")
    Integer maxConnections;

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
        if (memoryBudgetMiB != null) {
            if (memoryBudgetMiB < 1) {
                throw new ParameterException(spec.commandLine(), "--memory-budget must be at least 1 MiB");
            }
            stackConfig.memoryBudgetBytes(memoryBudgetMiB << 20);
        }
        if (maxConnections != null) {
            if (maxConnections < 1) {
                throw new ParameterException(spec.commandLine(), "--max-connections must be positive");
            }
            stackConfig.maxConnections(maxConnections);
        }
        if (maxPerListener != null) {
            if (maxPerListener < 0) {
                throw new ParameterException(spec.commandLine(), "--max-per-listener must not be negative");
            }
            stackConfig.maxConnectionsPerListener(maxPerListener);
        }
        Session session = Session.open(dev, tunConfig, stackConfig, System.out, null, faults);
        java.util.concurrent.atomic.AtomicBoolean reported = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable stop = () -> {
            session.close();
            if (reported.compareAndSet(false, true)) {
                // The loop thread has ended: reading its counters is safe now.
                System.err.print(
                        "jtcp: stopped. " + session.host.stack().counters().describe());
                System.err.flush();
            }
        };
        // SIGINT/SIGTERM: close every connection (FIN), RST what is left after a 2 s grace, remove
        // the device if we created it.
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "jtcp-shutdown"));
        NetworkStack stack = session.host.stack();
        session.host.run(() -> {
            if (echo != null) {
                stack.listen(echo, new EchoService());
            }
            if (discard != null) {
                stack.listen(discard, new DiscardService());
            }
            if (chargen != null) {
                stack.listen(chargen, new ChargenService());
            }
            if (http != null) {
                stack.listen(http, new HttpService(StatusPage.of(stack)));
            }
        });
        System.out.println("jtcp: ready on " + Ipv4Header.addressToString(tunConfig.localAddr()) + " via "
                + session.host.device().name() + " (kernel side " + dev.link.host + ", MTU " + tunConfig.mtuBytes()
                + (tunConfig.netns() != null ? ", netns " + tunConfig.netns() : "") + "): " + String.join(", ", names));
        System.out.flush();
        if (durationSeconds != null) {
            try {
                session.host.loop().stopped().get((long) (durationSeconds * 1000), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                session.close();
            }
        } else {
            session.host.loop().stopped().get();
        }
        stop.run();
        return session.host.loop().failed() ? 1 : 0;
    }
}
