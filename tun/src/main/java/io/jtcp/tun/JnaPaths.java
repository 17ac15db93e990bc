package io.jtcp.tun;

import java.io.File;
import java.util.Locale;

/**
 * Spares every start of jtcp JNA's {@code /sbin/ldconfig -p}. JNA's {@code NativeLibrary}, the
 * first time it is loaded, runs that program to learn the library directories unless the system
 * property {@code jna.platform.library.path} is already set; the fork, exec and parse cost tens of
 * milliseconds of a {@code jtcp get} that takes a few hundred. This sets the property to the
 * directories JNA itself puts first (the multi-arch ones, then the plain ones) that exist, which
 * is where Debian keeps libc and libpcap; a value the user set is left alone.
 */
public final class JnaPaths {
    private static final String PROPERTY = "jna.platform.library.path";

    private JnaPaths() {}

    /** Sets the search path before JNA would ask {@code ldconfig}; call before any library is loaded. */
    public static void init() {
        if (System.getProperty(PROPERTY) != null
                || !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            return;
        }
        final String multiArch = multiArchTriple(System.getProperty("os.arch", ""));
        final String bits = "64".equals(System.getProperty("sun.arch.data.model")) ? "64" : "32";
        final String[] candidates = {
            "/usr/lib/" + multiArch,
            "/lib/" + multiArch,
            "/usr/lib" + bits,
            "/lib" + bits,
            "/usr/lib",
            "/lib",
            "/usr/local/lib",
        };
        final StringBuilder path = new StringBuilder();
        for (String dir : candidates) {
            if (new File(dir).isDirectory()) {
                if (path.length() > 0) {
                    path.append(File.pathSeparatorChar);
                }
                path.append(dir);
            }
        }
        if (path.length() > 0) {
            System.setProperty(PROPERTY, path.toString());
        }
    }

    /** The Debian multi-arch triple JNA derives from the architecture (its getMultiArchPath). */
    static String multiArchTriple(String osArch) {
        switch (osArch) {
            case "amd64":
            case "x86_64":
                return "x86_64-linux-gnu";
            case "x86":
            case "i386":
            case "i686":
                return "i386-linux-gnu";
            case "aarch64":
                return "aarch64-linux-gnu";
            case "arm":
                return "arm-linux-gnueabi";
            default:
                return osArch + "-linux-gnu";
        }
    }
}
