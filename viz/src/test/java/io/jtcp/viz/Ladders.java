package io.jtcp.viz;

import static io.jtcp.viz.ScriptedCapture.ACK;
import static io.jtcp.viz.ScriptedCapture.FIN;
import static io.jtcp.viz.ScriptedCapture.PSH;

import io.jtcp.viz.ladder.Ladder;
import io.jtcp.viz.ladder.LadderBuilder;
import io.jtcp.viz.tcp.CaptureConnections;
import io.jtcp.viz.tcp.ConnectionAnalysis;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** The captures the rendering tests draw. */
final class Ladders {
    private Ladders() {}

    /** A real capture: curl fetching 2000 bytes from {@code jtcp serve --http 8080 --pcap}. */
    static Path curlPcap() {
        try {
            return Path.of(Ladders.class.getResource("/ladder/curl.pcap").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A scripted lossy exchange: every mark, a pause, a zero window and a simultaneous close. */
    static ScriptedCapture lossy() {
        return new ScriptedCapture()
                .handshake()
                .a(PSH | ACK, 1, 1, 100, 502)
                .b(ACK, 1, 101, 0, 510)
                .a(PSH | ACK, 101, 1, 100, 502)
                .a(PSH | ACK, 301, 1, 100, 502)
                .b(ACK, 1, 201, 0, 510)
                .b(ACK, 1, 201, 0, 510)
                .a(PSH | ACK, 201, 1, 100, 502)
                .b(ACK, 1, 401, 0, 0)
                .pause(0.25)
                .a(ACK, 401, 1, 1, 502)
                .b(ACK, 1, 401, 0, 510)
                .pause(1.5)
                .a(PSH | ACK, 401, 1, 100, 502)
                .a(PSH | ACK, 401, 1, 100, 502)
                .b(PSH | ACK, 1, 501, 200, 510)
                .a(FIN | ACK, 501, 201, 0, 502)
                .b(FIN | ACK, 201, 501, 0, 510)
                .a(ACK, 502, 202, 0, 502)
                .b(ACK, 202, 502, 0, 510);
    }

    static Ladder ladder(Path pcap, boolean absolute) {
        CaptureConnections cap = CaptureConnections.read(pcap);
        return new LadderBuilder(absolute, 300)
                .build(
                        ConnectionAnalysis.of(cap.connections().get(0)),
                        cap.connections().size());
    }
}
