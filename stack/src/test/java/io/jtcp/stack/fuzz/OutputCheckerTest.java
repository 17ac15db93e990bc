package io.jtcp.stack.fuzz;

import static io.jtcp.stack.harness.PacketBuilder.ENGINE_ADDR;
import static io.jtcp.stack.harness.PacketBuilder.PEER_ADDR;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.harness.PacketBuilder;
import io.jtcp.stack.wire.TcpHeader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The fuzz driver's output check must be able to fail: each broken packet is caught. */
class OutputCheckerTest {
    private static byte[] segment(int flags, int payload) {
        return PacketBuilder.tcp(ENGINE_ADDR, PEER_ADDR, 80, 40000, 1, 2, flags, 1000, null, new byte[payload]);
    }

    private static String check(byte[] packet, int mtu) {
        OutputChecker out = new OutputChecker(mtu, ENGINE_ADDR);
        out.transmit(new UnsafeBuffer(packet), 0, packet.length);
        try {
            out.check("test");
            return null;
        } catch (AssertionError e) {
            return e.getMessage();
        }
    }

    @Test
    void shouldPassAWellFormedSegment() {
        assertDoesNotThrow(() -> new OutputChecker(1500, ENGINE_ADDR).check("nothing sent"));
        assertTrue(check(segment(TcpHeader.ACK, 100), 1500) == null);
    }

    @Test
    void shouldCatchBrokenPackets() {
        byte[] badTcpChecksum = segment(TcpHeader.ACK, 10);
        badTcpChecksum[36] ^= 1;
        assertTrue(check(badTcpChecksum, 1500).contains("TCP_BAD_CHECKSUM"));
        byte[] badIpChecksum = segment(TcpHeader.ACK, 10);
        badIpChecksum[10] ^= 1;
        assertTrue(check(badIpChecksum, 1500).contains("IP_BAD_CHECKSUM"));
        assertTrue(check(segment(TcpHeader.ACK, 1461), 1500).contains("above the MTU"));
        assertTrue(check(segment(TcpHeader.SYN | TcpHeader.FIN, 0), 1500).contains("flags"));
        assertTrue(check(segment(TcpHeader.RST, 5), 1500).contains("RST with 5 bytes"));
        byte[] foreign = PacketBuilder.tcp(PEER_ADDR, ENGINE_ADDR, 80, 40000, 1, 2, TcpHeader.ACK, 1000, null, null);
        assertTrue(check(foreign, 1500).contains("source"));
        byte[] padded = java.util.Arrays.copyOf(segment(TcpHeader.ACK, 0), 44);
        assertTrue(check(padded, 1500).contains("total length"));
    }

    /** Agrona's bounds checks are on in every test JVM (the surefire argLine), fuzzing included. */
    @Test
    void shouldRunWithAgronaBoundsChecksOn() {
        UnsafeBuffer four = new UnsafeBuffer(new byte[4]);
        assertThrows(IndexOutOfBoundsException.class, () -> four.getInt(1));
    }
}
