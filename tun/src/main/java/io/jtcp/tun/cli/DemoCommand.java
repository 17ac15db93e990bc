package io.jtcp.tun.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Creates a namespace, serves in it, and runs curl, nc and ping against jtcp.")
final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new CliFailure("demo: not implemented yet");
    }
}
