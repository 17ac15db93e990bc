package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.tun.TunTestSupport.TestNetns;
import io.jtcp.tun.service.BytesPattern;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue #11's first "done when": a real curl against {@code jtcp serve --pcap}, then {@code jtcp
 * ladder} on that capture - read while serve still runs, which needs the once-a-second flush -
 * shows the handshake with both ISNs ("ISN x, ack x+1"), the request and the response, and the
 * teardown with both sides' states.
 */
@Tag("tun")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LadderKernelTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void requireTun() {
        TunTestSupport.requireTun();
    }

    private static String ladder(String... args) {
        CommandLine cl = io.jtcp.tun.cli.MainAccess.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        assertEquals(0, code, err.toString());
        return out.toString();
    }

    /** The states written beside one lifeline of a Mermaid ladder, top to bottom. */
    private static List<String> states(String mermaid, String side) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("Note " + side + ": (\\S+)").matcher(mermaid);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** The last ACK is in the file too: one side ended in TIME_WAIT, the other went LAST_ACK -> CLOSED. */
    private static boolean closedOnBothSides(String mermaid) {
        List<String> a = states(mermaid, "left of A");
        List<String> b = states(mermaid, "right of B");
        return a.size() >= 2
                && b.size() >= 2
                && (ends(a, "LAST_ACK", "CLOSED", "CLOSED")
                                && b.get(b.size() - 1).equals("TIME_WAIT")
                        || ends(b, "LAST_ACK", "CLOSED", "CLOSED")
                                && a.get(a.size() - 1).equals("TIME_WAIT"));
    }

    private static boolean ends(List<String> states, String... tail) {
        return states.size() >= tail.length
                && states.subList(states.size() - tail.length, states.size()).equals(List.of(tail));
    }

    @Test
    void shouldDrawCurlSessionAgainstServeFromItsLivePcap() throws Exception {
        try (TestNetns ns = new TestNetns("ladder")) {
            Path pcap = tmp.resolve("serve.pcap");
            Process serve = new ProcessBuilder(CliKernelTest.jtcp(
                            "serve", "--netns", ns.name(), "--pcap", pcap.toString(), "--http", "8080"))
                    .redirectErrorStream(true)
                    .start();
            try {
                BufferedReader out =
                        new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = out.readLine()) != null && !line.startsWith("jtcp: ready")) {
                    // startup lines
                }
                assertTrue(line != null, "serve did not start");
                String got = ns.exec(
                                30, "sh", "-c", "curl -sS --fail -m 20 http://10.7.0.2:8080/bytes/5000 | sha256sum")
                        .expectSuccess()
                        .output();
                assertTrue(got.startsWith(BytesPattern.sha256(5000)), got);
                // serve keeps running: the pcap reaches the disk within a second (PcapWriter's flush).
                String mermaid = "";
                for (int i = 0; i < 50 && !closedOnBothSides(mermaid); i++) {
                    Thread.sleep(100);
                    try {
                        mermaid = ladder("ladder", pcap.toString(), "--format", "mermaid");
                    } catch (AssertionError notYet) {
                        mermaid = ""; // nothing flushed yet: "no TCP segment"
                    }
                }
                String text = ladder("ladder", pcap.toString(), "--absolute");
                String relative = ladder("ladder", pcap.toString());

                // The handshake, the classic way: ISN x, ack x+1 (RFC 9293 3.4).
                Matcher syn = Pattern.compile("-- SYN seq=(\\d+) \\(ISN\\) win=\\d+ <mss 1460,")
                        .matcher(text);
                assertTrue(syn.find(), text);
                long x = Long.parseLong(syn.group(1));
                Matcher synAck = Pattern.compile("SYN-ACK seq=(\\d+) \\(ISN\\) ack=(\\d+) ")
                        .matcher(text);
                assertTrue(synAck.find(), text);
                long y = Long.parseLong(synAck.group(1));
                assertEquals((x + 1) & 0xffffffffL, Long.parseLong(synAck.group(2)), text);
                assertTrue(
                        text.contains("-- ACK seq=" + ((x + 1) & 0xffffffffL) + " ack=" + ((y + 1) & 0xffffffffL)),
                        text);
                assertTrue(relative.contains("SYN seq=0 (ISN " + x + ")"), relative);
                assertTrue(relative.contains("SYN-ACK seq=0 (ISN " + y + ") ack=1 "), relative);
                assertTrue(relative.contains("\"GET /bytes/5000 HTTP/1.1\""), relative);
                assertTrue(relative.contains("\"HTTP/1.1 200 OK\""), relative);
                assertTrue(relative.contains("FIN-ACK"), relative);

                // Both sides' states: the kernel's curl on the left (it opened), jtcp on the right.
                List<String> client = states(mermaid, "left of A");
                List<String> server = states(mermaid, "right of B");
                assertEquals(List.of("CLOSED", "SYN_SENT", "ESTABLISHED"), client.subList(0, 3), mermaid);
                assertEquals(List.of("LISTEN", "SYN_RECEIVED", "ESTABLISHED"), server.subList(0, 3), mermaid);
                List<String> active = client.contains("FIN_WAIT_1") ? client : server;
                List<String> passive = active == client ? server : client;
                assertTrue(
                        active.contains("FIN_WAIT_1")
                                && active.get(active.size() - 1).equals("TIME_WAIT"),
                        mermaid);
                assertEquals(
                        List.of("CLOSE_WAIT", "LAST_ACK", "CLOSED", "CLOSED"),
                        passive.subList(passive.size() - 4, passive.size()),
                        mermaid);
            } finally {
                TunTestSupport.run(5, "kill", "-TERM", String.valueOf(serve.pid()));
                if (!serve.waitFor(10, TimeUnit.SECONDS)) {
                    serve.destroyForcibly();
                }
            }
        }
    }
}
