package io.jtcp.tun.cli;

import io.jtcp.tun.TunConfig;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options of every command that runs the stack on a device: the link and the congestion control, plus
 * tracing, capture, offload and faults.
 */
final class DeviceOptions {
    @Mixin
    LinkOptions link;

    // ---- congestion control (issue #10) ----
    @Mixin
    CcOptions cc;

    @Option(
            names = "--pcap",
            paramLabel = "FILE",
            description = "write every packet in and out to FILE (pcap, readable by tcpdump -r)")
    Path pcap;

    @Option(names = "--trace", description = "print one line per segment in/out and per TCP state transition")
    boolean trace;

    @Option(
            names = "--no-offload",
            description = {
                "plain IPv4 packets on the device, one per segment, instead of the default virtio-net offloads",
                "(64 KiB super-segments both ways, TSO and checksum offload; used whenever the kernel takes them)"
            })
    boolean noOffload;

    /** The default since offloads became it; accepted so that older command lines keep working. */
    @Option(names = "--offload", hidden = true, description = "offloads on (the default)")
    boolean offload;

    @Option(
            names = "--single-thread",
            description = {
                "without offloads: write packets on the event loop's thread too, not on a second thread",
                "(with offloads the loop's thread always writes: its 64 KiB writes are few)"
            })
    boolean singleThread;

    @Option(
            names = "--fault",
            paramLabel = "SPEC",
            description = {
                "impair packets both ways at the device, seeded: drop=P,dup=P,reorder=P,corrupt=P,delay=T,jitter=T,seed=N",
                "(rates 0..1, times like 5ms); rate=200mbit,queue=64k makes each direction a bottleneck",
                "(drop-tail queue in bytes, default 256k) before the delay; --pcap shows what the stack saw",
                "and sent, --trace also marks what the injector dropped;",
                "with offloads, super-segments are cut at the MSS first, so faults, --trace and --pcap see wire packets"
            })
    String fault;

    @Option(
            names = "--queues",
            paramLabel = "N",
            description = {
                "N device queues (IFF_MULTI_QUEUE), each with its own event loop thread and its own stack,",
                "connections shared out by 4-tuple hash (default: 1); if the kernel refuses multi-queue,",
                "one line says so and one queue runs. --pcap, --trace and --cc-log record every queue",
                "(without --pcap's replay journal: jtcp replay follows one engine)"
            })
    Integer queues;

    /** The fault spec, or null; a usage error when malformed. */
    io.jtcp.stack.fault.FaultSpec faults(CommandSpec spec) {
        if (fault == null) {
            return null;
        }
        try {
            return io.jtcp.stack.fault.FaultSpec.parse(fault);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--fault: " + e.getMessage());
        }
    }

    /** The device settings, or a usage error (exit 2) naming what is wrong. */
    TunConfig tunConfig(CommandSpec spec) {
        try {
            return tunConfig();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /**
     * The device settings without picocli (for {@link GetFastPath}).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    TunConfig tunConfig() {
        if (offload && noOffload) {
            throw new IllegalArgumentException("--offload and --no-offload contradict each other");
        }
        TunConfig config = link.tunConfig(!noOffload).writerThread(!singleThread);
        if (queues != null) {
            if (queues < 1 || queues > TunConfig.MAX_QUEUES) {
                throw new IllegalArgumentException("--queues must be 1 to " + TunConfig.MAX_QUEUES + ", not " + queues);
            }
            config.queues(queues);
        }
        return config;
    }
}
