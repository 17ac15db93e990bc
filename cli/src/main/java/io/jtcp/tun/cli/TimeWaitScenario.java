package io.jtcp.tun.cli;

import io.jtcp.stack.tcp.TcpState;
import java.util.List;
import java.util.Locale;

/**
 * TIME_WAIT doing its job: jtcp closes first; its ACK of the kernel's FIN is dropped (by an
 * iptables rule in the namespace, removed after one drop), so the kernel retransmits its FIN, and
 * jtcp, in TIME_WAIT, acks it again and restarts 2·MSL. The wait is then shown to its end.
 */
final class TimeWaitScenario implements DemoScenario {
    private static final String RULE = "INPUT -i tun0 -s 10.7.0.2 -p tcp --sport 7009 --tcp-flags ALL ACK -j DROP";

    @Override
    public String name() {
        return "time-wait";
    }

    @Override
    public String summary() {
        return "TIME_WAIT: a retransmitted FIN re-acked, and the whole 2*MSL wait";
    }

    @Override
    public void run(DemoLab lab) throws Exception {
        var accepted = lab.listen(7009);
        double twoMsl = 2 * lab.mslNs / 1e9;
        lab.say(
                String.format(
                        Locale.ROOT,
                        "TIME_WAIT lasts 2*MSL. Classic texts quote MSL = 2 min, so 240 s (RFC 793); RFC 9293 3.4.2 still"
                                + " suggests MSL = 2 min; Linux waits a fixed 60 s; jtcp's default is MSL 30 s, 60 s like Linux."));
        lab.say(String.format(
                Locale.ROOT,
                "This demo uses --msl %.3f s, so 2*MSL = %.3f s%s.",
                lab.mslNs / 1e9,
                twoMsl,
                lab.mslNs < 30_000_000_000L
                        ? " (shortened so you need not wait; `jtcp demo time-wait --msl 30` waits jtcp's real 60 s)"
                        : ""));
        lab.say("$ python3 connects to jtcp:7009; jtcp sends 'bye' and closes; the kernel closes;"
                + " iptables drops jtcp's ACK of the kernel's FIN once");
        try (DemoPeer p = lab.python(
                """
                s = socket.create_connection(("10.7.0.2", 7009))
                while s.recv(100):
                    pass
                say("eof")
                wait()
                s.close()
                say("closed")
                """)) {
            DemoConn d = DemoLab.take(accepted, "the kernel's connection");
            DemoConn.await(d.connected, 5000, "the handshake");
            d.send("bye\n");
            d.close();
            p.expect("eof", 5000);
            DemoCommand.Proc add = lab.sh("iptables -w 5 -I " + RULE);
            lab.check(add.exitCode == 0, "iptables rule added: " + add.output.strip());
            try {
                p.tell("close");
                p.expect("closed", 5000);
                long deadline = System.currentTimeMillis() + 3000;
                boolean dropped = false;
                while (!dropped && System.currentTimeMillis() < deadline) {
                    DemoCommand.Proc l = lab.sh("iptables -w 5 -L INPUT -v -x -n | awk '/DROP/ {print $1}'");
                    dropped = !l.output.isBlank() && !l.output.strip().startsWith("0");
                    if (!dropped) {
                        Thread.sleep(10);
                    }
                }
                lab.check(dropped, "the ACK of the kernel's FIN was dropped once");
            } finally {
                lab.sh("iptables -w 5 -D " + RULE);
            }
        }
        long start = System.nanoTime();
        lab.say(String.format(
                Locale.ROOT, "waiting for jtcp's TIME_WAIT to end (2*MSL = %.3f s after the last FIN)", twoMsl));
        lab.check(lab.awaitAllClosed(2 * lab.mslNs / 1_000_000 + 5000), "TIME_WAIT ended");
        long entered = Math.max(
                lab.trace.firstTime(TcpState.FIN_WAIT_1, TcpState.TIME_WAIT),
                lab.trace.firstTime(TcpState.FIN_WAIT_2, TcpState.TIME_WAIT));
        long ended = lab.trace.firstTime(TcpState.TIME_WAIT, TcpState.CLOSED);
        lab.say(String.format(
                Locale.ROOT,
                "TIME_WAIT held %.3f s in all: 2*MSL counted again from the retransmitted FIN (waited %.3f s here)",
                (ended - entered) / 1e9,
                (System.nanoTime() - start) / 1e9));
        lab.show(
                7009, "TIME_WAIT: the kernel's FIN comes again (its ACK was lost); jtcp acks it again and waits 2*MSL");
    }

    @Override
    public List<String> lookAt(DemoLab lab) {
        return List.of(
                "The kernel's FIN arrives twice (the second marked [retransmission]): jtcp's first ACK never reached it. Only",
                "because jtcp was still in TIME_WAIT could it ack again (else: RST, and the kernel's close fails); it restarts",
                "2*MSL (RFC 9293 3.10.7.4). The last row is the 2*MSL timer ending it: no segment marks that. RFC 9293 3.4.2.",
                "The kernel's states are inferred from jtcp's capture, which cannot see that the first ACK was lost: the"
                        + " kernel really stayed in LAST_ACK until the second.");
    }
}
