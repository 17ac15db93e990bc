package io.jtcp.stack.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jtcp.stack.fault.FaultSpec;
import java.nio.charset.StandardCharsets;

/**
 * {@code --fault SPEC} is text from the user: {@link FaultSpec#parse} either returns a spec whose
 * fields are in range, which prints ({@code toString}) as text that parses again to the same
 * faults, or throws {@link IllegalArgumentException} with a message for the user. Nothing else may
 * come out of it.
 */
class FaultSpecFuzzTest {
    @DictionaryEntries({
        "loss=",
        "drop=",
        "duplicate=",
        "dup=",
        "reorder=",
        "corrupt=",
        "delay=",
        "jitter=",
        "limit=",
        "seed=",
        "rate=",
        "queue=",
        "kbit",
        "mbit",
        "gbit",
        "bit",
        "k",
        "m",
        "b",
        "ns",
        "us",
        "ms",
        "s",
        "%",
        ",",
        "e308",
        "0x1p3",
        "NaN",
        "Infinity",
        "-0"
    })
    @FuzzTest(maxDuration = "2s")
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        FaultSpec spec;
        try {
            spec = FaultSpec.parse(text);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                fail("IllegalArgumentException without a message for '" + text + "'", e);
            }
            return;
        }
        check(spec, text);
        FaultSpec again;
        try {
            again = FaultSpec.parse(spec.toString());
        } catch (IllegalArgumentException e) {
            throw new AssertionError("'" + text + "' parsed, but its toString '" + spec + "' does not", e);
        }
        check(again, spec.toString());
        near(spec.lossProbability, again.lossProbability, "loss", text);
        near(spec.duplicateProbability, again.duplicateProbability, "duplicate", text);
        near(spec.reorderProbability, again.reorderProbability, "reorder", text);
        near(spec.corruptProbability, again.corruptProbability, "corrupt", text);
        // toString prints whole microseconds.
        require(closeNs(spec.delayNs, again.delayNs), "delay round trip " + again.delayNs, text);
        require(closeNs(spec.jitterNs, again.jitterNs), "jitter round trip " + again.jitterNs, text);
        require(spec.limitPackets == again.limitPackets && spec.seed == again.seed, "limit/seed round trip", text);
        // toString prints the rate in whole bit/s and the queue in bytes: exact.
        require(
                spec.rateBitsPerSec == again.rateBitsPerSec && spec.queueBytes == again.queueBytes,
                "rate/queue round trip",
                text);
    }

    private static void check(FaultSpec s, String text) {
        for (double p :
                new double[] {s.lossProbability, s.duplicateProbability, s.reorderProbability, s.corruptProbability}) {
            require(p >= 0 && p <= 1, "probability " + p, text);
        }
        require(s.delayNs >= 0 && s.jitterNs >= 0 && s.jitterNs <= s.delayNs, "delay/jitter", text);
        require(s.limitPackets >= 1, "limit", text);
        require(
                s.rateBitsPerSec == 0 || s.rateBitsPerSec >= 1000 && s.rateBitsPerSec <= 1_000_000_000_000L,
                "rate",
                text);
        require(s.queueBytes >= 1500 && s.queueBytes <= 1L << 30, "queue", text);
    }

    /** Within the microsecond toString keeps, and the double the parser multiplies in. */
    private static boolean closeNs(long a, long b) {
        return Math.abs((double) a - (double) b) <= 1000 + Math.max(a, b) * 1e-12;
    }

    private static void near(double a, double b, String what, String text) {
        // toString prints four significant digits of the percentage.
        require(Math.abs(a - b) <= 1e-3 * Math.max(a, b) + 1e-300, what + " round trip " + a + " vs " + b, text);
    }

    private static void require(boolean ok, String what, String text) {
        assertTrue(ok, () -> "FaultSpec.parse('" + text + "'): " + what);
    }
}
