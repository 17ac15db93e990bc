package io.jtcp.tun;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs code inside a named network namespace ({@code ip netns add NAME}) without touching the
 * caller's thread: a fresh thread {@code setns()}s into {@code /var/run/netns/NAME}, runs the code
 * and ends. File descriptors opened there (a TUN device, a socket) stay bound to that namespace and
 * work from any thread afterwards, which is what lets one JVM open devices in several namespaces.
 */
public final class Netns {
    public static final String NETNS_DIR = "/var/run/netns/";

    private Netns() {}

    public static <T> T call(String name, Supplier<T> body) {
        if (name.isEmpty() || name.contains("/") || name.startsWith(".")) {
            throw new TunException("invalid network namespace name '" + name + "'");
        }
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(
                () -> {
                    try {
                        enter(name);
                        result.set(body.get());
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                },
                "jtcp-netns-" + name);
        thread.start();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TunException("interrupted while entering network namespace " + name);
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException) {
            throw (RuntimeException) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        return result.get();
    }

    /** Moves the calling thread (only) into the namespace; the thread must not be reused afterwards. */
    private static void enter(String name) {
        String path = NETNS_DIR + name;
        int fd = LibC.open(path, LibC.O_RDONLY | LibC.O_CLOEXEC);
        if (fd < 0) {
            int errno = LibC.errno();
            if (errno == LibC.ENOENT) {
                throw new TunException(
                        "no network namespace '" + name + "' (create it with: ip netns add " + name + ")");
            }
            throw new TunException("cannot open " + path + ": " + LibC.describe(errno));
        }
        try {
            if (LibC.setns(fd, LibC.CLONE_NEWNET) < 0) {
                int errno = LibC.errno();
                throw new TunException("cannot enter network namespace '" + name + "': " + LibC.describe(errno)
                        + (errno == LibC.EPERM ? " (run as root or grant CAP_SYS_ADMIN)" : ""));
            }
        } finally {
            LibC.close(fd);
        }
    }
}
