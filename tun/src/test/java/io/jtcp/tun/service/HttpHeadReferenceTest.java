package io.jtcp.tun.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The byte parser ({@link HttpHead}, through {@link HttpRequest#parse}) against the String-based
 * parser it replaced, kept here as the reference: the same status, head length, method, target,
 * version, keep-alive and Content-Length for hand-picked edge cases and for 200,000 seeded
 * mutations of real heads (bytes flipped, inserted, deleted; CR, LF, space, tab, colon, comma and
 * non-ASCII bytes favoured).
 */
class HttpHeadReferenceTest {
    private static final long MAX_BODY = 1 << 20;

    private static final String[] SEEDS = {
        "GET /bytes/16 HTTP/1.0\r\nHost: 10.7.0.2\r\nUser-Agent: ApacheBench/2.3\r\nAccept: */*\r\n\r\n",
        "GET /bytes/16 HTTP/1.0\r\nConnection: Keep-Alive\r\nHost: 10.7.0.2\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Close\r\n\r\n",
        "HEAD /x?y=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\ncontent-length: 12\r\n\r\n",
        "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 2000000\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET http://h/a/b HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET http://h HTTP/1.1\r\nHost: h\r\n\r\n",
        "\r\n\r\nGET / HTTP/1.1\nHost: a\n\n",
        "\nGET / HTTP/1.0\r\n\r\n",
        "GET / HTTP/2.0\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
        "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
        "GET / HTTP/1.1\r\nHost:\t a \u000b\r\nConnection:\u001fclose\u00a0\r\n\r\n",
        "GET  / HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.1\r\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\n\r\r\n\r\n",
        "G\u00e9T / HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nConnection: ,,CLOSE ,\r\nContent-Length: 0\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1234567890123456789\r\n\r\n",
        "\n\n",
        "x\n\n",
        "GET /\r HTTP/1.1\r\nHost: a\r\n\r\n",
    };

    @Test
    void handPickedHeadsParseAsTheReferenceDoes() {
        for (String s : SEEDS) {
            compare(s.getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void mutatedHeadsParseAsTheReferenceDoes() {
        final Random random = new Random(1307);
        final byte[] favoured = {'\r', '\n', ' ', '\t', ':', ',', '/', '0', 'a', 'A', (byte) 0xe9, (byte) 0xa0, 0x0b};
        for (int i = 0; i < 200_000; i++) {
            final List<Byte> b = new ArrayList<>();
            for (byte x : SEEDS[random.nextInt(SEEDS.length)].getBytes(StandardCharsets.ISO_8859_1)) {
                b.add(x);
            }
            for (int m = random.nextInt(4); m >= 0 && !b.isEmpty(); m--) {
                final int at = random.nextInt(b.size());
                final byte x =
                        random.nextBoolean() ? favoured[random.nextInt(favoured.length)] : (byte) random.nextInt(256);
                switch (random.nextInt(3)) {
                    case 0 -> b.set(at, x);
                    case 1 -> b.add(at, x);
                    default -> b.remove(at);
                }
            }
            final byte[] input = new byte[b.size()];
            for (int k = 0; k < input.length; k++) {
                input[k] = b.get(k);
            }
            compare(input);
        }
    }

    private static void compare(byte[] input) {
        final String what = new String(input, StandardCharsets.ISO_8859_1)
                .replace("\r", "\\r")
                .replace("\n", "\\n");
        final Object[] want = parse(input, input.length, MAX_BODY);
        final HttpRequest got = HttpRequest.parse(input, input.length, MAX_BODY);
        if (want == null) {
            assertNull(got, what);
            return;
        }
        final Object[] have = {
            got.error, got.headLength, got.method, got.target, got.http11, got.keepAlive, got.contentLength
        };
        assertArrayEquals(want, have, what);
        assertEquals(want.length, 7);
    }

    // ---- the parser HttpHead replaced, as it was (returns its fields, null when incomplete) ----

    private static final Pattern LINE_END = Pattern.compile("\r?\n");
    private static final Pattern OTHER_VERSION = Pattern.compile("HTTP/\\d\\.\\d");
    private static final Pattern CONTENT_LENGTH = Pattern.compile("\\d{1,18}");

    private static Object[] reject(int status, int headLength) {
        return new Object[] {status, headLength, null, null, true, false, 0L};
    }

    /** The old HttpRequest.parse: its fields in order, or null when the head is not complete. */
    private static Object[] parse(byte[] b, int len, long maxBodyBytes) {
        int end = HttpRequest.headEnd(b, len);
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
        return new Object[] {0, end, method, target, http11, keepAlive, contentLength};
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
