package io.jtcp.tun.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The runner's mappings: TS echoes, absolute numbers, offloaded super-segments, settings. */
class ScriptRunnerTest {
    private static final String LISTEN = String.join(
            "\n", "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3", "+0 bind(3, ..., ...) = 0", "+0 listen(3, 1) = 0", "");

    @Test
    void anEchoedTsValIsMappedToTheValueJtcpSent() {
        ScriptResult r = ScriptRunner.run(
                "ts.pkt",
                LISTEN + "+0 < S 0:0(0) win 65535 <mss 1460,TS val 100 ecr 0>\n"
                        + "+0 > S. 0:0(0) ack 1 <mss 1460,TS val 700 ecr 100>\n"
                        + "+.1 < . 1:1(0) ack 1 win 65535 <nop,nop,TS val 110 ecr 700>\n");
        assertTrue(r.passed(), r::report);
        Matcher out = Pattern.compile("Flags \\[S\\.\\].*TS val (\\d+) ecr 100").matcher(r.report());
        assertTrue(out.find(), r::report);
        assertTrue(r.report().contains("TS val 110 ecr " + out.group(1) + "]"), r::report);
    }

    @Test
    void absoluteSeqComparesJtcpsNumbersAsOnTheWire() {
        String text = "// jtcp: absolute_seq=true\n" + LISTEN + "+0 < S 0:0(0) win 65535 <mss 1460>\n"
                + "+0 > S. 0:0(0) ack 1 <mss 1460>\n";
        ScriptResult r = ScriptRunner.run("abs.pkt", text);
        assertTrue(r.failure().contains("seq: expected 0 but got "), r::report);
        String isn = r.failure().replaceAll(".*but got (\\d+).*", "$1");
        assertTrue(ScriptRunner.run("abs.pkt", text.replace("> S. 0:0(0)", "> S. " + isn + ":" + isn + "(0)"))
                .passed());
    }

    @Test
    void withTsoBytesASuperSegmentIsSeenWhole() {
        String text = "// jtcp: timestamps=false tso_bytes=8000\n" + LISTEN
                + "+0 < S 0:0(0) win 65535 <mss 1000>\n"
                + "+0 > S. 0:0(0) ack 1 <mss 1460>\n"
                + "+.1 < . 1:1(0) ack 1 win 65535\n"
                + "+0 accept(3, ..., ...) = 4\n"
                + "+0 write(4, ..., 4000) = 4000\n"
                + "+0 > P. 1:4001(4000) ack 1\n";
        ScriptResult r = ScriptRunner.run("tso.pkt", text);
        assertTrue(r.passed(), r::report);
        r = ScriptRunner.run(ScriptParser.parse("tso.pkt", text), List.of("tso_bytes=0"));
        assertTrue(r.failure().contains("length: expected 4000 but got 1000"), r::report);
    }

    @Test
    void overridesWinOverTheScriptsSettings() {
        String text = "// jtcp: timestamps=false mss=1000\n" + LISTEN + "+0 < S 0:0(0) win 65535 <mss 1460>\n"
                + "+0 > S. 0:0(0) ack 1 <mss 1000>\n";
        assertTrue(ScriptRunner.run("o.pkt", text).passed());
        ScriptResult r = ScriptRunner.run(ScriptParser.parse("o.pkt", text), List.of("mss=1200"));
        assertTrue(r.failure().contains("options: expected <mss 1000> but got <mss 1200>"), r::report);
    }

    @Test
    void shellCommandsAndPythonBlocksAreNotedNotRun() {
        ScriptResult r = ScriptRunner.run(
                "n.pkt",
                "`sysctl -q net.ipv4.tcp_sack=0`\n%{\nassert 1\n}%\n0 < S 0:0(0) win 1\n0 > R. 0:0(0) ack 1\n");
        assertTrue(r.passed(), r::report);
        assertTrue(r.report().contains("shell command not run: `sysctl -q net.ipv4.tcp_sack=0`"), r::report);
        assertTrue(r.report().contains("python block not run"), r::report);
        assertEquals(2, r.events());
    }
}
