package io.jtcp.tun.cli;

import io.jtcp.tun.TunException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code jtcp}: the command line. Exit codes: 0 success, 1 a failure the user can act on (one line
 * on stderr: no TUN device, no privileges, connection refused...), 2 a usage error (picocli's
 * message plus the usage).
 */
@Command(
        name = "jtcp",
        mixinStandardHelpOptions = true,
        version = "jtcp 0.1.0",
        description = "A user-space TCP/IPv4 stack in Java, answering through a Linux TUN device.",
        subcommands = {
            ServeCommand.class,
            ConnectCommand.class,
            GetCommand.class,
            DemoCommand.class,
            LadderCommand.class,
            TsgCommand.class,
            StatesCommand.class,
            TunBenchCommand.class,
            LabCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(
                spec.commandLine(), "Missing command: serve, connect, get, demo, ladder, tsg, states, lab or tun-bench");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        // Usage errors: one line naming the problem and where help is, exit 2 (not the whole usage).
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            String name = cmd.getCommandSpec().qualifiedName();
            cmd.getErr().println(name + ": " + ex.getMessage() + " (see: " + name + " --help)");
            cmd.getErr().flush();
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            if (ex instanceof TunException
                    || ex instanceof CliFailure
                    || ex instanceof UncheckedIOException
                    || ex instanceof IllegalArgumentException) {
                cmd.getErr().println("jtcp: error: " + ex.getMessage());
                cmd.getErr().flush();
                return 1;
            }
            throw ex;
        });
        return cl;
    }
}
