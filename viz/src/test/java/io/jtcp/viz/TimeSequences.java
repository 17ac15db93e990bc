package io.jtcp.viz;

import static io.jtcp.viz.ScriptedCapture.ACK;
import static io.jtcp.viz.ScriptedCapture.FIN;
import static io.jtcp.viz.ScriptedCapture.PSH;

import io.jtcp.viz.tcp.CaptureConnections;
import io.jtcp.viz.tcp.ConnectionAnalysis;
import io.jtcp.viz.tsg.TimeSequence;
import io.jtcp.viz.tsg.TsgBuilder;
import java.nio.file.Path;

/** The captures the time-sequence tests draw. */
final class TimeSequences {
    private TimeSequences() {}

    /**
     * A→B with every element of a time-sequence graph: four segments, a dup ACK pair with SACK
     * blocks, a retransmission, a zero window, a probe after a 0.2 s pause, more data and the FINs.
     * Segment i is captured at i ms (plus 200 ms from segment 12 on).
     */
    static ScriptedCapture lossy() {
        return new ScriptedCapture()
                .handshake() // 0 SYN, 1 SYN-ACK, 2 ACK
                .a(PSH | ACK, 1, 1, 100, 502) // 3
                .a(PSH | ACK, 101, 1, 100, 502) // 4
                .a(PSH | ACK, 201, 1, 100, 502) // 5
                .a(PSH | ACK, 301, 1, 100, 502) // 6
                .b(ACK, 1, 101, 0, 510) // 7
                .sackFromB(101, 510, new long[] {201, 401}) // 8 dup ACK #1
                .sackFromB(101, 510, new long[] {201, 401}) // 9 dup ACK #2
                .a(PSH | ACK, 101, 1, 100, 502) // 10 retransmission
                .b(ACK, 1, 401, 0, 0) // 11 zero window
                .pause(0.2)
                .a(ACK, 401, 1, 1, 502) // 12 zero window probe
                .b(ACK, 1, 402, 0, 510) // 13
                .a(PSH | ACK, 402, 1, 100, 502) // 14
                .b(ACK, 1, 502, 0, 510) // 15
                .a(FIN | ACK, 502, 1, 0, 502) // 16
                .b(FIN | ACK, 1, 503, 0, 510) // 17
                .a(ACK, 503, 2, 0, 502); // 18
    }

    static TimeSequence graph(Path pcap, boolean absolute, int columns, boolean inFlight) {
        CaptureConnections cap = CaptureConnections.read(pcap);
        ConnectionAnalysis an = ConnectionAnalysis.of(cap.connections().get(0));
        return new TsgBuilder(absolute, columns, inFlight).build(an, TsgBuilder.busierIsA(an.connection()));
    }
}
