package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.PacketBuilder.ENGINE_ADDR;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.harness.Packet;
import io.jtcp.stack.harness.PacketBuilder;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.stack.wire.TcpHeader;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * CVE-2016-5696 ("Off-Path TCP Exploits", Cao et al., 2016) against jtcp: an off-path attacker
 * with a connection of its own sends spoofed in-window-or-not RSTs on a victim's 4-tuple, then
 * counts the challenge ACKs its own connection gets. With one global budget the count told it
 * whether its guess hit the victim's window; with the per-connection interval it cannot tell.
 */
class ChallengeAckSideChannelTest {
    private static final int VICTIM = Ipv4Header.parseAddress("10.7.0.1");
    private static final int ATTACKER = Ipv4Header.parseAddress("10.7.0.66");
    private static final int VICTIM_PORT = 40_000;
    private static final int ATTACKER_PORT = 50_000;
    private static final int PEER_ISN = 1_000_000;

    private final List<Packet> out = new ArrayList<>();
    private final NetworkStack stack = new NetworkStack(
            new StackConfig().localAddr(ENGINE_ADDR).isnSecret(new byte[16]),
            (b, o, l) -> out.add(new Packet(b, o, l)));
    private long now = 10_000_000_000L;

    private void inject(int src, int srcPort, int seq, int ack, int flags) {
        byte[] p = PacketBuilder.tcp(src, ENGINE_ADDR, srcPort, 80, seq, ack, flags, 65_535, null, null);
        stack.onPacket(now, new UnsafeBuffer(p), 0, p.length);
        stack.onTimeout(now);
        stack.flush(now);
    }

    private void establish(int src, int srcPort) {
        out.clear();
        inject(src, srcPort, PEER_ISN, 0, TcpHeader.SYN);
        int iss = out.get(0).seq;
        inject(src, srcPort, PEER_ISN + 1, iss + 1, TcpHeader.ACK);
    }

    /** One probe of the attack: the challenge ACKs the attacker's own connection gets afterwards. */
    private long probe(boolean guessInWindow) {
        now += 2_000_000_000L; // a fresh second of the global budget
        int rst = PEER_ISN + 1 + (guessInWindow ? 1000 : 1 << 30);
        for (int i = 0; i < 1000; i++) {
            inject(VICTIM, VICTIM_PORT, rst + i, 0, TcpHeader.RST);
        }
        out.clear();
        for (int i = 0; i < 100; i++) {
            inject(ATTACKER, ATTACKER_PORT, PEER_ISN + 1 + 1000 + i, 0, TcpHeader.RST);
        }
        return out.stream().filter(p -> p.dst == ATTACKER).count();
    }

    @Test
    void shouldNotRevealWhetherSpoofedRstHitTheVictimsWindow() {
        stack.listen(80, c -> new TcpHandler() {});
        establish(VICTIM, VICTIM_PORT);
        establish(ATTACKER, ATTACKER_PORT);
        long hit = probe(true);
        long miss = probe(false);
        assertEquals(miss, hit, "challenge ACKs the attacker sees after a hit and after a miss");
        assertEquals(2, stack.connectionCount(), "both connections still there");
    }
}
