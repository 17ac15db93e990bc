package io.jtcp.tun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.tun.TunTestSupport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * Issue #11: every guided scenario of {@code jtcp demo SCENARIO} against real kernel peers, in its
 * own namespace, with a short MSL (0.3 s) so all of them take about half a minute. Each one's ladder
 * text must show what the scenario is for (ISNs, the states on jtcp's lifeline, the marks), and
 * every SVG it wrote must be a well-formed SVG document.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DemoScenariosKernelTest {
    private static final Pattern PICTURE = Pattern.compile("\\(picture: (\\S+\\.svg)\\)");

    @TempDir
    Path dir;

    @BeforeAll
    void requireTun() {
        TunTestSupport.requireTun();
    }

    /** One ladder's rows: the state written on the right lifeline (after the last '|') of each arrow row. */
    private record Section(String text, List<String> right, List<String> left) {}

    private record Demo(String out, List<Section> sections) {
        Section ladder(int i) {
            return sections.get(i);
        }
    }

    private Demo run(String scenario) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cl = Main.commandLine("demo");
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        Path o = dir.resolve(scenario);
        int code = cl.execute("demo", scenario, "--msl", "0.3", "-o", o.toString());
        String text = out.toString();
        assertEquals(0, code, text + err);
        assertTrue(text.contains("What to look at:"), text);
        assertTrue(text.matches("(?s).*RFC \\d+.*"), "names an RFC: " + text);
        assertTrue(text.matches("(?s).*namespace jtcp-demo-\\d+-" + scenario + " removed\\n.*"), text);
        Matcher m = PICTURE.matcher(text);
        int svgs = 0;
        while (m.find()) {
            Path svg = Path.of(m.group(1));
            assertTrue(svg.startsWith(o), svg + " in -o " + o);
            Document d =
                    DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
            assertEquals("svg", d.getDocumentElement().getNodeName(), svg.toString());
            assertTrue(Files.readString(svg).contains("10.7.0.2:"), "names jtcp's endpoint: " + svg);
            svgs++;
        }
        List<Section> sections = new ArrayList<>();
        String[] parts = text.split("\\n== ");
        for (int i = 1; i < parts.length; i++) {
            List<String> right = new ArrayList<>();
            List<String> left = new ArrayList<>();
            for (String line : parts[i].split("\\n")) {
                int bar = line.lastIndexOf('|');
                int first = line.indexOf('|');
                if (bar > first && first > 0) {
                    right.add(line.substring(bar + 1).strip());
                    String[] head = line.substring(0, first).strip().split("\\s+");
                    String last = head[head.length - 1];
                    left.add(last.matches("[A-Z_0-9]+") && !last.matches("[0-9]+") ? last : "");
                }
            }
            sections.add(new Section(parts[i], right, left));
        }
        assertEquals(sections.size(), svgs, "one SVG per ladder: " + text);
        assertTrue(Files.size(o.resolve(scenario + ".pcap")) > 24, "the capture holds packets");
        assertFalse(Files.readAllLines(o.resolve(scenario + "-states.txt")).isEmpty(), "jtcp's state trace");
        return new Demo(text, sections);
    }

    /** {@code states} appear in this order (others may come between). */
    private static void inOrder(List<String> column, String text, String... states) {
        int at = 0;
        for (String s : states) {
            while (at < column.size() && !column.get(at).equals(s)) {
                at++;
            }
            assertTrue(
                    at < column.size(), "states " + String.join(" -> ", states) + " in order on the lifeline: " + text);
            at++;
        }
    }

    /** jtcp's lifeline shows {@code from}, a pause row (0.2 s or more), then {@code to}. */
    private static void pausedBetween(String ladder, String from, String to) {
        int a = ladder.indexOf("|  " + from + "\n");
        int b = ladder.indexOf("|  " + to + "\n", Math.max(a, 0));
        assertTrue(a > 0 && b > a, from + " then " + to + ": " + ladder);
        assertTrue(
                ladder.substring(a, b).matches("(?s).*\\(0\\.[2-9]\\d\\d s later\\).*"),
                "a visible pause in " + from + ": " + ladder);
    }

    @Test
    void everyScenarioShowsWhatItIsFor() throws Exception {
        // handshake: the kernel opens, then jtcp opens; jtcp's two ISNs differ, and so do the kernel's.
        Demo d = run("handshake");
        assertEquals(2, d.sections().size(), d.out());
        Matcher isn = Pattern.compile("  10\\.7\\.0\\.(\\d):\\d+: ISN (\\d+)").matcher(d.out());
        List<String> jtcp = new ArrayList<>();
        List<String> kernel = new ArrayList<>();
        while (isn.find()) {
            (isn.group(1).equals("2") ? jtcp : kernel).add(isn.group(2));
        }
        assertEquals(2, jtcp.size(), d.out());
        assertNotEquals(jtcp.get(0), jtcp.get(1), "jtcp's two ISNs differ: " + d.out());
        assertNotEquals(kernel.get(0), kernel.get(1), "the kernel's two ISNs differ: " + d.out());
        assertTrue(d.out().contains("SYN seq=" + kernel.get(0) + " (ISN)"), "raw numbers: " + d.out());
        assertTrue(d.out().contains("ack=" + (Long.parseLong(kernel.get(0)) + 1)), "ISN+1 acked: " + d.out());
        inOrder(d.ladder(0).right(), d.out(), "LISTEN", "SYN_RECEIVED", "ESTABLISHED");
        inOrder(d.ladder(1).left(), d.out(), "CLOSED", "SYN_SENT", "ESTABLISHED");

        // teardown: jtcp closes first, then the kernel does; jtcp's states from its own trace.
        d = run("teardown");
        inOrder(d.ladder(0).right(), d.out(), "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT", "CLOSED");
        assertTrue(d.ladder(0).text().contains("jtcp TIME_WAIT -> CLOSED (the 2*MSL timer"), d.out());
        pausedBetween(d.ladder(0).text(), "FIN_WAIT_2", "TIME_WAIT");
        inOrder(d.ladder(1).right(), d.out(), "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED");
        pausedBetween(d.ladder(1).text(), "CLOSE_WAIT", "LAST_ACK");

        // half-close: jtcp's data after the kernel's FIN, all of it received.
        d = run("half-close");
        String hc = d.ladder(0).text();
        int fin = hc.indexOf("|-- FIN-ACK");
        assertTrue(fin > 0, hc);
        assertEquals(
                3,
                Pattern.compile("<-+ PSH-ACK [^\\n]*len=22")
                        .matcher(hc.substring(fin))
                        .results()
                        .count(),
                hc);
        inOrder(d.ladder(0).right(), d.out(), "CLOSE_WAIT", "LAST_ACK", "CLOSED");
        assertTrue(d.out().contains("got 66 line 1 after your FIN"), d.out());

        // simultaneous close: CLOSING on jtcp's side, then TIME_WAIT.
        d = run("simultaneous-close");
        inOrder(d.ladder(0).right(), d.out(), "FIN_WAIT_1", "CLOSING", "TIME_WAIT", "CLOSED");

        // rst: the closed port, both aborts, the segment for no connection.
        d = run("rst");
        assertEquals(4, d.sections().size(), d.out());
        Matcher syn =
                Pattern.compile("SYN seq=(\\d+) \\(ISN\\)").matcher(d.ladder(0).text());
        assertTrue(syn.find(), d.out());
        assertTrue(
                d.ladder(0)
                        .text()
                        .matches("(?s).*<-+ RST-ACK seq=0 ack=" + (Long.parseLong(syn.group(1)) + 1) + " --.*"),
                "closed port: RST-ACK, ack = ISN+1: " + d.out());
        assertTrue(
                d.ladder(1).text().matches("(?s).*<-+ RST seq=\\d+ --\\|\\s+CLOSED\\n.*"), "jtcp aborts: " + d.out());
        assertTrue(
                d.ladder(2).text().matches("(?s).*\\|-- RST-ACK [^\\n]*\\|\\s+CLOSED\\n.*"),
                "kernel aborts: " + d.out());
        assertTrue(
                d.ladder(3).text().contains("ACK seq=1000 ack=123456 ")
                        && d.ladder(3).text().contains("RST seq=123456 --"),
                "RST seq = the stray ACK's ack: " + d.out());
        assertTrue(d.out().contains("Connection refused") && d.out().contains("Connection reset by peer"), d.out());

        // time-wait: the kernel's FIN again, re-acked in TIME_WAIT; the wait told honestly.
        d = run("time-wait");
        assertTrue(d.ladder(0).text().matches("(?s).*\\|-- FIN-ACK [^\\n]*\\[retransmission\\].*"), d.out());
        assertTrue(d.ladder(0).text().contains("jtcp TIME_WAIT -> CLOSED (the 2*MSL timer"), d.out());
        for (String s : new String[] {
            "240 s", "RFC 9293", "Linux waits a fixed 60 s", "jtcp's default is MSL 30 s", "--msl 0.300 s", "--msl 30"
        }) {
            assertTrue(d.out().contains(s), s + ": " + d.out());
        }

        // retransmit: fast retransmit with SACK, then the tail's RTO backoff.
        d = run("retransmit");
        String rt = d.ladder(0).text();
        assertTrue(Pattern.compile("\\[retransmission\\]").matcher(rt).results().count() >= 4, rt);
        assertTrue(rt.contains("<sack 1 block>") && rt.contains("[dup ACK #3]"), rt);
        // The tail's RTOs: some gap doubles the one before it (RFC 6298 5.5), whatever the RTO itself.
        List<Double> gaps = Pattern.compile("\\((\\d+\\.\\d+) s later\\)")
                .matcher(rt.substring(rt.indexOf("len=500")))
                .results()
                .map(g -> Double.parseDouble(g.group(1)))
                .toList();
        boolean doubled = false;
        for (int i = 0; i + 1 < gaps.size() - 1; i++) { // the last gap is TIME_WAIT's
            doubled |= gaps.get(i + 1) / gaps.get(i) > 1.6 && gaps.get(i + 1) / gaps.get(i) < 2.5;
        }
        assertTrue(doubled, "RTO backoff " + gaps + ": " + rt);
        assertTrue(d.out().contains("SHA-256 matches"), d.out());

        // zero-window: the window closes, jtcp probes it.
        d = run("zero-window");
        String zw = d.ladder(0).text();
        assertTrue(zw.contains("win=0 [zero window]"), zw);
        assertTrue(
                Pattern.compile("len=1 [^\\n]*\\[zero window probe\\]")
                                .matcher(zw)
                                .results()
                                .count()
                        >= 2,
                zw);

        // syn-flood: the real client gets in through a cookie: no SYN_RECEIVED on jtcp's side.
        d = run("syn-flood");
        assertTrue(d.out().contains("tcp.syncookies.valid=1 (a connection completed through a SYN cookie)"), d.out());
        assertFalse(d.ladder(0).right().contains("SYN_RECEIVED"), d.out());
        inOrder(d.ladder(0).right(), d.out(), "LISTEN", "ESTABLISHED");
        inOrder(d.ladder(1).right(), d.out(), "LISTEN", "SYN_RECEIVED");
    }
}
