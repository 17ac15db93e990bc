package io.jtcp.viz;

import static io.jtcp.viz.ScriptedCapture.ACK;
import static io.jtcp.viz.ScriptedCapture.FIN;
import static io.jtcp.viz.ScriptedCapture.RST;
import static io.jtcp.viz.states.Transition.ACTIVE_OPEN;
import static io.jtcp.viz.states.Transition.CLOSE_WAIT_CLOSE;
import static io.jtcp.viz.states.Transition.CLOSING_RCV_ACK;
import static io.jtcp.viz.states.Transition.ESTAB_CLOSE;
import static io.jtcp.viz.states.Transition.ESTAB_RCV_FIN;
import static io.jtcp.viz.states.Transition.FIN_WAIT_1_RCV_ACK;
import static io.jtcp.viz.states.Transition.FIN_WAIT_1_RCV_FIN;
import static io.jtcp.viz.states.Transition.FIN_WAIT_2_RCV_FIN;
import static io.jtcp.viz.states.Transition.LAST_ACK_RCV_ACK;
import static io.jtcp.viz.states.Transition.LISTEN_RCV_SYN;
import static io.jtcp.viz.states.Transition.SYN_RCVD_RCV_ACK;
import static io.jtcp.viz.states.Transition.SYN_SENT_RCV_SYN_ACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.tcp.TcpState;
import io.jtcp.viz.states.StateDiagramSvg;
import io.jtcp.viz.states.StatePath;
import io.jtcp.viz.states.Transition;
import io.jtcp.viz.tcp.CaptureConnections;
import io.jtcp.viz.tcp.ConnectionAnalysis;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** RFC 9293 Figure 5 with the arrows of scripted connections highlighted, in order. */
class StateDiagramTest {
    @TempDir
    Path dir;

    static ScriptedCapture activeClose() {
        return new ScriptedCapture()
                .handshake()
                .a(FIN | ACK, 1, 1, 0, 502)
                .b(ACK, 1, 2, 0, 510)
                .pause(0.5)
                .b(FIN | ACK, 1, 2, 0, 510)
                .a(ACK, 2, 2, 0, 502);
    }

    static ScriptedCapture simultaneousClose() {
        return new ScriptedCapture()
                .handshake()
                .a(FIN | ACK, 1, 1, 0, 502)
                .b(FIN | ACK, 1, 1, 0, 510)
                .a(ACK, 2, 2, 0, 502)
                .b(ACK, 2, 2, 0, 510);
    }

    private ConnectionAnalysis analyse(ScriptedCapture c) throws Exception {
        return ConnectionAnalysis.of(CaptureConnections.read(c.write(dir.resolve("s.pcap")))
                .connections()
                .get(0));
    }

    /** The highlighted arrows of the SVG: element id -> the step numbers on it, in document order. */
    static Map<String, String> highlighted(String svg) throws Exception {
        Document doc = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        Map<String, String> out = new LinkedHashMap<>();
        NodeList gs = doc.getElementsByTagName("g");
        for (int i = 0; i < gs.getLength(); i++) {
            Element g = (Element) gs.item(i);
            if (g.getAttribute("class").equals("transition taken")) {
                out.put(g.getAttribute("id"), g.getAttribute("data-steps"));
            }
        }
        return out;
    }

    private static String id(Transition t) {
        return t.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The expected highlights: each transition numbered by its position. */
    private static Map<String, String> numbered(Transition... ts) {
        Map<String, String> m = new java.util.TreeMap<>();
        for (int i = 0; i < ts.length; i++) {
            m.merge(id(ts[i]), Integer.toString(i + 1), (x, y) -> x + " " + y);
        }
        return m;
    }

    private static void assertHighlights(StatePath p, Transition... expected) throws Exception {
        assertEquals(List.of(expected), p.transitions());
        String svg = StateDiagramSvg.render(p, "t", List.of());
        assertEquals(numbered(expected), new java.util.TreeMap<>(highlighted(svg)));
        for (int i = 0; i < expected.length; i++) {
            assertTrue(svg.contains(">" + (i + 1) + "</text>"), "badge " + (i + 1));
        }
    }

    @Test
    void shouldHighlightActiveCloseInOrder() throws Exception {
        ConnectionAnalysis an = analyse(activeClose());
        StatePath a = StatePath.of(an, true);
        assertEquals(TcpState.CLOSED, a.initial());
        assertEquals(TcpState.TIME_WAIT, a.last());
        assertHighlights(a, ACTIVE_OPEN, SYN_SENT_RCV_SYN_ACK, ESTAB_CLOSE, FIN_WAIT_1_RCV_ACK, FIN_WAIT_2_RCV_FIN);
        assertEquals("snd SYN", a.steps().get(0).cause());
        assertEquals("rcv FIN,ACK", a.steps().get(4).cause());
        assertEquals(0.505, a.steps().get(4).timeS(), 1e-9); // segment 5 (5 ms after the SYN) plus the pause
        StatePath b = StatePath.of(an, false);
        assertEquals(TcpState.LISTEN, b.initial());
        assertHighlights(b, LISTEN_RCV_SYN, SYN_RCVD_RCV_ACK, ESTAB_RCV_FIN, CLOSE_WAIT_CLOSE, LAST_ACK_RCV_ACK);
    }

    @Test
    void shouldHighlightSimultaneousCloseThroughClosing() throws Exception {
        ConnectionAnalysis an = analyse(simultaneousClose());
        Transition[] close = {ESTAB_CLOSE, FIN_WAIT_1_RCV_FIN, CLOSING_RCV_ACK};
        assertHighlights(StatePath.of(an, true), ACTIVE_OPEN, SYN_SENT_RCV_SYN_ACK, close[0], close[1], close[2]);
        assertHighlights(StatePath.of(an, false), LISTEN_RCV_SYN, SYN_RCVD_RCV_ACK, close[0], close[1], close[2]);
    }

    /** §3.10.7.4: the ACK of our FIN and the peer's FIN in one segment take two arrows, ACK first. */
    @Test
    void shouldSplitFinAckIntoTwoArrows() throws Exception {
        ConnectionAnalysis an = analyse(new ScriptedCapture()
                .handshake()
                .a(FIN | ACK, 1, 1, 0, 502)
                .b(FIN | ACK, 1, 2, 0, 510)
                .a(ACK, 2, 2, 0, 502));
        StatePath a = StatePath.of(an, true);
        assertHighlights(a, ACTIVE_OPEN, SYN_SENT_RCV_SYN_ACK, ESTAB_CLOSE, FIN_WAIT_1_RCV_ACK, FIN_WAIT_2_RCV_FIN);
        assertEquals(a.steps().get(3).frame(), a.steps().get(4).frame());
    }

    /** A reset out of ESTABLISHED has no arrow in Figure 5: a step without one, nothing highlighted for it. */
    @Test
    void shouldListResetAsOffFigureStep() throws Exception {
        ConnectionAnalysis an = analyse(new ScriptedCapture().handshake().b(RST | ACK, 1, 1, 0, 0));
        StatePath a = StatePath.of(an, true);
        assertEquals(3, a.steps().size());
        StatePath.Step reset = a.steps().get(2);
        assertNull(reset.transition());
        assertEquals(TcpState.ESTABLISHED, reset.from());
        assertEquals(TcpState.CLOSED, reset.to());
        String svg = StateDiagramSvg.render(a, "t", List.of());
        assertEquals(numbered(ACTIVE_OPEN, SYN_SENT_RCV_SYN_ACK), new java.util.TreeMap<>(highlighted(svg)));
        assertTrue(svg.contains("(not in Figure 5: rcv RST,ACK)"), svg);
    }

    @Test
    void shouldDrawBlankFigureWithAllTwentyArrowsAndLabels() throws Exception {
        String svg = StateDiagramSvg.blank();
        assertEquals(Map.of(), highlighted(svg));
        for (Transition t : Transition.values()) {
            assertTrue(svg.contains("<g id=\"" + id(t) + "\" class=\"transition\">"), t.name());
        }
        for (String label : List.of(
                "passive OPEN",
                "create TCB",
                "rcv SYN",
                "snd SYN,ACK",
                "rcv ACK of SYN",
                "rcv SYN,ACK",
                "Timeout=2MSL",
                "rcv RST (note 1)",
                "SYN-RCVD",
                "FIN-WAIT-2",
                "TIME-WAIT",
                "LAST-ACK")) {
            assertTrue(svg.contains(">" + label + "<"), label);
        }
    }
}
