package io.jtcp.tun.cli;

import io.jtcp.tun.TunConfig;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The options of every command that runs the stack on a device: the link, plus tracing, capture, offload and faults. */
final class DeviceOptions {
    @Mixin
    LinkOptions link;

    @Option(
            names = "--pcap",
            paramLabel = "FILE",
            description = "write every packet in and out to FILE (pcap, readable by tcpdump -r)")
    Path pcap;

    @Option(names = "--trace", description = "print one line per segment in/out and per TCP state transition")
    boolean trace;

    @Option(
            names = "--offload",
            description = "virtio-net headers on the device: 64 KiB super-segments both ways (TSO, checksum offload)")
    boolean offload;

    @Option(
            names = "--single-thread",
            description =
                    "write packets on the event loop's thread too (default without --offload: a second thread writes them)")
    boolean singleThread;

    @Option(
            names = "--fault",
            paramLabel = "SPEC",
            description = {
                "impair packets both ways at the device, seeded: drop=P,dup=P,reorder=P,corrupt=P,delay=T,jitter=T,seed=N",
                "(rates 0..1, times like 5ms); --trace and --pcap show what the stack saw and sent"
            })
    String fault;

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
        return link.tunConfig(spec, offload).writerThread(!singleThread);
    }
}
