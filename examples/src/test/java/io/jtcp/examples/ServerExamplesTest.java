package io.jtcp.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jtcp.stack.StackConfig;
import io.jtcp.tun.JtcpHost;
import io.jtcp.tun.TunConfig;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The callback-API server examples in a namespace, answering the kernel's {@code nc}. */
@Tag("tun")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServerExamplesTest {
    @Test
    void upperEchoServerAnswersInUpperCase() throws Exception {
        Netns.requireTun();
        try (Netns ns = new Netns("upper");
                JtcpHost host = JtcpHost.start(new TunConfig().netns(ns.name), new StackConfig())) {
            host.run(() -> UpperEchoServer.listen(host.stack(), UpperEchoServer.PORT));
            String out = ns.exec(
                    15, "sh", "-c", "printf 'hello\\nWorld 42\\n' | nc -N -w 5 10.7.0.2 " + UpperEchoServer.PORT);
            assertEquals("HELLO\nWORLD 42\n", out);
        }
    }

    @Test
    void lineProtocolServerKeepsItsStoreAcrossConnections() throws Exception {
        Netns.requireTun();
        try (Netns ns = new Netns("lines");
                JtcpHost host = JtcpHost.start(new TunConfig().netns(ns.name), new StackConfig())) {
            host.run(() -> LineProtocolServer.listen(host.stack(), LineProtocolServer.PORT));
            String nc = "nc -w 5 10.7.0.2 " + LineProtocolServer.PORT;
            assertEquals(
                    "OK\nVALUE one two\nNONE\nCOUNT 1\nERR unknown command\nBYE\n",
                    ns.exec(
                            15,
                            "sh",
                            "-c",
                            "printf 'SET a one two\\r\\nGET a\\nGET b\\nCOUNT\\nBOGUS\\nQUIT\\n' | " + nc));
            // A second connection sees the first one's key; the server closes after QUIT.
            assertEquals("VALUE one two\nBYE\n", ns.exec(15, "sh", "-c", "printf 'GET a\\nQUIT\\n' | " + nc));
            // An overlong line is refused and the connection closed.
            String longLine = "x".repeat(LineProtocolServer.MAX_LINE + 10);
            assertEquals("ERR line too long\n", ns.exec(15, "sh", "-c", "printf 'SET k " + longLine + "\\n' | " + nc));
        }
    }
}
