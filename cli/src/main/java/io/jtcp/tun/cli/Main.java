package io.jtcp.tun.cli;

import io.jtcp.tun.TunException;
import java.io.PrintWriter;
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
        version = Main.VERSION,
        description = "A user-space TCP/IPv4 stack in Java, answering through a Linux TUN device.")
public final class Main implements Runnable {
    /** What {@code jtcp --version} prints. */
    static final String VERSION = "jtcp 0.1.0";

    /**
     * The subcommands, in the order the usage lists them. They are registered lazily (see {@link
     * #commandLine(String...)}): picocli builds each one's model by reflection over its annotated
     * fields, and doing that for all of them cost about half of a short command's start-up.
     */
    static final String[] COMMANDS = {
        "serve", "connect", "get", "demo", "ladder", "tsg", "states", "script", "replay", "lab", "tun-bench"
    };

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(
                spec.commandLine(),
                "Missing command: serve, connect, get, demo, ladder, tsg, states, script, replay, lab or tun-bench");
    }

    public static void main(String[] args) {
        if (args.length == 1 && ("--version".equals(args[0]) || "-V".equals(args[0]))) {
            // Answered before picocli: building even the top-level command's model by reflection
            // costs several times the JVM's own start.
            System.out.println(VERSION);
            System.exit(0);
        }
        // A plain `jtcp get [--netns NS] [-o FILE] URL` skips picocli too (see GetFastPath).
        final Integer fast = GetFastPath.run(args);
        System.exit(fast != null ? fast : execute(args));
    }

    public static int execute(String... args) {
        return commandLine(args).execute(args);
    }

    /** The whole command line, every subcommand registered (for the top-level usage and tests). */
    static CommandLine commandLine() {
        return withHandlers(withAllCommands(new CommandLine(new Main())));
    }

    /**
     * The command line for {@code args}: when they start with a subcommand's name, only that
     * subcommand is registered (its usage, errors and behaviour are the same as with all of them);
     * a lone {@code --version} registers none; anything else (no command, {@code --help}, {@code
     * help}, a misspelt command that picocli answers with suggestions) gets all of them.
     */
    static CommandLine commandLine(String... args) {
        final CommandLine cl = new CommandLine(new Main());
        final String first = args.length > 0 ? args[0] : null;
        final Object only = first == null ? null : newCommand(first);
        if (only != null) {
            cl.addSubcommand(only);
        } else if (!(args.length == 1 && ("--version".equals(first) || "-V".equals(first)))) {
            withAllCommands(cl);
        }
        return withHandlers(cl);
    }

    private static CommandLine withAllCommands(CommandLine cl) {
        for (String name : COMMANDS) {
            cl.addSubcommand(newCommand(name));
        }
        cl.addSubcommand(new CommandLine.HelpCommand());
        return cl;
    }

    /** A new instance of the subcommand called {@code name}, or null for no such subcommand. */
    private static Object newCommand(String name) {
        switch (name) {
            case "serve":
                return new ServeCommand();
            case "connect":
                return new ConnectCommand();
            case "get":
                return new GetCommand();
            case "demo":
                return new DemoCommand();
            case "ladder":
                return new LadderCommand();
            case "tsg":
                return new TsgCommand();
            case "states":
                return new StatesCommand();
            case "script":
                return new ScriptCommand();
            case "lab":
                return new LabCommand();
            case "tun-bench":
                return new TunBenchCommand();
            case "replay":
                return new ReplayCommand();
            default:
                return null;
        }
    }

    private static CommandLine withHandlers(CommandLine cl) {
        // Usage errors: one line naming the problem and where help is, exit 2 (not the whole usage).
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            String name = cmd.getCommandSpec().qualifiedName();
            cmd.getErr().println(name + ": " + ex.getMessage() + " (see: " + name + " --help)");
            cmd.getErr().flush();
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> failure(ex, cmd.getErr()));
        return cl;
    }

    /**
     * A command's failure: one line on {@code err} and exit 1 for those the user can act on; any
     * other exception is rethrown (a bug: its stack trace is what helps).
     */
    static int failure(Exception ex, PrintWriter err) throws Exception {
        if (ex instanceof TunException
                || ex instanceof CliFailure
                || ex instanceof UncheckedIOException
                || ex instanceof IllegalArgumentException) {
            err.println("jtcp: error: " + ex.getMessage());
            err.flush();
            return 1;
        }
        throw ex;
    }
}
