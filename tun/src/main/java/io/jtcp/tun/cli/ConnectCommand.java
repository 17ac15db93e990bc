package io.jtcp.tun.cli;

import io.jtcp.stack.StackConfig;
import io.jtcp.stack.tcp.CloseReason;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.tun.TunConfig;
import io.jtcp.tun.client.StreamBridge;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "connect",
        mixinStandardHelpOptions = true,
        description = {
            "Like nc, over jtcp: stdin to the connection, the connection to stdout.",
            "End of stdin half-closes (FIN); exits when the peer has closed too.",
            "--trace goes to stderr."
        })
final class ConnectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOptions dev;

    @Parameters(index = "0", paramLabel = "IP", converter = Ipv4Converter.class, description = "remote address")
    int remote;

    @Parameters(index = "1", paramLabel = "PORT", description = "remote port")
    int port;

    @Override
    public Integer call() throws Exception {
        TunConfig tunConfig = dev.tunConfig(spec);
        io.jtcp.stack.fault.FaultSpec faults = dev.faults(spec);
        if (port < 1 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "PORT must be 1..65535, not " + port);
        }
        try (Session session = Session.open(dev, tunConfig, new StackConfig(), System.err, null, faults)) {
            StreamBridge bridge = new StreamBridge(session.host.loop(), System.in, System.out);
            TcpConnection c = Clients.connect(session.host, remote, port, bridge);
            CloseReason reason = bridge.finished().get();
            if (reason != CloseReason.NORMAL) {
                throw new CliFailure("connection to " + Ipv4Header.addressToString(remote) + ":" + port + ": "
                        + reason.description());
            }
            Clients.awaitSettled(session.host, c, 10_000);
            System.out.flush();
        }
        return 0;
    }
}
