package io.jtcp.tun.cli;

import io.jtcp.tun.TunConfig;
import io.jtcp.tun.TunDevice;
import io.jtcp.tun.bench.TunBench;
import io.jtcp.tun.bench.UdpSender;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code jtcp tun-bench}: the raw TUN ceiling, MTU-sized UDP packets through the device with jtcp's
 * own device code and no TCP, one line per direction. What a TCP transfer over the same device can
 * at best approach.
 */
@Command(
        name = "tun-bench",
        mixinStandardHelpOptions = true,
        description = {
            "Measures the raw TUN ceiling: MTU-sized IPv4/UDP packets through the device, no TCP.",
            "write: jtcp writes packets to the kernel side's port 9 (a UDP socket nobody reads); read: a UDP sender in the device's"
                    + " namespace sends to jtcp's port 9 (UDP GSO: up to 64 datagrams per send) and jtcp reads them."
        })
final class TunBenchCommand implements Callable<Integer> {
    private static final double MAX_SECONDS = 600;

    @Spec
    CommandSpec spec;

    @Mixin
    LinkOptions link;

    @Option(
            names = "--seconds",
            paramLabel = "N",
            defaultValue = "3",
            description = "how long each direction runs (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(
            names = "--direction",
            paramLabel = "write|read|both",
            defaultValue = "both",
            description = "write (jtcp -> kernel), read (kernel -> jtcp) or both (default: ${DEFAULT-VALUE})")
    String direction;

    @Option(names = "--no-gso", description = "read direction: one datagram per send() instead of up to 64 (UDP GSO)")
    boolean noGso;

    @Option(
            names = "--closed-port",
            description = "write direction: leave the kernel side's port 9 closed (each packet then costs the kernel"
                    + " an ICMP port-unreachable attempt) instead of binding a UDP socket there that is never read")
    boolean closedPort;

    @Override
    public Integer call() {
        if (!(seconds > 0 && seconds <= MAX_SECONDS)) {
            throw new ParameterException(spec.commandLine(), "--seconds must be more than 0 and at most 600");
        }
        if (!List.of("write", "read", "both").contains(direction)) {
            throw new ParameterException(
                    spec.commandLine(), "--direction must be write, read or both, not '" + direction + "'");
        }
        TunConfig config = link.tunConfig(spec, false);
        long durationNs = (long) (seconds * 1e9);
        PrintWriter out = spec.commandLine().getOut();
        List<TunBench.Result> results = new ArrayList<>();
        try (TunDevice device = TunDevice.open(config)) {
            TunBench bench = new TunBench(device);
            if (!"read".equals(direction)) {
                results.add(closedPort ? bench.write(durationNs) : bench.write(durationNs, link.netns));
                out.println(results.get(results.size() - 1).line());
                out.flush();
            }
            if (!"write".equals(direction)) {
                try (UdpSender sender = bench.openSender(link.netns, !noGso)) {
                    results.add(bench.read(sender, durationNs));
                }
                out.println(results.get(results.size() - 1).line());
                out.flush();
            }
        }
        for (TunBench.Result r : results) {
            if (r.packets() == 0) {
                throw new CliFailure("tun-bench " + r.direction() + " moved no packets");
            }
        }
        return 0;
    }
}
