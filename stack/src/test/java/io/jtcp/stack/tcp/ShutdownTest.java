package io.jtcp.stack.tcp;

import static io.jtcp.stack.harness.Seg.ack;
import static io.jtcp.stack.harness.Seg.fin;
import static io.jtcp.stack.harness.Seg.rstAck;
import static io.jtcp.stack.harness.Seg.syn;

import io.jtcp.stack.harness.TcpScript;
import org.junit.jupiter.api.Test;

/** Graceful shutdown: NetworkStack.closeAll (FIN everywhere, no more accepting) before abortAll. */
class ShutdownTest {

    @Test
    void shouldSendFinAndStopListeningWhenClosingAll() {
        TcpScript s = new TcpScript().establishedPassive();
        s.app("closeAll", c -> s.stack().closeAll(s.now()));
        s.expect(fin().seq(1).ack(1)); // RFC 9293 §3.10.4: CLOSE in ESTABLISHED sends FIN
        s.assertState(TcpState.FIN_WAIT_1);
        s.checkEquals(1, s.stack().openConnectionCount(), "the closing connection is still open");
        // The listener is gone: a new SYN on the port meets a closed port (RFC 9293 §3.10.7.1).
        s.inject(syn().seq(0).srcPort(40_001));
        s.expect(rstAck().absSeq(0).ack(1).dstPort(40_001)); // <SEQ=0><ACK=SEG.SEQ+SEG.LEN>
        // The peer finishes the close; TIME_WAIT does not count as open.
        s.inject(ack().seq(1).ack(2));
        s.inject(fin().seq(1).ack(2));
        s.expect(ack().seq(2).ack(2));
        s.assertState(TcpState.TIME_WAIT);
        s.checkEquals(0, s.stack().openConnectionCount(), "nothing left to wait for");
        s.checkEquals(1, s.stack().connectionCount(), "TIME_WAIT stays in the table");
    }
}
