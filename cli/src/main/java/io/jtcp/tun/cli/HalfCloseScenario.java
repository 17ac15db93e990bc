package io.jtcp.tun.cli;

import java.util.List;

/** The kernel shuts down its sending side; jtcp, in CLOSE_WAIT, goes on sending for a while. */
final class HalfCloseScenario implements DemoScenario {
    @Override
    public String name() {
        return "half-close";
    }

    @Override
    public String summary() {
        return "the kernel sends a request and shutdown(SHUT_WR); jtcp keeps sending after that FIN";
    }

    @Override
    public void run(DemoLab lab) throws Exception {
        var accepted = lab.listen(7004);
        lab.say("$ python3: send 'count to 3', shutdown(SHUT_WR), read until EOF; jtcp answers one line every 150 ms");
        try (DemoPeer p = lab.python(
                """
                s = socket.create_connection(("10.7.0.2", 7004))
                s.sendall(b"count to 3\\n")
                s.shutdown(socket.SHUT_WR)
                say("shut")
                got = b""
                while True:
                    b = s.recv(1000)
                    if not b:
                        break
                    got += b
                say("got", len(got), got.decode().replace("\\n", " "))
                s.close()
                """)) {
            DemoConn d = DemoLab.take(accepted, "the kernel's connection");
            DemoConn.await(d.peerClosed, 5000, "the kernel's FIN");
            lab.check(d.text().equals("count to 3\n"), "jtcp read the request before the FIN");
            for (int i = 1; i <= 3; i++) {
                DemoLab.pause(150);
                d.send("line " + i + " after your FIN\n");
            }
            DemoLab.pause(150);
            d.close();
            String got = p.expect("got", 5000);
            lab.say("python3: " + got);
            lab.check(got.startsWith("got 66 "), "the kernel received all three lines after its FIN");
            DemoConn.await(d.closed, 5000, "the close");
        }
        lab.show(7004, "the kernel half-closes; data still flows from jtcp (CLOSE_WAIT) to the kernel (FIN_WAIT_2)");
    }

    @Override
    public List<String> lookAt(DemoLab lab) {
        return List.of(
                "After the kernel's FIN jtcp is in CLOSE_WAIT, yet its three data segments still go out and are acked:",
                "a FIN closes one direction only (the kernel sits in FIN_WAIT_2, still receiving). RFC 9293 3.6.1",
                "(half-close) and 3.10.4 (CLOSE in CLOSE_WAIT); shutdown(SHUT_WR) is how an application asks for it.");
    }
}
