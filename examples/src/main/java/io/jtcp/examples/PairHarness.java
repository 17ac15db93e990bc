package io.jtcp.examples;

import io.jtcp.stack.harness.BulkApp;
import io.jtcp.stack.harness.Pair;

/**
 * The research harness from outside: two jtcp stacks in one thread joined by a simulated link
 * ({@link Pair}: delay, loss, a bottleneck with a drop-tail queue), in virtual time, with no
 * device, no root and no wall clock, so a run is exactly repeatable from its seed. It ships in
 * {@code jtcp-stack}'s test jar ({@code <type>test-jar</type>}).
 *
 * <p>Here: 1 MiB from B to A over 20 ms of one-way delay, a 10 Mbit/s bottleneck and 1 % loss;
 * prints the virtual time it took, the goodput, the retransmissions and whether the SHA-256 of what
 * arrived matches what was sent.
 *
 * <p>Run: {@code src/examples.sh PairHarness [lossPercent [seed]]}.
 */
public final class PairHarness {
    private PairHarness() {}

    /** One transfer; returns the report line. */
    public static String run(double lossPercent, long seed) {
        Pair.Link link = new Pair.Link()
                .delay(20 * Pair.MS)
                .bottleneck(10_000_000L, 100)
                .loss(lossPercent / 100)
                .seed(seed);
        Pair pair = new Pair(link);
        int bytes = 1 << 20;
        BulkApp sender = new BulkApp(bytes, seed);
        BulkApp receiver = new BulkApp(0, seed + 1).expectFrom(sender);
        pair.a.listen(5001, connection -> receiver);
        var connection = pair.b.connect(pair.now(), Pair.A_ADDR, 5001, sender);
        long start = pair.now();
        boolean done = pair.runUntil(receiver::eof, 600_000 * Pair.MS, 50_000_000);
        double seconds = (pair.now() - start) / 1e9;
        boolean intact = done
                && receiver.received() == bytes
                && receiver.firstMismatch() < 0
                && receiver.receivedSha256().equals(sender.sentSha256());
        return String.format(
                "%s: %d bytes in %.3f s of virtual time (%.2f Mbit/s), %d retransmissions, %d of %d packets lost, sha256 %s",
                done ? "done" : "NOT DONE",
                receiver.received(),
                seconds,
                receiver.received() * 8 / seconds / 1e6,
                connection.retransmits(),
                pair.packetsLost,
                pair.packetsSent,
                intact ? "matches" : "DIFFERS");
    }

    public static void main(String[] args) {
        double loss = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        System.out.println(run(loss, seed));
    }
}
