package io.jtcp.tun.service;

import io.jtcp.stack.tcp.CloseReason;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.tcp.TcpListener;
import java.nio.charset.StandardCharsets;

/**
 * Character generator (RFC 864): sends the rotating 72-character lines of the 95 printable ASCII
 * characters for as long as the peer reads, discarding anything it sends. It writes only into free
 * send-buffer space and continues on {@link TcpHandler#onWritable}, so a slow reader costs nothing.
 * With {@link ServiceTimers}, a connection where no byte has moved either way for the idle time (a
 * peer that stopped reading) is reset ({@link IdleTimeout}).
 */
public final class ChargenService implements TcpListener {
    static final int LINE_CHARS = 72;
    static final int LINE_BYTES = LINE_CHARS + 2;
    /** The pattern repeats after 95 lines. */
    static final byte[] PERIOD = buildPeriod();

    private static byte[] buildPeriod() {
        StringBuilder sb = new StringBuilder(95 * LINE_BYTES);
        for (int line = 0; line < 95; line++) {
            for (int i = 0; i < LINE_CHARS; i++) {
                sb.append((char) (' ' + (line + i) % 95));
            }
            sb.append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private final ServiceTimers timers;
    private final long idleNs;

    /** Without an idle timeout. */
    public ChargenService() {
        this(null, 0);
    }

    /** @param idleNs time without any byte moving before a connection is ended (0: never) */
    public ChargenService(ServiceTimers timers, long idleNs) {
        this.timers = timers;
        this.idleNs = idleNs;
    }

    @Override
    public TcpHandler onAccept(TcpConnection connection) {
        return new Handler(timers, idleNs, connection);
    }

    private static final class Handler extends IdleTimeout implements TcpHandler {
        private int position;
        private boolean closed;

        Handler(ServiceTimers timers, long idleNs, TcpConnection connection) {
            super(timers, idleNs, connection);
        }

        @Override
        void markClosed() {
            closed = true;
        }

        @Override
        public void onClosed(TcpConnection c, CloseReason reason) {
            closed = true;
            stop();
        }

        @Override
        public void onConnected(TcpConnection c) {
            fill(c);
        }

        @Override
        public void onWritable(TcpConnection c) {
            fill(c);
        }

        @Override
        public void onReadable(TcpConnection c) {
            while (c.skip(Integer.MAX_VALUE) > 0) {
                // RFC 864: "Data received is thrown away."
                touch();
            }
        }

        @Override
        public void onPeerClosed(TcpConnection c) {
            onReadable(c);
            if (!closed) {
                closed = true;
                stop();
                c.close();
            }
        }

        private void fill(TcpConnection c) {
            while (!closed) {
                // Offer more than fits: a short write is what makes the stack call onWritable.
                int want = PERIOD.length - position;
                int n = c.write(PERIOD, position, want);
                if (n > 0) {
                    touch();
                }
                position = (position + n) % PERIOD.length;
                if (n < want) {
                    return;
                }
            }
        }
    }
}
