package io.jtcp.tun.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The services' timeouts with a hand-driven clock: a slow head is cut at the head timeout however
 * steadily it trickles, an idle keep-alive connection at the idle timeout, a stalled response is
 * reset, and a client that keeps doing real work is never cut.
 */
class ServiceTimeoutTest {
    private static final long S = 1_000_000_000L;
    private final ServiceTimers timers = new ServiceTimers();
    private final HttpService http = new HttpService(() -> "<html>status</html>", timers, 30 * S, 120 * S);
    private long now = 1_000 * S;

    private void advance(long ns) {
        long end = now + ns;
        // As the loop does: wake at each deadline up to the end.
        while (timers.nextDeadlineNs() <= end) {
            now = Math.max(now, timers.nextDeadlineNs());
            timers.fire(now);
        }
        now = end;
        timers.now(now);
    }

    private FakeConnection acceptHttp() {
        timers.now(now);
        return new FakeConnection(1 << 16).accept(http);
    }

    @Test
    void shouldCutSlowlorisAtTheHeadTimeoutWith408() {
        FakeConnection c = acceptHttp();
        String head = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        // One byte every 500 ms: each one is progress of a sort, but the head never completes.
        for (int i = 0; i < 59; i++) {
            c.peerSends(head.substring(i, i + 1));
            advance(500_000_000L);
        }
        assertFalse(c.closeCalled, "still within 29.5 s of the open");
        c.peerSends(head.substring(59, 60));
        advance(500_000_000L);
        assertTrue(c.closeCalled, "cut 30 s after the connection opened");
        assertTrue(c.output().startsWith("HTTP/1.1 408 Request Timeout\r\n"), c.output());
        assertEquals(1, timers.httpHeadTimeouts);
        assertEquals(0, timers.size(), "nothing left armed");
    }

    @Test
    void shouldCloseAConnectionThatNeverSendsAHeadWithoutA408() {
        FakeConnection c = acceptHttp();
        advance(30 * S);
        assertTrue(c.closeCalled);
        assertEquals("", c.output(), "no partial request, nothing to answer");
        assertEquals(1, timers.httpHeadTimeouts);
    }

    @Test
    void shouldCloseAnIdleKeepAliveConnectionAtTheIdleTimeout() {
        FakeConnection c = acceptHttp();
        advance(10 * S);
        c.peerSends("GET /bytes/10 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(c.output().startsWith("HTTP/1.1 200 OK"), c.output());
        advance(119 * S);
        assertFalse(c.closeCalled, "the idle clock runs from the end of the response: 119 s");
        advance(1 * S);
        assertTrue(c.closeCalled, "120 s idle");
        assertEquals(1, timers.httpIdleTimeouts);
        assertEquals(0, timers.httpHeadTimeouts);
    }

    @Test
    void shouldStartTheHeadClockAtTheFirstByteOfALaterRequest() {
        FakeConnection c = acceptHttp();
        c.peerSends("GET /bytes/10 HTTP/1.1\r\nHost: x\r\n\r\n");
        advance(100 * S);
        c.peerSends("GET /bytes/1");
        advance(29 * S);
        assertFalse(c.closeCalled);
        advance(1 * S);
        assertTrue(c.closeCalled, "30 s after the first byte of the second request");
        assertEquals(1, timers.httpHeadTimeouts);
    }

    @Test
    void shouldNeverCutAClientThatKeepsSendingRequests() {
        FakeConnection c = acceptHttp();
        for (int i = 0; i < 200; i++) {
            advance(25 * S);
            c.peerSends("GET /bytes/100 HTTP/1.1\r\nHost: x\r\n\r\n");
            c.peerAcks();
        }
        assertFalse(c.closeCalled, "200 requests over 83 minutes");
        assertFalse(c.abortCalled);
        assertEquals(200, http.requests());
        assertEquals(0, timers.httpHeadTimeouts + timers.httpIdleTimeouts + timers.httpSendTimeouts);
    }

    @Test
    void shouldResetAResponseThatStallsButNotOneThatCrawls() {
        FakeConnection c = acceptHttp();
        c.peerSends("GET /bytes/100000000 HTTP/1.1\r\nHost: x\r\n\r\n");
        // A slow reader: an ACK every 100 s keeps it alive, however long it takes.
        for (int i = 0; i < 20; i++) {
            advance(100 * S);
            c.peerAcks();
        }
        assertFalse(c.abortCalled, "progress every 100 s");
        advance(120 * S);
        assertTrue(c.abortCalled, "no byte taken for 120 s: reset, a FIN would wait behind the data");
        assertEquals(1, timers.httpSendTimeouts);
        assertEquals(0, timers.size());
    }

    @Test
    void shouldCloseIdleEchoDiscardAndChargenButNotBusyOnes() {
        long idle = 300 * S;
        timers.now(now);
        FakeConnection echo = new FakeConnection(1 << 16).accept(new EchoService(timers, idle));
        FakeConnection discard = new FakeConnection(1 << 16).accept(new DiscardService(timers, idle));
        FakeConnection busyDiscard = new FakeConnection(1 << 16).accept(new DiscardService(timers, idle));
        // Chargen fills the send buffer at once and then waits for a reader that never reads.
        FakeConnection chargen = new FakeConnection(1000).accept(new ChargenService(timers, idle));
        for (int i = 0; i < 10; i++) {
            advance(200 * S);
            busyDiscard.peerSends("x");
        }
        assertTrue(echo.closeCalled, "echo idle");
        assertFalse(echo.abortCalled, "nothing stuck: FIN");
        assertTrue(discard.closeCalled, "discard idle");
        assertTrue(chargen.abortCalled, "chargen's data stuck: reset");
        assertFalse(busyDiscard.closeCalled || busyDiscard.abortCalled, "a byte every 200 s keeps it");
        assertEquals(3, timers.idleTimeouts);
        assertEquals(1, timers.size(), "only the busy one is armed");
    }

    @Test
    void shouldTreatATooLargeHeadAsAnAnswerNotAHeadTimeout() {
        timers.now(now);
        FakeConnection c = new FakeConnection(100).accept(http);
        c.peerSends("GET / HTTP/1.1\r\nX: " + "a".repeat(HttpService.MAX_HEAD_BYTES));
        assertTrue(c.output().startsWith("HTTP/1.1 431"), c.output());
        advance(30 * S);
        assertFalse(c.output().contains("408"), "no 408 inside a 431 being sent");
        advance(90 * S);
        assertTrue(c.abortCalled, "the 431 stood still for 120 s");
        assertEquals(0, timers.httpHeadTimeouts);
        assertEquals(1, timers.httpSendTimeouts);
    }

    @Test
    void shouldArmNothingWithoutTimers() {
        FakeConnection c = new FakeConnection(1 << 16).accept(new HttpService(() -> "x"));
        c.peerSends("GET /bytes/1");
        assertEquals(0, timers.size());
        assertFalse(c.closeCalled);
    }
}
