package io.jtcp.tun.service;

import java.nio.charset.StandardCharsets;

/**
 * The request-head parser behind {@link HttpRequest}, over the bytes as they arrived and without
 * allocating (issue #13 goal 3: the String-based parse was most of a keep-alive request's CPU and
 * ~2 KB per request). One instance is reused for every request of a connection; its fields
 * describe the last head parsed, with the method and target as offsets into that buffer.
 *
 * <p>The rules are {@link HttpRequest}'s (strict where leniency would let framing be misread, RFC
 * 9112 §11.2): lines end at LF with one CR before it dropped, empty lines before the request-line
 * are skipped, the request-line is exactly three fields split by single spaces, header names are
 * tokens followed at once by a colon, and values are trimmed of what {@link String#strip} trims.
 */
final class HttpHead {
    static final int OTHER = 0;
    static final int GET = 1;
    static final int HEAD = 2;

    private static final byte[] HTTP_PREFIX = bytes("http://");
    private static final byte[] VERSION_PREFIX = bytes("HTTP/");
    private static final byte[] HTTP11 = bytes("HTTP/1.1");
    private static final byte[] HTTP10 = bytes("HTTP/1.0");
    private static final byte[] N_HOST = bytes("host");
    private static final byte[] N_CONNECTION = bytes("connection");
    private static final byte[] N_CONTENT_LENGTH = bytes("content-length");
    private static final byte[] N_TRANSFER_ENCODING = bytes("transfer-encoding");
    private static final byte[] CLOSE = bytes("close");
    private static final byte[] KEEP_ALIVE = bytes("keep-alive");
    private static final boolean[] TOKEN = new boolean[256];

    static {
        for (int c = 0; c < 128; c++) {
            TOKEN[c] = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        }
    }

    /** Status that rejects the head, 0 when it is well formed. */
    int error;
    /** Bytes of the head, up to and including the empty line. */
    int headLength;

    /** {@link #GET}, {@link #HEAD} or {@link #OTHER}. */
    int method;

    int methodStart;
    int methodEnd;
    /** The target (after an absolute-form's authority); {@code targetStart < 0} means "/". */
    int targetStart;

    int targetEnd;
    boolean http11;
    boolean keepAlive;
    long contentLength;

    /** Parses a head from {@code b[0..len)}: false when it has not all arrived. */
    boolean parse(byte[] b, int len, long maxBodyBytes) {
        final int end = HttpRequest.headEnd(b, len);
        if (end < 0) {
            return false;
        }
        headLength = end;
        error = 0;
        method = OTHER;
        methodStart = methodEnd = targetStart = targetEnd = 0;
        http11 = false;
        keepAlive = false;
        contentLength = 0;
        error = parseHead(b, end, maxBodyBytes);
        if (error != 0) {
            http11 = true; // as a rejected HttpRequest has always said
            keepAlive = false;
            contentLength = 0;
        }
        return true;
    }

    /** 0, or the status that rejects the head {@code b[0..end)}. */
    private int parseHead(byte[] b, int end, long maxBodyBytes) {
        int line = 0;
        int lineEnd = lineEnd(b, line, end);
        while (lineEnd == line) { // RFC 9112 §2.2: empty lines before the request-line
            line = next(b, lineEnd, end);
            if (line >= end) {
                return 400;
            }
            lineEnd = lineEnd(b, line, end);
        }
        final int status = requestLine(b, line, lineEnd);
        if (status != 0) {
            return status;
        }
        boolean close = false;
        boolean keepAliveToken = false;
        boolean sawLength = false;
        int hosts = 0;
        for (line = next(b, lineEnd, end); line < end; line = next(b, lineEnd, end)) {
            lineEnd = lineEnd(b, line, end);
            if (lineEnd == line) {
                break;
            }
            if (b[line] == ' ' || b[line] == '\t') {
                return 400; // obs-fold, RFC 9112 §5.2
            }
            final int colon = indexOf(b, line, lineEnd, ':');
            if (colon <= line || !isToken(b, line, colon)) {
                return 400; // includes whitespace before the colon, RFC 9112 §5.1
            }
            int vs = colon + 1;
            int ve = lineEnd;
            while (vs < ve && isWhitespace(b[vs])) {
                vs++;
            }
            while (ve > vs && isWhitespace(b[ve - 1])) {
                ve--;
            }
            if (nameIs(b, line, colon, N_HOST)) {
                hosts++;
            } else if (nameIs(b, line, colon, N_CONNECTION)) {
                for (int t = vs; t <= ve; ) {
                    int comma = indexOf(b, t, ve, ',');
                    if (comma < 0) {
                        comma = ve;
                    }
                    int ts = t;
                    int te = comma;
                    while (ts < te && isWhitespace(b[ts])) {
                        ts++;
                    }
                    while (te > ts && isWhitespace(b[te - 1])) {
                        te--;
                    }
                    close |= nameIs(b, ts, te, CLOSE);
                    keepAliveToken |= nameIs(b, ts, te, KEEP_ALIVE);
                    t = comma + 1;
                }
            } else if (nameIs(b, line, colon, N_CONTENT_LENGTH)) {
                if (ve - vs < 1 || ve - vs > 18) {
                    return 400;
                }
                long n = 0;
                for (int i = vs; i < ve; i++) {
                    if (b[i] < '0' || b[i] > '9') {
                        return 400;
                    }
                    n = n * 10 + (b[i] - '0');
                }
                if (sawLength && n != contentLength) {
                    return 400;
                }
                sawLength = true;
                contentLength = n;
            } else if (nameIs(b, line, colon, N_TRANSFER_ENCODING)) {
                return 400;
            }
        }
        if (http11 && hosts != 1) {
            return 400; // RFC 9112 §3.2: exactly one Host in HTTP/1.1
        }
        if (contentLength > maxBodyBytes) {
            return 413;
        }
        keepAlive = http11 ? !close : keepAliveToken && !close;
        return 0;
    }

    /** method SP request-target SP HTTP-version (RFC 9112 §3), in {@code b[from..to)}. */
    private int requestLine(byte[] b, int from, int to) {
        final int sp1 = indexOf(b, from, to, ' ');
        final int sp2 = sp1 < 0 ? -1 : indexOf(b, sp1 + 1, to, ' ');
        if (sp2 < 0 || indexOf(b, sp2 + 1, to, ' ') >= 0) {
            return 400;
        }
        if (!isToken(b, from, sp1) || sp2 == sp1 + 1) {
            return 400;
        }
        methodStart = from;
        methodEnd = sp1;
        method = sp1 - from == 3 && b[from] == 'G' && b[from + 1] == 'E' && b[from + 2] == 'T'
                ? GET
                : sp1 - from == 4 && b[from] == 'H' && b[from + 1] == 'E' && b[from + 2] == 'A' && b[from + 3] == 'D'
                        ? HEAD
                        : OTHER;
        if (equals(b, sp2 + 1, to, HTTP11)) {
            http11 = true;
        } else if (equals(b, sp2 + 1, to, HTTP10)) {
            http11 = false;
        } else if (to - sp2 - 1 == 8
                && startsWith(b, sp2 + 1, to, VERSION_PREFIX)
                && digit(b[sp2 + 6])
                && b[sp2 + 7] == '.'
                && digit(b[sp2 + 8])) {
            return 505;
        } else {
            return 400;
        }
        targetStart = sp1 + 1;
        targetEnd = sp2;
        if (startsWith(b, targetStart, targetEnd, HTTP_PREFIX)) {
            // absolute-form (RFC 9112 §3.2.2): serve its path
            final int slash = indexOf(b, targetStart + HTTP_PREFIX.length, targetEnd, '/');
            targetStart = slash < 0 ? -1 : slash;
            if (slash < 0) {
                targetEnd = -1;
            }
        } else if (b[targetStart] != '/'
                && !(targetEnd - targetStart == 1 && b[targetStart] == '*' && isMethod(b, "OPTIONS"))) {
            return 400;
        }
        return 0;
    }

    /** The target as a String ("/" for an absolute-form without a path). */
    String target(byte[] b) {
        return targetStart < 0 ? "/" : new String(b, targetStart, targetEnd - targetStart, StandardCharsets.ISO_8859_1);
    }

    String method(byte[] b) {
        return new String(b, methodStart, methodEnd - methodStart, StandardCharsets.ISO_8859_1);
    }

    private boolean isMethod(byte[] b, String name) {
        if (methodEnd - methodStart != name.length()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (b[methodStart + i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Where the line starting at {@code from} ends: its LF, or the CR just before it. */
    private static int lineEnd(byte[] b, int from, int end) {
        int lf = indexOf(b, from, end, '\n');
        if (lf < 0) {
            lf = end; // not reached: a complete head ends with an LF
        }
        return lf > from && b[lf - 1] == '\r' ? lf - 1 : lf;
    }

    /** The start of the line after the one ending at {@code lineEnd}. */
    private static int next(byte[] b, int lineEnd, int end) {
        return lineEnd < end && b[lineEnd] == '\r' ? lineEnd + 2 : lineEnd + 1;
    }

    private static int indexOf(byte[] b, int from, int to, char c) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isToken(byte[] b, int from, int to) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (!TOKEN[b[i] & 0xFF]) {
                return false;
            }
        }
        return true;
    }

    /** ASCII case-insensitive: {@code lower} is lower case. */
    private static boolean nameIs(byte[] b, int from, int to, byte[] lower) {
        if (to - from != lower.length) {
            return false;
        }
        for (int i = 0; i < lower.length; i++) {
            int c = b[from + i];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lower[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean equals(byte[] b, int from, int to, byte[] s) {
        return to - from == s.length && startsWith(b, from, to, s);
    }

    private static boolean startsWith(byte[] b, int from, int to, byte[] s) {
        if (to - from < s.length) {
            return false;
        }
        for (int i = 0; i < s.length; i++) {
            if (b[from + i] != s[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean digit(byte c) {
        return c >= '0' && c <= '9';
    }

    /** {@link Character#isWhitespace} over ISO-8859-1, which is what {@link String#strip} trims. */
    private static boolean isWhitespace(byte c) {
        return (c >= 9 && c <= 13) || (c >= 28 && c <= 32);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
