package io.jtcp.tun.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

class HttpServiceTest {
    private final HttpService http = new HttpService(() -> "<html>status</html>");

    private FakeConnection connect(int sendBuffer) {
        return new FakeConnection(sendBuffer).accept(http);
    }

    private static HttpRequest parse(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return HttpRequest.parse(b, b.length, HttpService.MAX_BODY_BYTES);
    }

    @Test
    void shouldServeStatusPageAndKeepAlive() {
        FakeConnection c = connect(1 << 20);
        c.peerSends("GET / HTTP/1.1\r\nHost: 10.7.0.2\r\nUser-Agent: curl\r\n\r\n");
        String out = c.output();
        assertTrue(out.startsWith("HTTP/1.1 200 OK\r\n"), out);
        assertTrue(out.contains("Content-Type: text/html; charset=utf-8\r\n"), out);
        assertTrue(out.contains("Content-Length: 19\r\n"), out);
        assertTrue(out.endsWith("\r\n\r\n<html>status</html>"), out);
        assertFalse(c.closeCalled);
    }

    /** RFC 9112 §9.3: an HTTP/1.0 client keeps the connection only when the response announces it. */
    @Test
    void shouldAnnounceKeepAliveWhenAnHttp10ClientAsksForIt() {
        FakeConnection c = connect(1 << 20);
        c.peerSends("GET /bytes/10 HTTP/1.0\r\nConnection: Keep-Alive\r\nHost: x\r\n\r\n");
        String out = c.output();
        assertTrue(out.contains("Connection: keep-alive\r\n"), out);
        assertFalse(c.closeCalled, "the connection stays open");
        FakeConnection plain = connect(1 << 20);
        plain.peerSends("GET /bytes/10 HTTP/1.0\r\nHost: x\r\n\r\n");
        assertTrue(plain.output().contains("Connection: close\r\n"), plain.output());
        FakeConnection http11 = connect(1 << 20);
        http11.peerSends("GET /bytes/10 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertFalse(http11.output().contains("Connection:"), "HTTP/1.1 persists without saying so");
    }

    @Test
    void shouldStreamPatternWithBackpressure() throws Exception {
        FakeConnection c = connect(10_000);
        c.peerSends("GET /bytes/1000000 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertEquals(10_000, c.outputBytes().length, "writes no more than the send buffer takes");
        for (int i = 0; i < 200 && !c.closeCalled; i++) {
            c.peerAcks();
        }
        assertTrue(c.closeCalled, "Connection: close closes after the body");
        byte[] all = c.outputBytes();
        String s = new String(all, StandardCharsets.ISO_8859_1);
        int bodyStart = s.indexOf("\r\n\r\n") + 4;
        assertTrue(s.contains("Content-Length: 1000000\r\n"));
        assertTrue(s.contains("Connection: close\r\n"));
        assertEquals(1_000_000, all.length - bodyStart);
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(all, bodyStart, all.length - bodyStart);
        assertEquals(BytesPattern.sha256(1_000_000), BytesPattern.hex(md.digest()));
    }

    @Test
    void shouldAnswerHeadWithoutBody() {
        FakeConnection c = connect(1 << 20);
        c.peerSends("HEAD /bytes/5000 HTTP/1.1\r\nHost: x\r\n\r\n");
        String out = c.output();
        assertTrue(out.contains("Content-Length: 5000\r\n"), out);
        assertTrue(out.endsWith("\r\n\r\n"), out);
    }

    @Test
    void shouldAnswerPipelinedRequestsInOrder() {
        FakeConnection c = connect(1 << 20);
        c.peerSends(
                "GET /bytes/3 HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\nGET /bytes/2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        String out = c.output();
        int a = out.indexOf("200 OK");
        int b = out.indexOf("404 Not Found");
        int d = out.indexOf("200 OK", b);
        assertTrue(a >= 0 && b > a && d > b, out);
        assertTrue(c.closeCalled);
        assertEquals(3, http.requests());
    }

    @Test
    void shouldRejectBadRequests() {
        String[][] cases = {
            {"GARBAGE\r\n\r\n", "400 Bad Request"},
            {"GET / HTTP/1.1\r\n\r\n", "400 Bad Request"}, // no Host
            {"GET / HTTP/1.1\r\nHost : x\r\n\r\n", "400 Bad Request"},
            {"GET /bytes/abc HTTP/1.1\r\nHost: x\r\n\r\n", "400 Bad Request"},
            {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc", "405 Method Not Allowed"},
            {"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n", "413 Content Too Large"},
            {"GET / HTTP/2.0\r\nHost: x\r\n\r\n", "505 HTTP Version Not Supported"},
        };
        for (String[] k : cases) {
            FakeConnection c = connect(1 << 20);
            c.peerSends(k[0]);
            assertTrue(c.output().startsWith("HTTP/1.1 " + k[1] + "\r\n"), k[0] + " -> " + c.output());
            assertTrue(c.closeCalled, k[0]);
        }
    }

    @Test
    void shouldAnswer405WithAllow() {
        FakeConnection c = connect(1 << 20);
        c.peerSends("DELETE / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(c.output().contains("Allow: GET, HEAD\r\n"), c.output());
    }

    /** A head far larger than the buffer a connection starts with, yet within the limit, is served. */
    @Test
    void shouldServeAHeadJustUnderTheLimit() {
        FakeConnection c = connect(1 << 20);
        String start = "GET /bytes/3 HTTP/1.1\r\nHost: x\r\nX-Long: ";
        String end = "\r\n\r\n";
        c.peerSends(start + "a".repeat(HttpService.MAX_HEAD_BYTES - start.length() - end.length()) + end);
        assertTrue(c.output().startsWith("HTTP/1.1 200 OK\r\n"), c.output());
        assertTrue(c.output().endsWith("\r\n\r\n" + new String(BytesPattern.BLOCK, 0, 3, StandardCharsets.ISO_8859_1)));
        assertFalse(c.closeCalled);
    }

    /** The same head sent in small pieces: the buffer grows as it fills. */
    @Test
    void shouldServeALargeHeadArrivingInPieces() {
        FakeConnection c = connect(1 << 20);
        String head = "GET /bytes/3 HTTP/1.1\r\nHost: x\r\nX-Long: " + "b".repeat(5000) + "\r\n\r\n";
        for (int i = 0; i < head.length(); i += 300) {
            c.peerSends(head.substring(i, Math.min(head.length(), i + 300)));
        }
        assertTrue(c.output().startsWith("HTTP/1.1 200 OK\r\n"), c.output());
    }

    @Test
    void shouldRejectOversizedHead() {
        FakeConnection c = connect(1 << 20);
        c.peerSends("GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + "a".repeat(HttpService.MAX_HEAD_BYTES) + "\r\n\r\n");
        assertTrue(c.output().startsWith("HTTP/1.1 431 "), c.output());
        assertTrue(c.closeCalled);
    }

    @Test
    void shouldSkipRequestBodyBeforeNextRequest() {
        FakeConnection c = connect(1 << 20);
        c.peerSends(
                "GET /bytes/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /bytes/2 HTTP/1.1\r\nHost: x\r\n\r\n");
        String out = c.output();
        assertEquals(2, out.split("200 OK", -1).length - 1, out);
    }

    @Test
    void shouldCloseWhenPeerClosesBetweenRequests() {
        FakeConnection c = connect(1 << 20);
        c.peerSends("GET /bytes/1 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertFalse(c.closeCalled);
        c.peerCloses();
        assertTrue(c.closeCalled);
    }

    @Test
    void shouldWaitForCompleteHead() {
        assertNull(parse("GET / HTTP/1.1\r\nHost: x\r\n"));
        HttpRequest r = parse("\r\nGET /a?b HTTP/1.0\nConnection: keep-alive\n\n");
        assertEquals(0, r.error);
        assertEquals("/a?b", r.target);
        assertTrue(r.keepAlive);
        assertFalse(parse("GET / HTTP/1.0\r\n\r\n").keepAlive);
        assertFalse(parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: Close\r\n\r\n").keepAlive);
        assertEquals(400, parse("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n").error);
        assertEquals(400, parse("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n").error);
        assertEquals(400, parse("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n").error);
    }

    /**
     * The bytes of the responses ab gets, exactly: the head is built in a reused buffer, not from
     * Strings, so every byte is pinned here (with the 14-digit /bytes/N limit and a query string).
     */
    @Test
    void shouldSendExactlyTheseHeads() {
        String pattern = new String(BytesPattern.BLOCK, 0, 16, StandardCharsets.ISO_8859_1);
        String[][] cases = {
            {
                "GET /bytes/16 HTTP/1.0\r\nHost: x\r\n\r\n",
                "HTTP/1.1 200 OK\r\nServer: jtcp\r\nContent-Type: application/octet-stream\r\nContent-Length: 16\r\n"
                        + "Connection: close\r\n\r\n" + pattern
            },
            {
                "GET /bytes/16?x=1 HTTP/1.0\r\nConnection: Keep-Alive\r\nHost: x\r\n\r\n",
                "HTTP/1.1 200 OK\r\nServer: jtcp\r\nContent-Type: application/octet-stream\r\nContent-Length: 16\r\n"
                        + "Connection: keep-alive\r\n\r\n" + pattern
            },
            {
                "HEAD /bytes/1099511627776 HTTP/1.1\r\nHost: x\r\n\r\n",
                "HTTP/1.1 200 OK\r\nServer: jtcp\r\nContent-Type: application/octet-stream\r\n"
                        + "Content-Length: 1099511627776\r\n\r\n"
            },
            {
                "GET /bytes/0 HTTP/1.1\r\nHost: x\r\n\r\n",
                "HTTP/1.1 200 OK\r\nServer: jtcp\r\nContent-Type: application/octet-stream\r\nContent-Length: 0\r\n\r\n"
            },
            {
                "GET /bytes/1099511627777 HTTP/1.1\r\nHost: x\r\n\r\n",
                "HTTP/1.1 400 Bad Request\r\nServer: jtcp\r\nContent-Type: text/plain\r\nContent-Length: 43\r\n"
                        + "Connection: close\r\n\r\nN must be a number from 0 to 1099511627776\n"
            },
            {"GET /bytes/12345678901234 HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n"},
            {"GET /bytes/ HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n"},
            {"GET http://x HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 200 OK\r\nServer: jtcp\r\nContent-Type: text/html"},
            {"GET /?q HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 200 OK\r\nServer: jtcp\r\nContent-Type: text/html"},
            {
                "HEAD /nope?a HTTP/1.1\r\nHost: x\r\n\r\n",
                "HTTP/1.1 404 Not Found\r\nServer: jtcp\r\nContent-Type: text/plain\r\nContent-Length: 17\r\n\r\n"
            },
        };
        for (String[] k : cases) {
            FakeConnection c = connect(1 << 20);
            c.peerSends(k[0]);
            if (k[1].contains("\r\n\r\n")) { // the whole response
                assertEquals(k[1], c.output(), k[0]);
            } else {
                assertTrue(c.output().startsWith(k[1]), k[0] + " -> " + c.output());
            }
        }
    }

    /** A send buffer smaller than the head: the rest of the head follows as space frees up. */
    @Test
    void shouldFinishAHeadThatDidNotFitTheSendBuffer() {
        String request = "GET /bytes/100 HTTP/1.1\r\nHost: x\r\n\r\nGET /bytes/7 HTTP/1.1\r\nHost: x\r\n\r\n";
        FakeConnection whole = connect(1 << 20);
        whole.peerSends(request);
        for (int room : new int[] {1, 7, 50, 90}) {
            FakeConnection c = connect(room);
            c.peerSends(request);
            assertEquals(room, c.outputBytes().length, "writes no more than the send buffer takes");
            for (int i = 0; i < 1000 && c.outputBytes().length < whole.outputBytes().length; i++) {
                c.peerAcks();
            }
            assertEquals(whole.output(), c.output(), "send buffer of " + room);
        }
    }

    /**
     * Connections share the loop thread's read buffer: a partial head and a pipelined request
     * left by one connection survive another connection's requests in between.
     */
    @Test
    void shouldKeepEachConnectionsUnusedBytesApart() {
        FakeConnection a = connect(1 << 20);
        FakeConnection b = connect(1 << 20);
        a.peerSends("GET /bytes/3 HTTP/1.1\r\nHost: x\r\n\r\nGET /bytes/5 HT");
        b.peerSends("GET /bytes/7 HTTP/1.1\r\nHost: y\r\n\r\nGET /nope HTTP/1.1\r\nHo");
        b.peerSends("st: y\r\n\r\n");
        a.peerSends("TP/1.1\r\nHost: x\r\n\r\n");
        String outA = a.output();
        String outB = b.output();
        assertTrue(outA.contains("Content-Length: 3\r\n") && outA.contains("Content-Length: 5\r\n"), outA);
        assertEquals(2, outA.split("200 OK", -1).length - 1, outA);
        assertTrue(outB.contains("Content-Length: 7\r\n") && outB.contains("404 Not Found"), outB);
        assertEquals(4, http.requests());
    }
}
