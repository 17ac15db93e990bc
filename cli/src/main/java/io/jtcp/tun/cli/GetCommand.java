package io.jtcp.tun.cli;

import io.jtcp.stack.StackConfig;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.tun.Terminal;
import io.jtcp.tun.TunConfig;
import io.jtcp.tun.client.HttpGetClient;
import io.jtcp.tun.trace.TraceStyle;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "get",
        mixinStandardHelpOptions = true,
        description = {
            "HTTP/1.1 GET over jtcp; the body goes to stdout or FILE.",
            "Exits 1 unless the status is 2xx and the whole body arrived (like curl -f)."
        })
final class GetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOptions dev;

    @Mixin
    TraceOptions trace;

    @Parameters(index = "0", paramLabel = "URL", description = "http://IPv4[:PORT]/PATH")
    String url;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "write the body to FILE")
    Path output;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "60",
            description = "give up after SECONDS (default: ${DEFAULT-VALUE})")
    long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        TunConfig tunConfig = dev.tunConfig(spec);
        io.jtcp.stack.fault.FaultSpec faults = dev.faults(spec);
        HttpGetClient.Url target;
        try {
            target = HttpGetClient.Url.parse(url);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        return fetch(tunConfig, trace.style(spec, dev.trace), faults, target);
    }

    /**
     * The GET itself, once the options are checked (here or by {@link GetFastPath}).
     *
     * @param style the text trace's style, or null for none
     * @param faults the fault injector's spec, or null for none
     */
    Integer fetch(TunConfig tunConfig, TraceStyle style, io.jtcp.stack.fault.FaultSpec faults, HttpGetClient.Url target)
            throws Exception {
        try (OutputStream out =
                        new BufferedOutputStream(output == null ? System.out : Files.newOutputStream(output), 1 << 16);
                Session session = Session.open(dev, style, tunConfig, new StackConfig(), System.err, null, faults)) {
            HttpGetClient client = new HttpGetClient(target, out);
            TcpConnection c = Clients.connect(session.host, target.addr(), target.port(), client);
            HttpGetClient.Result r = null;
            final long startNs = System.nanoTime();
            final long deadlineNs = startNs + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            // On a terminal, a progress bar on stderr (the body may be going to stdout).
            final ProgressBar bar = Terminal.stderrIsTerminal() ? new ProgressBar(System.err, startNs) : null;
            while (r == null) {
                try {
                    r = client.result().get(bar != null ? 100 : timeoutSeconds * 1000, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    final long now = System.nanoTime();
                    if (now - deadlineNs >= 0) {
                        throw new CliFailure("no complete response from " + url + " within " + timeoutSeconds + " s");
                    }
                    if (bar != null) {
                        bar.update(client.progressBytes(), client.progressTotal(), now);
                    }
                }
            }
            if (bar != null) {
                bar.finish(client.progressBytes(), client.progressTotal(), System.nanoTime());
            }
            Clients.awaitSettled(session.host, c, 10_000);
            if (r.error() != null && r.status() == 0) {
                throw new CliFailure(url + ": " + r.error());
            }
            if (!r.complete()) {
                throw new CliFailure(
                        url + ": " + r.statusLine() + ": " + r.error() + " after " + r.bodyBytes() + " bytes");
            }
            if (r.status() < 200 || r.status() > 299) {
                throw new CliFailure(url + ": " + r.statusLine());
            }
            System.err.println("jtcp: " + r.statusLine() + ", " + r.bodyBytes() + " bytes");
        }
        return 0;
    }
}
