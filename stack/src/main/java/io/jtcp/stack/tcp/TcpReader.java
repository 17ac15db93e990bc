package io.jtcp.stack.tcp;

import org.agrona.DirectBuffer;

/**
 * Takes received bytes where they lie in the connection's receive buffer, for {@link
 * TcpConnection#read(TcpReader)}: a hash, a parser or a discard sink reads them without a copy.
 */
@FunctionalInterface
public interface TcpReader {
    /**
     * Offers the bytes at {@code [offset, offset + length)} of {@code buffer}. They stay valid only
     * during the call: a reader must not keep the buffer.
     *
     * @return how many of them, from the start, were consumed ({@code 0..length}); the rest stays
     *     buffered for the next read
     */
    int onBytes(DirectBuffer buffer, int offset, int length);
}
