package io.jtcp.stack.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of {@code NetworkStack.onPacket} with a connection table seeded in every
 * TCP state (RFC 9293 §3.10.7 must hold for anything the wire can carry). The driver and its
 * invariants are in {@link StackFuzzer}. Without {@code JAZZER_FUZZ} this runs the committed seed
 * corpus ({@code NetworkStackFuzzTestInputs/onPacket/}) as a regression test; {@code -Pfuzz} fuzzes
 * it for {@code maxDuration}, {@code src/fuzz.sh} for as long as asked.
 */
class NetworkStackFuzzTest {
    @FuzzTest(maxDuration = "18s")
    void onPacket(FuzzedDataProvider data) {
        StackFuzzer.Result r = StackFuzzer.run(data);
        // Each violation fails inside the run; this guards the driver itself: no step goes unchecked.
        assertEquals(r.steps() + 1, r.checks(), "RFC 9293 invariants checked after every step and at the end");
    }
}
