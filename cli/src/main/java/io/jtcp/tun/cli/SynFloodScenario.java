package io.jtcp.tun.cli;

import io.jtcp.stack.StackConfig;
import io.jtcp.stack.StackCounters;
import java.util.List;

/**
 * A SYN flood from spoofed addresses fills a listener's SYN queue (8 entries here); a real client
 * then still connects, through a SYN cookie: jtcp answers its SYN without keeping any state and
 * builds the connection from the cookie in the ACK.
 */
final class SynFloodScenario implements DemoScenario {
    static final int BACKLOG = 8;
    static final int FLOOD = 24;

    @Override
    public String name() {
        return "syn-flood";
    }

    @Override
    public String summary() {
        return "spoofed SYNs fill jtcp's SYN queue; a real client still gets in through a SYN cookie";
    }

    @Override
    public void configure(StackConfig config) {
        config.synBacklog(BACKLOG);
    }

    @Override
    public void run(DemoLab lab) throws Exception {
        var accepted = lab.listen(7012);
        lab.say("$ python3 (raw socket): " + FLOOD + " SYNs to jtcp:7012 from spoofed 10.7.1.1-" + FLOOD
                + ", which never answer; jtcp's SYN queue holds " + BACKLOG);
        try (DemoPeer p = lab.python(
                """
                def csum(b):
                    if len(b) % 2:
                        b += b"\\0"
                    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
                    s = (s >> 16) + (s & 0xffff)
                    s += s >> 16
                    return ~s & 0xffff
                r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
                dst = socket.inet_aton("10.7.0.2")
                for i in range(1, int(sys.argv[1]) + 1):
                    src = socket.inet_aton("10.7.1.%d" % i)
                    opt = struct.pack("!BBH", 2, 4, 1460)
                    t = struct.pack("!HHIIBBHHH", 1000 + i, 7012, 1000000 * i, 0, 6 << 4, 0x02, 64240, 0, 0) + opt
                    t = t[:16] + struct.pack("!H", csum(src + dst + struct.pack("!BBH", 0, 6, len(t)) + t)) + t[18:]
                    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(t), i, 0, 64, 6, 0, src, dst)
                    r.sendto(ip + t, ("10.7.0.2", 0))
                say("flooded")
                """,
                Integer.toString(FLOOD))) {
            p.expect("flooded", 5000);
            p.finish(5000);
        }
        DemoLab.pause(100);
        int halfOpen = lab.host.call(() -> lab.host.stack().halfOpenCount());
        lab.say("jtcp now holds " + halfOpen + " half-open connections (SYN_RECEIVED); the other SYNs got cookies");
        lab.say("$ python3: a real client connects to jtcp:7012 and sends a line");
        int port;
        try (DemoPeer p = lab.python(
                """
                s = socket.create_connection(("10.7.0.2", 7012))
                say("port", s.getsockname()[1])
                s.sendall(b"hello through a cookie\\n")
                say("reply", s.recv(100).decode().strip())
                s.close()
                """)) {
            port = Integer.parseInt(p.expect("port", 5000).substring(5).strip());
            DemoConn d = DemoLab.take(accepted, "the real client's connection");
            for (int i = 0; i < 100 && d.text().isEmpty(); i++) {
                Thread.sleep(10);
            }
            d.send("welcome\n");
            lab.say("python3: " + p.expect("reply", 5000));
            DemoConn.await(d.peerClosed, 5000, "the client's FIN");
            d.close();
            DemoConn.await(d.closed, 5000, "the close");
        }
        long[] cookies = lab.host.call(() -> {
            StackCounters c = lab.host.stack().counters();
            return new long[] {c.tcpSynCookiesSent, c.tcpSynCookiesValid};
        });
        lab.say("jtcp counters: tcp.syncookies.sent=" + cookies[0] + " tcp.syncookies.valid=" + cookies[1]
                + (cookies[1] > 0 ? " (a connection completed through a SYN cookie)" : ""));
        lab.check(cookies[1] >= 1, "a connection completed through a SYN cookie");
        lab.check(halfOpen == BACKLOG, "the SYN queue held " + BACKLOG + " (it held " + halfOpen + ")");
        lab.show(port, "the real client, accepted through a SYN cookie (no SYN_RECEIVED on jtcp's side)");
        lab.show(1001, "one of the flood's half-open connections (spoofed 10.7.1.1, never answers)");
    }

    @Override
    public List<String> lookAt(DemoLab lab) {
        return List.of(
                "The flood's SYNs each take a SYN queue entry (SYN_RECEIVED) until it is full; the real client's SYN then gets",
                "a cookie SYN-ACK: its ISN encodes the MSS and a keyed hash, and jtcp keeps no state. The client's ACK (ack-1 is",
                "the cookie) rebuilds it: jtcp goes from LISTEN straight to ESTABLISHED. RFC 4987 3.6; RFC 9293 3.10.7.2.");
    }
}
