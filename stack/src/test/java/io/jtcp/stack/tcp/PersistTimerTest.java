package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Seg.ack;
import static io.jtcp.stack.harness.TcpScript.MS;
import static io.jtcp.stack.harness.TcpScript.SEC;

import io.jtcp.stack.harness.Packet;
import io.jtcp.stack.harness.TcpScript;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The persist timer (RFC 9293 §3.8.6.1, RFC 1122 §4.2.2.17): with the peer's window at zero, one
 * probe at a time, backing off exponentially up to the maximum RTO and never shrinking; a peer
 * that answers the probes keeps the connection for as long as it answers; one that does not is
 * given up after the data retries.
 */
class PersistTimerTest {
    private static final long MAX_RTO = 2 * SEC;
    private static final int RETRIES = 3;

    private static TcpScript script() {
        return new TcpScript(c -> c.maxRtoNs(MAX_RTO).dataRetries(RETRIES));
    }

    /**
     * Runs the timers until {@code probes} probes went out, answering each as {@code answer}
     * says; returns the times they left. Fails on anything but single one-byte probes.
     */
    private static List<Long> probe(TcpScript s, int probes, java.util.function.IntConsumer answer) {
        List<Long> times = new ArrayList<>();
        for (int guard = 0; guard < 10 * probes && times.size() < probes; guard++) {
            if (s.nextDeadline() == Long.MAX_VALUE) {
                throw s.fail("no timer armed after " + times.size() + " probes");
            }
            s.advanceToNextDeadline();
            List<Packet> out = s.drain();
            if (s.state() != TcpState.ESTABLISHED) {
                throw s.fail("connection ended after " + times.size() + " probes: " + out);
            }
            if (out.isEmpty()) {
                continue;
            }
            s.checkEquals(1, out.size(), "one segment per timer event (probe " + times.size() + ")");
            s.checkEquals(1, out.get(0).len(), "a one-byte probe");
            times.add(s.now());
            answer.accept(out.get(0).seq - s.localIsn());
        }
        s.checkEquals(probes, times.size(), "probes sent");
        return times;
    }

    private static void checkBackoff(TcpScript s, List<Long> times) {
        long previous = 0;
        for (int i = 1; i < times.size(); i++) {
            long interval = times.get(i) - times.get(i - 1);
            s.check(interval > 0, "no two probes at one instant: " + intervals(times));
            s.check(interval >= previous, "the interval never shrinks: " + intervals(times));
            s.check(interval <= MAX_RTO, "bounded by the maximum RTO: " + intervals(times));
            previous = interval;
        }
        s.checkEquals(MAX_RTO, times.get(times.size() - 1) - times.get(times.size() - 2), "reaches max RTO");
    }

    private static List<Long> intervals(List<Long> times) {
        List<Long> out = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            out.add((times.get(i) - times.get(i - 1)) / MS);
        }
        return out;
    }

    /** A live receiver that ACKs every probe with a zero window keeps the connection indefinitely. */
    @Test
    void shouldKeepConnectionWhilePeerAnswersProbesWithZeroWindow() {
        TcpScript s = script().establishedPassive();
        s.inject(ack().seq(1).ack(1).win(0));
        s.write(100);
        s.expectNothing();
        long start = s.now();
        List<Long> times = probe(s, 30, seq -> s.inject(ack().seq(1).ack(1).win(0)));
        checkBackoff(s, times);
        s.check(times.get(times.size() - 1) - start > 40 * SEC, "far beyond " + RETRIES + " retries' worth of RTOs");
        s.assertState(TcpState.ESTABLISHED);
        s.inject(ack().seq(1).ack(1).win(65_535));
        int end = 0;
        for (Packet p : s.drain()) {
            end = Math.max(end, p.seq - s.localIsn() + p.len());
        }
        s.checkEquals(101, end, "all data sent once the window opens");
    }

    /** The probe's byte may be taken with the window still zero: probing goes on from the next byte. */
    @Test
    void shouldProbeOnWhenPeerTakesProbeBytes() {
        TcpScript s = script().establishedPassive();
        s.inject(ack().seq(1).ack(1).win(0));
        s.write(100);
        List<Long> times =
                probe(s, 12, seq -> s.inject(ack().seq(1).ack(seq + 1).win(0)));
        checkBackoff(s, times);
        s.checkEquals(12L, s.conn().bytesSent(), "each probe's byte acknowledged");
        s.assertState(TcpState.ESTABLISHED);
    }

    /** A peer that answers nothing is given up after the data retries, with a RST. */
    @Test
    void shouldGiveUpWhenProbesGoUnanswered() {
        TcpScript s = script().establishedPassive();
        s.inject(ack().seq(1).ack(1).win(0));
        s.write(100);
        int probes = 0;
        for (int guard = 0; guard < 50 && s.state() == TcpState.ESTABLISHED; guard++) {
            s.advanceToNextDeadline();
            for (Packet p : s.drain()) {
                if (p.len() == 1) {
                    probes++;
                }
            }
        }
        s.assertState(TcpState.CLOSED);
        s.checkEquals(CloseReason.TIMED_OUT, s.closeReason(), "close reason");
        s.checkEquals(RETRIES + 1, probes, "probes before giving up");
    }

    /**
     * The peer shrinks its window to zero with data in flight (Linux: "receiver dastardly shrinks
     * window"): the retransmission timer turns into the persist timer, and answered probes keep the
     * connection; when the window opens, everything unacknowledged is sent again.
     */
    @Test
    void shouldPersistWhenWindowClosesWithDataInFlight() {
        TcpScript s = script().establishedPassive();
        s.write(3000);
        s.drain();
        s.inject(ack().seq(1).ack(1001).win(0));
        List<Long> times = probe(s, 20, seq -> {
            s.checkEquals(1001, seq, "the probe carries the first unacknowledged byte");
            s.inject(ack().seq(1).ack(1001).win(0));
        });
        checkBackoff(s, times);
        s.inject(ack().seq(1).ack(1001).win(65_535));
        int end = 1001;
        for (int round = 0; round < 5 && end < 3001; round++) {
            for (Packet p : s.drain()) {
                s.check(p.seq - s.localIsn() >= end - 1, "in order from the first unacknowledged byte: " + p);
                end = Math.max(end, p.seq - s.localIsn() + p.len());
            }
            s.inject(ack().seq(1).ack(end).win(65_535)); // slow start again after the timeout
        }
        s.checkEquals(3001, end, "the rest sent once the window opens");
    }

    /** A FIN needs no window: with the window at zero and only the FIN outstanding, the RTO resends it. */
    @Test
    void shouldRetransmitFinWhenWindowIsZero() {
        TcpScript s = script().establishedPassive();
        s.write(100);
        s.drain();
        s.inject(ack().seq(1).ack(101).win(0));
        s.close();
        s.expect(io.jtcp.stack.harness.Seg.fin().seq(101).ack(1));
        s.advanceToNextDeadline();
        s.expect(io.jtcp.stack.harness.Seg.fin().seq(101).ack(1));
        s.inject(ack().seq(1).ack(102).win(0));
        s.assertState(TcpState.FIN_WAIT_2);
    }

    /**
     * The same against a peer like Linux, with SACK and timestamps: the probe must not also arm a
     * tail loss probe (RFC 8985 §7) or count the zero-window ACK as a duplicate ACK, either of
     * which sent the probe's byte a second time and started the RTO that reset the connection.
     */
    @Test
    void shouldKeepOneProbeAtATimeWithSackAndTimestamps() {
        TcpScript s = script();
        s.listen(8080);
        s.inject(io.jtcp.stack.harness.Seg.syn().seq(0).mss(1460).sackOk().ts(1000, 0));
        Packet sa = s.expect(io.jtcp.stack.harness.Seg.synAck().seq(0).ack(1));
        s.advance(100 * MS);
        s.inject(ack().seq(1).ack(1).ts(1001, sa.tsVal));
        s.assertState(TcpState.ESTABLISHED);
        s.write(1000); // one round trip first, so there is an RTT sample (the TLP needs one)
        s.drain();
        s.advance(20 * MS);
        s.inject(ack().seq(1).ack(1001).win(0).ts(1002, 0));
        s.write(100);
        int[] ts = {1003};
        List<Long> times =
                probe(s, 25, seq -> s.inject(ack().seq(1).ack(1001).win(0).ts(ts[0]++, 0)));
        checkBackoff(s, times);
        s.assertState(TcpState.ESTABLISHED);
        s.checkEquals(25L, s.counters().tcpZeroWindowProbes, "probes counted");
    }
}
