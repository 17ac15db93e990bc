package io.jtcp.stack;

import static io.jtcp.stack.harness.Seg.ack;
import static io.jtcp.stack.harness.Seg.data;
import static io.jtcp.stack.harness.Seg.rst;
import static io.jtcp.stack.harness.Seg.rstAck;
import static io.jtcp.stack.harness.Seg.syn;

import io.jtcp.stack.harness.Packet;
import io.jtcp.stack.harness.TcpScript;
import io.jtcp.stack.tcp.CloseReason;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.tcp.TcpState;
import org.junit.jupiter.api.Test;

/** The NetworkStack face: listen/unlisten, table limits, abortAll (RFC 9293 §3.10.1, §3.10.5). */
class StackApiTest {

    /** unlisten: new SYNs meet a closed port (RFC 9293 §3.10.7.1); the established connection lives on. */
    @Test
    void shouldRefuseNewConnectionsButKeepOldOnesWhenUnlistened() {
        TcpScript s = new TcpScript().establishedPassive();
        s.stack().unlisten(8080);
        s.inject(syn().seq(0).srcPort(40001));
        s.expect(rstAck().absSeq(0).ack(1).dstPort(40001));
        s.inject(data("alive").seq(1).ack(1));
        s.expect(ack().seq(1).ack(6));
        s.assertState(TcpState.ESTABLISHED);
    }

    /** A full table refuses a SYN silently (like a full SYN queue: the peer retries), counted. */
    @Test
    void shouldDropSynSilentlyWhenTableIsFull() {
        TcpScript s = new TcpScript(c -> c.maxConnections(2));
        s.listen(8080);
        for (int port = 41000; port < 41003; port++) {
            s.inject(syn().seq(0).srcPort(port));
        }
        int synAcks = 0;
        for (Packet p : s.drain()) {
            s.check(p.syn() && p.isAck(), "only SYN-ACKs: " + p);
            synAcks++;
        }
        s.checkEquals(2, synAcks, "two fit");
        s.checkEquals(2, s.stack().connectionCount(), "table at its limit");
        s.checkEquals(1L, s.drops(DropReason.TCP_TABLE_FULL), "the third counted");
    }

    /** connect() on a full table is the caller's error, reported at once. */
    @Test
    void shouldRejectConnectWhenTableIsFull() {
        TcpScript s = new TcpScript(c -> c.maxConnections(1));
        s.connect(80);
        boolean threw = false;
        try {
            s.stack().connect(s.now(), io.jtcp.stack.harness.PacketBuilder.PEER_ADDR, 81, new TcpHandler() {});
        } catch (IllegalStateException expected) {
            threw = true;
        }
        s.check(threw, "IllegalStateException on a full table");
    }

    /** abortAll: every connection is reset (RFC 9293 §3.10.5) and told ABORTED; listeners stop. */
    @Test
    void shouldResetEveryConnectionWhenAbortingAll() {
        TcpScript s = new TcpScript().establishedPassive();
        s.stack().abortAll(s.now());
        s.stack().flush(s.now());
        s.expect(rst().seq(1));
        s.checkEquals(0, s.stack().connectionCount(), "table empty");
        s.checkEquals(CloseReason.ABORTED, s.closeReason(), "close reason");
        s.inject(syn().seq(0).srcPort(40002));
        s.expect(rstAck().absSeq(0).ack(1).dstPort(40002));
    }

    /** The tracer sees every packet in and out, in order, and every state change (StackTracer contract). */
    @Test
    void shouldTraceEveryPacketAndStateChange() {
        int[] in = new int[1];
        int[] out = new int[1];
        int[] changes = new int[1];
        StackTracer counting = new StackTracer() {
            @Override
            public void onPacket(long nowNs, boolean inbound, org.agrona.DirectBuffer b, int o, int l) {
                if (inbound) {
                    in[0]++;
                } else {
                    out[0]++;
                }
            }

            @Override
            public void onStateChange(long nowNs, io.jtcp.stack.tcp.TcpConnection c, TcpState from, TcpState to) {
                changes[0]++;
            }
        };
        java.util.List<Packet> sent = new java.util.ArrayList<>();
        NetworkStack stack = new NetworkStack(
                new StackConfig()
                        .localAddr(io.jtcp.stack.harness.PacketBuilder.ENGINE_ADDR)
                        .isnSecret(new byte[16])
                        .tracer(counting),
                (b, o, l) -> sent.add(new Packet(b, o, l)));
        stack.listen(8080, c -> new TcpHandler() {});
        byte[] synBytes = io.jtcp.stack.harness.PacketBuilder.tcp(
                io.jtcp.stack.harness.PacketBuilder.PEER_ADDR,
                io.jtcp.stack.harness.PacketBuilder.ENGINE_ADDR,
                40000,
                8080,
                7,
                0,
                io.jtcp.stack.wire.TcpHeader.SYN,
                1000,
                null,
                null);
        stack.onPacket(TcpScript.T0, new org.agrona.concurrent.UnsafeBuffer(synBytes), 0, synBytes.length);
        stack.flush(TcpScript.T0);
        org.junit.jupiter.api.Assertions.assertEquals(1, in[0], "packets in");
        org.junit.jupiter.api.Assertions.assertEquals(sent.size(), out[0], "packets out = packets sent");
        org.junit.jupiter.api.Assertions.assertEquals(1, changes[0], "CLOSED/LISTEN → SYN_RECEIVED");
        org.junit.jupiter.api.Assertions.assertTrue(
                sent.get(0).syn() && sent.get(0).isAck(), "a SYN-ACK");
    }
}
