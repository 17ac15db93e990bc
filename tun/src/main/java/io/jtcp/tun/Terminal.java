package io.jtcp.tun;

/** Whether output goes to a terminal (for progress bars that only make sense on one). */
public final class Terminal {
    private Terminal() {}

    /** isatty(2): stderr is a terminal. False when JNA cannot tell. */
    public static boolean stderrIsTerminal() {
        try {
            return LibC.isatty(2) == 1;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return false;
        }
    }
}
