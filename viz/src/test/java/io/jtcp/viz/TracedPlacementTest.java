package io.jtcp.viz;

import static io.jtcp.viz.ScriptedCapture.ACK;
import static io.jtcp.viz.ScriptedCapture.FIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jtcp.stack.tcp.TcpState;
import io.jtcp.viz.tcp.CaptureConnections;
import io.jtcp.viz.tcp.ConnectionAnalysis;
import io.jtcp.viz.tcp.TracedPlacement;
import io.jtcp.viz.tcp.TracedState;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where one side's own state changes land on the segments ({@code jtcp serve --ladder}, {@code jtcp demo}). */
class TracedPlacementTest {
    @TempDir
    Path dir;

    /** Side a opens and closes first: SYN, SYN-ACK, ACK, FIN, ACK, FIN, ACK. */
    private ConnectionAnalysis activeClose() throws Exception {
        Path pcap = new ScriptedCapture()
                .handshake()
                .a(FIN | ACK, 1, 1, 0, 502)
                .b(ACK, 1, 2, 0, 510)
                .b(FIN | ACK, 1, 2, 0, 510)
                .a(ACK, 2, 2, 0, 502)
                .write(dir.resolve("close.pcap"));
        return ConnectionAnalysis.of(CaptureConnections.read(pcap).connections().get(0));
    }

    private static final List<TracedState> A_CLOSES_FIRST = List.of(
            new TracedState(0, TcpState.CLOSED, TcpState.SYN_SENT),
            new TracedState(2, TcpState.SYN_SENT, TcpState.ESTABLISHED),
            new TracedState(3, TcpState.ESTABLISHED, TcpState.FIN_WAIT_1),
            new TracedState(5, TcpState.FIN_WAIT_1, TcpState.FIN_WAIT_2),
            new TracedState(6, TcpState.FIN_WAIT_2, TcpState.TIME_WAIT),
            new TracedState(7, TcpState.TIME_WAIT, TcpState.CLOSED));

    @Test
    void shouldKeepTheTimeWaitTimerOffTheLastAck() throws Exception {
        ConnectionAnalysis an = activeClose().withTracedStates(true, A_CLOSES_FIRST);
        assertEquals(TcpState.TIME_WAIT, an.segments().get(5).receiverState(), "the peer's FIN puts a in TIME_WAIT");
        assertNull(an.segments().get(6).senderState(), "a sends its last ACK in TIME_WAIT, not CLOSED (2*MSL later)");
        assertEquals(TcpState.CLOSED, an.finalA());
        assertEquals(TcpState.SYN_SENT, an.segments().get(0).senderState());
        assertEquals(TcpState.FIN_WAIT_1, an.segments().get(3).senderState());
    }

    @Test
    void shouldReportTimerOnlyChangesSeparately() throws Exception {
        TracedPlacement p = TracedPlacement.of(activeClose(), true, A_CLOSES_FIRST);
        assertEquals(List.of(A_CLOSES_FIRST.get(5)), p.timerOnly());
    }

    @Test
    void shouldStartAPassiveOpenInListen() throws Exception {
        ConnectionAnalysis an = activeClose()
                .withTracedStates(false, List.of(new TracedState(1, TcpState.CLOSED, TcpState.SYN_RECEIVED)));
        assertEquals(TcpState.LISTEN, an.initialB());
        assertEquals(TcpState.SYN_RECEIVED, an.segments().get(0).receiverState());
    }
}
