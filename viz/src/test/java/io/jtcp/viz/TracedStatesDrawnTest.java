package io.jtcp.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.tcp.TcpState;
import io.jtcp.viz.ladder.Ladder;
import io.jtcp.viz.ladder.LadderBuilder;
import io.jtcp.viz.ladder.MermaidRenderer;
import io.jtcp.viz.ladder.SvgRenderer;
import io.jtcp.viz.tcp.CaptureConnections;
import io.jtcp.viz.tcp.ConnectionAnalysis;
import io.jtcp.viz.tcp.TracedState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * States read from a stack's own trace are facts and must not look like the inferred ones: the
 * traced side's state boxes are upright and solid, the inferred side's italic, and the legend
 * names each kind that is drawn.
 */
class TracedStatesDrawnTest {
    private static final Pattern STATE_TEXT = Pattern.compile("<text x=\"([0-9.]+)\"([^>]*)>([A-Z_0-9]+)</text>");
    private static final Set<String> STATE_NAMES =
            Arrays.stream(TcpState.values()).map(Enum::name).collect(Collectors.toSet());

    /** curl (side a) against jtcp serve (side b), with jtcp's side traced as LiveRecorder does it. */
    private static Ladder traced() {
        CaptureConnections cap = CaptureConnections.read(Ladders.curlPcap());
        ConnectionAnalysis an = ConnectionAnalysis.of(cap.connections().get(0))
                .withTracedStates(
                        false,
                        List.of(
                                new TracedState(1, TcpState.LISTEN, TcpState.SYN_RECEIVED),
                                new TracedState(3, TcpState.SYN_RECEIVED, TcpState.ESTABLISHED)));
        assertEquals(ConnectionAnalysis.StateSource.TRACED_B, an.stateSource());
        return new LadderBuilder(false, 300).build(an, 1);
    }

    @Test
    void shouldDrawTracedSideUprightAndInferredSideItalic() {
        Ladder l = traced();
        assertFalse(l.tracedLeft());
        assertTrue(l.tracedRight());
        String svg = SvgRenderer.render(l);
        // every text that is exactly a state name is a state box's label; which lifeline it is
        // beside follows from its x, so this holds whatever the renderer calls its elements
        List<double[]> states = new ArrayList<>(); // x, italic
        Matcher m = STATE_TEXT.matcher(svg);
        while (m.find()) {
            if (STATE_NAMES.contains(m.group(3))) {
                states.add(
                        new double[] {Double.parseDouble(m.group(1)), m.group(2).contains("italic") ? 1 : 0});
            }
        }
        double min = states.stream().mapToDouble(s -> s[0]).min().orElseThrow();
        double max = states.stream().mapToDouble(s -> s[0]).max().orElseThrow();
        int traced = 0;
        int inferred = 0;
        for (double[] s : states) {
            if (s[0] > (min + max) / 2) {
                assertEquals(0, s[1], "jtcp's traced state drawn italic (as inferred) at x=" + s[0]);
                traced++;
            } else {
                assertEquals(1, s[1], "the kernel's inferred state drawn upright at x=" + s[0]);
                inferred++;
            }
        }
        assertTrue(traced >= 3, "traced state boxes: " + traced);
        assertTrue(inferred >= 3, "inferred state boxes: " + inferred);
        assertTrue(svg.contains("traced state (jtcp's own trace)"), "legend names traced states");
        assertTrue(svg.contains("inferred state"), "legend names inferred states");
    }

    @Test
    void shouldLegendOnlyInferredStatesWhenNothingIsTraced() {
        String svg = SvgRenderer.render(Ladders.ladder(Ladders.curlPcap(), false));
        assertTrue(svg.contains("inferred state"));
        assertFalse(svg.contains("traced state"), "no traced legend entry without a traced side");
    }

    @Test
    void shouldMarkInferredStatesInMermaidWhenTheOtherSideIsTraced() {
        String mmd = MermaidRenderer.render(traced());
        assertTrue(mmd.contains("Note left of A: ESTABLISHED (inferred)"), mmd);
        assertTrue(mmd.contains("Note right of B: ESTABLISHED\n"), mmd);
        assertFalse(mmd.contains("ESTABLISHED (inferred)\n    Note right of B"), mmd);
    }
}
