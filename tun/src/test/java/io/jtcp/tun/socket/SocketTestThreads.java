package io.jtcp.tun.socket;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Virtual threads when the JVM has them (21+; the build targets 17), platform threads otherwise, so
 * the same tests exercise both: run them with a newer JDK to get virtual threads.
 */
public final class SocketTestThreads {
    private SocketTestThreads() {}

    static final boolean VIRTUAL = virtualFactory() != null;

    private static Method virtualFactory() {
        try {
            return Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /** One new thread per task: virtual when available. */
    public static ExecutorService perTask() {
        Method m = virtualFactory();
        if (m != null) {
            try {
                return (ExecutorService) m.invoke(null);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-socket-user");
            t.setDaemon(true);
            return t;
        });
    }
}
