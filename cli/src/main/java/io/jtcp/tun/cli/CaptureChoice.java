package io.jtcp.tun.cli;

import io.jtcp.viz.capture.CaptureException;
import io.jtcp.viz.tcp.CaptureConnections;
import io.jtcp.viz.tcp.Connection;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * What the picture commands share: reading a capture, choosing one of its connections by
 * {@code --conn N} or {@code --port P} (else the first, listing the others on stderr), and naming
 * one of its sides ({@code a}, {@code b}, an address, {@code ADDR:PORT} or a port).
 */
final class CaptureChoice {
    /** {@code --conn N | --port P}, exclusive (a picocli arg group). */
    static final class Select {
        @Option(names = "--conn", paramLabel = "N", description = "the N-th connection (1 = the first; see --list)")
        Integer conn;

        @Option(names = "--port", paramLabel = "P", description = "the first connection with port P on either side")
        Integer port;
    }

    private CaptureChoice() {}

    /** The capture's connections; warns on stderr when the file ends early. */
    static List<Connection> read(Path file, String command, PrintWriter err) {
        CaptureConnections cap;
        try {
            cap = CaptureConnections.read(file);
        } catch (CaptureException e) {
            throw new CliFailure(e.getMessage());
        }
        if (cap.truncation() != null) {
            err.println("jtcp " + command + ": warning: " + cap.truncation());
        }
        return cap.connections();
    }

    /** The connection {@code select} names, or the first one (listing all on stderr when there are several). */
    static Connection choose(List<Connection> conns, Select select, Path file, String command, PrintWriter err) {
        if (select != null && select.conn != null) {
            if (select.conn < 1 || select.conn > conns.size()) {
                throw new CliFailure(
                        "no connection #" + select.conn + " in " + file + " (it has " + conns.size() + "; see --list)");
            }
            return conns.get(select.conn - 1);
        }
        if (select != null && select.port != null) {
            int p = select.port;
            return conns.stream()
                    .filter(c -> c.a().port() == p || c.b().port() == p)
                    .findFirst()
                    .orElseThrow(() -> new CliFailure("no TCP connection with port " + p + " in " + file));
        }
        if (conns.size() > 1) {
            err.println("jtcp " + command + ": " + conns.size() + " connections in " + file
                    + "; drawing #1 (choose with --conn N or --port P):");
            conns.stream().limit(20).forEach(c -> err.println("  " + c.summary()));
            if (conns.size() > 20) {
                err.println("  ... (--list shows all " + conns.size() + ")");
            }
        }
        return conns.get(0);
    }

    /** Checks {@code --port} is a port. */
    static void checkPort(Select select) {
        if (select != null && select.port != null && (select.port < 1 || select.port > 65535)) {
            throw new IllegalArgumentException("--port must be 1..65535, not " + select.port);
        }
    }

    /**
     * Whether {@code spec} names side a of {@code c}: {@code a}/{@code b} (a opened the
     * connection), or one endpoint by address, {@code ADDR:PORT} or port.
     */
    static boolean isSideA(Connection c, String spec, String option) {
        String s = spec.strip().toLowerCase(Locale.ROOT);
        if (s.equals("a")) {
            return true;
        }
        if (s.equals("b")) {
            return false;
        }
        boolean a = matches(c.a().toString(), c.a().port(), s);
        boolean b = matches(c.b().toString(), c.b().port(), s);
        if (a != b) {
            return a;
        }
        throw new CliFailure(option + " " + spec + (a ? " names both sides of " : " names neither side of ")
                + c.summary() + " (use a, b, ADDR:PORT or PORT)");
    }

    private static boolean matches(String endpoint, int port, String s) {
        return endpoint.equals(s)
                || endpoint.substring(0, endpoint.lastIndexOf(':')).equals(s)
                || s.equals(Integer.toString(port));
    }
}
