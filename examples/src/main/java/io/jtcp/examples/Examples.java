package io.jtcp.examples;

import io.jtcp.stack.StackConfig;
import io.jtcp.tun.JtcpHost;
import io.jtcp.tun.TunConfig;

/**
 * What every TUN example shares: a jtcp host on a TUN device with jtcp's defaults (jtcp is {@code
 * 10.7.0.2/24}, the kernel's side of the link {@code 10.7.0.1}), inside the network namespace the
 * system property {@code jtcp.netns} names ({@code src/examples.sh} makes one), else in the
 * current one. Needs root (or CAP_NET_ADMIN) for the TUN device.
 */
public final class Examples {
    /** The kernel's side of the TUN link, where the client examples find their servers. */
    public static final String KERNEL = "10.7.0.1";
    /** jtcp's own address, where the server examples listen. */
    public static final String JTCP = "10.7.0.2";

    private Examples() {}

    /** Starts a host: close it to stop the event loop and remove the device. */
    public static JtcpHost startHost() {
        TunConfig tun = new TunConfig();
        String netns = System.getProperty("jtcp.netns");
        if (netns != null && !netns.isEmpty()) {
            tun.netns(netns);
        }
        return JtcpHost.start(tun, new StackConfig());
    }

    /** Blocks until the JVM is stopped (Ctrl-C), closing {@code host} on the way out. */
    static void serveForever(JtcpHost host) throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(host::close, "jtcp-example-shutdown"));
        new java.util.concurrent.CountDownLatch(1).await();
    }
}
