package io.jtcp.bench;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.StackConfig;
import io.jtcp.tun.service.HttpService;
import io.jtcp.tun.service.ServiceTimers;

/**
 * A client engine and a server engine running {@link HttpService} with its timers (as {@code jtcp
 * serve} runs it), joined by two {@link MemoryLink}s, for the HTTP benchmarks.
 */
final class HttpPeers {
    static final int CLIENT = (10 << 24) | (7 << 16) | 1;
    static final int SERVER = (10 << 24) | (7 << 16) | 2;

    private final MemoryLink toServer = new MemoryLink();
    private final MemoryLink toClient = new MemoryLink();
    final NetworkStack client;
    final NetworkStack server;
    final ServiceTimers timers = new ServiceTimers();

    /** @param mslNs both ends' MSL (TIME_WAIT lasts twice that) */
    HttpPeers(long mslNs) {
        this(mslNs, mslNs);
    }

    HttpPeers(long clientMslNs, long serverMslNs) {
        final byte[] a = new byte[16];
        final byte[] b = new byte[16];
        b[0] = 1;
        client = new NetworkStack(
                new StackConfig().localAddr(CLIENT).isnSecret(a).mslNs(clientMslNs), toServer);
        server = new NetworkStack(
                new StackConfig().localAddr(SERVER).isnSecret(b).mslNs(serverMslNs), toClient);
        server.listen(
                80,
                new HttpService(
                        () -> "status",
                        timers,
                        HttpService.DEFAULT_HEAD_TIMEOUT_NS,
                        HttpService.DEFAULT_IDLE_TIMEOUT_NS));
    }

    /** Flushes both ends and carries packets both ways until neither has anything to send. */
    void exchange(long nowNs) {
        for (int rounds = 0; rounds < 32; rounds++) {
            client.flush(nowNs);
            server.flush(nowNs);
            if (toServer.drainInto(server, nowNs) + toClient.drainInto(client, nowNs) == 0) {
                return;
            }
        }
    }
}
