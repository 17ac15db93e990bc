package io.jtcp.tun.replay;

import io.jtcp.viz.capture.CaptureException;
import io.jtcp.viz.capture.CaptureReader;
import io.jtcp.viz.capture.Frame;
import io.jtcp.viz.capture.PacketDecoder;
import io.jtcp.viz.capture.TcpSegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One IPv4 packet of a capture, its bytes from the IPv4 header to the IPv4 total length (link
 * headers and padding removed).
 *
 * @param frame the capture's frame number (1-based)
 * @param timeNs the capture's timestamp
 */
public record CapturedPacket(int frame, long timeNs, byte[] ip) {
    /** IPv4 source address. */
    public int source() {
        return ip.length >= 20 ? Replays.s32(ip, 12) : 0;
    }

    /** TCP (or UDP) source port, or -1 when the packet is too short or another protocol. */
    public int sourcePort() {
        int ihl = ip.length > 0 ? (ip[0] & 0xF) * 4 : 0;
        if (ip.length < ihl + 4 || ((ip[9] & 0xFF) != 6 && (ip[9] & 0xFF) != 17)) {
            return -1;
        }
        return ((ip[ihl] & 0xFF) << 8) | (ip[ihl + 1] & 0xFF);
    }

    /** The TCP header decoded, or null for anything else. */
    public TcpSegment tcp() {
        return PacketDecoder.decode(PacketDecoder.RAW, new Frame(frame, timeNs, ip));
    }

    /**
     * The IPv4 packets of {@code file} in order (other frames are skipped).
     *
     * @throws ReplayException when it cannot be read
     */
    public static List<CapturedPacket> read(Path file, List<String> warnings) {
        List<CapturedPacket> out = new ArrayList<>();
        CaptureReader.Summary summary;
        try {
            summary = CaptureReader.read(file, (linkType, f) -> {
                byte[] b = f.data();
                int off = PacketDecoder.ipOffset(linkType, b);
                if (off < 0 || b.length < off + 20 || (b[off] & 0xF0) != 0x40) {
                    return;
                }
                int total = ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
                int end = total >= 20 && off + total <= b.length ? off + total : b.length;
                out.add(new CapturedPacket(f.number(), f.timeNs(), Arrays.copyOfRange(b, off, end)));
            });
        } catch (CaptureException e) {
            throw new ReplayException(e.getMessage());
        }
        if (summary.truncation() != null) {
            warnings.add(summary.truncation());
        }
        return out;
    }
}
