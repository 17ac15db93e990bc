package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Pair.A_ADDR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.harness.BulkApp;
import io.jtcp.stack.harness.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One connection's failure stays its own: a handler that throws (a bug, or an OutOfMemoryError
 * while it allocates) or an output path that fails in the middle of a flush aborts that
 * connection with a RST, is counted, and every other connection keeps moving data.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConnectionFaultIsolationTest {
    private static final int CONNECTIONS = 4;
    private static final int BYTES = 200_000;
    private static final int BAD = 1; // the second accepted connection misbehaves

    /** A BulkApp whose first onReadable throws. */
    private static final class ThrowingApp implements TcpHandler {
        private final TcpHandler inner;
        private final Supplier<Throwable> failure;
        private boolean thrown;

        ThrowingApp(TcpHandler inner, Supplier<Throwable> failure) {
            this.inner = inner;
            this.failure = failure;
        }

        @Override
        public void onConnected(TcpConnection c) {
            inner.onConnected(c);
        }

        @Override
        public void onReadable(TcpConnection c) {
            if (!thrown) {
                thrown = true;
                Throwable t = failure.get();
                if (t instanceof RuntimeException r) {
                    throw r;
                }
                throw (Error) t;
            }
            inner.onReadable(c);
        }

        @Override
        public void onWritable(TcpConnection c) {
            inner.onWritable(c);
        }

        @Override
        public void onPeerClosed(TcpConnection c) {
            inner.onPeerClosed(c);
        }

        @Override
        public void onClosed(TcpConnection c, CloseReason reason) {
            inner.onClosed(c, reason);
        }
    }

    private record Run(Pair pair, List<BulkApp> clients, List<BulkApp> servers, int escaped) {}

    private static Run run(Supplier<Throwable> handlerFailure, boolean failFlushOutput) {
        Pair pair = new Pair(new Pair.Link(), c -> {}, c -> {});
        List<BulkApp> servers = new ArrayList<>();
        List<BulkApp> clients = new ArrayList<>();
        int[] badPort = {-1};
        pair.a.listen(5001, c -> {
            BulkApp server = new BulkApp(BYTES, 100 + servers.size());
            servers.add(server);
            if (servers.size() - 1 == BAD) {
                badPort[0] = c.remotePort();
                if (handlerFailure != null) {
                    return new ThrowingApp(server, handlerFailure);
                }
            }
            return server;
        });
        for (int i = 0; i < CONNECTIONS; i++) {
            BulkApp client = new BulkApp(BYTES, 200 + i);
            pair.b.connect(pair.now(), A_ADDR, 5001, client);
            clients.add(client);
        }
        if (failFlushOutput) {
            boolean[] fired = {false};
            pair.sendHook((toA, p) -> {
                int ihl = (p[0] & 0xF) * 4;
                int src = ((p[ihl] & 0xFF) << 8) | (p[ihl + 1] & 0xFF);
                int dst = ((p[ihl + 2] & 0xFF) << 8) | (p[ihl + 3] & 0xFF);
                int payload = p.length - ihl - ((p[ihl + 12] & 0xFF) >>> 4) * 4;
                if (!toA && !fired[0] && src == 5001 && dst == badPort[0] && payload > 0) {
                    fired[0] = true;
                    throw new IllegalStateException("device path failed (test)");
                }
            });
        }
        pair.service();
        int escaped = 0;
        for (int steps = 0; steps < 2_000_000; steps++) {
            boolean done = true;
            for (int i = 0; i < CONNECTIONS; i++) {
                if (i != BAD
                        && !(clients.get(i).finished()
                                && i < servers.size()
                                && servers.get(i).finished())) {
                    done = false;
                }
            }
            if (done && clients.get(BAD).closeReason() != null) {
                break;
            }
            try {
                if (!pair.step()) {
                    break;
                }
            } catch (RuntimeException | Error e) {
                escaped++; // what the event loop would have caught
            }
        }
        return new Run(pair, clients, servers, escaped);
    }

    private static void checkOthersIntact(Run r) {
        for (int i = 0; i < CONNECTIONS; i++) {
            if (i == BAD) {
                continue;
            }
            BulkApp client = r.clients().get(i);
            BulkApp server = r.servers().get(i);
            assertTrue(client.finished() && server.finished(), "connection " + i + " finished");
            assertEquals(client.sentSha256(), server.receivedSha256(), "B→A on connection " + i);
            assertEquals(server.sentSha256(), client.receivedSha256(), "A→B on connection " + i);
            assertEquals(CloseReason.NORMAL, client.closeReason(), "connection " + i);
        }
        assertEquals(CloseReason.RESET_BY_PEER, r.clients().get(BAD).closeReason(), "the failed one was reset");
        assertEquals(0, r.escaped(), "nothing escaped the engine");
        assertEquals(1L, r.pair().a.counters().tcpConnectionErrors, "counted once");
    }

    @Test
    void shouldAbortOnlyTheConnectionWhoseHandlerThrowsARuntimeException() {
        checkOthersIntact(run(() -> new IllegalStateException("handler bug (test)"), false));
    }

    @Test
    void shouldAbortOnlyTheConnectionWhoseHandlerRunsOutOfMemory() {
        Run r = run(() -> new OutOfMemoryError("handler allocation (test)"), false);
        checkOthersIntact(r);
        assertEquals(1L, r.pair().a.counters().tcpOutOfMemoryErrors, "the OOM is counted as such");
    }

    /**
     * Before: the exception left flush() half-way, with every connection behind the failed one
     * still marked dirty but unlinked from the flush list, so none of them ever sent again.
     */
    @Test
    void shouldKeepFlushingTheOtherConnectionsWhenOneConnectionsOutputFails() {
        checkOthersIntact(run(null, true));
    }
}
