package io.jtcp.stack.tcp;

import io.jtcp.stack.wire.Ipv4Header;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * What the tracer is shown when a TIME_WAIT record ends (expiry, recycling, a new incarnation): the
 * 4-tuple of a connection that is gone, in state CLOSED. The connection's own {@link Tcb} was let go
 * when it entered TIME_WAIT, so this small immutable stand-in is made for the one call.
 */
final class TimeWaitConnection implements TcpConnection {
    private final int localAddr;
    private final int localPort;
    private final int remoteAddr;
    private final int remotePort;

    TimeWaitConnection(int localAddr, long key) {
        this.localAddr = localAddr;
        this.remoteAddr = (int) (key >>> 32);
        this.remotePort = (int) (key >>> 16) & 0xFFFF;
        this.localPort = (int) key & 0xFFFF;
    }

    @Override
    public TcpState state() {
        return TcpState.CLOSED;
    }

    @Override
    public int localAddr() {
        return localAddr;
    }

    @Override
    public int localPort() {
        return localPort;
    }

    @Override
    public int remoteAddr() {
        return remoteAddr;
    }

    @Override
    public int remotePort() {
        return remotePort;
    }

    @Override
    public int write(DirectBuffer src, int offset, int length) {
        throw new IllegalStateException("connection is closed for writing (CLOSED)");
    }

    @Override
    public int write(byte[] src, int offset, int length) {
        throw new IllegalStateException("connection is closed for writing (CLOSED)");
    }

    @Override
    public int read(MutableDirectBuffer dst, int offset, int length) {
        return -1;
    }

    @Override
    public int read(byte[] dst, int offset, int length) {
        return -1;
    }

    @Override
    public int read(TcpReader reader) {
        return -1;
    }

    @Override
    public int skip(int length) {
        return -1;
    }

    @Override
    public int readableBytes() {
        return 0;
    }

    @Override
    public int writableBytes() {
        return 0;
    }

    @Override
    public void shutdownOutput() {}

    @Override
    public void close() {}

    @Override
    public void abort() {}

    @Override
    public TcpHandler handler() {
        return null;
    }

    @Override
    public void handler(TcpHandler handler) {}

    @Override
    public Object attachment() {
        return null;
    }

    @Override
    public void attachment(Object attachment) {}

    @Override
    public long bytesReceived() {
        return 0;
    }

    @Override
    public long bytesSent() {
        return 0;
    }

    @Override
    public long retransmits() {
        return 0;
    }

    @Override
    public long rtoNs() {
        return 0;
    }

    @Override
    public long srttNs() {
        return 0;
    }

    @Override
    public int sendWindowBytes() {
        return 0;
    }

    @Override
    public int receiveWindowBytes() {
        return 0;
    }

    @Override
    public int bytesInFlight() {
        return 0;
    }

    @Override
    public long congestionWindowBytes() {
        return 0;
    }

    @Override
    public String toString() {
        return Ipv4Header.addressToString(localAddr) + ":" + localPort + " " + Ipv4Header.addressToString(remoteAddr)
                + ":" + remotePort + " CLOSED";
    }
}
