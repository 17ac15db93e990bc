package io.jtcp.tun.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jtcp.stack.wire.TcpHeader;
import io.jtcp.tun.script.Script.Event;
import io.jtcp.tun.script.Script.OptKind;
import io.jtcp.tun.script.Script.TimeKind;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScriptParserTest {
    @Test
    void readsThePacketdrillSubset() {
        Script s = ScriptParser.parse(
                "ok.pkt",
                String.join(
                        "\n",
                        "// a comment",
                        "// jtcp: min_rto_ms=1000 sack=false",
                        "--tolerance_usecs=10000",
                        "`sysctl -q net.ipv4.tcp_sack=0`",
                        "0.100 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
                        "+.1 < S 0:0(0) win 32792 <mss 1000,sackOK,TS val 100 ecr 0,nop,wscale 7>",
                        "* > S. 0:0(0) ack 1 <...>",
                        "0.1~0.2 > P. 1:1001(1000) ack 1 win 257 /* inline */",
                        "+0.1~+0.2 > F. 1001:1001(0) ack 1 <nop,nop,sack 1:2 3:4>",
                        "+0 read(4, ..., 1000) = -1 EAGAIN (Resource temporarily unavailable)",
                        "/* a block",
                        "   comment */ +0 setsockopt(3, SOL_SOCKET, SO_LINGER, {onoff=1,",
                        "   linger=0}, 8) = 0"));
        List<Event> e = s.events();
        assertEquals(7, e.size());
        assertEquals(
                List.of("min_rto_ms", "sack", "tolerance_usecs", "#ignored"),
                s.settings().stream().map(Script.Setting::key).toList());
        assertEquals(
                new Script.Timing(TimeKind.ABSOLUTE, 100_000, 100_000), e.get(0).timing());
        assertEquals(TimeKind.RELATIVE, e.get(1).timing().kind());
        assertEquals(100_000, e.get(1).timing().startUs());
        Script.SegmentSpec syn = e.get(1).segment();
        assertTrue(syn.inbound());
        assertEquals(TcpHeader.SYN, syn.flags());
        assertEquals(32792, syn.window());
        assertEquals(5, syn.options().size());
        assertEquals(OptKind.TS, syn.options().get(2).kind());
        assertEquals(100, syn.options().get(2).a());
        assertEquals(TimeKind.ANY, e.get(2).timing().kind());
        assertNull(e.get(2).segment().options());
        assertEquals(TcpHeader.SYN | TcpHeader.ACK, e.get(2).segment().flags());
        assertEquals(
                new Script.Timing(TimeKind.ABSOLUTE_RANGE, 100_000, 200_000),
                e.get(3).timing());
        assertEquals(1000, e.get(3).segment().length());
        assertEquals(257, e.get(3).segment().window());
        assertEquals(TimeKind.RELATIVE_RANGE, e.get(4).timing().kind());
        assertEquals(4, e.get(4).segment().options().get(2).edges().length);
        assertEquals("EAGAIN", e.get(5).call().errno());
        assertEquals(-1, e.get(5).call().result());
        assertEquals(12, e.get(6).line());
        assertEquals(5, e.get(6).call().args().size());
        assertNotNull(s.settings());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "garbage | hello world | expected a time",
                "no event | 0.1 | a time with no event",
                "bad flags | 0 < X 0:0(0) win 1 | expected TCP flags",
                "no seq | 0 < S win 1 | expected start:end(length)",
                "inconsistent seq | 0 < S 0:5(3) win 1 | inconsistent sequence numbers",
                "seq too big | 0 < S 99999999999:99999999999(0) win 1 | expected start:end(length)",
                "window too big | 0 < S 0:0(0) win 70000 | out of range",
                "no window | 0 < S 0:0(0) | need 'win N'",
                "any options injected | 0 < S 0:0(0) win 1 <...> | can only be used with expected",
                "star injected | * < S 0:0(0) win 1 | can only be used with expected",
                "range call | 0~1 close(3) = 0 | can only be used with expected",
                "unknown option | 0 < S 0:0(0) win 1 <md5 abc> | unsupported TCP option",
                "options too long | 0 < S 0:0(0) win 1 <TS val 1 ecr 2,TS val 1 ecr 2,TS val 1 ecr 2,TS val 1 ecr 2,nop> | more than the 40",
                "unknown call | 0 sendmsg(3, ..., 0) = 0 | unsupported call 'sendmsg'",
                "no result | 0 close(3) | expected '= RESULT'",
                "bad result | 0 close(3) = zero | expected an integer result",
                "bad fd | 0 close(x) = 0 | file descriptor number",
                "huge write | 0 write(4, ..., 999999999) = 1 | the length must be",
                "bad shutdown | 0 shutdown(4, SHUT_SIDEWAYS) = 0 | SHUT_RD, SHUT_WR or SHUT_RDWR",
                "bad sockopt | 0 setsockopt(3, SOL_SOCKET, SO_RCVBUF, [1], 4) = 0 | is not supported",
                "blocking | 0...0.1 accept(3, ..., ...) = 4 | blocking calls",
                "backwards range | 0.2~0.1 > S 0:0(0) | backwards",
                "time too big | 99999999 close(3) = 0 | beyond one day",
                "ip fields | 0 < 192.0.2.1:1 > 1.2.3.4:2 S 0:0(0) win 1 | not supported",
                "bad option line | --tolerance | expected --option=value",
                "bad header | // jtcp: nonsense | expected key=value",
                "unbalanced | 0 close((3) = 0 | unbalanced",
            })
    void hostileInputGivesOneLineWithTheLineNumber(String what, String line, String message) {
        ScriptException e = assertThrows(ScriptException.class, () -> ScriptParser.parse("bad.pkt", "\n" + line));
        assertEquals(2, e.line(), what);
        assertTrue(e.getMessage().startsWith("bad.pkt:2: "), e.getMessage());
        assertTrue(e.getMessage().contains(message), () -> what + ": " + e.getMessage());
        assertTrue(!e.getMessage().contains("\n") && e.getMessage().length() < 300, e.getMessage());
    }

    @Test
    void unclosedCommentNamesWhereItStarts() {
        ScriptException e =
                assertThrows(ScriptException.class, () -> ScriptParser.parse("c.pkt", "0 close(3) = 0\n/* x\n\n"));
        assertEquals("c.pkt:2: /* comment never closed", e.getMessage());
    }

    @Test
    void badSettingsAreScriptErrorsWithTheirLine() {
        ScriptException e = assertThrows(
                ScriptException.class,
                () -> ScriptRunner.run("s.pkt", "// x\n// jtcp: min_rto_ms=-5\n0 close(3) = -1\n"));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("min_rto_ms=-5: must be positive"), e.getMessage());
        e = assertThrows(ScriptException.class, () -> ScriptRunner.run("s.pkt", "// jtcp: colour=blue\n"));
        assertTrue(e.getMessage().contains("unknown setting"), e.getMessage());
        e = assertThrows(ScriptException.class, () -> ScriptRunner.run("s.pkt", "// jtcp: cc=java.lang.Object\n"));
        assertTrue(e.getMessage().contains("cc=java.lang.Object"), e.getMessage());
    }

    /** Mutated scripts either parse and run to a verdict or give a ScriptException: nothing else. */
    @Test
    void mutatedScriptsNeverThrowAnythingElse() {
        String base = String.join(
                "\n",
                "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
                "+0 bind(3, ..., ...) = 0",
                "+0 listen(3, 1) = 0",
                "+0 < S 0:0(0) win 65535 <mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7>",
                "+0 > S. 0:0(0) ack 1 <...>",
                "+.1 < . 1:1(0) ack 1 win 65535 <nop,nop,TS val 2 ecr 1>",
                "+0 accept(3, ..., ...) = 4",
                "+0 < P. 1:1001(1000) ack 1 win 65535 <nop,nop,sack 1:2>",
                "+0 read(4, ..., 1000) = 1000",
                "+0 close(4) = 0",
                "+0 > F. 1:1(0) ack 1001 <...>");
        String alphabet = "0123456789.+*~<>()[]{},:=-SFRP. \nabcEAGAIN/`%";
        Random rnd = new Random(42);
        int verdicts = 0;
        for (int i = 0; i < 300; i++) {
            StringBuilder sb = new StringBuilder(base);
            int edits = 1 + rnd.nextInt(4);
            for (int k = 0; k < edits; k++) {
                int at = rnd.nextInt(sb.length());
                switch (rnd.nextInt(3)) {
                    case 0:
                        sb.setCharAt(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
                        break;
                    case 1:
                        sb.deleteCharAt(at);
                        break;
                    default:
                        sb.insert(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
                }
            }
            try {
                ScriptResult r = ScriptRunner.run("m.pkt", sb.toString());
                assertNotNull(r.report());
                verdicts++;
            } catch (ScriptException e) {
                assertTrue(e.getMessage().startsWith("m.pkt:"), e.getMessage());
            } catch (RuntimeException e) {
                fail("mutation " + i + " threw " + e + " for:\n" + sb, e);
            }
        }
        assertTrue(verdicts > 10, "only " + verdicts + " mutations ran");
    }
}
