package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import org.junit.jupiter.api.Test;

/** Issue #13 (start-up): the library path JNA would otherwise ask {@code ldconfig -p} for. */
class JnaPathsTest {
    @Test
    void shouldNameTheDebianMultiArchDirectoryOfEachArchitecture() {
        assertEquals("x86_64-linux-gnu", JnaPaths.multiArchTriple("amd64"));
        assertEquals("aarch64-linux-gnu", JnaPaths.multiArchTriple("aarch64"));
        assertEquals("i386-linux-gnu", JnaPaths.multiArchTriple("x86"));
    }

    @Test
    void shouldHaveSetOnlyExistingDirectoriesIncludingTheOneHoldingLibc() {
        // LibC's class initialisation calls JnaPaths.init() before JNA loads anything.
        LibC.errno();
        String path = System.getProperty("jna.platform.library.path");
        assertTrue(path != null && !path.isEmpty(), "set: " + path);
        boolean libc = false;
        for (String dir : path.split(File.pathSeparator)) {
            assertTrue(new File(dir).isDirectory(), dir);
            libc |= new File(dir, "libc.so.6").exists();
        }
        assertTrue(libc, "libc.so.6 in one of " + path);
    }
}
