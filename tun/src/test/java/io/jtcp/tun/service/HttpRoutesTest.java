package io.jtcp.tun.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** HttpService's extra pages: answered at once or later, 404 and 500, nothing read while one is made. */
class HttpRoutesTest {
    /** Pages under /p/: "now" at once, "later" when the test calls {@link #answerLater}, "boom" throws. */
    private final List<Consumer<HttpRoutes.Page>> pending = new ArrayList<>();

    private final HttpRoutes routes = new HttpRoutes() {
        @Override
        public void get(String path, Consumer<Page> reply) {
            switch (path) {
                case "/p/now" -> reply.accept(Page.ok("image/svg+xml", "<svg/>".getBytes(StandardCharsets.UTF_8)));
                case "/p/later" -> pending.add(reply);
                case "/p/boom" -> throw new IllegalStateException("boom");
                default -> reply.accept(null);
            }
        }

        @Override
        public void statusSection(StringBuilder html) {
            html.append("<h2>extra</h2>");
        }
    };

    private final HttpService http = new HttpService(() -> "<html>status</html>", routes, null, 0, 0);

    private FakeConnection connect() {
        return new FakeConnection(1 << 20).accept(http);
    }

    private void answerLater(String body) {
        Consumer<HttpRoutes.Page> reply = pending.remove(0);
        reply.accept(HttpRoutes.Page.ok("text/plain", body.getBytes(StandardCharsets.UTF_8)));
        reply.accept(HttpRoutes.Page.ok("text/plain", "twice".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldAnswerAtOnceWithTheRoutesContentType() {
        FakeConnection c = connect();
        c.peerSends("GET /p/now?x=1 HTTP/1.1\r\nHost: x\r\n\r\n");
        String out = c.output();
        assertTrue(out.startsWith("HTTP/1.1 200 OK\r\n"), out);
        assertTrue(out.contains("Content-Type: image/svg+xml\r\n"), out);
        assertTrue(out.endsWith("\r\n\r\n<svg/>"), out);
        assertFalse(c.closeCalled);
    }

    @Test
    void shouldAnswerLaterAndReadTheNextPipelinedRequestOnlyThen() {
        FakeConnection c = connect();
        c.peerSends("GET /p/later HTTP/1.1\r\nHost: x\r\n\r\nGET /p/now HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals("", c.output(), "nothing before the page is made");
        assertEquals(1, pending.size());
        answerLater("made later");
        String out = c.output();
        assertTrue(out.startsWith("HTTP/1.1 200 OK\r\n"), out);
        int second = out.indexOf("HTTP/1.1 200 OK", 5);
        assertTrue(out.substring(0, second).endsWith("made later"), out);
        assertTrue(out.endsWith("<svg/>"), "the pipelined request after it: " + out);
        assertFalse(out.contains("twice"), out);
    }

    @Test
    void shouldDropALateAnswerForAConnectionThatWentAway() {
        FakeConnection c = connect();
        c.peerSends("GET /p/later HTTP/1.1\r\nHost: x\r\n\r\n");
        c.handler().onClosed(c, io.jtcp.stack.tcp.CloseReason.RESET_BY_PEER);
        answerLater("too late");
        assertEquals("", c.output());
    }

    @Test
    void shouldAnswer404ForUnknownAnd500ForAThrowingRoute() {
        FakeConnection c = connect();
        c.peerSends("GET /p/unknown HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(c.output().startsWith("HTTP/1.1 404 Not Found\r\n"), c.output());
        assertFalse(c.closeCalled, "a 404 keeps the connection");
        FakeConnection b = connect();
        b.peerSends("GET /p/boom HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(b.output().startsWith("HTTP/1.1 500 Internal Server Error\r\n"), b.output());
        assertTrue(b.closeCalled);
        FakeConnection h = connect();
        h.peerSends("HEAD /p/now HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(h.output().contains("Content-Length: 6\r\n") && h.output().endsWith("\r\n\r\n"), h.output());
    }

    /** A status page made later (a multi-queue host's waits for every shard): the same deferral. */
    @Test
    void shouldServeAStatusPageHandedOverLater() {
        List<Consumer<String>> pages = new ArrayList<>();
        HttpService later = new HttpService(pages::add, null, null, 0, 0);
        FakeConnection c = new FakeConnection(1 << 20).accept(later);
        c.peerSends("GET / HTTP/1.1\r\nHost: x\r\n\r\nHEAD / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals("", c.output(), "nothing before the page is made");
        assertEquals(1, pages.size(), "the pipelined HEAD waits for the GET's page");
        pages.remove(0).accept("<html>all shards</html>");
        assertEquals(1, pages.size(), "then the HEAD asks for its own");
        pages.remove(0).accept("<html>again</html>");
        String out = c.output();
        assertTrue(out.startsWith("HTTP/1.1 200 OK\r\n"), out);
        assertTrue(out.contains("Content-Type: text/html; charset=utf-8\r\nContent-Length: 23\r\n"), out);
        int second = out.indexOf("HTTP/1.1 200 OK", 5);
        assertTrue(out.substring(0, second).endsWith("\r\n\r\n<html>all shards</html>"), out);
        String headReply = out.substring(second);
        assertTrue(headReply.contains("Content-Length: 18\r\n") && headReply.endsWith("\r\n\r\n"), out);
        assertFalse(headReply.contains("again"), "HEAD: no body: " + out);
    }

    /** A status page that could not be made (null) is a 500, not a connection left waiting. */
    @Test
    void shouldAnswer500WhenTheStatusPageCouldNotBeMade() {
        HttpService failing = new HttpService(html -> html.accept(null), null, null, 0, 0);
        FakeConnection c = new FakeConnection(1 << 20).accept(failing);
        c.peerSends("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(c.output().startsWith("HTTP/1.1 500 Internal Server Error\r\n"), c.output());
        assertTrue(c.closeCalled);
    }
}
