package io.jtcp.tun.cli;

import java.util.List;
import java.util.Random;

/**
 * The kernel's receiver stops reading: its small buffer fills, it advertises a zero window, and
 * jtcp, with data left, sends persist probes (backing off) until the application reads again.
 */
final class ZeroWindowScenario implements DemoScenario {
    static final int BYTES = 200_000;
    static final long STALL_MS = 2000;

    @Override
    public String name() {
        return "zero-window";
    }

    @Override
    public String summary() {
        return "the kernel's application stops reading: zero window, jtcp's persist probes, the window reopens";
    }

    @Override
    public void run(DemoLab lab) throws Exception {
        lab.say("$ python3 listens on 10.7.0.1:8011 with SO_RCVBUF 4096 and does not read for " + STALL_MS
                + " ms; jtcp connects and sends " + BYTES + " bytes");
        byte[] data = new byte[BYTES];
        new Random(11).nextBytes(data);
        try (DemoPeer p = lab.python(
                """
                import hashlib
                srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                srv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                srv.bind(("10.7.0.1", 8011)); srv.listen(1)
                say("listening")
                c, _ = srv.accept()
                say("accepted")
                wait()
                h, n = hashlib.sha256(), 0
                while True:
                    b = c.recv(65536)
                    if not b:
                        break
                    h.update(b)
                    n += len(b)
                say("done", n, h.hexdigest())
                c.close()
                """)) {
            p.expect("listening", 5000);
            DemoConn d = lab.connect(8011);
            p.expect("accepted", 5000);
            d.send(data);
            d.close();
            DemoLab.pause(STALL_MS); // the window closes; jtcp probes it
            p.tell("read");
            String done = p.expect("done", 20_000);
            lab.check(
                    done.equals("done " + BYTES + " " + DemoCommand.hex(DemoCommand.sha256(data))),
                    "the kernel received every byte, SHA-256 equal");
            lab.say("python3 read " + BYTES + " bytes after the stall, SHA-256 matches");
            DemoConn.await(d.closed, 10_000, "the close");
        }
        lab.awaitAllClosed(2 * lab.mslNs / 1_000_000 + 5000);
        lab.show(8011, "the kernel's window closes; jtcp probes it until the application reads");
    }

    @Override
    public List<String> lookAt(DemoLab lab) {
        return List.of(
                "The kernel's ACKs shrink the window to win=0 ([zero window]); jtcp, with data left, sends one-byte",
                "[zero window probe]s, the gaps growing (the persist timer backs off like the RTO), until an ACK reopens the",
                "window. Without probes a lost window update would deadlock both sides. RFC 9293 3.8.6.1; RFC 1122 4.2.2.17.");
    }
}
