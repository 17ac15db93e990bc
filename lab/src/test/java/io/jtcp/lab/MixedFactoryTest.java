package io.jtcp.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MixedFactoryTest {
    @Test
    void flowIShouldGetTheIthAlgorithmRoundRobin() {
        var f = LabRunner.BUILT_IN.apply("cubic+newreno+bbr");
        assertEquals("cubic+newreno+bbr", f.name());
        String[] names = new String[5];
        for (int i = 0; i < names.length; i++) {
            names[i] = f.create().name();
        }
        assertEquals("cubic,newreno,bbr,cubic,newreno", String.join(",", names));
        assertEquals("cubic", LabRunner.BUILT_IN.apply("cubic").create().name(), "a single name as before");
        assertThrows(IllegalArgumentException.class, () -> LabRunner.BUILT_IN.apply("cubic++newreno"));
        assertThrows(IllegalArgumentException.class, () -> LabRunner.BUILT_IN.apply("cubic+nosuch"));
    }
}
