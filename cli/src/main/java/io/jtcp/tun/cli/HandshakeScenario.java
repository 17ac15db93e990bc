package io.jtcp.tun.cli;

import java.util.List;

/** Two three-way handshakes, one each way, with raw sequence numbers: two different ISNs per side. */
final class HandshakeScenario implements DemoScenario {
    @Override
    public String name() {
        return "handshake";
    }

    @Override
    public String summary() {
        return "two 3-way handshakes (kernel -> jtcp, jtcp -> kernel) with raw ISNs: why they differ";
    }

    @Override
    public boolean absolute() {
        return true;
    }

    @Override
    public void run(DemoLab lab) throws Exception {
        var accepted = lab.listen(7001);
        lab.say("$ python3: socket.create_connection(('10.7.0.2', 7001)), send 'hi', close   (kernel opens)");
        try (DemoPeer client = lab.python(
                """
                s = socket.create_connection(("10.7.0.2", 7001))
                s.sendall(b"hi\\n")
                say("sent")
                wait()
                s.close()
                say("closed")
                """)) {
            client.expect("sent", 5000);
            DemoConn d = DemoLab.take(accepted, "the kernel's connection");
            client.tell("close");
            DemoConn.await(d.peerClosed, 5000, "the kernel's FIN");
            d.close();
            client.expect("closed", 5000);
        }
        lab.say("$ jtcp connects to python3's socket on 10.7.0.1:8001, sends 'hi', the kernel closes   (jtcp opens)");
        try (DemoPeer server = lab.python(
                """
                srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                srv.bind(("10.7.0.1", 8001)); srv.listen(1)
                say("listening")
                c, _ = srv.accept()
                c.recv(100)
                c.close()
                say("closed")
                """)) {
            server.expect("listening", 5000);
            DemoConn d = lab.connect(8001);
            d.send("hi\n");
            server.expect("closed", 5000);
            DemoConn.await(d.peerClosed, 5000, "the kernel's FIN");
            d.close();
            DemoConn.await(d.closed, 5000, "jtcp's connection to close");
        }
        lab.awaitAllClosed(5000);
        lab.show(7001, "the kernel opens to jtcp's port 7001 (kernel SYN, jtcp SYN-ACK)");
        lab.show(8001, "jtcp opens to the kernel's port 8001 (jtcp SYN, kernel SYN-ACK)");
    }

    @Override
    public List<String> lookAt(DemoLab lab) {
        return List.of(
                "Each SYN carries its sender's ISN (the notes under each title); the SYN-ACK acks ISN+1, since the SYN",
                "counts as one byte. The four ISNs differ: RFC 9293 3.4.1 / RFC 6528 make them a clock plus a keyed hash",
                "of the 4-tuple, so an old segment cannot fit a new connection and an off-path attacker cannot guess them.");
    }
}
