package io.jtcp.tun.service;

import io.jtcp.stack.tcp.CloseReason;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.tcp.TcpListener;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.regex.Pattern;

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

    private static final Pattern PATTERN_LENGTH = Pattern.compile("\\d{1,13}");
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

    private static final int HEAD = 0;
    private static final int ACTIVE = 1;
    private static final int IDLE = 2;

    private final Supplier<String> statusPage;
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

        // Grows to MAX_HEAD_BYTES only for a head that needs it: a connection costs ~0.5 KB, not 8.
        private byte[] in = new byte[FIRST_HEAD_BYTES];
        private int inLength;
        private long bodyToSkip;
        private boolean responding;
        private byte[] out;
        private int outPosition;
        private long patternPosition;
        private long patternEnd;
        private boolean closeAfter;
        private boolean announceKeepAlive;
        private boolean done;
        /** A route is making the page: nothing is read or written until it answers. */
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
            while (!done && !waiting) {
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
                HttpRequest request = HttpRequest.parse(in, inLength, MAX_BODY_BYTES);
                if (request == null) {
                    if (inLength == in.length && in.length < MAX_HEAD_BYTES) {
                        in = Arrays.copyOf(in, Math.min(2 * in.length, MAX_HEAD_BYTES));
                    }
                    if (inLength == in.length) {
                        phase = ACTIVE; // answering now: the head clock stops
                        arm(idleTimeoutNs);
                        respond(
                                431,
                                "text/plain",
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
                consume(request.headLength);
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

        private void serve(HttpRequest r) {
            if (r.error != 0) {
                respond(r.error, "text/plain", text(reason(r.error) + "\n"), 0, false, true);
                return;
            }
            bodyToSkip = r.contentLength;
            // RFC 9112 §9.3 / RFC 1945 practice: an HTTP/1.0 client keeps the connection only when
            // the response says so; without this, ab -k waits for a close that never comes.
            announceKeepAlive = !r.http11 && r.keepAlive;
            boolean head = r.method.equals("HEAD");
            if (!head && !r.method.equals("GET")) {
                respond(405, "text/plain", text("only GET and HEAD\n"), 0, false, true);
                return;
            }
            String path = r.target;
            int query = path.indexOf('?');
            if (query >= 0) {
                path = path.substring(0, query);
            }
            if (path.equals("/")) {
                respond(
                        200,
                        "text/html; charset=utf-8",
                        statusPage.get().getBytes(StandardCharsets.UTF_8),
                        0,
                        head,
                        !r.keepAlive);
            } else if (path.startsWith("/bytes/")) {
                String n = path.substring("/bytes/".length());
                if (!PATTERN_LENGTH.matcher(n).matches() || Long.parseLong(n) > MAX_PATTERN_BYTES) {
                    respond(
                            400,
                            "text/plain",
                            text("N must be a number from 0 to " + MAX_PATTERN_BYTES + "\n"),
                            0,
                            false,
                            true);
                } else {
                    respond(200, "application/octet-stream", new byte[0], Long.parseLong(n), head, !r.keepAlive);
                }
            } else if (routes != null) {
                route(path, head, r.keepAlive);
            } else {
                respond(404, "text/plain", text("not found: " + path + "\n"), 0, head, !r.keepAlive);
            }
        }

        /**
         * Asks {@link #routes} for the page; reading stops until it answers (as while a response
         * is written), which may be at once or from a later loop task.
         */
        private void route(String path, boolean head, boolean keepAlive) {
            waiting = true;
            boolean[] inside = {true};
            try {
                routes.get(path, page -> {
                    if (!waiting) {
                        return; // answered twice
                    }
                    waiting = false;
                    if (done) {
                        return; // the connection went away meanwhile
                    }
                    if (page == null) {
                        respond(404, "text/plain", text("not found: " + path + "\n"), 0, head, !keepAlive);
                    } else {
                        boolean close = !keepAlive || page.status() >= 500;
                        respond(page.status(), page.contentType(), page.body(), 0, head, close);
                    }
                    if (!inside[0]) {
                        run(connection);
                    }
                });
            } catch (RuntimeException e) {
                // A page that cannot be made must not end the loop.
                if (waiting) {
                    waiting = false;
                    respond(500, "text/plain", text("cannot make " + path + "\n"), 0, head, true);
                }
            }
            inside[0] = false;
        }

        private void respond(int status, String type, byte[] body, long patternBytes, boolean head, boolean close) {
            long length = body.length + patternBytes;
            String h = "HTTP/1.1 " + status + " " + reason(status) + "\r\n"
                    + "Server: jtcp\r\n"
                    + "Content-Type: " + type + "\r\n"
                    + "Content-Length: " + length + "\r\n"
                    + (status == 405 ? "Allow: GET, HEAD\r\n" : "")
                    + (close ? "Connection: close\r\n" : announceKeepAlive ? "Connection: keep-alive\r\n" : "")
                    + "\r\n";
            byte[] hb = h.getBytes(StandardCharsets.ISO_8859_1);
            if (head) {
                out = hb;
                patternEnd = 0;
            } else {
                out = new byte[hb.length + body.length];
                System.arraycopy(hb, 0, out, 0, hb.length);
                System.arraycopy(body, 0, out, hb.length, body.length);
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
}
