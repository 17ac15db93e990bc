package io.jtcp.tun.cli;

import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.tun.TunConfig;
import io.jtcp.tun.client.HttpGetClient;
import io.jtcp.tun.trace.CcLogWriter;
import io.jtcp.tun.trace.TraceStyle;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code jtcp get} without picocli, for the plain command lines a script runs: {@code get
 * [--netns NS] [--tun NAME] [-o|--output FILE] [--timeout SECONDS] URL} (issue #13 goal 5).
 * Building picocli's model of a command reflects over its annotated fields and mixins, and cost
 * more than the rest of a small GET together (the JVM, JNA, the device, the exchange).
 *
 * <p>Anything else (another option, {@code --help}, a repeated option, a value picocli might read
 * differently, a setting or URL picocli would reject) is left to picocli, by answering null:
 * help, errors and their exit codes stay picocli's, word for word. What this class accepts it
 * turns into the same {@link GetCommand} picocli would (GetFastPathTest compares them field by
 * field), so the defaults below are picocli's defaults and must change with them.
 */
final class GetFastPath {
    private static final String DEFAULT_TUN = "tun0";
    private static final String DEFAULT_ADDR = "10.7.0.2";
    private static final String DEFAULT_HOST = "10.7.0.1/24";
    private static final int DEFAULT_MTU = 1500;
    private static final long DEFAULT_TIMEOUT_SECONDS = 60;

    private GetFastPath() {}

    /**
     * Runs {@code args} as {@code jtcp get} when this class can answer them exactly as picocli
     * would.
     *
     * @return the exit code, or null when picocli must parse {@code args} (nothing was done)
     */
    static Integer run(String... args) {
        final GetCommand get = parse(args);
        if (get == null) {
            return null;
        }
        final TunConfig config;
        final HttpGetClient.Url target;
        try {
            config = get.dev.tunConfig();
            target = HttpGetClient.Url.parse(get.url);
        } catch (IllegalArgumentException e) {
            return null; // a usage error: picocli names it in its own words, exit 2
        }
        try {
            // No trace or fault options are accepted here, so neither is on.
            return get.fetch(config, null, null, target);
        } catch (Exception e) {
            final PrintWriter err = new PrintWriter(System.err, true);
            try {
                return Main.failure(e, err);
            } catch (Exception unexpected) {
                // As picocli answers what its handler passes on: the stack trace, exit 1.
                unexpected.printStackTrace(err);
                err.flush();
                return 1;
            }
        }
    }

    /**
     * The command {@code args} describe, with picocli's defaults, or null when they are not a
     * plain {@code get} this class understands.
     */
    static GetCommand parse(String... args) {
        if (args.length < 2 || !"get".equals(args[0])) {
            return null;
        }
        final GetCommand get = withDefaults(new GetCommand());
        final LinkOptions link = get.dev.link;
        final Set<String> seen = new HashSet<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            final int eq = arg.startsWith("--") ? arg.indexOf('=') : -1;
            if (eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            } else if (arg.startsWith("-") && i + 1 < args.length) {
                value = args[++i];
            }
            if (arg.isEmpty() || arg.startsWith("@")) {
                return null; // picocli reads @FILE as more arguments
            }
            if (!arg.startsWith("-")) {
                if (get.url != null) {
                    return null;
                }
                get.url = arg;
                continue;
            }
            // A repeated option is picocli's to refuse ("should be specified only once").
            if (!plain(value) || !seen.add("-o".equals(arg) ? "--output" : arg)) {
                return null;
            }
            switch (arg) {
                case "--netns":
                    link.netns = value;
                    break;
                case "--tun":
                    link.tun = value;
                    break;
                case "-o":
                case "--output":
                    get.output = Path.of(value);
                    break;
                case "--timeout":
                    if (!digits(value)) {
                        return null;
                    }
                    get.timeoutSeconds = Long.parseLong(value);
                    break;
                default:
                    return null;
            }
        }
        return get.url != null ? get : null;
    }

    /** The fields picocli sets to their defaults when an option is absent. */
    private static GetCommand withDefaults(GetCommand get) {
        get.dev = new DeviceOptions();
        get.dev.link = new LinkOptions();
        get.dev.link.tun = DEFAULT_TUN;
        get.dev.link.addr = Ipv4Header.parseAddress(DEFAULT_ADDR);
        get.dev.link.host = DEFAULT_HOST;
        get.dev.link.mtu = DEFAULT_MTU;
        get.dev.cc = new CcOptions();
        get.dev.cc.ccLogEvery = CcLogWriter.Every.ACK;
        get.trace = new TraceOptions();
        get.trace.foldAfter = TraceStyle.DEFAULT_FOLD_AFTER;
        get.timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;
        return get;
    }

    /** 1 to 9 decimal digits: a number picocli's converter reads the same way. */
    private static boolean digits(String value) {
        if (value.length() > 9) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** A value picocli takes as it is: not missing, empty, an option or an @FILE. */
    private static boolean plain(String value) {
        return value != null && !value.isEmpty() && !value.startsWith("-") && !value.startsWith("@");
    }
}
