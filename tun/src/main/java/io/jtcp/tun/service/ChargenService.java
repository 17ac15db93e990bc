package io.jtcp.tun.service;

import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.tcp.TcpListener;
import java.nio.charset.StandardCharsets;

/**
 * Character generator (RFC 864): sends the rotating 72-character lines of the 95 printable ASCII
 * characters for as long as the peer reads, discarding anything it sends. It writes only into free
 * send-buffer space and continues on {@link TcpHandler#onWritable}, so a slow reader costs nothing.
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

    @Override
    public TcpHandler onAccept(TcpConnection connection) {
        return new Handler();
    }

    private final class Handler implements TcpHandler {
        private int position;
        private boolean closed;

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
            }
        }

        @Override
        public void onPeerClosed(TcpConnection c) {
            onReadable(c);
            closed = true;
            c.close();
        }

        private void fill(TcpConnection c) {
            while (!closed) {
                // Offer more than fits: a short write is what makes the stack call onWritable.
                int want = PERIOD.length - position;
                int n = c.write(PERIOD, position, want);
                position = (position + n) % PERIOD.length;
                if (n < want) {
                    return;
                }
            }
        }
    }
}
