package io.jtcp.tun.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class TraceFormatterTest {
    @Test
    void shouldPrintSynLikeTcpdump() {
        UnsafeBuffer syn = Packets.syn();
        assertEquals(
                "   0.001500 in  10.7.0.1.40312 > 10.7.0.2.80: Flags [S], seq 2711, win 64240,"
                        + " options [mss 1460,sackOK,TS val 12345 ecr 0,nop,wscale 7], length 0",
                new TraceFormatter(1_000_000L).packet(2_500_000L, true, syn, 0, syn.capacity()));
    }

    @Test
    void shouldPrintDataRangeAndAck() {
        UnsafeBuffer data = Packets.data(100);
        assertEquals(
                "10.7.0.2.80 > 10.7.0.1.40312: Flags [P.], seq 100:200, ack 2712, win 512, length 100",
                TraceFormatter.describe(data, 0, data.capacity()));
    }

    @Test
    void shouldPrintIcmpEcho() {
        UnsafeBuffer ping = Packets.echoRequest();
        assertEquals(
                "10.7.0.1 > 10.7.0.2: ICMP echo request, id 42, seq 3, length 64",
                TraceFormatter.describe(ping, 0, ping.capacity()));
    }

    @Test
    void shouldNotThrowOnGarbage() {
        UnsafeBuffer junk = new UnsafeBuffer(new byte[30]);
        junk.putByte(0, (byte) 0x4f); // IHL 60 > length
        assertEquals(
                "not an IPv4 packet (version 4, header length 60), length 30", TraceFormatter.describe(junk, 0, 30));
        assertEquals("truncated IPv4 packet, length 10", TraceFormatter.describe(junk, 0, 10));
        UnsafeBuffer syn = Packets.syn();
        syn.putByte(20 + 12, (byte) 0xF0); // data offset 60 beyond the segment
        assertEquals(
                "10.7.0.1.40312 > 10.7.0.2.80: bad TCP data offset 60, length 40",
                TraceFormatter.describe(syn, 0, syn.capacity()));
    }

    /** Fragments (issue #9): the first is described with its header, later ones by offset. */
    @Test
    void shouldPrintFragments() {
        UnsafeBuffer ping = Packets.echoRequest();
        ping.putShort(4, (short) 0x1234, java.nio.ByteOrder.BIG_ENDIAN);
        ping.putShort(6, (short) 0x2000, java.nio.ByteOrder.BIG_ENDIAN); // MF, offset 0
        assertEquals(
                "10.7.0.1 > 10.7.0.2: ICMP echo request, id 42, seq 3, length 64 (first fragment, id 4660)",
                TraceFormatter.describe(ping, 0, ping.capacity()));
        ping.putShort(6, (short) 185, java.nio.ByteOrder.BIG_ENDIAN); // offset 1480, last
        assertEquals(
                "10.7.0.1 > 10.7.0.2: IPv4 fragment id 4660, proto 1, offset 1480, length 64",
                TraceFormatter.describe(ping, 0, ping.capacity()));
        ping.putShort(6, (short) 0, java.nio.ByteOrder.BIG_ENDIAN);
        ping.putByte(20, (byte) 3);
        ping.putByte(21, (byte) 4);
        ping.putShort(26, (short) 1000, java.nio.ByteOrder.BIG_ENDIAN);
        assertEquals(
                "10.7.0.1 > 10.7.0.2: ICMP unreachable, code 4, need to frag (mtu 1000), length 64",
                TraceFormatter.describe(ping, 0, ping.capacity()));
    }
}
