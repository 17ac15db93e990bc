package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Seg.ack;
import static io.jtcp.stack.harness.Seg.data;
import static io.jtcp.stack.harness.Seg.fin;

import io.jtcp.stack.harness.TcpScript;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;

/**
 * {@link TcpConnection#read(TcpReader)} and {@link TcpConnection#skip}: received bytes handed to
 * the application where they lie in the receive ring, and discarded without a copy.
 */
class ZeroCopyReadTest {

    /** Records every piece it is offered and consumes at most {@code limit} bytes in all. */
    private static final class Recorder implements TcpReader {
        final ByteArrayOutputStream taken = new ByteArrayOutputStream();
        final List<Integer> pieces = new ArrayList<>();
        int limit = Integer.MAX_VALUE;

        @Override
        public int onBytes(DirectBuffer buffer, int offset, int length) {
            pieces.add(length);
            final int n = Math.min(length, limit - taken.size());
            final byte[] b = new byte[n];
            buffer.getBytes(offset, b);
            taken.write(b, 0, n);
            return n;
        }

        String text() {
            return taken.toString(StandardCharsets.US_ASCII);
        }
    }

    private static String pattern(int n, int salt) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append((char) ('a' + (i * 7 + salt) % 26));
        }
        return sb.toString();
    }

    @Test
    void shouldHandBytesInPlaceAndKeepWhatTheReaderLeaves() {
        TcpScript s = new TcpScript().autoRead(false).establishedPassive();
        s.inject(data("hello world").seq(1).ack(1));
        s.expect(ack().seq(1).ack(12));
        Recorder r = new Recorder();
        r.limit = 5;
        int[] n = new int[1];
        s.app("read(reader) taking 5", c -> n[0] = c.read(r));
        s.checkEquals(5, n[0], "consumed");
        s.checkEquals("hello", r.text(), "bytes offered in place");
        s.checkEquals(6, s.conn().readableBytes(), "the rest stays buffered");
        byte[] rest = new byte[16];
        int m = s.conn().read(rest, 0, rest.length);
        s.checkEquals(" world", new String(rest, 0, m, StandardCharsets.US_ASCII), "copying read continues after it");
    }

    /** Bytes that wrap around the ring's end come in two pieces, in order, with nothing lost. */
    @Test
    void shouldOfferTwoPiecesWhenTheBytesWrapAroundTheRing() {
        TcpScript s =
                new TcpScript(c -> c.receiveBufferBytes(4096)).autoRead(false).establishedPassive();
        String first = pattern(3000, 0);
        s.inject(data(first).seq(1).ack(1));
        s.expect(ack().seq(1).ack(3001));
        int[] skipped = new int[1];
        // One byte stays unread: a ring that drains starts again at its start (ByteRing#detach).
        s.app("skip all but one", c -> skipped[0] = c.skip(2999));
        s.checkEquals(2999, skipped[0], "skipped");
        s.drain(); // the window update the skip made due
        String second = pattern(2000, 3);
        s.inject(data(second).seq(3001).ack(1));
        s.expect(ack().seq(1).ack(5001));
        Recorder r = new Recorder();
        int[] n = new int[1];
        s.app("read(reader)", c -> n[0] = c.read(r));
        s.checkEquals(2001, n[0], "consumed");
        s.checkEquals(
                List.of(4096 - 2999, 2001 - (4096 - 2999)),
                r.pieces,
                "pieces: up to the ring's end, then from its start");
        s.checkEquals(first.substring(2999) + second, r.text(), "content across the wrap");
        s.checkEquals(0, s.conn().readableBytes(), "all consumed");
    }

    /** A reader that stops inside the first piece is not offered the second. */
    @Test
    void shouldStopAtThePieceTheReaderDidNotFinish() {
        TcpScript s =
                new TcpScript(c -> c.receiveBufferBytes(4096)).autoRead(false).establishedPassive();
        s.inject(data(pattern(3000, 0)).seq(1).ack(1));
        s.expect(ack().seq(1).ack(3001));
        s.app("skip all but one", c -> c.skip(2999));
        s.drain();
        s.inject(data(pattern(2000, 5)).seq(3001).ack(1));
        s.expect(ack().seq(1).ack(5001));
        Recorder r = new Recorder();
        r.limit = 100;
        int[] n = new int[1];
        s.app("read(reader) taking 100", c -> n[0] = c.read(r));
        s.checkEquals(100, n[0], "consumed");
        s.checkEquals(List.of(1097), r.pieces, "one piece offered");
        s.checkEquals(1901, s.conn().readableBytes(), "rest buffered");
    }

    @Test
    void shouldReturnZeroWhenNothingIsBufferedAndMinusOneAtEndOfStream() {
        TcpScript s = new TcpScript().autoRead(false).establishedPassive();
        Recorder r = new Recorder();
        s.checkEquals(0, s.conn().read(r), "nothing yet");
        s.checkEquals(0, s.conn().skip(10), "nothing yet to skip");
        s.check(r.pieces.isEmpty(), "reader not called with nothing buffered");
        s.inject(data("ab").seq(1).ack(1));
        s.expect(ack().seq(1).ack(3));
        s.inject(fin().seq(3).ack(1));
        s.expect(ack().seq(1).ack(4));
        s.checkEquals(2, s.conn().skip(10), "skip returns what it discarded");
        s.checkEquals(-1, s.conn().read(r), "end of stream");
        s.checkEquals(-1, s.conn().skip(10), "end of stream");
    }

    /** A reader claiming more than it was offered is a programming error, reported at once. */
    @Test
    void shouldRejectAReaderThatConsumesMoreThanOffered() {
        TcpScript s = new TcpScript().autoRead(false).establishedPassive();
        s.inject(data("abc").seq(1).ack(1));
        s.expect(ack().seq(1).ack(4));
        boolean threw = false;
        try {
            s.conn().read((buffer, offset, length) -> length + 1);
        } catch (IllegalArgumentException expected) {
            threw = true;
        }
        s.check(threw, "over-consumption throws");
        s.checkEquals(3, s.conn().readableBytes(), "nothing consumed");
    }

    /** Closing from inside the callback empties the ring; the read must not consume twice. */
    @Test
    void shouldStayConsistentWhenTheReaderClosesTheConnection() {
        TcpScript s = new TcpScript().autoRead(false).establishedPassive();
        s.inject(data("abcdef").seq(1).ack(1));
        s.expect(ack().seq(1).ack(7));
        int[] n = new int[1];
        s.app(
                "read(reader) that closes",
                c -> n[0] = c.read((buffer, offset, length) -> {
                    c.close();
                    return 2;
                }));
        s.checkEquals(2, n[0], "reported");
        s.checkEquals(0, s.conn().readableBytes(), "close() discarded the rest");
        s.expect(fin().seq(1).ack(7));
        s.assertState(TcpState.FIN_WAIT_1);
    }
}
