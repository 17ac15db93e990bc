package io.jtcp.stack.fuzz;

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
        StackFuzzer.run(data);
    }
}
