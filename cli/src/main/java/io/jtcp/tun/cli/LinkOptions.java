package io.jtcp.tun.cli;

import io.jtcp.tun.TunConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The link options every command that opens a device shares, with the same defaults everywhere:
 * {@code --tun tun0 --addr 10.7.0.2 --host 10.7.0.1/24 --mtu 1500}, plus {@code --netns}.
 */
final class LinkOptions {
    @Option(
            names = "--tun",
            paramLabel = "NAME",
            defaultValue = "tun0",
            description = "TUN device (default: ${DEFAULT-VALUE}); created if missing, removed on exit if created")
    String tun;

    @Option(
            names = "--addr",
            paramLabel = "IP",
            defaultValue = "10.7.0.2",
            converter = Ipv4Converter.class,
            description = "jtcp's own address (default: ${DEFAULT-VALUE})")
    int addr;

    @Option(
            names = "--host",
            paramLabel = "IP/PREFIX",
            defaultValue = "10.7.0.1/24",
            description = "the kernel side's address on the device (default: ${DEFAULT-VALUE})")
    String host;

    @Option(
            names = "--mtu",
            paramLabel = "N",
            defaultValue = "1500",
            description = "MTU, 576..65535 (default: ${DEFAULT-VALUE})")
    int mtu;

    @Option(
            names = "--netns",
            paramLabel = "NAME",
            description = "open the device inside network namespace NAME (ip netns add NAME)")
    String netns;

    /** The device configuration; a usage error when invalid. */
    TunConfig tunConfig(CommandSpec spec, boolean vnetHeader) {
        try {
            return tunConfig(vnetHeader);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /**
     * The device configuration without picocli.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    TunConfig tunConfig(boolean vnetHeader) {
        return new TunConfig()
                .name(tun)
                .localAddr(addr)
                .host(host)
                .mtuBytes(mtu)
                .netns(netns)
                .vnetHeader(vnetHeader)
                .validate();
    }
}
