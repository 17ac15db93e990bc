package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Seg.ack;
import static io.jtcp.stack.harness.Seg.data;
import static io.jtcp.stack.harness.Seg.fin;
import static io.jtcp.stack.harness.Seg.rst;

import io.jtcp.stack.harness.TcpScript;
import org.junit.jupiter.api.Test;

/**
 * The application's calls in awkward moments (RFC 9293 §3.10.4 CLOSE "error: connection
 * closing" for repeated closes, §3.10.5 ABORT, TcpConnection's documented contract).
 */
class ConnectionApiTest {

    /** RFC 9293 §3.10.4: a second CLOSE is an error to report, never a second FIN. */
    @Test
    void shouldSendOneFinWhenClosedTwice() {
        TcpScript s = new TcpScript().establishedPassive();
        s.close();
        s.expect(fin().seq(1).ack(1));
        try {
            s.close();
        } catch (AssertionError e) {
            if (!(e.getCause() instanceof IllegalStateException)) {
                throw e;
            }
        }
        s.expectNothing();
        s.assertState(TcpState.FIN_WAIT_1);
    }

    /** shutdownOutput then close: still one FIN, and the connection closes normally. */
    @Test
    void shouldSendOneFinWhenShutdownOutputThenClose() {
        TcpScript s = new TcpScript().finWait1();
        s.close();
        s.expectNothing();
        s.inject(fin().seq(1).ack(2));
        s.expect(ack().seq(2).ack(2));
        s.assertState(TcpState.TIME_WAIT);
        s.checkEquals(CloseReason.NORMAL, s.closeReason(), "close reason");
    }

    /** RFC 9293 §3.10.5: ABORT after CLOSE still resets (SEQ = SND.NXT) and reports once. */
    @Test
    void shouldResetWhenAbortedAfterClose() {
        TcpScript s = new TcpScript().establishedPassive();
        s.close();
        s.expect(fin().seq(1).ack(1));
        s.abort();
        s.expect(rst().seq(2));
        s.assertState(TcpState.CLOSED);
        s.checkEquals(1, s.closedCalls(), "onClosed once");
    }

    /** write on a connection the peer reset: IllegalStateException ("when the connection is gone"). */
    @Test
    void shouldRejectWriteWhenConnectionIsGone() {
        TcpScript s = new TcpScript().establishedPassive();
        s.inject(rst().seq(1));
        boolean threw = false;
        try {
            s.conn().write(new byte[1], 0, 1);
        } catch (IllegalStateException expected) {
            threw = true;
        }
        s.check(threw, "write after reset throws");
        s.expectNothing();
    }

    /** After a half-close, bytes received before the end stay readable past onClosed; then read returns -1. */
    @Test
    void shouldKeepUnreadBytesReadableAfterCleanClose() {
        TcpScript s = new TcpScript().autoRead(false).establishedPassive();
        s.inject(data("tail").seq(1).ack(1));
        s.expect(ack().seq(1).ack(5));
        s.inject(fin().seq(5).ack(1));
        s.expect(ack().seq(1).ack(6));
        s.shutdownOutput(); // close() would discard unread bytes ("closes both directions")
        s.expect(fin().seq(1).ack(6));
        s.inject(ack().seq(6).ack(2));
        s.assertState(TcpState.CLOSED);
        s.checkEquals(CloseReason.NORMAL, s.closeReason(), "close reason");
        byte[] buf = new byte[16];
        int n = s.conn().read(buf, 0, buf.length);
        s.checkEquals(4, n, "the 4 unread bytes");
        s.checkEquals(-1, s.conn().read(buf, 0, buf.length), "then EOF");
    }

    /** A zero-length write takes nothing and sends nothing. */
    @Test
    void shouldDoNothingWhenWritingZeroBytes() {
        TcpScript s = new TcpScript().establishedPassive();
        s.checkEquals(0, s.write(new byte[0]), "took");
        s.expectNothing();
    }

    /** write takes at most the free send buffer, and onWritable follows once ACKs free space. */
    @Test
    void shouldTakePartialWriteThenSignalWritableWhenSendBufferFills() {
        TcpScript s = new TcpScript(c -> c.sendBufferBytes(4096)).establishedPassive();
        s.inject(ack().seq(1).ack(1).win(0)); // keep everything in the buffer
        int took = s.write(10_000);
        s.checkEquals(4096, took, "bytes taken by a 4 KiB send buffer");
        s.checkEquals(0, s.conn().writableBytes(), "full");
        s.inject(ack().seq(1).ack(1).win(65535));
        s.drain();
        s.inject(ack().seq(1).ack(1461));
        s.check(s.events().contains("writable"), "onWritable after space freed: " + s.events());
        s.check(s.conn().writableBytes() >= 1460, "space freed: " + s.conn().writableBytes());
    }
}
