package io.jtcp.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.viz.tsg.XplRenderer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .xpl output parsed back with a small xplot parser: every element is where the scripted
 * capture ({@link TimeSequences#lossy()}) puts it, in tcptrace's colours.
 */
class XplRoundTripTest {
    @TempDir
    Path dir;

    /** One drawing command: its colour, name, numbers and (for text commands) the text. */
    record Cmd(String colour, String name, double[] v, String text) {
        String key() {
            StringBuilder sb = new StringBuilder(colour + " " + name);
            // x (even positions) is time in seconds, y a sequence number.
            for (int k = 0; k < v.length; k++) {
                sb.append(' ').append(k % 2 == 0 ? fmt(v[k]) : Long.toString((long) v[k]));
            }
            return sb.toString();
        }
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.3f", d);
    }

    record Xpl(String types, String title, String xlabel, String ylabel, List<Cmd> cmds) {
        List<String> keys(String colour, String name) {
            List<String> out = new ArrayList<>();
            for (Cmd c : cmds) {
                if (c.colour().equals(colour) && c.name().equals(name)) {
                    out.add(c.key());
                }
            }
            return out;
        }
    }

    private static final Set<String> COLOURS =
            Set.of("white", "green", "red", "blue", "yellow", "purple", "orange", "magenta", "pink");
    private static final Set<String> TEXT = Set.of("atext", "ltext", "rtext", "utext", "dtext");
    private static final Set<String> TWO_POINT = Set.of("line");
    private static final Set<String> ONE_POINT = Set.of(
            "dot", "plus", "box", "diamond", "x", "uarrow", "darrow", "larrow", "rarrow", "utick", "dtick", "ltick",
            "rtick", "htick", "vtick");

    /** xplot's format: a type line, labelled header lines, colour switches, commands, "go". */
    static Xpl parse(String text) {
        String[] lines = text.split("\n", -1);
        int i = 0;
        String types = lines[i++];
        String title = null;
        String xlabel = null;
        String ylabel = null;
        String colour = "white";
        List<Cmd> cmds = new ArrayList<>();
        boolean go = false;
        while (i < lines.length) {
            String line = lines[i++];
            if (line.isEmpty() && i == lines.length) {
                break;
            }
            String[] w = line.trim().split("\\s+");
            switch (w[0]) {
                case "title" -> title = lines[i++];
                case "xlabel" -> xlabel = lines[i++];
                case "ylabel" -> ylabel = lines[i++];
                case "go" -> go = true;
                default -> {
                    if (go) {
                        throw new AssertionError("a command after go: " + line);
                    }
                    if (COLOURS.contains(w[0])) {
                        assertEquals(1, w.length, line);
                        colour = w[0];
                    } else if (TEXT.contains(w[0])) {
                        assertEquals(3, w.length, line);
                        cmds.add(new Cmd(colour, w[0], nums(w), lines[i++]));
                    } else if (TWO_POINT.contains(w[0])) {
                        assertEquals(5, w.length, line);
                        cmds.add(new Cmd(colour, w[0], nums(w), null));
                    } else if (ONE_POINT.contains(w[0])) {
                        assertEquals(3, w.length, line);
                        cmds.add(new Cmd(colour, w[0], nums(w), null));
                    } else {
                        throw new AssertionError("not an xplot command: " + line);
                    }
                }
            }
        }
        assertTrue(go, "ends with go");
        return new Xpl(types, title, xlabel, ylabel, cmds);
    }

    private static double[] nums(String[] w) {
        double[] v = new double[w.length - 1];
        for (int k = 1; k < w.length; k++) {
            v[k - 1] = Double.parseDouble(w[k]);
        }
        return v;
    }

    /** A bar at {@code ms} from {@code from} to {@code to}: its line and arrows. */
    private static List<String> bar(String colour, double ms, long from, long to) {
        String t = fmt(ms / 1000);
        return List.of(
                colour + " line " + t + " " + from + " " + t + " " + to,
                colour + " darrow " + t + " " + from,
                colour + " uarrow " + t + " " + to);
    }

    private static List<String> bars(Xpl x, String colour) {
        List<String> out = new ArrayList<>();
        for (Cmd c : x.cmds()) {
            if (c.colour().equals(colour) && Set.of("line", "darrow", "uarrow").contains(c.name())) {
                out.add(c.key());
            }
        }
        return out;
    }

    @Test
    void shouldPlaceEverySegmentAckAndMarkOfTheCapture() throws Exception {
        Path pcap = TimeSequences.lossy().write(dir.resolve("lossy.pcap"));
        Xpl x = parse(XplRenderer.render(TimeSequences.graph(pcap, false, 8000, false)));
        assertEquals("timeval double", x.types());
        assertEquals("10.7.0.1:40000_==>_10.7.0.2:80 (time sequence graph)", x.title());
        assertTrue(x.xlabel().startsWith("time"), x.xlabel());
        assertEquals("sequence number (relative)", x.ylabel());

        List<String> white = new ArrayList<>();
        white.addAll(bar("white", 3, 1, 101));
        white.addAll(bar("white", 4, 101, 201));
        white.addAll(bar("white", 5, 201, 301));
        white.addAll(bar("white", 6, 301, 401));
        white.addAll(bar("white", 214, 402, 502));
        assertEquals(white, bars(x, "white"));
        assertEquals(bar("red", 10, 101, 201), bars(x, "red"));
        assertEquals(bar("pink", 212, 401, 402), bars(x, "pink"));
        List<String> blue = new ArrayList<>(bar("blue", 0, 0, 1));
        blue.addAll(bar("blue", 216, 502, 503));
        assertEquals(blue, bars(x, "blue"));
        List<String> labels = new ArrayList<>();
        for (Cmd c : x.cmds()) {
            if (c.text() != null) {
                labels.add(c.key() + " " + c.text());
            }
        }
        assertEquals(List.of("blue utext 0.000 1 SYN", "blue utext 0.216 503 FIN"), labels);

        assertEquals(List.of("orange diamond 0.008 101", "orange diamond 0.009 101"), x.keys("orange", "diamond"));
        assertEquals(List.of("red box 0.011 401"), x.keys("red", "box"));
        assertEquals(
                List.of("purple line 0.008 201 0.008 401", "purple line 0.009 201 0.009 401"),
                x.keys("purple", "line"));

        // The ACK line: horizontal steps at each cumulative ACK B sent, from its time to the next.
        List<Long> acks = new ArrayList<>();
        List<Long> edges = new ArrayList<>();
        for (Cmd c : x.cmds()) {
            if (c.name().equals("line") && c.v()[1] == c.v()[3]) {
                if (c.colour().equals("green")) {
                    acks.add((long) c.v()[1]);
                } else if (c.colour().equals("yellow")) {
                    edges.add((long) c.v()[1]);
                }
            }
        }
        assertEquals(List.of(1L, 101L, 101L, 101L, 401L, 402L, 502L, 503L), acks);
        // RFC 7323: the SYN-ACK's window is not scaled; later ones are shifted by B's wscale 7.
        assertEquals(
                List.of(
                        1L + 65535,
                        101L + (510 << 7),
                        101L + (510 << 7),
                        101L + (510 << 7),
                        401L,
                        402L + (510 << 7),
                        502L + (510 << 7),
                        503L + (510 << 7)),
                edges);
        // Every step ends where the next begins, the last at the end of the capture (segment 18).
        Cmd lastGreen = null;
        for (Cmd c : x.cmds()) {
            if (c.colour().equals("green")) {
                lastGreen = c;
            }
        }
        assertEquals("green line 0.217 503 0.218 503", lastGreen.key());
    }

    @Test
    void shouldWriteAbsoluteSequenceNumbersOnRequest() throws Exception {
        Path pcap = TimeSequences.lossy().write(dir.resolve("lossy.pcap"));
        Xpl x = parse(XplRenderer.render(TimeSequences.graph(pcap, true, 8000, false)));
        assertEquals("sequence number", x.ylabel());
        long isn = ScriptedCapture.ISN_A;
        assertEquals(bar("red", 10, isn + 101, isn + 201), bars(x, "red"));
        assertEquals(List.of("red box 0.011 " + (isn + 401)), x.keys("red", "box"));
    }
}
