package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Pair.A_ADDR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.StackTracer;
import io.jtcp.stack.harness.BulkApp;
import io.jtcp.stack.harness.Pair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The contract {@code jtcp replay} rests on (issue #11): the engine's output is a function of its
 * configuration (the ISN secret included), its application and the sequence of driving calls with
 * their {@code nowNs} and inbound bytes. One side of a lossy in-memory {@link Pair} session is
 * recorded (every inbound packet and every timer/flush call, with its time) and replayed into a
 * fresh engine: the same packets come out, byte for byte and in order. One flipped inbound byte (in
 * the SYN), or one inbound packet left out (the handshake's ACK), changes the output, so the
 * comparison is not vacuous.
 */
class ReplayDeterminismTest {
    private static final int PORT = 5001;
    private static final int BYTES = 400_000;

    /** A recorded call: an inbound packet ({@code bytes} not null) or onTimeout + flush. */
    private record Call(long nowNs, byte[] bytes) {}

    private static final Consumer<StackConfig> CONFIG = c -> {
        byte[] secret = new byte[16];
        Arrays.fill(secret, (byte) 0x5A);
        c.isnSecret(secret);
    };

    private static final class Recorder implements StackTracer {
        final List<Call> calls = new ArrayList<>();
        final List<byte[]> out = new ArrayList<>();

        @Override
        public void onPacket(long nowNs, boolean inbound, DirectBuffer buffer, int offset, int length) {
            byte[] b = new byte[length];
            buffer.getBytes(offset, b);
            if (inbound) {
                calls.add(new Call(nowNs, b));
            } else {
                out.add(b);
            }
        }
    }

    @Test
    void shouldReplayOneSideOfALossySessionIdentically() {
        Recorder rec = new Recorder();
        Pair pair = new Pair(new Pair.Link().loss(0.02).seed(7), CONFIG.andThen(c -> c.tracer(rec)), c -> {});
        BulkApp server = new BulkApp(BYTES, 1);
        BulkApp client = new BulkApp(0, 2);
        pair.a.listen(PORT, c -> server);
        pair.b.connect(pair.now(), A_ADDR, PORT, client);
        // Every pair.service() runs A's onTimeout and flush at pair.now(): recorded as such.
        pair.betweenSteps(() -> {
            rec.calls.add(new Call(pair.now(), null));
            return false;
        });
        rec.calls.add(new Call(pair.now(), null));
        pair.service();
        assertTrue(pair.runUntil(client::eof, 120_000_000_000L, 1_000_000), "transfer finished");
        pair.runToIdle(300_000_000_000L, 1_000_000);
        assertEquals(server.sentSha256(), client.receivedSha256(), "SHA-256 A→B");
        assertTrue(pair.a.counters().tcpRetransmits > 0, "the loss caused retransmissions");

        List<byte[]> replayed = replay(rec.calls);
        assertEquals(rec.out.size(), replayed.size(), "packets out");
        for (int i = 0; i < replayed.size(); i++) {
            assertTrue(Arrays.equals(rec.out.get(i), replayed.get(i)), "packet " + i + " differs");
        }

        // A flipped byte in the client's SYN: its checksum fails, the SYN is dropped, and the
        // SYN-ACK waits for the retransmitted one.
        List<Call> flipped = new ArrayList<>(rec.calls);
        int syn = inboundPacket(flipped, 0);
        byte[] b = flipped.get(syn).bytes().clone();
        b[b.length - 1] ^= 0x01;
        flipped.set(syn, new Call(flipped.get(syn).nowNs(), b));
        assertNotEquals(fingerprint(rec.out), fingerprint(replay(flipped)), "one flipped inbound byte");

        // The handshake's last ACK left out: the server stays in SYN_RECEIVED and retransmits.
        List<Call> dropped = new ArrayList<>(rec.calls);
        dropped.remove(handshakeAck(dropped));
        assertNotEquals(fingerprint(rec.out), fingerprint(replay(dropped)), "one inbound packet left out");
    }

    /** The index in {@code calls} of the first inbound ACK without SYN (TCP flags at byte 33). */
    private static int handshakeAck(List<Call> calls) {
        for (int i = 0; i < calls.size(); i++) {
            byte[] b = calls.get(i).bytes();
            if (b != null && (b[33] & 0x12) == 0x10) {
                return i;
            }
        }
        throw new AssertionError("no ACK");
    }

    /** The index in {@code calls} of the {@code n}-th (0-based) inbound packet. */
    private static int inboundPacket(List<Call> calls, int n) {
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i).bytes() != null && n-- == 0) {
                return i;
            }
        }
        throw new AssertionError("fewer inbound packets than " + n);
    }

    /** A fresh engine with A's configuration and application, driven through {@code calls}. */
    private static List<byte[]> replay(List<Call> calls) {
        StackConfig config = new StackConfig().localAddr(A_ADDR);
        CONFIG.accept(config);
        List<byte[]> out = new ArrayList<>();
        NetworkStack a = new NetworkStack(config, (buf, off, len) -> {
            byte[] b = new byte[len];
            buf.getBytes(off, b);
            out.add(b);
        });
        BulkApp server = new BulkApp(BYTES, 1);
        a.listen(PORT, c -> server);
        for (Call c : calls) {
            if (c.bytes() != null) {
                byte[] copy = c.bytes().clone();
                a.onPacket(c.nowNs(), new UnsafeBuffer(copy), 0, copy.length);
            } else {
                a.onTimeout(c.nowNs());
                a.flush(c.nowNs());
            }
        }
        return out;
    }

    private static List<String> fingerprint(List<byte[]> packets) {
        List<String> s = new ArrayList<>();
        packets.forEach(p -> s.add(Arrays.toString(p)));
        return s;
    }
}
