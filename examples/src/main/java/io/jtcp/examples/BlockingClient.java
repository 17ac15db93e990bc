package io.jtcp.examples;

import io.jtcp.tun.JtcpHost;
import io.jtcp.tun.socket.JtcpSockets;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A blocking client with the java.net-style socket API: a plain {@link Socket} (jtcp's, through
 * {@link JtcpSockets#socket()}) connects with a timeout to a server the kernel runs, sends an HTTP/1.0
 * request, half-closes and reads the answer to end of stream, then prints it. The socket calls
 * block the calling thread only; jtcp's event loop does the TCP work. It runs on a virtual thread
 * where the JVM has them (Java 21+, found by reflection: jtcp builds for 17), else on a platform
 * thread.
 *
 * <p>Run: {@code src/examples.sh BlockingClient [host [port [path]]]} (default {@code 10.7.0.1
 * 8000 /}: the script starts {@code python3 -m http.server} there).
 */
public final class BlockingClient {
    private BlockingClient() {}

    /** GET {@code path} from {@code host:port} over {@code sockets}; returns the whole response. */
    public static String fetch(JtcpSockets sockets, String host, int port, String path) throws Exception {
        try (Socket s = sockets.socket()) {
            s.connect(new InetSocketAddress(host, port), 5_000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            byte[] buf = new byte[16 * 1024];
            for (int n; (n = in.read(buf)) >= 0; ) {
                response.write(buf, 0, n);
            }
            return response.toString(StandardCharsets.UTF_8);
        }
    }

    /** Starts {@code task} on a virtual thread if this JVM has them, else on a platform thread. */
    static Thread startThread(Runnable task) {
        try {
            Method virtual = Thread.class.getMethod("startVirtualThread", Runnable.class);
            return (Thread) virtual.invoke(null, task);
        } catch (ReflectiveOperationException e) {
            Thread t = new Thread(task, "blocking-client");
            t.start();
            return t;
        }
    }

    public static void main(String[] args) throws Exception {
        String host = args.length > 0 ? args[0] : Examples.KERNEL;
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 8000;
        String path = args.length > 2 ? args[2] : "/";
        try (JtcpHost jtcp = Examples.startHost()) {
            JtcpSockets sockets = JtcpSockets.of(jtcp);
            AtomicReference<Object> result = new AtomicReference<>();
            Thread t = startThread(() -> {
                try {
                    result.set(fetch(sockets, host, port, path));
                } catch (Exception e) {
                    result.set(e);
                }
            });
            t.join();
            System.err.println("(fetched on a " + (t.toString().startsWith("VirtualThread") ? "virtual" : "platform")
                    + " thread)");
            if (result.get() instanceof Exception) {
                throw (Exception) result.get();
            }
            System.out.print(result.get());
        }
    }
}
