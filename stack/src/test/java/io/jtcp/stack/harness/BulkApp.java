package io.jtcp.stack.harness;

import io.jtcp.stack.tcp.CloseReason;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * An application for the {@link Pair}: writes its whole payload as fast as the send buffer takes
 * it, then half-closes; reads everything the peer sends into a SHA-256 until EOF.
 */
public final class BulkApp implements TcpHandler {
    private final byte[] toSend;
    private final MessageDigest rxDigest;
    private final byte[] readBuf = new byte[65_536];
    private int sent;
    private boolean outputShut;
    private long received;
    private boolean eof;
    private boolean connected;
    private CloseReason closeReason;
    private int closedCalls;
    private TcpConnection connection;
    private String error;
    private byte[] expected;
    private long firstMismatch = -1;
    private int readLimit = Integer.MAX_VALUE;
    private boolean fullClose;

    public BulkApp(int bytes, long seed) {
        toSend = new byte[bytes];
        new SplittableRandom(seed).nextBytes(toSend);
        try {
            rxDigest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Ends with close() (both directions, as an HTTP/1.0 server does) instead of shutdownOutput(). */
    public BulkApp fullClose() {
        this.fullClose = true;
        return this;
    }

    /**
     * A slow reader: each callback or {@link #tick} reads at most {@code bytes}, so the receive
     * buffer fills, the window closes and the sender must probe (RFC 9293 §3.8.6.1).
     */
    public BulkApp readLimit(int bytes) {
        this.readLimit = bytes;
        return this;
    }

    /** Called by the harness between steps: the slow reader reads a little more; true if it read. */
    public boolean tick() {
        // Also after onClosed: a cleanly closed connection keeps its unread bytes for the reader.
        if (connection != null && !eof) {
            long before = received;
            drain(connection);
            return received != before || eof;
        }
        return false;
    }

    /** Checks every received byte against what the peer sends, to find where a stream goes wrong. */
    public BulkApp expectFrom(BulkApp peer) {
        this.expected = peer.toSend;
        return this;
    }

    /** Offset of the first received byte that differs from the peer's data (or overruns it), else -1. */
    public long firstMismatch() {
        return firstMismatch;
    }

    public String sentSha256() {
        return sha256(toSend);
    }

    public String receivedSha256() {
        try {
            return HexFormat.of().formatHex(((MessageDigest) rxDigest.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void onConnected(TcpConnection c) {
        connection = c;
        connected = true;
        pump(c);
    }

    @Override
    public void onWritable(TcpConnection c) {
        pump(c);
    }

    @Override
    public void onReadable(TcpConnection c) {
        drain(c);
    }

    @Override
    public void onPeerClosed(TcpConnection c) {
        drain(c);
    }

    @Override
    public void onClosed(TcpConnection c, CloseReason reason) {
        closedCalls++;
        closeReason = reason;
    }

    /** Writes whatever the send buffer takes; half-closes once everything is written. */
    public void pump(TcpConnection c) {
        while (sent < toSend.length) {
            int n = c.write(toSend, sent, Math.min(65_536, toSend.length - sent));
            if (n < 0 || n > toSend.length - sent) {
                error = "write returned " + n;
                return;
            }
            if (n == 0) {
                break;
            }
            sent += n;
        }
        if (sent == toSend.length && !outputShut) {
            outputShut = true;
            if (fullClose) {
                c.close();
            } else {
                c.shutdownOutput();
            }
        }
    }

    private void drain(TcpConnection c) {
        int budget = readLimit;
        while (!eof && budget > 0) {
            int n = c.read(readBuf, 0, Math.min(readBuf.length, budget));
            if (n < 0) {
                eof = true;
            } else if (n == 0) {
                return;
            } else {
                budget -= n;
                rxDigest.update(readBuf, 0, n);
                if (expected != null && firstMismatch < 0) {
                    for (int i = 0; i < n; i++) {
                        long at = received + i;
                        if (at >= expected.length || expected[(int) at] != readBuf[i]) {
                            firstMismatch = at;
                            break;
                        }
                    }
                }
                received += n;
            }
        }
    }

    public int size() {
        return toSend.length;
    }

    public int sent() {
        return sent;
    }

    public long received() {
        return received;
    }

    public boolean eof() {
        return eof;
    }

    public boolean connected() {
        return connected;
    }

    public boolean outputShut() {
        return outputShut;
    }

    public CloseReason closeReason() {
        return closeReason;
    }

    public int closedCalls() {
        return closedCalls;
    }

    public TcpConnection connection() {
        return connection;
    }

    public String error() {
        return error;
    }

    public boolean finished() {
        return (eof || fullClose) && outputShut && closeReason != null;
    }

    @Override
    public String toString() {
        return String.format(
                "sent %d/%d shut=%s received %d eof=%s closed=%s",
                sent, toSend.length, outputShut, received, eof, closeReason);
    }
}
