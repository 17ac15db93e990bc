package io.jtcp.tun.service;

/**
 * One parsed HTTP/1.x request head (RFC 9112), or the status that rejects it. Parsing is strict
 * where being lenient would let request framing be misread (RFC 9112 §11.2, request smuggling):
 * whitespace before a header's colon, obsolete line folding, conflicting Content-Length, and a
 * Transfer-Encoding this server cannot frame are all 400. The parsing itself is {@code HttpHead}'s,
 * which the server uses directly, without the Strings.
 */
public final class HttpRequest {
    /** Status to answer instead of serving, 0 when the request is well formed. */
    public final int error;
    /** Bytes of the head, up to and including the empty line. */
    public final int headLength;

    public final String method;
    public final String target;
    public final boolean http11;
    /** Whether the connection stays open after the response (RFC 9112 §9.3). */
    public final boolean keepAlive;

    public final long contentLength;

    private HttpRequest(
            int error,
            int headLength,
            String method,
            String target,
            boolean http11,
            boolean keepAlive,
            long contentLength) {
        this.error = error;
        this.headLength = headLength;
        this.method = method;
        this.target = target;
        this.http11 = http11;
        this.keepAlive = keepAlive;
        this.contentLength = contentLength;
    }

    private static HttpRequest reject(int status, int headLength) {
        return new HttpRequest(status, headLength, null, null, true, false, 0);
    }

    /**
     * Index just past the empty line ending the head, or -1 when it has not all arrived. A bare LF
     * is accepted as a line end (RFC 9112 §2.2 allows a recipient to).
     */
    static int headEnd(byte[] b, int len) {
        int i = 0;
        // RFC 9112 §2.2: ignore at least one empty line before the request-line.
        while (i + 1 < len && b[i] == '\r' && b[i + 1] == '\n') {
            i += 2;
        }
        for (; i < len; i++) {
            if (b[i] == '\n') {
                if (i + 1 < len && b[i + 1] == '\n') {
                    return i + 2;
                }
                if (i + 2 < len && b[i + 1] == '\r' && b[i + 2] == '\n') {
                    return i + 3;
                }
            }
        }
        return -1;
    }

    /** Parses a head from {@code b[0..len)}; null when it is not complete yet. */
    public static HttpRequest parse(byte[] b, int len, long maxBodyBytes) {
        final HttpHead head = new HttpHead();
        if (!head.parse(b, len, maxBodyBytes)) {
            return null;
        }
        if (head.error != 0) {
            return reject(head.error, head.headLength);
        }
        return new HttpRequest(
                0, head.headLength, head.method(b), head.target(b), head.http11, head.keepAlive, head.contentLength);
    }
}
