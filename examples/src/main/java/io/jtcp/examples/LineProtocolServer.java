package io.jtcp.examples;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.tun.JtcpHost;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A protocol of one's own on the callback API: a line-based key-value store shared by all
 * connections. Commands, one per line ({@code \n}, an optional {@code \r} before it is dropped):
 *
 * <pre>
 * SET key value   → OK
 * GET key         → VALUE value | NONE
 * COUNT           → COUNT n
 * QUIT            → BYE, and the server closes
 * anything else   → ERR unknown command
 * </pre>
 *
 * <p>Everything runs on the event loop thread, so the shared map needs no lock. Each connection
 * assembles lines in a fixed buffer ({@value #MAX_LINE} bytes: a longer line is answered {@code
 * ERR line too long} and the connection closed, so a client cannot grow the server's memory) and
 * keeps replies the send buffer could not take in a bounded pending buffer; while replies are
 * pending it stops reading, so a client that does not read its replies is throttled by TCP's own
 * window.
 *
 * <p>Run: {@code src/examples.sh LineProtocolServer}; then, in the namespace: {@code printf 'SET a
 * 1\nGET a\nQUIT\n' | nc 10.7.0.2 7001}.
 */
public final class LineProtocolServer {
    /** The port it listens on. */
    public static final int PORT = 7001;
    /** The longest line accepted, in bytes. */
    public static final int MAX_LINE = 1024;

    private LineProtocolServer() {}

    /** Listens on {@code port} with a store of its own; call on the loop thread. */
    public static void listen(NetworkStack stack, int port) {
        Map<String, String> store = new HashMap<>();
        stack.listen(port, accepted -> new Session(store));
    }

    private static final class Session implements TcpHandler {
        private final Map<String, String> store;
        private final byte[] line = new byte[MAX_LINE];
        private int lineLength;
        private final byte[] in = new byte[4096];
        private byte[] pending = new byte[0];
        private int pendingOffset;
        private boolean closing;

        Session(Map<String, String> store) {
            this.store = store;
        }

        @Override
        public void onReadable(TcpConnection c) {
            serve(c);
        }

        @Override
        public void onWritable(TcpConnection c) {
            flush(c);
            serve(c);
        }

        @Override
        public void onPeerClosed(TcpConnection c) {
            serve(c);
            if (!closing) {
                closing = true;
                closeWhenFlushed(c);
            }
        }

        private void serve(TcpConnection c) {
            int n;
            while (!closing && pendingOffset == pending.length && (n = c.read(in, 0, in.length)) > 0) {
                for (int i = 0; i < n && !closing; i++) {
                    byte b = in[i];
                    if (b == '\n') {
                        int end = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
                        reply(c, command(new String(line, 0, end, StandardCharsets.UTF_8)));
                        lineLength = 0;
                    } else if (lineLength == MAX_LINE) {
                        reply(c, "ERR line too long");
                        closing = true;
                    } else {
                        line[lineLength++] = b;
                    }
                }
                // Bytes after QUIT or an overlong line are not commands any more.
            }
            if (closing) {
                closeWhenFlushed(c);
            }
        }

        private String command(String text) {
            String[] words = text.split(" ", 3);
            switch (words[0]) {
                case "SET":
                    if (words.length < 3) {
                        return "ERR usage: SET key value";
                    }
                    store.put(words[1], words[2]);
                    return "OK";
                case "GET":
                    if (words.length != 2) {
                        return "ERR usage: GET key";
                    }
                    String value = store.get(words[1]);
                    return value == null ? "NONE" : "VALUE " + value;
                case "COUNT":
                    return "COUNT " + store.size();
                case "QUIT":
                    closing = true;
                    return "BYE";
                default:
                    return "ERR unknown command";
            }
        }

        private void reply(TcpConnection c, String text) {
            byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
            byte[] rest = new byte[pending.length - pendingOffset + bytes.length];
            System.arraycopy(pending, pendingOffset, rest, 0, pending.length - pendingOffset);
            System.arraycopy(bytes, 0, rest, pending.length - pendingOffset, bytes.length);
            pending = rest;
            pendingOffset = 0;
            flush(c);
        }

        private void flush(TcpConnection c) {
            if (pendingOffset < pending.length) {
                pendingOffset += c.write(pending, pendingOffset, pending.length - pendingOffset);
            }
        }

        private void closeWhenFlushed(TcpConnection c) {
            flush(c);
            if (pendingOffset == pending.length) {
                c.close();
            }
        }
    }

    /** Starts a host, listens on {@value #PORT} and serves until Ctrl-C. */
    public static void main(String[] args) throws Exception {
        JtcpHost host = Examples.startHost();
        host.run(() -> listen(host.stack(), PORT));
        System.out.println(
                "line protocol (SET/GET/COUNT/QUIT) on " + Examples.JTCP + ":" + PORT + " (Ctrl-C stops it)");
        Examples.serveForever(host);
    }
}
