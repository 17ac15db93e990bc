package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.wire.Ipv4Header;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The shard choice: stable, spread, the same for a segment and the ICMP errors about it, and honoured by active opens. */
class FlowSteeringTest {
    static final int LOCAL = Ipv4Header.parseAddress("10.7.0.2");
    static final int REMOTE = Ipv4Header.parseAddress("10.7.0.1");

    @Test
    void shouldChooseTheSameShardForTheSameFourTupleAndKey() {
        FlowSteering a = new FlowSteering(16, 42);
        FlowSteering b = new FlowSteering(16, 42);
        FlowSteering otherKey = new FlowSteering(16, 43);
        int differ = 0;
        for (int port = 40_000; port < 40_100; port++) {
            assertEquals(a.shardOf(REMOTE, port, 80), b.shardOf(REMOTE, port, 80));
            differ += a.shardOf(REMOTE, port, 80) != otherKey.shardOf(REMOTE, port, 80) ? 1 : 0;
        }
        // Keyed: another key is another assignment (15/16 of tuples move on average).
        assertTrue(differ > 70, "only " + differ + " of 100 tuples moved with another key");
    }

    @Test
    void shouldSpreadConnectionsEvenlyOverTwoAndSixteenShards() {
        for (int shards : new int[] {2, 16}) {
            FlowSteering s = new FlowSteering(shards, 0x5eedL);
            int[] counts = new int[shards];
            SplittableRandom random = new SplittableRandom(7);
            int n = 32_000;
            for (int i = 0; i < n; i++) {
                int shard = s.shardOf(REMOTE + random.nextInt(4), 1024 + random.nextInt(64_000), 80);
                counts[shard]++;
            }
            for (int c : counts) {
                assertTrue(
                        Math.abs(c - n / shards) < n / shards / 10,
                        shards + " shards: " + java.util.Arrays.toString(counts));
            }
        }
    }

    @Test
    void shouldOwnASegmentByItsFourTupleAndAnIcmpErrorByTheSegmentItQuotes() {
        FlowSteering s = new FlowSteering(2, 99);
        int remotePort = portOwnedBy(s, 1, 80);
        UnsafeBuffer b = new UnsafeBuffer(new byte[128]);
        // The kernel's segment to us: REMOTE:remotePort -> LOCAL:80.
        ipv4(b, 0, Ipv4Header.PROTOCOL_TCP, REMOTE, LOCAL, 40);
        b.putShort(20, (short) remotePort, ByteOrder.BIG_ENDIAN);
        b.putShort(22, (short) 80, ByteOrder.BIG_ENDIAN);
        assertEquals(1, s.ownerOf(b, 0, 40));
        assertEquals(1, new FlowSteering(2, 99).ownerOf(b, 0, 40), "the same on every shard");
        // An ICMP error quoting our segment LOCAL:80 -> REMOTE:remotePort (RFC 792: header + 8 bytes).
        ipv4(b, 0, Ipv4Header.PROTOCOL_ICMP, REMOTE, LOCAL, 56);
        b.putByte(20, (byte) 3);
        b.putByte(21, (byte) 4);
        ipv4(b, 28, Ipv4Header.PROTOCOL_TCP, LOCAL, REMOTE, 40);
        b.putShort(48, (short) 80, ByteOrder.BIG_ENDIAN);
        b.putShort(50, (short) remotePort, ByteOrder.BIG_ENDIAN);
        assertEquals(1, s.ownerOf(b, 0, 56));
        // Echo requests, fragments and truncated packets belong to whichever shard read them.
        b.putByte(20, (byte) 8);
        assertEquals(FlowSteering.ANY, s.ownerOf(b, 0, 56));
        ipv4(b, 0, Ipv4Header.PROTOCOL_TCP, REMOTE, LOCAL, 40);
        b.putShort(6, (short) 0x2000, ByteOrder.BIG_ENDIAN); // MF
        assertEquals(FlowSteering.ANY, s.ownerOf(b, 0, 40));
        b.putShort(6, (short) 0x4000, ByteOrder.BIG_ENDIAN); // DF only: not a fragment
        assertEquals(1, s.ownerOf(b, 0, 40));
        assertEquals(FlowSteering.ANY, s.ownerOf(b, 0, 23));
        assertEquals(FlowSteering.ANY, new FlowSteering(1, 99).ownerOf(b, 0, 40));
    }

    @Test
    void shouldOpenConnectionsOnlyFromPortsTheShardOwns() {
        FlowSteering s = new FlowSteering(2, 1234);
        StackConfig settings = new StackConfig().localAddr(LOCAL).isnSecret(new byte[16]);
        StackConfig[] configs = Shards.configs(settings, s);
        for (int shard = 0; shard < 2; shard++) {
            NetworkStack stack = new NetworkStack(configs[shard], (buffer, offset, length) -> {});
            for (int i = 0; i < 50; i++) {
                TcpConnection c = stack.connect(i, REMOTE, 80, new TcpHandler() {});
                assertEquals(shard, s.shardOf(REMOTE, 80, c.localPort()), "port " + c.localPort());
            }
            assertEquals(configs[0].memoryBudgetBytes() * 2, settings.effectiveMemoryBudgetBytes(), 2);
        }
        assertNotEquals(configs[0].ephemeralPortFilter(), null);
    }

    static int portOwnedBy(FlowSteering s, int shard, int localPort) {
        for (int port = 30_000; ; port++) {
            if (s.shardOf(REMOTE, port, localPort) == shard) {
                return port;
            }
        }
    }

    /** A 20-byte IPv4 header (checksum not filled: ownership does not look at it). */
    static void ipv4(UnsafeBuffer b, int at, int protocol, int src, int dst, int totalLength) {
        b.putByte(at, (byte) 0x45);
        b.putShort(at + 2, (short) totalLength, ByteOrder.BIG_ENDIAN);
        b.putShort(at + 6, (short) 0, ByteOrder.BIG_ENDIAN);
        b.putByte(at + 8, (byte) 64);
        b.putByte(at + 9, (byte) protocol);
        b.putInt(at + 12, src, ByteOrder.BIG_ENDIAN);
        b.putInt(at + 16, dst, ByteOrder.BIG_ENDIAN);
    }
}
