package io.jtcp.tun.client;

import io.jtcp.stack.tcp.CloseReason;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.wire.Ipv4Header;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * An HTTP/1.1 GET over one jtcp connection (RFC 9112): sends the request with {@code Connection:
 * close}, parses the status line and headers, and writes the body to an output stream, framed by
 * Content-Length, chunked transfer coding (§7.1), or the end of the connection (§6.3). The body is
 * written on the loop thread, which suits files; it reads only what it has written, so a slow
 * output slows the sender through TCP's window, never through memory.
 */
public final class HttpGetClient implements TcpHandler {
    /** A parsed {@code http://A.B.C.D[:port]/path} URL: no DNS in a user-space stack. */
    public record Url(int addr, int port, String path, String hostHeader) {
        public static Url parse(String url) {
            if (!url.startsWith("http://")) {
                throw new IllegalArgumentException("only http:// URLs are supported: '" + url + "'");
            }
            String rest = url.substring(7);
            int slash = rest.indexOf('/');
            String authority = slash < 0 ? rest : rest.substring(0, slash);
            String path = slash < 0 ? "/" : rest.substring(slash);
            int port = 80;
            String host = authority;
            int colon = authority.indexOf(':');
            if (colon >= 0) {
                host = authority.substring(0, colon);
                try {
                    port = Integer.parseInt(authority.substring(colon + 1));
                } catch (NumberFormatException e) {
                    port = -1;
                }
                if (port < 1 || port > 65535) {
                    throw new IllegalArgumentException("bad port in '" + url + "'");
                }
            }
            int addr;
            try {
                addr = Ipv4Header.parseAddress(host);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "the host must be an IPv4 address (jtcp has no DNS): '" + host + "'");
            }
            return new Url(addr, port, path, authority);
        }
    }

    /** How the exchange ended. */
    public record Result(int status, String statusLine, long bodyBytes, boolean complete, String error) {}

    private static final int MAX_HEAD = 64 * 1024;

    private final Url url;
    private final OutputStream body;
    private final CompletableFuture<Result> result = new CompletableFuture<>();
    private final byte[] buffer = new byte[64 * 1024];
    private final ByteArrayOutputStream head = new ByteArrayOutputStream();
    private int headTail;
    private boolean headDone;
    private int status;
    private String statusLine = "";
    private long contentLength = -1;
    private boolean chunked;
    private long bodyBytes;
    // chunked decoding state
    private long chunkLeft;
    private final StringBuilder chunkLine = new StringBuilder();
    private int chunkState; // 0 size line, 1 data, 2 CRLF after data, 3 trailers
    private boolean complete;
    private String bodyError;
    // Read by another thread for a progress bar; written on the loop thread.
    private volatile long progressBytes;
    private volatile long progressTotal = -1;

    public HttpGetClient(Url url, OutputStream body) {
        this.url = url;
        this.body = body;
    }

    public CompletableFuture<Result> result() {
        return result;
    }

    /** Body bytes received so far (any thread). */
    public long progressBytes() {
        return progressBytes;
    }

    /** The body's Content-Length, or -1 while unknown or chunked (any thread). */
    public long progressTotal() {
        return progressTotal;
    }

    @Override
    public void onConnected(TcpConnection c) {
        String request = "GET " + url.path() + " HTTP/1.1\r\nHost: " + url.hostHeader()
                + "\r\nUser-Agent: jtcp\r\nAccept: */*\r\nConnection: close\r\n\r\n";
        byte[] b = request.getBytes(StandardCharsets.ISO_8859_1);
        int n = c.write(b, 0, b.length);
        if (n != b.length) {
            fail(c, "request larger than the send buffer");
        }
    }

    @Override
    public void onReadable(TcpConnection c) {
        drain(c);
    }

    @Override
    public void onPeerClosed(TcpConnection c) {
        drain(c);
        finish(c);
    }

    @Override
    public void onClosed(TcpConnection c, CloseReason reason) {
        if (!result.isDone()) {
            if (reason == CloseReason.NORMAL && headDone) {
                finish(c);
            } else {
                result.complete(new Result(status, statusLine, bodyBytes, false, reason.description()));
            }
        }
    }

    private void drain(TcpConnection c) {
        int n;
        while (!result.isDone() && (n = c.read(buffer, 0, buffer.length)) > 0) {
            int off = 0;
            if (!headDone) {
                off = takeHead(c, n);
                if (off < 0) {
                    return;
                }
            }
            if (headDone && off < n) {
                consumeBody(buffer, off, n - off);
                if (bodyError != null) {
                    fail(c, bodyError);
                    return;
                }
            }
            if (complete) {
                finish(c);
            }
        }
    }

    /** Returns the offset where the body starts in {@code buffer}, or -1 when the head is incomplete. */
    private int takeHead(TcpConnection c, int n) {
        for (int i = 0; i < n; i++) {
            head.write(buffer[i]);
            // The last four bytes, to spot CRLF CRLF without copying the head for every byte.
            headTail = headTail << 8 | (buffer[i] & 0xFF);
            int len = head.size();
            if (len >= 4 && headTail == 0x0D0A0D0A) {
                parseHead(head.toString(StandardCharsets.ISO_8859_1));
                if (status < 0) {
                    String shown = statusLine.length() > 80 ? statusLine.substring(0, 80) + "…" : statusLine;
                    fail(c, "bad status line from the server: '" + shown + "'");
                    return -1;
                }
                headDone = true;
                progressTotal = chunked ? -1 : contentLength;
                if (contentLength == 0) {
                    complete = true;
                }
                return i + 1;
            }
            if (len > MAX_HEAD) {
                fail(c, "response head over " + MAX_HEAD + " bytes");
                return -1;
            }
        }
        return -1;
    }

    private void parseHead(String text) {
        // -1 keeps the empty lines: a head of nothing but "\r\n\r\n" still has a (bad) first line.
        String[] lines = text.split("\r\n", -1);
        statusLine = lines[0];
        // RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ]
        status = statusLine.matches("(?s)HTTP/[0-9]\\.[0-9] [0-9]{3}( .*)?")
                ? Integer.parseInt(statusLine.substring(9, 12))
                : -1;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            if (name.equals("content-length")) {
                try {
                    contentLength = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    contentLength = -1;
                }
            } else if (name.equals("transfer-encoding")
                    && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            contentLength = -1; // RFC 9112 §6.3: chunked overrides Content-Length
        }
    }

    private void consumeBody(byte[] b, int off, int len) {
        if (!chunked) {
            int n = contentLength < 0 ? len : (int) Math.min(len, contentLength - bodyBytes);
            write(b, off, n);
            if (contentLength >= 0 && bodyBytes == contentLength) {
                complete = true;
            }
            return;
        }
        int i = off;
        int end = off + len;
        while (i < end && !complete) {
            switch (chunkState) {
                case 0:
                case 3:
                    char ch = (char) (b[i++] & 0xFF);
                    if (ch != '\n') {
                        chunkLine.append(ch);
                        break;
                    }
                    String line = chunkLine.toString().trim();
                    chunkLine.setLength(0);
                    if (chunkState == 3) {
                        complete = line.isEmpty();
                        break;
                    }
                    int semi = line.indexOf(';');
                    chunkLeft =
                            chunkSize(semi < 0 ? line : line.substring(0, semi).trim());
                    if (chunkLeft < 0) {
                        bodyError = "bad chunk size line from the server: '" + line + "'";
                        return;
                    }
                    chunkState = chunkLeft == 0 ? 3 : 1;
                    break;
                case 1:
                    int n = (int) Math.min(chunkLeft, end - i);
                    write(b, i, n);
                    i += n;
                    chunkLeft -= n;
                    if (chunkLeft == 0) {
                        chunkState = 2;
                    }
                    break;
                default: // CRLF after chunk data
                    if (b[i++] == '\n') {
                        chunkState = 0;
                    }
                    break;
            }
        }
    }

    /**
     * RFC 9112 §7.1: {@code chunk-size = 1*HEXDIG}; -1 for anything else (a sign, a 0x, a size
     * past 2^60), which a lenient Long.parseLong would take or throw on.
     */
    private static long chunkSize(String hex) {
        if (hex.isEmpty() || hex.length() > 15) {
            return -1;
        }
        long size = 0;
        for (int i = 0; i < hex.length(); i++) {
            int digit = Character.digit(hex.charAt(i), 16);
            if (digit < 0 || hex.charAt(i) > 'f') {
                return -1;
            }
            size = size << 4 | digit;
        }
        return size;
    }

    private void write(byte[] b, int off, int len) {
        try {
            body.write(b, off, len);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        bodyBytes += len;
        progressBytes = bodyBytes;
    }

    private void finish(TcpConnection c) {
        if (result.isDone()) {
            return;
        }
        try {
            body.flush();
        } catch (IOException e) {
            // reported below as incomplete
        }
        boolean ok = headDone && (complete || (contentLength < 0 && !chunked));
        result.complete(new Result(
                status, statusLine, bodyBytes, ok, ok ? null : "connection closed before the response ended"));
        c.close();
    }

    private void fail(TcpConnection c, String why) {
        result.complete(new Result(status, statusLine, bodyBytes, false, why));
        c.abort();
    }
}
