package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class IsnSecretTest {
    @Test
    void shouldDrawSixteenFreshBytesEachTime() {
        byte[] a = IsnSecret.fresh();
        byte[] b = IsnSecret.fresh();
        assertEquals(IsnSecret.BYTES, a.length);
        // Two equal 128-bit draws, or an all-zero one, would mean the source is not random.
        assertFalse(Arrays.equals(a, b));
        assertFalse(Arrays.equals(new byte[IsnSecret.BYTES], a));
    }
}
