package io.jtcp.tun.trace;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * {@code --pcap FILE} with whatever packets the device and the engine produce (any length, empty
 * to larger than the snap length, at any offset in the buffer, at any time): the file read back
 * record by record is valid libpcap (header, microseconds below a million, captured length at most
 * the snap length and the original) and holds exactly the packets written. jtcp has no pcap
 * reader of its own; the strict reader here is the check.
 */
class PcapFuzzTest {
    private static final Path FILE = tempFile();

    private static Path tempFile() {
        try {
            Path p = Files.createTempFile("jtcp-pcap-fuzz", ".pcap");
            p.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "2s")
    void writer(FuzzedDataProvider data) throws IOException {
        long now = data.consumeLong(0, Long.MAX_VALUE / 4);
        List<byte[]> packets = new ArrayList<>();
        try (PcapWriter pcap = new PcapWriter(FILE, now)) {
            for (int i = 0; i < 32 && data.remainingBytes() > 0; i++) {
                now += data.consumeLong(0, 1L << data.consumeInt(0, 40)); // the loop's clock only moves on
                int length =
                        data.consumeBoolean() ? data.consumeInt(0, 256) : data.consumeInt(0, PcapWriter.SNAPLEN + 2000);
                int offset = data.consumeInt(0, 7);
                byte[] bytes = new byte[offset + length];
                byte[] head = data.consumeBytes(Math.min(length, 64));
                System.arraycopy(head, 0, bytes, offset, head.length);
                if (length > 0) {
                    bytes[offset + length - 1] ^= 0x5A; // the last byte marked: a cut record shows
                }
                pcap.onPacket(now, data.consumeBoolean(), new UnsafeBuffer(bytes), offset, length);
                packets.add(Arrays.copyOfRange(bytes, offset, offset + length));
            }
        }
        ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(FILE)).order(ByteOrder.LITTLE_ENDIAN);
        require(file.remaining() >= 24, "no file header");
        require(file.getInt() == PcapWriter.MAGIC_MICROS, "magic");
        require(file.getShort() == 2 && file.getShort() == 4, "version");
        file.getInt();
        file.getInt();
        require(file.getInt() == PcapWriter.SNAPLEN, "snap length");
        require(file.getInt() == PcapWriter.LINKTYPE_RAW, "link type");
        for (byte[] p : packets) {
            require(file.remaining() >= 16, "record header missing");
            file.getInt();
            int micros = file.getInt();
            int captured = file.getInt();
            int original = file.getInt();
            require(micros >= 0 && micros < 1_000_000, "microseconds " + micros);
            require(original == p.length, "original length " + original + " for " + p.length);
            require(captured == Math.min(p.length, PcapWriter.SNAPLEN), "captured length " + captured);
            require(file.remaining() >= captured, "record cut short");
            byte[] got = new byte[captured];
            file.get(got);
            require(Arrays.equals(got, 0, captured, p, 0, captured), "record bytes differ");
        }
        require(!file.hasRemaining(), file.remaining() + " bytes after the last record");
    }

    private static void require(boolean ok, String what) {
        assertTrue(ok, () -> "pcap file broken: " + what);
    }
}
