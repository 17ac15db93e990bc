package io.jtcp.tun.cli;

import io.jtcp.stack.fault.FaultSpec;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Loss by jtcp's own fault injector on what jtcp sends. The injector drops by a seeded random
 * sequence, one draw per packet; the demo computes that sequence and lines its steps up with it
 * (pings to jtcp fill the gaps: each echo reply takes one draw), so the same losses fall on the
 * same segments in every run: the third segment of the first flight (dup ACKs with SACK, fast
 * retransmit), then a lone tail segment three times running (tail loss probe, RTO, RTO doubled).
 */
final class RetransmitScenario implements DemoScenario {
    static final double LOSS = 0.3;
    static final long SEED = 10389;
    /** The SYN-ACK and two segments pass, the third is lost, the recovery passes. */
    static final String FIRST_FLIGHT = "PPPD" + "P".repeat(14);
    /** A lone segment and its next two retransmissions are lost, the ones after pass. */
    static final String TAIL = "DDDDDDPPPP";

    static final int MSS_PAYLOAD = 1448;
    static final int FLIGHT = 14 * MSS_PAYLOAD;
    static final int TAIL_BYTES = 500;
    private int pings;

    @Override
    public String name() {
        return "retransmit";
    }

    @Override
    public String summary() {
        return "loss by --fault: dup ACKs with SACK and fast retransmit, then a tail loss: probe, RTO, RTO backoff";
    }

    @Override
    public FaultSpec outboundFaults() {
        return FaultSpec.parse(String.format(Locale.ROOT, "loss=%d%%,seed=%d", (int) (LOSS * 100), SEED));
    }

    /** Whether the injector drops the {@code i}-th packet jtcp sends (its draws, as FaultInjector makes them). */
    static String drops(long seed, double p, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(r.nextDouble() < p ? 'D' : 'P');
        }
        return sb.toString();
    }

    /** Pings jtcp until the next packet it sends is the first of {@code pattern} in the drop sequence. */
    private void alignTo(DemoLab lab, String pattern) throws InterruptedException {
        String seq = drops(SEED, LOSS, 20_000);
        for (int attempt = 0; attempt < 8; attempt++) {
            int now = (int) lab.trace.outboundPackets();
            int at = seq.indexOf(pattern, now);
            if (at < 0) {
                throw new CliFailure("the drop sequence has no " + pattern + " after packet " + now);
            }
            if (at == now) {
                return;
            }
            lab.sh("ping -q -n -c " + (at - now) + " -i 0.005 -W 0.2 " + DemoLab.JTCP + " > /dev/null");
            pings += at - now;
            for (int i = 0; i < 50 && lab.trace.outboundPackets() < at; i++) {
                Thread.sleep(10);
            }
        }
        throw new CliFailure("could not line up with the fault injector's drop sequence");
    }

    @Override
    public void run(DemoLab lab) throws Exception {
        lab.say(String.format(
                Locale.ROOT,
                "jtcp runs with --fault loss=%d%%,seed=%d on what it sends. The injector drops by a seeded random"
                        + " sequence;",
                (int) (LOSS * 100),
                SEED));
        lab.say("this demo knows it and lines its steps up with it (pings to jtcp fill the gaps), so the losses hit the"
                + " same segments each run.");
        var accepted = lab.listen(7010);
        alignTo(lab, FIRST_FLIGHT);
        byte[] data = new byte[FLIGHT + TAIL_BYTES];
        new Random(7).nextBytes(data);
        lab.say("$ python3 connects to jtcp:7010 and reads; jtcp sends " + FLIGHT + " bytes (14 segments), then,"
                + " once all is acked, " + TAIL_BYTES + " more, then closes");
        try (DemoPeer p = lab.python(
                """
                import hashlib
                s = socket.create_connection(("10.7.0.2", 7010))
                h, n = hashlib.sha256(), 0
                while True:
                    b = s.recv(65536)
                    if not b:
                        break
                    h.update(b)
                    n += len(b)
                    say("have", n)
                say("done", n, h.hexdigest())
                s.close()
                """)) {
            DemoConn d = DemoLab.take(accepted, "the kernel's connection");
            d.send(java.util.Arrays.copyOf(data, FLIGHT));
            awaitHave(p, FLIGHT);
            DemoLab.pause(100); // the last ACK in, nothing in flight
            alignTo(lab, TAIL);
            d.send(java.util.Arrays.copyOfRange(data, FLIGHT, data.length));
            awaitHave(p, data.length);
            d.close();
            String done = p.expect("done", 10_000);
            lab.check(
                    done.equals("done " + data.length + " " + DemoCommand.hex(DemoCommand.sha256(data))),
                    "the kernel received every byte, SHA-256 equal");
            lab.say("python3: " + done.substring(0, Math.min(done.length(), 30))
                    + "... (SHA-256 matches what jtcp sent)");
            DemoConn.await(d.closed, 5000, "the close");
        }
        lab.say(pings + " pings filled gaps in the drop sequence");
        lab.awaitAllClosed(2 * lab.mslNs / 1_000_000 + 5000);
        lab.show(7010, "jtcp sends, --fault drops: fast retransmit with SACK, then tail loss and RTO backoff");
    }

    private static void awaitHave(DemoPeer p, int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (true) {
            String l = p.expect("have", Math.max(1, deadline - System.currentTimeMillis()));
            if (Integer.parseInt(l.substring(5).strip()) >= n) {
                return;
            }
        }
    }

    @Override
    public List<String> lookAt(DemoLab lab) {
        return List.of(
                "The pcap holds what jtcp sent, so lost segments show as sent; the copies that got through are [retransmission]s.",
                "First flight: the kernel's dup ACKs carry SACK blocks for what arrived past the hole; once they show three",
                "segments beyond it, jtcp resends the hole without waiting for a timer (fast retransmit, RFC 5681 3.2; RFC 6675).",
                "Tail: nothing follows to make dup ACKs, so a tail loss probe (RFC 8985 7), then the RTO; lost again, the RTO doubles:",
                "the gap rows 0.2, 0.4, 0.8 s, each counted from the probe jtcp sends before it (RFC 6298 5.5).");
    }
}
