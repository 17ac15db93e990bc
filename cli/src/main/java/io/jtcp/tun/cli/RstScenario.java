package io.jtcp.tun.cli;

import java.util.List;

/**
 * The RST cases: a SYN to a closed port, an abort by each side (jtcp's ABORT call; the kernel's
 * close with SO_LINGER 0), and a segment for a connection that does not exist.
 */
final class RstScenario implements DemoScenario {
    @Override
    public String name() {
        return "rst";
    }

    @Override
    public String summary() {
        return "resets: a closed port, jtcp aborts, the kernel aborts (SO_LINGER 0), a segment for no connection";
    }

    @Override
    public boolean absolute() {
        return true; // RST's seq is the offending segment's ack: easier to see in raw numbers
    }

    @Override
    public void run(DemoLab lab) throws Exception {
        lab.say("$ python3: connect to 10.7.0.2:81, where nothing listens");
        try (DemoPeer p = lab.python(
                """
                try:
                    socket.create_connection(("10.7.0.2", 81), timeout=5)
                    say("connected?!")
                except ConnectionRefusedError as e:
                    say("refused:", e)
                """)) {
            lab.say("python3: " + p.expect("", 5000));
        }
        var aborted = lab.listen(7006);
        lab.say("$ python3 connects to jtcp:7006 and sends; jtcp's application aborts (RFC 9293 ABORT)");
        try (DemoPeer p = lab.python(
                """
                s = socket.create_connection(("10.7.0.2", 7006))
                s.sendall(b"hello\\n")
                try:
                    say("read:", s.recv(100))
                except ConnectionResetError as e:
                    say("reset:", e)
                """)) {
            DemoConn d = DemoLab.take(aborted, "the kernel's connection");
            DemoLab.pause(100);
            d.abort();
            lab.say("python3: " + p.expect("", 5000));
        }
        var lingered = lab.listen(7007);
        lab.say("$ python3 connects to jtcp:7007, sends, then close() with SO_LINGER {on, 0 s}: the kernel aborts");
        try (DemoPeer p = lab.python(
                """
                s = socket.create_connection(("10.7.0.2", 7007))
                s.sendall(b"hello\\n")
                time.sleep(0.1)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                s.close()
                say("closed with linger 0")
                """)) {
            DemoConn d = DemoLab.take(lingered, "the kernel's connection");
            p.expect("closed", 5000);
            DemoConn.await(d.closed, 5000, "the kernel's RST");
            lab.say("jtcp's application was told: " + d.reason());
        }
        lab.say("$ python3 (raw socket): an ACK from 10.7.0.1:4444 to 10.7.0.2:7, a connection that does not exist");
        try (DemoPeer p = lab.python(
                """
                def csum(b):
                    if len(b) % 2:
                        b += b"\\0"
                    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
                    s = (s >> 16) + (s & 0xffff)
                    s += s >> 16
                    return ~s & 0xffff
                src, dst = socket.inet_aton("10.7.0.1"), socket.inet_aton("10.7.0.2")
                h = struct.pack("!HHIIBBHHH", 4444, 7, 1000, 123456, 5 << 4, 0x10, 65535, 0, 0)
                c = csum(src + dst + struct.pack("!BBH", 0, 6, len(h)) + h)
                h = h[:16] + struct.pack("!H", c) + h[18:]
                r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
                r.sendto(h, ("10.7.0.2", 0))
                say("sent")
                time.sleep(0.2)
                """)) {
            p.expect("sent", 5000);
            p.finish(5000);
        }
        lab.awaitAllClosed(2000);
        lab.show(81, "a SYN to a closed port: RST+ACK (RFC 9293 3.10.7.1)");
        lab.show(7006, "jtcp's application aborts: jtcp sends RST and is CLOSED at once (3.10.5)");
        lab.show(7007, "the kernel aborts (SO_LINGER 0): its RST takes jtcp from ESTABLISHED to CLOSED (3.10.7.4)");
        lab.show(4444, "an ACK for no connection: RST with seq = that ACK's ack number (3.10.7.1)");
    }

    @Override
    public List<String> lookAt(DemoLab lab) {
        return List.of(
                "A closed port answers a SYN with RST+ACK, ack = ISN+1 (RFC 9293 3.10.7.1, CLOSED); an ACK for no connection",
                "gets RST with seq = its ack, and no ACK bit (same section). An abort (3.10.5 ABORT, SO_LINGER 0) sends RST",
                "instead of FIN: no FIN_WAIT, no TIME_WAIT, data in flight is lost; the receiver checks it is in window (3.10.7.4).");
    }
}
