package io.jtcp.viz.tcp;

import io.jtcp.viz.capture.CaptureException;
import io.jtcp.viz.capture.CaptureReader;
import io.jtcp.viz.capture.PacketDecoder;
import io.jtcp.viz.capture.TcpSegment;
import java.nio.file.Path;
import java.util.List;

/**
 * The TCP connections of a capture file, read in one streaming pass.
 *
 * @param frames frames in the file
 * @param tcpSegments of which IPv4/TCP segments
 * @param truncation why the file ended early, or null
 */
public record CaptureConnections(
        Path file, int linkType, int frames, int tcpSegments, String truncation, List<Connection> connections) {

    /**
     * Reads {@code file}.
     *
     * @throws CaptureException when it is not a readable capture, its link type is one the decoder
     *     does not know, or it holds no TCP segment
     */
    public static CaptureConnections read(Path file) {
        ConnectionExtractor extractor = new ConnectionExtractor();
        int[] tcp = {0};
        CaptureReader.Summary summary = CaptureReader.read(file, (linkType, frame) -> {
            if (!PacketDecoder.supports(linkType)) {
                throw new CaptureException("capture " + file + " has link type " + linkType
                        + ", which jtcp cannot decode (Ethernet, raw IP, Linux cooked and loopback are)");
            }
            TcpSegment s = PacketDecoder.decode(linkType, frame);
            if (s != null) {
                tcp[0]++;
                extractor.add(s);
            }
        });
        if (tcp[0] == 0) {
            throw new CaptureException("no TCP segment in " + file + " (" + summary.frames() + " frames"
                    + (summary.truncation() != null ? "; " + summary.truncation() : "") + ")");
        }
        return new CaptureConnections(
                file, summary.linkType(), summary.frames(), tcp[0], summary.truncation(), extractor.connections());
    }
}
