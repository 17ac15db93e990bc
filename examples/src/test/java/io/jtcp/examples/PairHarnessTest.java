package io.jtcp.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The research harness used from outside jtcp-stack: in memory, no device, repeatable. */
class PairHarnessTest {
    @Test
    void aLossyTransferArrivesIntactAndRepeatsExactly() throws Exception {
        String out = Netns.stdoutOf(() -> PairHarness.main(new String[] {"1", "3"}));
        assertTrue(out.startsWith("done: 1048576 bytes in "), out);
        assertTrue(out.strip().endsWith("sha256 matches"), out);
        assertTrue(!out.contains(" 0 of "), "the link lost packets: " + out);
        // Virtual time and seeded loss: the same run prints the same line.
        assertEquals(out.strip(), PairHarness.run(1, 3));
    }
}
