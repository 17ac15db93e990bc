package io.jtcp.tun.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The runner itself must fail when an expectation is wrong, at the right line, saying what
 * differs, with the whole history printed.
 */
class ScriptRunnerFailureTest {
    /** A passing script: handshake, 100 bytes out, no ACK so it is retransmitted after 300 ms. */
    private static final String BASE = String.join(
            "\n",
            "// jtcp: timestamps=false",
            "0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
            "+0    bind(3, ..., ...) = 0",
            "+0    listen(3, 1) = 0",
            "+0    < S 0:0(0) win 65535 <mss 1460>",
            "+0    > S. 0:0(0) ack 1 <mss 1460>",
            "+.1   < . 1:1(0) ack 1 win 65535",
            "+0    accept(3, ..., ...) = 4",
            "+0    write(4, ..., 100) = 100",
            "+0    > P. 1:101(100) ack 1", // line 10
            "+.3   > P. 1:101(100) ack 1", // line 11: the RTO retransmission
            "+.1   < . 1:1(0) ack 101 win 65535",
            "");

    private static ScriptResult run(String text) {
        return ScriptRunner.run("neg.pkt", text);
    }

    private static String replaceLine(int line, String with) {
        String[] lines = BASE.split("\n", -1);
        lines[line - 1] = with;
        return String.join("\n", lines);
    }

    private static ScriptResult assertFailsAt(String text, int line, String... fragments) {
        ScriptResult r = run(text);
        assertFalse(r.passed(), r::report);
        assertTrue(r.failure().startsWith("neg.pkt:" + line + ": "), r::failure);
        for (String f : fragments) {
            assertTrue(r.failure().contains(f), () -> "no '" + f + "' in: " + r.failure());
        }
        String report = r.report();
        assertTrue(report.contains("L" + line + " "), report);
        assertTrue(report.contains("FAIL"), report);
        // The whole history: the handshake's lines and the trace of what jtcp sent.
        assertTrue(report.contains("L5    in"), report);
        assertTrue(report.contains("trace  out 192.168.0.1.8080 > 192.0.2.1.40000: Flags [S.]"), report);
        return r;
    }

    @Test
    void baseScriptPasses() {
        ScriptResult r = run(BASE);
        assertTrue(r.passed(), r::report);
        assertEquals(11, r.events());
    }

    @Test
    void wrongExpectedFlagFails() {
        ScriptResult r =
                assertFailsAt(replaceLine(10, "+0    > F. 1:101(100) ack 1"), 10, "flags: expected F. but got P.");
        assertTrue(r.report().contains("actual > P. 1:101(100) ack 1 win 65535"), r::report);
    }

    @Test
    void missingSegmentFails() {
        String text = BASE + "+0    > F. 101:101(0) ack 1\n";
        assertFailsAt(text, 13, "expected segment missing: jtcp sent nothing by");
    }

    @Test
    void lateSegmentOutsideTheToleranceFails() {
        // Expected 200 ms after the write: tolerance max(4 ms, 12.5 % of 200 ms) = 25 ms; it comes at 300 ms.
        assertFailsAt(
                replaceLine(11, "+.2   > P. 1:101(100) ack 1"),
                11,
                "late: expected at 0.300000 s",
                "jtcp sent it at 0.400000 s");
    }

    @Test
    void earlySegmentOutsideTheToleranceFails() {
        assertFailsAt(
                replaceLine(11, "+.5   > P. 1:101(100) ack 1"),
                11,
                "timing: expected at 0.600000 s but sent at 0.400000 s");
    }

    @Test
    void segmentInsideTheToleranceOrRangePasses() {
        assertTrue(run(replaceLine(11, "+.32  > P. 1:101(100) ack 1")).passed());
        assertTrue(run(replaceLine(11, "+.1~+.5 > P. 1:101(100) ack 1")).passed());
        assertTrue(run(replaceLine(11, "0.35~0.45 > P. 1:101(100) ack 1")).passed());
        assertTrue(run(replaceLine(11, "*     > P. 1:101(100) ack 1")).passed());
    }

    @Test
    void wrongAckFails() {
        assertFailsAt(replaceLine(6, "+0    > S. 0:0(0) ack 2 <mss 1460>"), 6, "ack: expected 2 but got 1");
    }

    @Test
    void wrongSeqLengthWindowAndOptionsFail() {
        assertFailsAt(replaceLine(10, "+0    > P. 1:51(50) ack 1"), 10, "length: expected 50 but got 100");
        assertFailsAt(replaceLine(10, "+0    > P. 2:102(100) ack 1"), 10, "seq: expected 2 but got 1");
        assertFailsAt(replaceLine(10, "+0    > P. 1:101(100) ack 1 win 100"), 10, "win: expected 100 but got 65535");
        assertFailsAt(
                replaceLine(6, "+0    > S. 0:0(0) ack 1 <mss 1000>"),
                6,
                "options: expected <mss 1000> but got <mss 1460>");
        assertFailsAt(replaceLine(10, "+0    > P. 1:101(100) ack 1 <nop,nop,sack 1:2>"), 10, "options:");
    }

    @Test
    void segmentNoLineExpectsFails() {
        // Line 10 dropped: the data segment is still queued when line 11's time comes.
        String text =
                replaceLine(11, "+.3   < . 1:1(0) ack 1 win 65535").replace("+0    > P. 1:101(100) ack 1\n+.3", "+.3");
        ScriptResult r = run(text);
        assertFalse(r.passed(), r::report);
        assertTrue(
                r.failure().contains("jtcp sent a segment no line expects before this one: > P. 1:101(100)"),
                r::failure);
    }

    @Test
    void wrongCallResultFails() {
        assertFailsAt(replaceLine(9, "+0    write(4, ..., 100) = 99"), 9, "write: expected 99 but got 100");
        assertFailsAt(
                replaceLine(8, "+0    accept(3, ..., ...) = -1 EAGAIN"), 8, "accept: expected -1 EAGAIN but got 4");
    }
}
