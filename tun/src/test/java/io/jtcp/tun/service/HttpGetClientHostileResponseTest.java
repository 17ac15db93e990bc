package io.jtcp.tun.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.tun.client.HttpGetClient;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Findings of {@code HttpFuzzTest#client}: a server's malformed chunk-size line (RFC 9112 §7.1:
 * {@code chunk-size = 1*HEXDIG}) threw NumberFormatException (or, negative, an
 * IndexOutOfBoundsException from the body stream) out of the client's onReadable, into the event
 * loop, and the result never completed. Now the exchange fails with a reason and the connection
 * is aborted.
 */
class HttpGetClientHostileResponseTest {
    @ParameterizedTest
    @ValueSource(strings = {"z;x=y", "-5", "fffffffffffffffffff", "", " ;", "0x10", "+5"})
    void shouldFailTheExchangeOnABadChunkSize(String sizeLine) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        HttpGetClient client = new HttpGetClient(HttpGetClient.Url.parse("http://10.7.0.1/"), body);
        FakeConnection c = new FakeConnection(64 * 1024);
        c.accept(conn -> client);
        c.peerSends("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + sizeLine + "\r\nhello\r\n0\r\n\r\n");
        assertTrue(client.result().isDone(), "the exchange ends at the bad chunk-size line");
        HttpGetClient.Result r = client.result().join();
        assertFalse(r.complete());
        assertTrue(r.error().contains("chunk"), r.error());
        assertTrue(c.abortCalled, "the connection is aborted");
        assertEquals(0, body.size());
    }

    /**
     * A head without a status line ("\r\n\r\n" split to no lines at all) threw
     * ArrayIndexOutOfBoundsException out of onReadable; a status line that is not {@code HTTP-version
     * SP 3DIGIT} (RFC 9112 §4) was taken as status -1 and the body read on.
     */
    @ParameterizedTest
    @ValueSource(strings = {"", "HTTP/1.1", "garbage", "HTTP/1.1 abc OK", "ICY 200 OK", "HTTP/1.1 2000 OK"})
    void shouldFailTheExchangeOnAMalformedStatusLine(String statusLine) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        HttpGetClient client = new HttpGetClient(HttpGetClient.Url.parse("http://10.7.0.1/"), body);
        FakeConnection c = new FakeConnection(64 * 1024);
        c.accept(conn -> client);
        c.peerSends(statusLine + "\r\n\r\nbody");
        assertTrue(client.result().isDone(), "the exchange ends at the bad status line");
        HttpGetClient.Result r = client.result().join();
        assertFalse(r.complete());
        assertTrue(r.error().contains("status line"), r.error());
        assertTrue(c.abortCalled, "the connection is aborted");
        assertEquals(0, body.size());
    }

    /**
     * A server sending a long head (up to the 64 KiB limit) made the client copy the whole head so
     * far for every byte: about 2 GiB allocated for 64 KiB, on the event loop.
     */
    @Test
    void shouldNotCopyTheHeadForEveryByte() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        HttpGetClient client = new HttpGetClient(HttpGetClient.Url.parse("http://10.7.0.1/"), body);
        FakeConnection c = new FakeConnection(64 * 1024);
        c.accept(conn -> client);
        String longHeader = "X-Padding: " + "p".repeat(60_000) + "\r\n";
        byte[] response = ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n" + longHeader + "\r\nok")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        c.peerSends(response);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(
                client.result().join().complete(),
                String.valueOf(client.result().join().error()));
        assertEquals("ok", body.toString());
        assertTrue(
                allocated < 16L << 20, "allocated " + allocated + " bytes for a " + response.length + "-byte response");
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "5;name=value", "05 ", "5\t;ext"})
    void shouldStillAcceptWellFormedChunkSizes(String sizeLine) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        HttpGetClient client = new HttpGetClient(HttpGetClient.Url.parse("http://10.7.0.1/"), body);
        FakeConnection c = new FakeConnection(64 * 1024);
        c.accept(conn -> client);
        c.peerSends("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + sizeLine + "\r\nhello\r\n0\r\n\r\n");
        HttpGetClient.Result r = client.result().join();
        assertTrue(r.complete(), String.valueOf(r.error()));
        assertEquals("hello", body.toString());
    }
}
