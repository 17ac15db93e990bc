package io.jtcp.tun.cli;

import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.tcp.TcpState;
import io.jtcp.tun.JtcpHost;

/** What connect and get share: opening a connection on the loop and waiting for it to settle. */
final class Clients {
    private Clients() {}

    static TcpConnection connect(JtcpHost host, int addr, int port, TcpHandler handler) {
        return host.call(() -> host.stack().connect(System.nanoTime(), addr, port, handler));
    }

    /**
     * Waits (at most {@code timeoutMs}) until our FIN has been acknowledged: TIME_WAIT when we
     * closed first, CLOSED otherwise. Stopping the stack earlier would abort data still in flight.
     */
    static TcpState awaitSettled(JtcpHost host, TcpConnection c, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            TcpState s = host.call(c::state);
            if (s == TcpState.TIME_WAIT || s == TcpState.CLOSED || System.currentTimeMillis() > deadline) {
                return s;
            }
            Thread.sleep(1); // the last ACK takes one round trip over TUN, well under 1 ms
        }
    }
}
