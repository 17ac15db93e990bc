package io.jtcp.tun.service;

import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jtcp.tun.client.HttpGetClient;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/**
 * HTTP bytes from the wire, fuzzed: the request-head parser ({@link HttpRequest#parse}), the HTTP
 * service reading requests in arbitrary pieces ({@link HttpService} over a {@link FakeConnection}),
 * and the {@code jtcp get} client reading a response ({@link HttpGetClient}). None may throw on
 * anything a peer sends, and memory stays bounded by the input.
 */
class HttpFuzzTest {
    private static final long MAX_BODY = 1 << 20;
    private static final long ALLOCATION_SLACK = System.getenv("JAZZER_FUZZ") == null ? 1 << 20 : 64 << 20;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static {
        // Class loading and first-use initialisation are not the parser's memory.
        byte[] warm = "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < 3; i++) {
            HttpRequest.parse(warm, warm.length, MAX_BODY);
            THREADS.getCurrentThreadAllocatedBytes();
        }
    }

    /** The parser never throws; what it returns is consistent with the bytes; memory ~ the input. */
    // libFuzzer dictionary syntax: control bytes as \xNN escapes.
    @DictionaryEntries({
        "GET ",
        "HEAD ",
        "POST ",
        "OPTIONS * ",
        " HTTP/1.1\\x0D\\x0A",
        " HTTP/1.0\\x0D\\x0A",
        "HTTP/2.0",
        "\\x0D\\x0A",
        "\\x0D\\x0A\\x0D\\x0A",
        "\\x0A\\x0A",
        "Host: a\\x0D\\x0A",
        "Content-Length: ",
        "Transfer-Encoding: chunked\\x0D\\x0A",
        "Connection: close\\x0D\\x0A",
        "Connection: keep-alive\\x0D\\x0A",
        "http://",
        "/",
        ": ",
        " ",
        "\\x09"
    })
    @FuzzTest(maxDuration = "3s")
    void request(byte[] input) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        HttpRequest r = HttpRequest.parse(input, input.length, MAX_BODY);
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        // A head copied into a String, split into lines and headers: a small multiple of its size,
        // plus a constant (the patterns String.matches compiles). Anything quadratic in the head
        // breaks this at a few KB. While fuzzing, Jazzer's hooks on String and regex calls
        // allocate too (1 MB for 500 bytes was seen), so only a blow-up counts there.
        if (allocated > 64L * input.length + ALLOCATION_SLACK) {
            fail("parsing " + input.length + " bytes allocated " + allocated);
        }
        int end = HttpRequest.headEnd(input, input.length);
        if (r == null) {
            if (end >= 0) {
                fail("a complete head (" + end + " bytes) parsed as incomplete");
            }
            return;
        }
        if (r.headLength != end || r.headLength <= 0 || r.headLength > input.length) {
            fail("head length " + r.headLength + " of " + input.length + " (end " + end + ")");
        }
        if (r.error == 0) {
            if (r.method == null || r.method.isEmpty() || r.target == null) {
                fail("accepted without a method or target");
            }
            if (!r.target.startsWith("/") && !r.target.equals("*")) {
                fail("accepted target '" + r.target + "'");
            }
            if (r.contentLength < 0 || r.contentLength > MAX_BODY) {
                fail("content length " + r.contentLength);
            }
        } else if (r.error < 400 || r.error > 599) {
            fail("status " + r.error);
        }
        // The head alone decides: bytes after it (the body, the next request) change nothing.
        HttpRequest head = HttpRequest.parse(input, r.headLength, MAX_BODY);
        if (head == null
                || head.error != r.error
                || head.headLength != r.headLength
                || head.keepAlive != r.keepAlive
                || head.contentLength != r.contentLength) {
            fail("the head parses differently without the bytes after it");
        }
    }

    /**
     * The service fed a fuzzer's bytes in fuzzer-sized pieces, with the peer acknowledging (or
     * not) in between: nothing escapes, every response starts with a status line, and it never
     * reads more than it was given.
     */
    @DictionaryEntries({
        "GET ",
        "HEAD ",
        "POST ",
        "OPTIONS * ",
        " HTTP/1.1\\x0D\\x0A",
        " HTTP/1.0\\x0D\\x0A",
        "HTTP/2.0",
        "\\x0D\\x0A",
        "\\x0D\\x0A\\x0D\\x0A",
        "\\x0A\\x0A",
        "Host: a\\x0D\\x0A",
        "Content-Length: ",
        "Transfer-Encoding: chunked\\x0D\\x0A",
        "Connection: close\\x0D\\x0A",
        "Connection: keep-alive\\x0D\\x0A",
        "http://",
        "/",
        ": ",
        " ",
        "\\x09"
    })
    @FuzzTest(maxDuration = "4s")
    void service(FuzzedDataProvider data) {
        HttpService http = new HttpService(() -> "<html>status</html>");
        FakeConnection c = new FakeConnection(data.consumeInt(1, 64 * 1024));
        c.accept(http);
        long fed = 0;
        for (int i = 0; i < 64 && data.remainingBytes() > 0 && !c.abortCalled; i++) {
            switch (data.consumeInt(0, 3)) {
                case 0 -> c.peerAcks();
                case 1 -> {
                    byte[] pattern = new byte[data.consumeInt(0, 20_000)];
                    java.util.Arrays.fill(pattern, (byte) 'a');
                    fed += pattern.length;
                    c.peerSends(pattern);
                }
                default -> {
                    byte[] piece = data.consumeBytes(data.consumeInt(1, 512));
                    fed += piece.length;
                    c.peerSends(piece);
                }
            }
        }
        if (!c.abortCalled && data.consumeBoolean()) {
            c.peerCloses();
        }
        if (c.bytesReceived() > fed) {
            fail("read " + c.bytesReceived() + " of " + fed + " bytes");
        }
        byte[] out = c.outputBytes();
        String start = new String(out, 0, Math.min(out.length, 7), StandardCharsets.ISO_8859_1);
        if (!"HTTP/1.".startsWith(start)) {
            fail("response does not start with a status line: '" + start + "'");
        }
    }

    /**
     * {@code jtcp get} reading a response a hostile server sends in fuzzer-sized pieces: no
     * exception escapes its handler, the body it writes is at most what arrived, and closing the
     * connection completes the result.
     */
    @DictionaryEntries({
        "HTTP/1.1 200 OK\\x0D\\x0A",
        "Content-Length: ",
        "Transfer-Encoding: chunked\\x0D\\x0A",
        "\\x0D\\x0A",
        "\\x0D\\x0A\\x0D\\x0A",
        "0\\x0D\\x0A\\x0D\\x0A",
        "ffffffffffffffff",
        "-1",
        ";ext",
        ": "
    })
    @FuzzTest(maxDuration = "3s")
    void client(FuzzedDataProvider data) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        HttpGetClient client = new HttpGetClient(HttpGetClient.Url.parse("http://10.7.0.1/"), body);
        FakeConnection c = new FakeConnection(64 * 1024);
        c.accept(conn -> client);
        long fed = 0;
        for (int i = 0; i < 64 && data.remainingBytes() > 0 && !client.result().isDone(); i++) {
            byte[] piece = data.consumeBytes(data.consumeInt(1, 512));
            fed += piece.length;
            c.peerSends(piece);
        }
        if (!client.result().isDone()) {
            c.peerCloses();
        }
        if (!client.result().isDone()) {
            fail("the peer closed but the result never completed");
        }
        if (body.size() > fed) {
            fail("body of " + body.size() + " bytes from " + fed + " received");
        }
    }

    /** {@code jtcp get URL}: a URL from the user parses or is refused with a message. */
    @FuzzTest(maxDuration = "2s")
    void url(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            HttpGetClient.Url url = HttpGetClient.Url.parse(text);
            if (url.port() < 1 || url.port() > 65_535 || !url.path().startsWith("/")) {
                fail("parsed '" + text + "' as " + url);
            }
        } catch (IllegalArgumentException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                fail("no message for '" + text + "'", e);
            }
        }
    }
}
