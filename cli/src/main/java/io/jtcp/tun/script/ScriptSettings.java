package io.jtcp.tun.script;

import io.jtcp.stack.StackConfig;
import io.jtcp.stack.cc.CongestionControls;
import io.jtcp.stack.wire.Ipv4Header;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The knobs a script sets with {@code // jtcp: key=value} (or {@code --key=value} lines, or the
 * command's {@code --config key=value}): the engine's {@link StackConfig} and the runner's own
 * (addresses, ports, timing tolerance). Unknown keys and bad values are script errors.
 */
public final class ScriptSettings {
    private static final long MS = 1_000_000L;

    /** Every key with what it sets, for the documentation and the error message. */
    public static final Map<String, String> KEYS = new TreeMap<>(Map.ofEntries(
            Map.entry("mss", "the MSS jtcp announces (sets the MTU to mss + 40; default 1460)"),
            Map.entry("min_rto_ms", "minimum RTO (default 200, Linux's TCP_RTO_MIN)"),
            Map.entry("initial_rto_ms", "initial RTO (default 1000, RFC 6298 and Linux)"),
            Map.entry("max_rto_ms", "maximum RTO (default 60000)"),
            Map.entry("delayed_ack_ms", "delayed-ACK timer, 0 = off (default 0: one ACK per batch)"),
            Map.entry("sack", "offer SACK (default true)"),
            Map.entry("timestamps", "offer timestamps (default true)"),
            Map.entry("nagle", "Nagle's algorithm (default false)"),
            Map.entry("syn_cookies", "SYN cookies when a SYN queue is full (default true)"),
            Map.entry("rcvbuf", "receive buffer limit in bytes (default 1048576; sets the window scale)"),
            Map.entry("initial_rcvbuf", "initial receive buffer in bytes (default 65536)"),
            Map.entry("sndbuf", "send buffer limit in bytes (default 1048576)"),
            Map.entry("initial_sndbuf", "initial send buffer in bytes (default 16384)"),
            Map.entry(
                    "tso_bytes",
                    "segmentation offload: data segments up to N bytes seen whole, as packetdrill sees Linux's TSO (default 0: off)"),
            Map.entry("msl_ms", "MSL; TIME_WAIT lasts 2 MSL (default 30000)"),
            Map.entry("cc", "congestion control: cubic, newreno, bbr (default cubic)"),
            Map.entry("syn_retries", "SYN retransmissions (default 6)"),
            Map.entry("synack_retries", "SYN-ACK retransmissions (default 5)"),
            Map.entry("data_retries", "data retransmissions before giving up (default 15)"),
            Map.entry("challenge_acks_per_second", "RFC 5961 challenge-ACK budget (default 1000)"),
            Map.entry("invalid_ack_interval_ms", "per-connection challenge/out-of-window ACK interval (default 500)"),
            Map.entry("local_ip", "jtcp's address (default 192.168.0.1)"),
            Map.entry("remote_ip", "the script's address (default 192.0.2.1)"),
            Map.entry("bind_port", "the port bind(..., ...) gives (default 8080)"),
            Map.entry("connect_port", "the port connect(..., ...) goes to (default 8080)"),
            Map.entry("remote_port", "the script's port towards a listener (default 40000)"),
            Map.entry(
                    "absolute_seq",
                    "jtcp's sequence numbers (seq of > lines, ack of < lines) written absolute, not from its ISN (default false)"),
            Map.entry("tolerance_usecs", "timing tolerance in microseconds (default 4000, as packetdrill)"),
            Map.entry(
                    "tolerance_percent",
                    "timing tolerance as a share of the gap since the last event (default 12.5)")));

    final StackConfig config;
    int localAddr = Ipv4Header.parseAddress("192.168.0.1");
    int remoteAddr = Ipv4Header.parseAddress("192.0.2.1");
    int bindPort = 8080;
    int connectPort = 8080;
    int remotePort = 40_000;
    /** What the simulated device offers: a TSO size (0 = none), as {@code tso_bytes}. */
    int tsoBytes;

    boolean absoluteSeq;
    long toleranceUs = 4000;
    double tolerancePercent = 12.5;

    ScriptSettings() {
        config = new StackConfig()
                .isnSecret(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
                .memoryBudgetBytes(64L << 20);
    }

    /** Applies the script's settings, then {@code overrides} ({@code key=value} each). */
    static ScriptSettings of(Script script, List<String> overrides) {
        ScriptSettings s = new ScriptSettings();
        for (Script.Setting st : script.settings()) {
            if (!st.key().startsWith("#")) {
                s.apply(st.key(), st.value(), (line, reason) -> {
                    throw new ScriptException(script.name(), st.line(), reason);
                });
            }
        }
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--config expects key=value, got '" + ScriptParser.clip(o) + "'");
            }
            s.apply(o.substring(0, eq), o.substring(eq + 1), (line, reason) -> {
                throw new IllegalArgumentException("--config " + reason);
            });
        }
        s.config.localAddr(s.localAddr);
        return s;
    }

    private void apply(String key, String value, BiConsumer<Integer, String> fail) {
        try {
            set(key, value);
        } catch (NumberFormatException e) {
            fail.accept(0, key + ": '" + ScriptParser.clip(value) + "' is not a number");
        } catch (IllegalArgumentException e) {
            fail.accept(0, key + "=" + ScriptParser.clip(value) + ": " + e.getMessage());
        }
    }

    private void set(String key, String v) {
        switch (key) {
            case "mss":
                config.mtuBytes(Math.addExact(positive(v), 40));
                break;
            case "min_rto_ms":
                config.minRtoNs(positive(v) * MS);
                break;
            case "initial_rto_ms":
                config.initialRtoNs(positive(v) * MS);
                break;
            case "max_rto_ms":
                config.maxRtoNs(positive(v) * MS);
                break;
            case "delayed_ack_ms":
                config.delayedAckNs(nonNegative(v) * MS);
                break;
            case "sack":
                config.sack(bool(v));
                break;
            case "timestamps":
                config.timestamps(bool(v));
                break;
            case "nagle":
                config.nagle(bool(v));
                break;
            case "syn_cookies":
                config.synCookies(bool(v));
                break;
            case "rcvbuf":
                config.receiveBufferBytes(positive(v));
                break;
            case "initial_rcvbuf":
                config.initialReceiveBufferBytes(positive(v));
                break;
            case "sndbuf":
                config.sendBufferBytes(positive(v));
                break;
            case "initial_sndbuf":
                config.initialSendBufferBytes(positive(v));
                break;
            case "tso_bytes":
                tsoBytes = nonNegative(v);
                break;
            case "msl_ms":
                config.mslNs(positive(v) * MS);
                break;
            case "cc":
                // Built-in names only: a script must not load classes by name.
                if (!CongestionControls.names().contains(v)) {
                    throw new IllegalArgumentException("expected one of " + CongestionControls.names());
                }
                config.congestionControl(CongestionControls.byName(v));
                break;
            case "syn_retries":
                config.synRetries(nonNegative(v));
                break;
            case "synack_retries":
                config.synAckRetries(nonNegative(v));
                break;
            case "data_retries":
                config.dataRetries(nonNegative(v));
                break;
            case "challenge_acks_per_second":
                config.challengeAcksPerSecond(nonNegative(v));
                break;
            case "invalid_ack_interval_ms":
                config.invalidAckIntervalNs(nonNegative(v) * MS);
                break;
            case "local_ip":
                localAddr = Ipv4Header.parseAddress(v);
                break;
            case "remote_ip":
                remoteAddr = Ipv4Header.parseAddress(v);
                break;
            case "bind_port":
                bindPort = port(v);
                break;
            case "connect_port":
                connectPort = port(v);
                break;
            case "remote_port":
                remotePort = port(v);
                break;
            case "absolute_seq":
                absoluteSeq = bool(v);
                break;
            case "tolerance_usecs":
                toleranceUs = nonNegative(v);
                break;
            case "tolerance_percent":
                double p = Double.parseDouble(v);
                if (!(p >= 0 && p <= 100)) {
                    throw new IllegalArgumentException("must be from 0 to 100");
                }
                tolerancePercent = p;
                break;
            default:
                throw new IllegalArgumentException("unknown setting (known: " + String.join(", ", KEYS.keySet()) + ")");
        }
    }

    private static int positive(String v) {
        int n = Integer.parseInt(v);
        if (n <= 0) {
            throw new IllegalArgumentException("must be positive");
        }
        return n;
    }

    private static int nonNegative(String v) {
        int n = Integer.parseInt(v);
        if (n < 0) {
            throw new IllegalArgumentException("must not be negative");
        }
        return n;
    }

    private static int port(String v) {
        int n = Integer.parseInt(v);
        if (n < 1 || n > 65_535) {
            throw new IllegalArgumentException("must be a port from 1 to 65535");
        }
        return n;
    }

    private static boolean bool(String v) {
        if (v.equals("true") || v.equals("1")) {
            return true;
        }
        if (v.equals("false") || v.equals("0")) {
            return false;
        }
        throw new IllegalArgumentException("expected true or false");
    }
}
