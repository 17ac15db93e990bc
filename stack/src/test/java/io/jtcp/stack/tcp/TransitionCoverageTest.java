package io.jtcp.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.harness.Coverage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Prints which (state × event) cells of RFC 9293 §3.10.7 the scripted tests reached, collected by
 * every TcpScript through the tracer, and fails when a cell the suite claims to cover is missing.
 * Runs last ({@link ClassOrderer.OrderAnnotation} in junit-platform.properties); run alone, it is
 * skipped (nothing was collected).
 */
@Order(Integer.MAX_VALUE)
class TransitionCoverageTest {

    /** The cells issue #3 asks for: every state × the events that matter in it. */
    private static Map<TcpState, List<String>> required() {
        Map<TcpState, List<String>> r = new EnumMap<>(TcpState.class);
        r.put(TcpState.CLOSED, List.of("SYN", "ACK", "DATA", "RST", "no-ACK"));
        r.put(TcpState.LISTEN, List.of("SYN", "ACK", "RST", "no-ACK"));
        r.put(TcpState.SYN_SENT, List.of("SYN", "SYN-ACK", "ACK", "RST", "TIMER"));
        r.put(TcpState.SYN_RECEIVED, List.of("ACK", "DATA", "FIN", "RST", "TIMER"));
        for (TcpState s : List.of(
                TcpState.ESTABLISHED,
                TcpState.FIN_WAIT_1,
                TcpState.FIN_WAIT_2,
                TcpState.CLOSE_WAIT,
                TcpState.CLOSING,
                TcpState.LAST_ACK,
                TcpState.TIME_WAIT)) {
            r.put(s, List.of("SYN", "ACK", "DATA", "FIN", "RST", "no-ACK", "✗SEQ", "✗RST"));
        }
        r.put(
                TcpState.ESTABLISHED,
                List.of("SYN", "ACK", "DATA", "FIN", "RST", "no-ACK", "✗SEQ", "✗RST", "TIMER", "CLOSE", "ABORT"));
        r.put(TcpState.CLOSE_WAIT, List.of("SYN", "ACK", "DATA", "FIN", "RST", "no-ACK", "✗SEQ", "✗RST", "CLOSE"));
        return r;
    }

    @Test
    void shouldReachEveryRequiredStateEventCellWhenWholeSuiteRan() throws IOException {
        Assumptions.assumeFalse(Coverage.isEmpty(), "no scripted test ran before this one: run the whole suite");
        String table = Coverage.table();
        List<String> gaps = Coverage.gaps(required());
        String report = "TCP transition coverage (scripted tests; hits per state × event; ✗ = unacceptable)\n" + table
                + "gaps: " + (gaps.isEmpty() ? "none" : gaps) + "\n";
        System.out.println(report);
        Path out = Path.of("target", "tcp-transition-coverage.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report, StandardCharsets.UTF_8);
        assertTrue(gaps.isEmpty(), "uncovered cells: " + gaps + "\n" + table);
    }
}
