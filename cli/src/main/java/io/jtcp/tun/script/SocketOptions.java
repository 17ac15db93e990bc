package io.jtcp.tun.script;

import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code setsockopt} options a script may set, and what each means for jtcp. Options that only
 * matter to a kernel's socket table (address reuse) are accepted and change nothing; options jtcp
 * cannot honour are refused, so that a script never silently tests something else.
 */
final class SocketOptions {
    /** What a setsockopt asks of the runner. */
    enum Effect {
        NONE,
        NAGLE_ON,
        NAGLE_OFF,
        LINGER_ZERO
    }

    private static final Pattern LINGER =
            Pattern.compile("\\{\\s*(?:l_)?onoff\\s*=\\s*(\\d+)\\s*,\\s*(?:l_)?linger\\s*=\\s*(\\d+)\\s*}");
    private static final Pattern INT_ARRAY = Pattern.compile("\\[\\s*(\\d+)\\s*]");

    private SocketOptions() {}

    /** Throws {@code error.apply(reason)} unless the option and value are supported. */
    static Effect check(String name, String value, Function<String, ScriptException> error) {
        switch (name) {
            case "SO_REUSEADDR":
            case "SO_REUSEPORT":
                return Effect.NONE;
            case "TCP_NODELAY":
                Matcher m = INT_ARRAY.matcher(value);
                if (!m.matches()) {
                    throw error.apply(
                            "setsockopt TCP_NODELAY: expected [0] or [1], got '" + ScriptParser.clip(value) + "'");
                }
                return m.group(1).equals("0") ? Effect.NAGLE_ON : Effect.NAGLE_OFF;
            case "SO_LINGER":
                Matcher l = LINGER.matcher(value);
                if (!l.matches() || !l.group(1).equals("1") || !l.group(2).equals("0")) {
                    throw error.apply("setsockopt SO_LINGER: only {onoff=1, linger=0} (close sends RST) is supported");
                }
                return Effect.LINGER_ZERO;
            default:
                throw error.apply("setsockopt " + ScriptParser.clip(name)
                        + " is not supported (supported: SO_REUSEADDR, SO_REUSEPORT, TCP_NODELAY, SO_LINGER)");
        }
    }
}
