package io.jtcp.tun.script;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.tcp.CloseReason;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.tun.script.Script.Call;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The socket calls of a script mapped onto jtcp's API: file descriptors from 3 (the lowest free one,
 * as Linux), listeners with their accept queues, and the errno a call gets where jtcp has an
 * answer. Calls never block: what would block returns {@code -1 EAGAIN} (accept, read, write) or
 * returns at once (a blocking connect returns 0 and the handshake follows as scripted).
 */
final class ScriptSockets {
    private static final Pattern HTONS = Pattern.compile("htons\\((\\d{1,5})\\)");
    private static final int O_RDWR = 2;
    private static final int O_NONBLOCK = 0x800;

    /** A call's outcome: a value, and the errno when the value is -1. */
    record Result(long value, String errno) {
        static Result ok(long v) {
            return new Result(v, null);
        }

        static Result err(String errno) {
            return new Result(-1, errno);
        }

        boolean matches(Call c) {
            return value == c.result() && (c.errno() == null || c.errno().equals(errno));
        }

        @Override
        public String toString() {
            return value + (errno == null ? "" : " " + errno);
        }
    }

    /** What the handler heard about one connection. */
    private static final class Events implements TcpHandler {
        private final Consumer<String> note;
        CloseReason closed;

        Events(Consumer<String> note) {
            this.note = note;
        }

        @Override
        public void onPeerClosed(TcpConnection c) {
            note.accept("app: peer closed (FIN received)");
        }

        @Override
        public void onClosed(TcpConnection c, CloseReason reason) {
            closed = reason;
            note.accept("app: connection ended: " + reason.description());
        }
    }

    private static final class Sock {
        boolean nonBlocking;
        boolean lingerZero;
        Boolean nagle;
        int port;
        boolean listening;
        final Deque<TcpConnection> accepted = new ArrayDeque<>();
        TcpConnection conn;
        Events events;
    }

    private final NetworkStack stack;
    private final ScriptSettings settings;
    private final LongSupplier now;
    private final Consumer<String> note;
    private final Consumer<TcpConnection> connected;
    private final Map<Integer, Sock> fds = new TreeMap<>();
    private final Map<Integer, Sock> listeners = new HashMap<>();
    private final Map<TcpConnection, Events> handlers = new HashMap<>();
    /** The port of the latest listen(), where injected segments go when the script names no ports. */
    int lastListenPort;

    private byte[] io = new byte[4096];

    ScriptSockets(
            NetworkStack stack,
            ScriptSettings settings,
            LongSupplier now,
            Consumer<String> note,
            Consumer<TcpConnection> connected) {
        this.stack = stack;
        this.settings = settings;
        this.now = now;
        this.note = note;
        this.connected = connected;
    }

    Result call(Call c) {
        if (c.name().equals("socket")) {
            return socket(c);
        }
        int fd = Integer.parseInt(c.args().get(0));
        Sock s = fds.get(fd);
        if (s == null) {
            return Result.err("EBADF");
        }
        switch (c.name()) {
            case "setsockopt":
                return setsockopt(s, c);
            case "fcntl":
                if (c.args().get(1).equals("F_GETFL")) {
                    return Result.ok(O_RDWR | (s.nonBlocking ? O_NONBLOCK : 0));
                }
                s.nonBlocking = c.args().size() > 2 && c.args().get(2).contains("O_NONBLOCK");
                return Result.ok(0);
            case "bind":
                Matcher m = HTONS.matcher(c.args().get(1));
                s.port = m.find() ? Integer.parseInt(m.group(1)) : settings.bindPort;
                return s.port > 0 && s.port <= 65_535 ? Result.ok(0) : Result.err("EINVAL");
            case "listen":
                return listen(s, c);
            case "accept":
                return accept(s);
            case "connect":
                return connect(s);
            case "write":
            case "send":
                return write(s, Integer.parseInt(c.args().get(2)));
            case "read":
            case "recv":
                return read(s, Integer.parseInt(c.args().get(2)));
            case "shutdown":
                return shutdown(s, c.args().get(1));
            case "close":
                return close(fd, s);
            default:
                throw new IllegalStateException(c.name());
        }
    }

    private int lowestFreeFd() {
        int fd = 3;
        while (fds.containsKey(fd)) {
            fd++;
        }
        return fd;
    }

    private Result socket(Call c) {
        String args = String.join(",", c.args());
        if (!args.contains("SOCK_STREAM") || args.contains("IPPROTO_UDP") || args.contains("AF_INET6")) {
            return Result.err("EPROTONOSUPPORT"); // jtcp is TCP over IPv4 only
        }
        int fd = lowestFreeFd();
        fds.put(fd, new Sock());
        return Result.ok(fd);
    }

    private Result setsockopt(Sock s, Call c) {
        switch (SocketOptions.check(c.args().get(2), c.args().get(3), r -> new ScriptException("", 0, r))) {
            case NAGLE_ON:
                s.nagle = true;
                break;
            case NAGLE_OFF:
                s.nagle = false;
                break;
            case LINGER_ZERO:
                s.lingerZero = true;
                break;
            default:
        }
        if (s.conn != null && s.nagle != null) {
            s.conn.nagle(s.nagle);
        }
        return Result.ok(0);
    }

    /** One buffer for every write and read, so a script of many large calls cannot churn memory. */
    private byte[] buffer(int len) {
        if (io.length < len) {
            io = new byte[Math.max(len, Math.min(2 * io.length, ScriptParser.MAX_IO_BYTES))];
        }
        return io;
    }

    private Result listen(Sock s, Call c) {
        if (s.conn != null) {
            return Result.err("EINVAL");
        }
        if (s.listening) {
            return Result.ok(0); // as Linux: listen() again only changes the backlog
        }
        if (s.port == 0) {
            s.port = settings.bindPort;
        }
        if (listeners.containsKey(s.port) && listeners.get(s.port) != s) {
            return Result.err("EADDRINUSE");
        }
        String b = c.args().get(1);
        final Sock listener = s;
        if (b.equals("...")) {
            stack.listen(s.port, conn -> accepted(listener, conn));
        } else {
            // Linux's backlog bounds the accept queue; jtcp accepts at once, so it bounds the SYN queue.
            stack.listen(s.port, conn -> accepted(listener, conn), Math.max(1, Integer.parseInt(b)));
        }
        s.listening = true;
        listeners.put(s.port, s);
        lastListenPort = s.port;
        return Result.ok(0);
    }

    private TcpHandler accepted(Sock listener, TcpConnection conn) {
        listener.accepted.add(conn);
        Events e = new Events(note);
        handlers.put(conn, e);
        return e;
    }

    private Result accept(Sock s) {
        if (!s.listening) {
            return Result.err("EINVAL");
        }
        TcpConnection conn = s.accepted.poll();
        if (conn == null) {
            return Result.err("EAGAIN"); // jtcp's runner never blocks: nothing to accept yet
        }
        Sock a = new Sock();
        a.conn = conn;
        a.events = handlers.get(conn);
        a.lingerZero = s.lingerZero;
        a.nagle = s.nagle;
        a.nonBlocking = false; // as Linux: accept() does not pass O_NONBLOCK on
        if (a.nagle != null) {
            conn.nagle(a.nagle);
        }
        int fd = lowestFreeFd();
        fds.put(fd, a);
        return Result.ok(fd);
    }

    private Result connect(Sock s) {
        if (s.listening) {
            return Result.err("EINVAL");
        }
        if (s.conn != null) {
            return Result.err("EISCONN");
        }
        Events e = new Events(note);
        try {
            s.conn = stack.connect(now.getAsLong(), settings.remoteAddr, settings.connectPort, e);
        } catch (RuntimeException ex) {
            note.accept("app: connect refused by jtcp: " + ex.getMessage());
            return Result.err("EADDRNOTAVAIL");
        }
        s.events = e;
        handlers.put(s.conn, e);
        if (s.nagle != null) {
            s.conn.nagle(s.nagle);
        }
        connected.accept(s.conn);
        return s.nonBlocking ? Result.err("EINPROGRESS") : Result.ok(0);
    }

    private Result ended(Sock s, String otherwise) {
        if (s.events != null && s.events.closed == CloseReason.RESET_BY_PEER) {
            return Result.err("ECONNRESET");
        }
        if (s.events != null && s.events.closed == CloseReason.TIMED_OUT) {
            return Result.err("ETIMEDOUT");
        }
        if (s.events != null && s.events.closed == CloseReason.REFUSED) {
            return Result.err("ECONNREFUSED");
        }
        return Result.err(otherwise);
    }

    private Result write(Sock s, int len) {
        if (s.conn == null) {
            return Result.err("ENOTCONN");
        }
        if (s.events != null && s.events.closed != null) {
            return ended(s, "EPIPE");
        }
        byte[] data = buffer(len);
        for (int i = 0; i < len; i++) {
            data[i] = (byte) ('A' + i % 26);
        }
        try {
            int n = s.conn.write(data, 0, len);
            return n == 0 && len > 0 ? Result.err("EAGAIN") : Result.ok(n);
        } catch (IllegalStateException e) {
            return ended(s, "EPIPE");
        }
    }

    private Result read(Sock s, int len) {
        if (s.conn == null) {
            return Result.err("ENOTCONN");
        }
        try {
            int n = s.conn.read(buffer(len), 0, len);
            if (n < 0) {
                // End of data: a FIN gives 0, a reset the error (as Linux reports ECONNRESET).
                return s.events != null && s.events.closed != null && s.events.closed != CloseReason.NORMAL
                        ? ended(s, "ENOTCONN")
                        : Result.ok(0);
            }
            if (n == 0 && len > 0) {
                return s.events != null && s.events.closed != null ? ended(s, "ENOTCONN") : Result.err("EAGAIN");
            }
            return Result.ok(n);
        } catch (IllegalStateException e) {
            return ended(s, "ENOTCONN");
        }
    }

    private Result shutdown(Sock s, String how) {
        if (s.conn == null) {
            return Result.err("ENOTCONN");
        }
        if (how.equals("SHUT_RD")) {
            return Result.ok(0); // jtcp has no read-side shutdown: it changes nothing on the wire
        }
        try {
            s.conn.shutdownOutput();
            return Result.ok(0);
        } catch (IllegalStateException e) {
            return ended(s, "ENOTCONN");
        }
    }

    private Result close(int fd, Sock s) {
        fds.remove(fd);
        if (s.listening) {
            stack.unlisten(s.port);
            listeners.remove(s.port);
            for (TcpConnection c : s.accepted) {
                c.abort(); // as Linux: closing a listener resets what it had not handed out
            }
            return Result.ok(0);
        }
        if (s.conn != null && (s.events == null || s.events.closed == null)) {
            try {
                if (s.lingerZero) {
                    s.conn.abort();
                } else {
                    s.conn.close();
                }
            } catch (IllegalStateException e) {
                // already gone: close() of a dead socket still succeeds, as in Linux
            }
        }
        return Result.ok(0);
    }
}
