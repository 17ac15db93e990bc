package io.jtcp.viz;

import static io.jtcp.stack.tcp.TcpState.CLOSED;
import static io.jtcp.stack.tcp.TcpState.CLOSE_WAIT;
import static io.jtcp.stack.tcp.TcpState.CLOSING;
import static io.jtcp.stack.tcp.TcpState.ESTABLISHED;
import static io.jtcp.stack.tcp.TcpState.FIN_WAIT_1;
import static io.jtcp.stack.tcp.TcpState.FIN_WAIT_2;
import static io.jtcp.stack.tcp.TcpState.LAST_ACK;
import static io.jtcp.stack.tcp.TcpState.LISTEN;
import static io.jtcp.stack.tcp.TcpState.SYN_RECEIVED;
import static io.jtcp.stack.tcp.TcpState.SYN_SENT;
import static io.jtcp.stack.tcp.TcpState.TIME_WAIT;
import static io.jtcp.viz.ScriptedCapture.ACK;
import static io.jtcp.viz.ScriptedCapture.FIN;
import static io.jtcp.viz.ScriptedCapture.PSH;
import static io.jtcp.viz.ScriptedCapture.RST;
import static io.jtcp.viz.ScriptedCapture.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.tcp.TcpState;
import io.jtcp.viz.tcp.CaptureConnections;
import io.jtcp.viz.tcp.ConnectionAnalysis;
import io.jtcp.viz.tcp.Mark;
import io.jtcp.viz.tcp.SegmentView;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The RFC 9293 state machine run over scripted captures, and the segment marks. */
class StateInferenceTest {
    @TempDir
    Path dir;

    private ConnectionAnalysis analyse(ScriptedCapture c) throws Exception {
        CaptureConnections cap = CaptureConnections.read(c.write(dir.resolve("t.pcap")));
        assertEquals(1, cap.connections().size());
        return ConnectionAnalysis.of(cap.connections().get(0));
    }

    /** Side A's (or B's) states: the initial one, then each change in order. */
    private static List<TcpState> states(ConnectionAnalysis an, boolean sideA) {
        List<TcpState> out = new ArrayList<>(List.of(sideA ? an.initialA() : an.initialB()));
        for (SegmentView v : an.segments()) {
            TcpState mine = v.fromA() == sideA ? v.senderState() : v.receiverState();
            if (mine != null) {
                out.add(mine);
            }
        }
        assertEquals(out.get(out.size() - 1), sideA ? an.finalA() : an.finalB());
        return out;
    }

    @Test
    void shouldWalkHandshakeAndActiveCloseByA() throws Exception {
        ConnectionAnalysis an = analyse(new ScriptedCapture()
                .handshake()
                .a(FIN | ACK, 1, 1, 0, 502)
                .b(ACK, 1, 2, 0, 510)
                .pause(0.5)
                .b(FIN | ACK, 1, 2, 0, 510)
                .a(ACK, 2, 2, 0, 502));
        assertEquals(List.of(CLOSED, SYN_SENT, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, TIME_WAIT), states(an, true));
        assertEquals(List.of(LISTEN, SYN_RECEIVED, ESTABLISHED, CLOSE_WAIT, LAST_ACK, CLOSED), states(an, false));
        assertEquals(ScriptedCapture.ISN_A, an.isnA());
        assertEquals(ScriptedCapture.ISN_B, an.isnB());
        // RFC 7323: both SYNs carried wscale 7, so A's 502 means 64256 bytes; the SYN's own is raw.
        assertTrue(an.windowScaling());
        assertEquals(64240, an.segments().get(0).window());
        assertEquals(502 << 7, an.segments().get(2).window());
        assertEquals(1, an.segments().get(1).relAck());
    }

    @Test
    void shouldWalkPassiveCloseWhenBClosesFirst() throws Exception {
        ConnectionAnalysis an = analyse(new ScriptedCapture()
                .handshake()
                .b(FIN | ACK, 1, 1, 0, 510)
                .a(ACK, 1, 2, 0, 502)
                .a(FIN | ACK, 1, 2, 0, 502)
                .b(ACK, 2, 2, 0, 510));
        assertEquals(List.of(CLOSED, SYN_SENT, ESTABLISHED, CLOSE_WAIT, LAST_ACK, CLOSED), states(an, true));
        assertEquals(List.of(LISTEN, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, TIME_WAIT), states(an, false));
    }

    /** FIN and FIN-ACK in one exchange: FIN_WAIT_1 straight to TIME_WAIT (§3.10.7.4). */
    @Test
    void shouldGoFromFinWait1ToTimeWaitOnFinAckingOurFin() throws Exception {
        ConnectionAnalysis an = analyse(new ScriptedCapture()
                .handshake()
                .a(FIN | ACK, 1, 1, 0, 502)
                .b(FIN | ACK, 1, 2, 0, 510)
                .a(ACK, 2, 2, 0, 502));
        assertEquals(List.of(CLOSED, SYN_SENT, ESTABLISHED, FIN_WAIT_1, TIME_WAIT), states(an, true));
        assertEquals(List.of(LISTEN, SYN_RECEIVED, ESTABLISHED, CLOSE_WAIT, LAST_ACK, CLOSED), states(an, false));
    }

    /** Both FINs cross (neither acknowledges the other): both sides go through CLOSING. */
    @Test
    void shouldShowClosingOnSimultaneousClose() throws Exception {
        ConnectionAnalysis an = analyse(new ScriptedCapture()
                .handshake()
                .a(FIN | ACK, 1, 1, 0, 502)
                .b(FIN | ACK, 1, 1, 0, 510)
                .a(ACK, 2, 2, 0, 502)
                .b(ACK, 2, 2, 0, 510));
        assertEquals(List.of(CLOSED, SYN_SENT, ESTABLISHED, FIN_WAIT_1, CLOSING, TIME_WAIT), states(an, true));
        assertEquals(List.of(LISTEN, SYN_RECEIVED, ESTABLISHED, CLOSING, TIME_WAIT), states(an, false));
    }

    /** §3.10.7.1: a SYN to a closed port is answered with RST-ACK; B never leaves CLOSED. */
    @Test
    void shouldCloseOnResetFromClosedPort() throws Exception {
        ConnectionAnalysis an = analyse(new ScriptedCapture().synFromA().b(RST | ACK, 0, 1, 0, 0));
        assertEquals(List.of(CLOSED, SYN_SENT, CLOSED), states(an, true));
        assertEquals(List.of(CLOSED), states(an, false));
        assertTrue(an.segments().get(1).marks().isEmpty(), "a RST's window 0 is not a zero window");
    }

    @Test
    void shouldCloseBothSidesOnAbort() throws Exception {
        ConnectionAnalysis an = analyse(new ScriptedCapture().handshake().a(RST | ACK, 1, 1, 0, 0));
        assertEquals(List.of(CLOSED, SYN_SENT, ESTABLISHED, CLOSED), states(an, true));
        assertEquals(List.of(LISTEN, SYN_RECEIVED, ESTABLISHED, CLOSED), states(an, false));
    }

    @Test
    void shouldMarkRetransmissionGapAndOutOfOrder() throws Exception {
        ConnectionAnalysis an = analyse(new ScriptedCapture()
                .handshake()
                .a(PSH | ACK, 1, 1, 100, 502)
                .a(PSH | ACK, 201, 1, 100, 502)
                .a(PSH | ACK, 101, 1, 100, 502)
                .pause(0.3)
                .a(PSH | ACK, 1, 1, 100, 502));
        List<SegmentView> s = an.segments();
        assertEquals(Set.of(), s.get(3).marks());
        assertEquals(Set.of(Mark.PREVIOUS_NOT_CAPTURED), s.get(4).marks());
        assertEquals(Set.of(Mark.OUT_OF_ORDER), s.get(5).marks());
        assertEquals(Set.of(Mark.RETRANSMISSION), s.get(6).marks());
    }

    @Test
    void shouldMarkSynRetransmission() throws Exception {
        ConnectionAnalysis an =
                analyse(new ScriptedCapture().synFromA().pause(1).synFromA().synAckFromB());
        assertEquals(Set.of(Mark.RETRANSMISSION), an.segments().get(1).marks());
        assertEquals(List.of(CLOSED, SYN_SENT, ESTABLISHED), states(an, true));
    }

    @Test
    void shouldMarkDuplicateAcks() throws Exception {
        ConnectionAnalysis an = analyse(new ScriptedCapture()
                .handshake()
                .a(PSH | ACK, 1, 1, 100, 502)
                .a(PSH | ACK, 101, 1, 100, 502)
                .a(PSH | ACK, 201, 1, 100, 502)
                .b(ACK, 1, 101, 0, 510)
                .b(ACK, 1, 101, 0, 510)
                .b(ACK, 1, 101, 0, 510));
        List<SegmentView> s = an.segments();
        assertEquals(Set.of(), s.get(6).marks());
        assertEquals(Set.of(Mark.DUP_ACK), s.get(7).marks());
        assertEquals(1, s.get(7).dupAckNumber());
        assertEquals(2, s.get(8).dupAckNumber());
    }

    @Test
    void shouldMarkZeroWindowAndProbe() throws Exception {
        ConnectionAnalysis an = analyse(new ScriptedCapture()
                .handshake()
                .a(PSH | ACK, 1, 1, 100, 502)
                .b(ACK, 1, 101, 0, 0)
                .pause(0.2)
                .a(ACK, 101, 1, 1, 502)
                .b(ACK, 1, 101, 0, 0)
                .b(ACK, 1, 101, 0, 510));
        List<SegmentView> s = an.segments();
        assertEquals(Set.of(Mark.ZERO_WINDOW), s.get(4).marks());
        assertEquals(0, s.get(4).window());
        assertEquals(Set.of(Mark.ZERO_WINDOW_PROBE), s.get(5).marks());
        assertTrue(s.get(6).marks().contains(Mark.ZERO_WINDOW));
        assertEquals(Set.of(), s.get(7).marks(), "the window update");
    }

    /** The capture started after the handshake: numbers relative to the first seen, both ESTABLISHED. */
    @Test
    void shouldStartEstablishedWhenHandshakeWasNotCaptured() throws Exception {
        ConnectionAnalysis an =
                analyse(new ScriptedCapture().a(PSH | ACK, 1, 1, 100, 502).b(ACK, 1, 101, 0, 510));
        assertEquals(List.of(ESTABLISHED), states(an, true));
        assertEquals(-1, an.isnA());
        assertEquals(0, an.segments().get(0).relSeq());
        assertEquals(100, an.segments().get(1).relAck());
        assertTrue(!an.windowScaling());
    }

    @Test
    void shouldReadPcapngToo() throws Exception {
        ScriptedCapture c = new ScriptedCapture(true).handshake().a(FIN | ACK, 1, 1, 0, 502);
        Path f = dir.resolve("t.pcapng");
        java.nio.file.Files.write(f, c.pcapngBytes());
        CaptureConnections cap = CaptureConnections.read(f);
        ConnectionAnalysis an = ConnectionAnalysis.of(cap.connections().get(0));
        assertEquals(List.of(CLOSED, SYN_SENT, ESTABLISHED, FIN_WAIT_1), states(an, true));
        assertEquals(
                1_000_000L,
                an.segments().get(1).segment().timeNs()
                        - an.segments().get(0).segment().timeNs());
    }

    @Test
    void shouldReadEthernetCapturesToo() throws Exception {
        ScriptedCapture c = new ScriptedCapture(true).handshake();
        CaptureConnections cap = CaptureConnections.read(c.write(dir.resolve("e.pcap")));
        assertEquals(1, cap.linkType());
        assertEquals(3, cap.connections().get(0).segments().size());
        assertEquals(SYN | ACK, cap.connections().get(0).segments().get(1).flags());
    }
}
