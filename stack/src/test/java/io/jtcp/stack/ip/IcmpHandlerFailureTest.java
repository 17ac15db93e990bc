package io.jtcp.stack.ip;

import static io.jtcp.stack.harness.PacketBuilder.ENGINE_ADDR;
import static io.jtcp.stack.harness.PacketBuilder.PEER_ADDR;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.tcp.CloseReason;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * An ICMP error is an input like a segment: a handler that throws while hearing of it (here
 * {@code onClosed} after a hard error ends a connect) costs only its own connection, is counted,
 * and never escapes {@code onPacket} to abandon the loop's cycle.
 */
class IcmpHandlerFailureTest {
    @Test
    void shouldIsolateAHandlerThatThrowsOnAnIcmpHardError() {
        List<byte[]> out = new ArrayList<>();
        StackConfig cfg = new StackConfig().localAddr(ENGINE_ADDR).isnSecret(new byte[16]);
        NetworkStack st = new NetworkStack(cfg, (b, o, l) -> {
            byte[] x = new byte[l];
            b.getBytes(o, x);
            out.add(x);
        });
        long now = 1_000_000_000L;
        st.connect(now, PEER_ADDR, 80, new TcpHandler() {
            @Override
            public void onClosed(TcpConnection c, CloseReason r) {
                throw new IllegalStateException("handler bug");
            }
        });
        st.flush(now);
        byte[] syn = out.get(0);
        byte[] err = IcmpPackets.error(PEER_ADDR, ENGINE_ADDR, 3, 3, 0, syn); // port unreachable
        assertDoesNotThrow(() -> st.onPacket(now + 1000, new UnsafeBuffer(err), 0, err.length));
        assertEquals(1, st.counters().tcpConnectionErrors);
        assertEquals(0, st.connectionCount());
    }
}
