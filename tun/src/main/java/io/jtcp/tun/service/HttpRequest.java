package io.jtcp.tun.service;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One parsed HTTP/1.x request head (RFC 9112), or the status that rejects it. Parsing is strict
 * where being lenient would let request framing be misread (RFC 9112 §11.2, request smuggling):
 * whitespace before a header's colon, obsolete line folding, conflicting Content-Length, and a
 * Transfer-Encoding this server cannot frame are all 400.
 */
public final class HttpRequest {
    // Compiled once: String.split and String.matches with these would compile them per request.
    private static final Pattern LINE_END = Pattern.compile("\r?\n");
    private static final Pattern OTHER_VERSION = Pattern.compile("HTTP/\\d\\.\\d");
    private static final Pattern CONTENT_LENGTH = Pattern.compile("\\d{1,18}");

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
        int end = headEnd(b, len);
        if (end < 0) {
            return null;
        }
        String head = new String(b, 0, end, StandardCharsets.ISO_8859_1);
        String[] lines = LINE_END.split(head, -1);
        int first = 0;
        while (first < lines.length && lines[first].isEmpty()) {
            first++;
        }
        if (first >= lines.length) {
            return reject(400, end);
        }
        String[] parts = lines[first].split(" ", -1);
        if (parts.length != 3 || !isToken(parts[0]) || parts[1].isEmpty()) {
            return reject(400, end);
        }
        String method = parts[0];
        String target = parts[1];
        boolean http11;
        if (parts[2].equals("HTTP/1.1")) {
            http11 = true;
        } else if (parts[2].equals("HTTP/1.0")) {
            http11 = false;
        } else if (OTHER_VERSION.matcher(parts[2]).matches()) {
            return reject(505, end);
        } else {
            return reject(400, end);
        }
        if (target.startsWith("http://")) {
            // absolute-form (RFC 9112 §3.2.2): serve its path
            int slash = target.indexOf('/', 7);
            target = slash < 0 ? "/" : target.substring(slash);
        } else if (!target.startsWith("/") && !(target.equals("*") && method.equals("OPTIONS"))) {
            return reject(400, end);
        }
        boolean close = false;
        boolean keepAliveToken = false;
        long contentLength = 0;
        boolean sawLength = false;
        int hosts = 0;
        for (int i = first + 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                break;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                return reject(400, end); // obs-fold, RFC 9112 §5.2
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                return reject(400, end); // includes whitespace before the colon, RFC 9112 §5.1
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            switch (name) {
                case "host":
                    hosts++;
                    break;
                case "connection":
                    for (String token : value.toLowerCase(Locale.ROOT).split(",")) {
                        close |= token.strip().equals("close");
                        keepAliveToken |= token.strip().equals("keep-alive");
                    }
                    break;
                case "content-length":
                    if (!CONTENT_LENGTH.matcher(value).matches()) {
                        return reject(400, end);
                    }
                    long n = Long.parseLong(value);
                    if (sawLength && n != contentLength) {
                        return reject(400, end);
                    }
                    sawLength = true;
                    contentLength = n;
                    break;
                case "transfer-encoding":
                    return reject(400, end);
                default:
                    break;
            }
        }
        if (http11 && hosts != 1) {
            return reject(400, end); // RFC 9112 §3.2: exactly one Host in HTTP/1.1
        }
        if (contentLength > maxBodyBytes) {
            return reject(413, end);
        }
        boolean keepAlive = http11 ? !close : keepAliveToken && !close;
        return new HttpRequest(0, end, method, target, http11, keepAlive, contentLength);
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
