package io.jtcp.tun.cli;

import java.util.List;

/**
 * The four-way teardown both ways: jtcp closes first (FIN_WAIT_1, FIN_WAIT_2 held visibly until
 * the kernel closes, TIME_WAIT for 2·MSL), then the kernel closes first (CLOSE_WAIT held for half a
 * second before jtcp's application closes, LAST_ACK).
 */
final class TeardownScenario implements DemoScenario {
    /** The pauses that make FIN_WAIT_2 and CLOSE_WAIT visible. */
    static final long PAUSE_MS = 500;

    /**
     * Below 2·MSL: an orphaned FIN_WAIT_2 (the application closed) ends after 2·MSL, as Linux's
     * tcp_fin_timeout, and a longer pause would show that timer instead of the kernel's FIN.
     */
    private static long pauseMs(DemoLab lab) {
        return Math.min(PAUSE_MS, lab.mslNs / 1_000_000);
    }

    @Override
    public String name() {
        return "teardown";
    }

    @Override
    public String summary() {
        return "the 4-way close: jtcp closes first (FIN_WAIT_1/2, TIME_WAIT), then the kernel (CLOSE_WAIT, LAST_ACK)";
    }

    @Override
    public void run(DemoLab lab) throws Exception {
        var first = lab.listen(7002);
        long pause = pauseMs(lab);
        lab.say("$ python3 connects to jtcp:7002 and reads; jtcp sends 'bye' and closes; the kernel closes " + pause
                + " ms later");
        try (DemoPeer p = lab.python(
                """
                s = socket.create_connection(("10.7.0.2", 7002))
                while s.recv(100):
                    pass
                say("eof")
                wait()
                s.close()
                say("closed")
                """)) {
            DemoConn d = DemoLab.take(first, "the kernel's connection");
            DemoConn.await(d.connected, 5000, "the handshake");
            d.send("bye\n");
            d.close();
            p.expect("eof", 5000);
            DemoLab.pause(pause); // jtcp sits in FIN_WAIT_2: its FIN is acked, the kernel's is not sent yet
            p.tell("close");
            p.expect("closed", 5000);
        }
        var second = lab.listen(7003);
        lab.say("$ python3 connects to jtcp:7003, sends 'hello' and closes; jtcp's application closes " + pause
                + " ms after the FIN");
        try (DemoPeer p = lab.python(
                """
                s = socket.create_connection(("10.7.0.2", 7003))
                s.sendall(b"hello\\n")
                s.close()
                say("closed")
                """)) {
            DemoConn d = DemoLab.take(second, "the kernel's connection");
            p.expect("closed", 5000);
            DemoConn.await(d.peerClosed, 5000, "the kernel's FIN");
            DemoLab.pause(pause); // CLOSE_WAIT: the peer is done, our application is not yet
            d.close();
            DemoConn.await(d.closed, 5000, "LAST_ACK to end");
        }
        lab.say("waiting for jtcp's TIME_WAIT (2*MSL = " + lab.mslNs * 2 / 1e9 + " s) to end");
        lab.check(lab.awaitAllClosed(2 * lab.mslNs / 1_000_000 + 5000), "TIME_WAIT ended");
        lab.show(7002, "jtcp closes first: FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT -> (2*MSL) CLOSED");
        lab.show(7003, "the kernel closes first: jtcp CLOSE_WAIT (its application still busy) -> LAST_ACK -> CLOSED");
    }

    @Override
    public List<String> lookAt(DemoLab lab) {
        return List.of(
                "Whoever closes first (active close) passes FIN_WAIT_1, FIN_WAIT_2 and waits in TIME_WAIT; the other",
                "(passive close) sits in CLOSE_WAIT until its application closes too, then LAST_ACK until its FIN is acked.",
                "Each FIN takes one sequence number and is acked on its own. RFC 9293 3.6 and Figure 5; 3.10.7.4. (An orphaned",
                "FIN_WAIT_2, its application gone, ends after 2*MSL here, as Linux's tcp_fin_timeout: the pause stays below.)");
    }
}
