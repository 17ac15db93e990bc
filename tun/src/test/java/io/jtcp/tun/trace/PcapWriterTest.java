package io.jtcp.tun.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.tun.TunTestSupport;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapWriterTest {
    @TempDir
    Path dir;

    private Path write() {
        Path file = dir.resolve("t.pcap");
        try (PcapWriter pcap = new PcapWriter(file, 0)) {
            UnsafeBuffer syn = Packets.syn();
            UnsafeBuffer data = Packets.data(100);
            UnsafeBuffer ping = Packets.echoRequest();
            pcap.onPacket(1_000, true, syn, 0, syn.capacity());
            pcap.onPacket(2_000_000, false, data, 0, data.capacity());
            pcap.onPacket(3_000_000, true, ping, 0, ping.capacity());
            assertEquals(3, pcap.packets());
        }
        return file;
    }

    @Test
    void shouldWriteLibpcapFormatWithRawLinkType() throws Exception {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(write())).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(PcapWriter.MAGIC_MICROS, bytes.getInt(0));
        assertEquals(101, bytes.getInt(20));
        int syn = Packets.syn().capacity();
        assertEquals(syn, bytes.getInt(24 + 8));
        assertEquals(24 + 3 * 16 + syn + 140 + 84, bytes.capacity());
    }

    /** The file can be watched live: a packet reaches the disk within a second with nothing after it. */
    @Test
    void shouldFlushWithinASecondWhenNoLaterPacketArrives() throws Exception {
        Path file = dir.resolve("live.pcap");
        UnsafeBuffer syn = Packets.syn();
        try (PcapWriter pcap = new PcapWriter(file, 0)) {
            pcap.onPacket(1_000, true, syn, 0, syn.capacity());
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (Files.size(file) < 24 + 16 + syn.capacity() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(24 + 16 + syn.capacity(), Files.size(file), "the SYN is on disk before close");
        }
    }

    @Test
    void shouldBeReadableByTcpdump() {
        Assumptions.assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/tcpdump")) || Files.isExecutable(Path.of("/usr/sbin/tcpdump")),
                "no tcpdump");
        var result = TunTestSupport.run(20, "tcpdump", "-n", "-S", "-r", write().toString());
        assertEquals(0, result.exitCode(), result.output());
        String out = result.output();
        assertTrue(
                out.contains(
                        "IP 10.7.0.1.40312 > 10.7.0.2.80: Flags [S], seq 2711, win 64240, options [mss 1460,sackOK,TS val 12345 ecr 0,nop,wscale 7], length 0"),
                out);
        assertTrue(
                out.contains("IP 10.7.0.2.80 > 10.7.0.1.40312: Flags [P.], seq 100:200, ack 2712, win 512, length 100"),
                out);
        assertTrue(out.contains("IP 10.7.0.1 > 10.7.0.2: ICMP echo request, id 42, seq 3, length 64"), out);
    }
}
