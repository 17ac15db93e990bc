package io.jtcp.tun.service;

import io.jtcp.stack.tcp.CloseReason;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.tcp.TcpListener;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A small HTTP/1.1 server (RFC 9110, RFC 9112): {@code GET /} is a live status page, {@code GET
 * /bytes/N} streams N bytes of {@link BytesPattern}; HEAD for both; keep-alive by default in
 * HTTP/1.1 and {@code Connection: close}; pipelined requests are answered in order.
 *
 * <p>Backpressure: a response is written only into free send-buffer space and resumed on {@link
 * TcpHandler#onWritable}; no further request is read while one is being answered, so a client
 * that does not read stops being read from too. Memory per connection is bounded by the head
 * buffer ({@value #MAX_HEAD_BYTES} bytes) and one status page.
 *
 * <p>Timeouts (with {@link ServiceTimers}; 0 turns one off): a request head must arrive in full
 * within the head timeout from the connection's open or from the first byte of a later request;
 * between requests a keep-alive connection may idle for the idle timeout, which also bounds how
 * long a response or a request body may stand still. The first two close with FIN (a partial head
 * gets a 408 first, RFC 9110 §15.5.9); a stalled response is reset, as a FIN would wait behind the
 * data the peer does not take.
 *
 * <p>Errors: 400 malformed, 404 unknown path, 405 other methods, 413 a body over {@value
 * #MAX_BODY_BYTES} bytes, 431 a head over {@value #MAX_HEAD_BYTES} bytes, 505 another HTTP
 * version; the connection is closed after each of them but 404.
 */
public final class HttpService implements TcpListener {
    public static final int MAX_HEAD_BYTES = 8192;
    /** What a connection's head buffer starts with (issue #13 goal 3: a typical head fits). */
    private static final int FIRST_HEAD_BYTES = 512;

    public static final long MAX_BODY_BYTES = 1 << 20;
    /** Largest N of /bytes/N: 1 TiB. */
    public static final long MAX_PATTERN_BYTES = 1L << 40;

    /** Default time from the connection's open (or a request's first byte) to its full head. */
    public static final long DEFAULT_HEAD_TIMEOUT_NS = 30_000_000_000L;
    /** Default idle time between keep-alive requests (and without progress in a response). */
    public static final long DEFAULT_IDLE_TIMEOUT_NS = 120_000_000_000L;

    private static final byte[] REQUEST_TIMEOUT =
            ("HTTP/1.1 408 Request Timeout\r\nServer: jtcp\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);

    private static final byte[] NO_BODY = new byte[0];
    private static final byte[] BYTES_PREFIX = ascii("/bytes/");
    private static final byte[] TEXT_PLAIN = ascii("text/plain");
    private static final String HTML = "text/html; charset=utf-8";
    private static final byte[] TEXT_HTML = ascii(HTML);
    private static final byte[] OCTET_STREAM = ascii("application/octet-stream");
    private static final byte[] CONTENT_TYPE = ascii("Content-Type: ");
    private static final byte[] CONTENT_LENGTH = ascii("\r\nContent-Length: ");
    private static final byte[] CRLF = ascii("\r\n");
    private static final byte[] ALLOW = ascii("Allow: GET, HEAD\r\n");
    private static final byte[] CONNECTION_CLOSE = ascii("Connection: close\r\n");
    private static final byte[] CONNECTION_KEEP_ALIVE = ascii("Connection: keep-alive\r\n");
    private static final byte[] STATUS_200 = statusLineOf(200);
    private static final byte[] STATUS_400 = statusLineOf(400);
    private static final byte[] STATUS_404 = statusLineOf(404);
    /** A response head's bytes other than its Content-Type (the longest status line, every header). */
    private static final int HEAD_BYTES_BESIDE_TYPE = 192;
    /** Where response heads are built, one per loop thread (a service may serve several loops). */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[512]);
    /** Where a connection without unused bytes reads a request head, one per loop thread. */
    private static final ThreadLocal<byte[]> READ_SCRATCH = ThreadLocal.withInitial(() -> new byte[FIRST_HEAD_BYTES]);

    private static final int HEAD = 0;
    private static final int ACTIVE = 1;
    private static final int IDLE = 2;

    private final StatusSource statusPage;
    private final HttpRoutes routes;
    private final ServiceTimers timers;
    private final long headTimeoutNs;
    private final long idleTimeoutNs;
    private long requests;

    /** Without timeouts. @param statusPage renders the HTML of {@code GET /}, on the stack's thread */
    public HttpService(Supplier<String> statusPage) {
        this(statusPage, null, 0, 0);
    }

    /**
     * @param statusPage renders the HTML of {@code GET /}, on the stack's thread
     * @param timers the loop's service timers (null: no timeouts)
     * @param headTimeoutNs time allowed for a whole request head (0: none)
     * @param idleTimeoutNs idle time allowed between requests and in a stalled response (0: none)
     */
    public HttpService(Supplier<String> statusPage, ServiceTimers timers, long headTimeoutNs, long idleTimeoutNs) {
        this(statusPage, null, timers, headTimeoutNs, idleTimeoutNs);
    }

    /**
     * As above, with {@code routes} answering paths beside {@code /} and {@code /bytes/N} (null:
     * none).
     */
    public HttpService(
            Supplier<String> statusPage,
            HttpRoutes routes,
            ServiceTimers timers,
            long headTimeoutNs,
            long idleTimeoutNs) {
        this(StatusSource.of(statusPage), routes, timers, headTimeoutNs, idleTimeoutNs);
    }

    /** As above, with a status page that may be handed over later (a multi-queue host's). */
    public HttpService(
            StatusSource statusPage, HttpRoutes routes, ServiceTimers timers, long headTimeoutNs, long idleTimeoutNs) {
        if (headTimeoutNs < 0 || idleTimeoutNs < 0) {
            throw new IllegalArgumentException("timeouts must not be negative");
        }
        this.statusPage = statusPage;
        this.routes = routes;
        this.timers = timers;
        this.headTimeoutNs = headTimeoutNs;
        this.idleTimeoutNs = idleTimeoutNs;
    }

    public long requests() {
        return requests;
    }

    @Override
    public TcpHandler onAccept(TcpConnection connection) {
        return new Exchange(connection);
    }

    private static String reason(int status) {
        switch (status) {
            case 200:
                return "OK";
            case 400:
                return "Bad Request";
            case 404:
                return "Not Found";
            case 405:
                return "Method Not Allowed";
            case 413:
                return "Content Too Large";
            case 431:
                return "Request Header Fields Too Large";
            case 500:
                return "Internal Server Error";
            case 503:
                return "Service Unavailable";
            case 505:
                return "HTTP Version Not Supported";
            default:
                return "Status";
        }
    }

    final class Exchange extends ServiceTimer implements TcpHandler {
        private final TcpConnection connection;
        /** HEAD: a head is due; ACTIVE: answering (or skipping a body); IDLE: between requests. */
        private int phase = HEAD;

        // Between calls, only bytes not yet used (a partial head, a pipelined request) are kept
        // here, in a buffer of the connection's own that grows to MAX_HEAD_BYTES only for a head
        // that needs it; a connection without such bytes holds none (issue #13 goal 3). While a
        // call runs, reading goes into the thread's buffer when this one is empty.
        private byte[] in = NO_BODY;
        private int inLength;
        private final HttpHead request = new HttpHead();
        private long bodyToSkip;
        private boolean responding;
        private byte[] out;
        private int outPosition;
        private long patternPosition;
        private long patternEnd;
        private boolean closeAfter;
        private boolean announceKeepAlive;
        private boolean done;
        /** A route or the status page is being made: nothing is read or written until it is there. */
        private boolean waiting;

        Exchange(TcpConnection connection) {
            this.connection = connection;
            arm(headTimeoutNs);
        }

        private void arm(long timeoutNs) {
            if (timers != null) {
                if (timeoutNs > 0) {
                    timers.schedule(this, timers.nowNs() + timeoutNs);
                } else {
                    timers.cancel(this);
                }
            }
        }

        /** Bytes moved while answering: the idle clock restarts (O(1), see ServiceTimers). */
        private void progress() {
            if (phase == ACTIVE && timers != null && idleTimeoutNs > 0) {
                timers.schedule(this, timers.nowNs() + idleTimeoutNs);
            }
        }

        @Override
        protected void onExpired(long nowNs) {
            if (done) {
                return;
            }
            if (phase == ACTIVE) {
                timers.httpSendTimeouts++;
                done = true;
                connection.abort();
                return;
            }
            if (phase == HEAD) {
                timers.httpHeadTimeouts++;
                if (inLength > 0) {
                    connection.write(REQUEST_TIMEOUT, 0, REQUEST_TIMEOUT.length);
                }
            } else {
                timers.httpIdleTimeouts++;
            }
            finish(connection);
        }

        @Override
        public void onReadable(TcpConnection c) {
            run(c);
        }

        @Override
        public void onWritable(TcpConnection c) {
            run(c);
        }

        @Override
        public void onPeerClosed(TcpConnection c) {
            run(c);
        }

        @Override
        public void onClosed(TcpConnection c, CloseReason reason) {
            done = true;
            if (timers != null) {
                timers.cancel(this);
            }
        }

        private void run(TcpConnection c) {
            try {
                serveRequests(c);
            } finally {
                // The thread's buffer is the next connection's: keep what is left in our own.
                if (in == READ_SCRATCH.get()) {
                    in = inLength == 0 ? NO_BODY : Arrays.copyOf(in, in.length);
                }
            }
        }

        private void serveRequests(TcpConnection c) {
            while (!done && !waiting) {
                if (in.length == 0) {
                    in = READ_SCRATCH.get();
                }
                if (responding) {
                    if (!pump(c)) {
                        return;
                    }
                    responding = false;
                    if (closeAfter) {
                        finish(c);
                        return;
                    }
                }
                if (!skipBody(c)) {
                    return;
                }
                if (phase == ACTIVE) {
                    // One exchange done: a pipelined head already begun is due now, else idle.
                    phase = inLength > 0 ? HEAD : IDLE;
                    arm(phase == HEAD ? headTimeoutNs : idleTimeoutNs);
                }
                if (!request.parse(in, inLength, MAX_BODY_BYTES)) {
                    if (inLength == in.length && in.length < MAX_HEAD_BYTES) {
                        in = Arrays.copyOf(in, Math.min(2 * in.length, MAX_HEAD_BYTES));
                    }
                    if (inLength == in.length) {
                        phase = ACTIVE; // answering now: the head clock stops
                        arm(idleTimeoutNs);
                        respond(
                                431,
                                TEXT_PLAIN,
                                text("request head over " + MAX_HEAD_BYTES + " bytes\n"),
                                0,
                                false,
                                true);
                        continue;
                    }
                    int n = c.read(in, inLength, in.length - inLength);
                    if (n > 0) {
                        inLength += n;
                        if (phase == IDLE) {
                            phase = HEAD;
                            arm(headTimeoutNs);
                        }
                        continue;
                    }
                    if (n < 0) {
                        finish(c); // the peer closed; a partial request is dropped
                    }
                    return;
                }
                requests++;
                phase = ACTIVE;
                arm(idleTimeoutNs);
                serve(request);
            }
        }

        private void finish(TcpConnection c) {
            done = true;
            if (timers != null) {
                timers.cancel(this);
            }
            c.close();
        }

        /** Discards a request body we do not use; false while some of it has not arrived. */
        private boolean skipBody(TcpConnection c) {
            if (bodyToSkip == 0) {
                return true;
            }
            int k = (int) Math.min(bodyToSkip, inLength);
            consume(k);
            bodyToSkip -= k;
            while (bodyToSkip > 0) {
                int n = c.skip((int) Math.min(bodyToSkip, Integer.MAX_VALUE));
                if (n < 0) {
                    finish(c);
                    return false;
                }
                if (n == 0) {
                    return false;
                }
                bodyToSkip -= n;
                progress();
            }
            return true;
        }

        private void consume(int n) {
            System.arraycopy(in, n, in, 0, inLength - n);
            inLength -= n;
        }

        /** Answers the head just parsed, then drops it from {@link #in} (its offsets point there). */
        private void serve(HttpHead r) {
            if (r.error != 0) {
                consume(r.headLength);
                respond(r.error, TEXT_PLAIN, text(reason(r.error) + "\n"), 0, false, true);
                return;
            }
            bodyToSkip = r.contentLength;
            // RFC 9112 §9.3 / RFC 1945 practice: an HTTP/1.0 client keeps the connection only when
            // the response says so; without this, ab -k waits for a close that never comes.
            announceKeepAlive = !r.http11 && r.keepAlive;
            final boolean head = r.method == HttpHead.HEAD;
            final boolean close = !r.keepAlive;
            if (!head && r.method != HttpHead.GET) {
                consume(r.headLength);
                respond(405, TEXT_PLAIN, text("only GET and HEAD\n"), 0, false, true);
                return;
            }
            final int start = r.targetStart;
            int end = r.targetEnd;
            for (int i = start; i < end; i++) {
                if (in[i] == '?') {
                    end = i;
                    break;
                }
            }
            if (start < 0 || (end - start == 1 && in[start] == '/')) {
                consume(r.headLength);
                awaitPage(
                        "/",
                        head,
                        r.keepAlive,
                        reply -> statusPage.render(html -> reply.accept(
                                html == null
                                        ? new HttpRoutes.Page(500, "text/plain", text("cannot make the status page\n"))
                                        : new HttpRoutes.Page(200, HTML, html.getBytes(StandardCharsets.UTF_8)))));
            } else if (startsWith(in, start, end, BYTES_PREFIX)) {
                final long n = patternLength(in, start + BYTES_PREFIX.length, end);
                consume(r.headLength);
                if (n < 0) {
                    respond(
                            400,
                            TEXT_PLAIN,
                            text("N must be a number from 0 to " + MAX_PATTERN_BYTES + "\n"),
                            0,
                            false,
                            true);
                } else {
                    respond(200, OCTET_STREAM, NO_BODY, n, head, close);
                }
            } else {
                final String path = new String(in, start, end - start, StandardCharsets.ISO_8859_1);
                consume(r.headLength);
                if (routes != null) {
                    awaitPage(path, head, r.keepAlive, reply -> routes.get(path, reply));
                } else {
                    respond(404, TEXT_PLAIN, text("not found: " + path + "\n"), 0, head, close);
                }
            }
        }

        /**
         * Asks {@code source} for the page of {@code path}; reading stops until it answers (as
         * while a response is written), which may be at once or from a later loop task.
         */
        private void awaitPage(
                String path, boolean head, boolean keepAlive, Consumer<Consumer<HttpRoutes.Page>> source) {
            waiting = true;
            boolean[] inside = {true};
            try {
                source.accept(page -> {
                    if (!waiting) {
                        return; // answered twice
                    }
                    waiting = false;
                    if (done) {
                        return; // the connection went away meanwhile
                    }
                    if (page == null) {
                        respond(404, TEXT_PLAIN, text("not found: " + path + "\n"), 0, head, !keepAlive);
                    } else {
                        boolean close = !keepAlive || page.status() >= 500;
                        respond(page.status(), typeBytes(page.contentType()), page.body(), 0, head, close);
                    }
                    if (!inside[0]) {
                        run(connection);
                    }
                });
            } catch (RuntimeException e) {
                // A page that cannot be made must not end the loop.
                if (waiting) {
                    waiting = false;
                    respond(500, TEXT_PLAIN, text("cannot make " + path + "\n"), 0, head, true);
                }
            }
            inside[0] = false;
        }

        /**
         * Queues a response. Its head is built in the thread's scratch buffer and written at once
         * (a fresh response nearly always fits the send buffer); only what does not fit, and a
         * body, are kept in {@link #out}, so a /bytes/N response allocates nothing.
         */
        private void respond(int status, byte[] type, byte[] body, long patternBytes, boolean head, boolean close) {
            byte[] scratch = SCRATCH.get();
            if (type.length > scratch.length - HEAD_BYTES_BESIDE_TYPE) {
                scratch = new byte[type.length + HEAD_BYTES_BESIDE_TYPE]; // a route's long type
            }
            final int h = responseHead(scratch, status, type, body.length + patternBytes, close);
            int written = 0;
            if (head || body.length == 0) {
                written = Math.max(0, connection.write(scratch, 0, h));
                if (written > 0) {
                    progress();
                }
                out = written == h ? NO_BODY : Arrays.copyOfRange(scratch, written, h);
                patternEnd = head ? 0 : patternBytes;
            } else {
                out = new byte[h + body.length];
                System.arraycopy(scratch, 0, out, 0, h);
                System.arraycopy(body, 0, out, h, body.length);
                patternEnd = patternBytes;
            }
            outPosition = 0;
            patternPosition = 0;
            closeAfter = close;
            responding = true;
            if (close) {
                // Nothing after a closing request is read (RFC 9112 §9.6).
                inLength = 0;
                bodyToSkip = 0;
            }
        }

        /** The status line and headers into {@code b} (large enough for any type we send); their length. */
        private int responseHead(byte[] b, int status, byte[] type, long length, boolean close) {
            int p = put(b, 0, statusLine(status));
            p = put(b, p, CONTENT_TYPE);
            p = put(b, p, type);
            p = put(b, p, CONTENT_LENGTH);
            p = putDecimal(b, p, length);
            p = put(b, p, CRLF);
            if (status == 405) {
                p = put(b, p, ALLOW);
            }
            if (close) {
                p = put(b, p, CONNECTION_CLOSE);
            } else if (announceKeepAlive) {
                p = put(b, p, CONNECTION_KEEP_ALIVE);
            }
            return put(b, p, CRLF);
        }

        /** Writes what fits; true when the whole response is in the send buffer. */
        private boolean pump(TcpConnection c) {
            while (outPosition < out.length) {
                int n = c.write(out, outPosition, out.length - outPosition);
                if (n <= 0) {
                    return false;
                }
                outPosition += n;
                progress();
            }
            while (patternPosition < patternEnd) {
                int off = (int) (patternPosition % BytesPattern.BLOCK_LENGTH);
                int len = (int) Math.min(BytesPattern.BLOCK_LENGTH - off, patternEnd - patternPosition);
                int n = c.write(BytesPattern.BLOCK, off, len);
                if (n <= 0) {
                    return false;
                }
                patternPosition += n;
                progress();
            }
            out = null;
            return true;
        }
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] statusLineOf(int status) {
        return ascii("HTTP/1.1 " + status + " " + reason(status) + "\r\nServer: jtcp\r\n");
    }

    /** The status line and the Server header. */
    private static byte[] statusLine(int status) {
        switch (status) {
            case 200:
                return STATUS_200;
            case 400:
                return STATUS_400;
            case 404:
                return STATUS_404;
            default:
                return statusLineOf(status); // not on the hot path
        }
    }

    private static byte[] typeBytes(String type) {
        switch (type) {
            case "text/plain":
                return TEXT_PLAIN;
            case HTML:
                return TEXT_HTML;
            case "application/octet-stream":
                return OCTET_STREAM;
            default:
                return ascii(type);
        }
    }

    private static int put(byte[] b, int at, byte[] s) {
        System.arraycopy(s, 0, b, at, s.length);
        return at + s.length;
    }

    /** {@code v >= 0} in decimal at {@code b[at..]}; the index after it. */
    private static int putDecimal(byte[] b, int at, long v) {
        int digits = 1;
        for (long x = v; x >= 10; x /= 10) {
            digits++;
        }
        for (int i = at + digits - 1; i >= at; i--) {
            b[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return at + digits;
    }

    private static boolean startsWith(byte[] b, int from, int to, byte[] prefix) {
        if (from < 0 || to - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** N of /bytes/N from {@code b[from..to)}: 1 to 13 digits, at most {@link #MAX_PATTERN_BYTES}; else -1. */
    private static long patternLength(byte[] b, int from, int to) {
        if (to - from < 1 || to - from > 13) {
            return -1;
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            if (b[i] < '0' || b[i] > '9') {
                return -1;
            }
            n = n * 10 + (b[i] - '0');
        }
        return n > MAX_PATTERN_BYTES ? -1 : n;
    }
}
