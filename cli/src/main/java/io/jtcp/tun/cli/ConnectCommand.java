package io.jtcp.tun.cli;

import io.jtcp.stack.StackConfig;
import io.jtcp.stack.tcp.CloseReason;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.tun.TunConfig;
import io.jtcp.tun.client.StreamBridge;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
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
            "SIGINT/SIGTERM close the connection (FIN, RST after 2 s) and exit 130/143.",
            "--trace goes to stderr."
        })
final class ConnectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOptions dev;

    @Mixin
    TraceOptions trace;

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
        Session session =
                Session.open(dev, trace.style(spec, dev.trace), tunConfig, new StackConfig(), System.err, null, faults);
        try {
            // SIGINT/SIGTERM: the loop's graceful stop closes the connection (FIN), resets it after
            // the grace (StackLoop.SHUTDOWN_GRACE_NS), and the JVM exits 128 + the signal. Without
            // this the peer would stay ESTABLISHED with nobody on the other side.
            AtomicBoolean signalled = new AtomicBoolean();
            Thread hook = new Thread(
                    () -> {
                        signalled.set(true);
                        session.close();
                    },
                    "jtcp-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                StreamBridge bridge = new StreamBridge(session.host.loop(), System.in, System.out);
                TcpConnection c = Clients.connect(session.host, remote, port, bridge);
                CloseReason reason = bridge.finished().get();
                awaitExitIf(signalled);
                if (reason != CloseReason.NORMAL) {
                    throw new CliFailure("connection to " + Ipv4Header.addressToString(remote) + ":" + port + ": "
                            + reason.description());
                }
                Clients.awaitSettled(session.host, c, 10_000);
                System.out.flush();
            } catch (RuntimeException | ExecutionException e) {
                // The stop under way makes the loop refuse calls: not an error to report.
                awaitExitIf(signalled);
                throw e;
            } finally {
                if (!signalled.get()) {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException e) {
                        // The JVM is already shutting down.
                    }
                }
            }
        } finally {
            session.close();
        }
        return 0;
    }

    /** After a signal the JVM exits once the hook has closed the connection; nothing to add. */
    private static void awaitExitIf(AtomicBoolean signalled) throws InterruptedException {
        if (signalled.get()) {
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
