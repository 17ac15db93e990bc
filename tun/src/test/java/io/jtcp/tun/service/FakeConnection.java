package io.jtcp.tun.service;

import io.jtcp.stack.tcp.CloseReason;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.tcp.TcpReader;
import io.jtcp.stack.tcp.TcpState;
import io.jtcp.stack.wire.Ipv4Header;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A TcpConnection in memory for testing services: the test feeds bytes "from the peer", reads what
 * the service wrote, and controls how much send-buffer space there is (to test backpressure).
 */
final class FakeConnection implements TcpConnection {
    private final ByteArrayOutputStream inbound = new ByteArrayOutputStream();
    private int readPosition;
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private int sendBufferBytes;
    private int unacked;
    private boolean peerClosed;
    boolean closeCalled;
    boolean shutdownCalled;
    boolean abortCalled;
    TcpState state = TcpState.ESTABLISHED;
    private TcpHandler handler;
    private Object attachment;
    long maxReadRequested;

    FakeConnection(int sendBufferBytes) {
        this.sendBufferBytes = sendBufferBytes;
    }

    /** Accepts through a listener and delivers onConnected, as the stack does. */
    FakeConnection accept(io.jtcp.stack.tcp.TcpListener listener) {
        handler = listener.onAccept(this);
        handler.onConnected(this);
        return this;
    }

    void peerSends(String s) {
        peerSends(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    void peerSends(byte[] b) {
        inbound.write(b, 0, b.length);
        handler.onReadable(this);
    }

    void peerCloses() {
        peerClosed = true;
        handler.onPeerClosed(this);
    }

    /**
     * The peer acknowledges everything written so far: space frees up, and onWritable follows if
     * a write was short, exactly as the TcpHandler contract promises and no more.
     */
    void peerAcks() {
        unacked = 0;
        if (shortWrite) {
            shortWrite = false;
            handler.onWritable(this);
        }
    }

    private boolean shortWrite;

    String output() {
        return written.toString(StandardCharsets.ISO_8859_1);
    }

    byte[] outputBytes() {
        return written.toByteArray();
    }

    int pendingInbound() {
        return inbound.size() - readPosition;
    }

    @Override
    public TcpState state() {
        return state;
    }

    @Override
    public int localAddr() {
        return Ipv4Header.parseAddress("10.7.0.2");
    }

    @Override
    public int localPort() {
        return 80;
    }

    @Override
    public int remoteAddr() {
        return Ipv4Header.parseAddress("10.7.0.1");
    }

    @Override
    public int remotePort() {
        return 40000;
    }

    @Override
    public int write(DirectBuffer src, int offset, int length) {
        byte[] b = new byte[length];
        src.getBytes(offset, b);
        return write(b, 0, length);
    }

    @Override
    public int write(byte[] src, int offset, int length) {
        if (closeCalled || shutdownCalled || abortCalled) {
            throw new IllegalStateException("write after close");
        }
        int n = Math.min(length, writableBytes());
        shortWrite |= n < length;
        written.write(src, offset, n);
        unacked += n;
        return n;
    }

    @Override
    public int read(MutableDirectBuffer dst, int offset, int length) {
        byte[] b = new byte[length];
        int n = read(b, 0, length);
        if (n > 0) {
            dst.putBytes(offset, b, 0, n);
        }
        return n;
    }

    @Override
    public int read(byte[] dst, int offset, int length) {
        maxReadRequested = Math.max(maxReadRequested, length);
        int available = pendingInbound();
        if (available == 0) {
            return peerClosed ? -1 : 0;
        }
        int n = Math.min(available, length);
        System.arraycopy(inbound.toByteArray(), readPosition, dst, offset, n);
        readPosition += n;
        return n;
    }

    @Override
    public int read(TcpReader reader) {
        int available = pendingInbound();
        if (available == 0) {
            return peerClosed ? -1 : 0;
        }
        // Offered in place from a copy, as the real ring offers its bytes where they lie.
        byte[] all = inbound.toByteArray();
        int taken = reader.onBytes(new org.agrona.concurrent.UnsafeBuffer(all), readPosition, available);
        readPosition += taken;
        return taken;
    }

    @Override
    public int skip(int length) {
        int available = pendingInbound();
        if (available == 0) {
            return peerClosed ? -1 : 0;
        }
        int n = Math.min(available, length);
        readPosition += n;
        return n;
    }

    @Override
    public int readableBytes() {
        return pendingInbound();
    }

    @Override
    public int writableBytes() {
        return Math.max(0, sendBufferBytes - unacked);
    }

    @Override
    public void shutdownOutput() {
        shutdownCalled = true;
    }

    @Override
    public void close() {
        closeCalled = true;
    }

    @Override
    public void abort() {
        abortCalled = true;
        handler.onClosed(this, CloseReason.ABORTED);
    }

    @Override
    public TcpHandler handler() {
        return handler;
    }

    @Override
    public void handler(TcpHandler handler) {
        this.handler = handler;
    }

    @Override
    public Object attachment() {
        return attachment;
    }

    @Override
    public void attachment(Object attachment) {
        this.attachment = attachment;
    }

    @Override
    public long bytesReceived() {
        return readPosition;
    }

    @Override
    public long bytesSent() {
        return written.size();
    }

    @Override
    public long retransmits() {
        return 0;
    }

    @Override
    public long rtoNs() {
        return 200_000_000L;
    }

    @Override
    public long srttNs() {
        return 1_000_000L;
    }

    @Override
    public int sendWindowBytes() {
        return 65535;
    }

    @Override
    public int receiveWindowBytes() {
        return 65535;
    }

    @Override
    public int bytesInFlight() {
        return unacked;
    }

    @Override
    public long congestionWindowBytes() {
        return 14_600;
    }
}
