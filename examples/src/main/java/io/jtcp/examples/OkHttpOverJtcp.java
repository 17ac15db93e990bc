package io.jtcp.examples;

import io.jtcp.tun.JtcpHost;
import io.jtcp.tun.socket.JtcpSockets;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * OkHttp, unchanged, over jtcp: its {@code socketFactory} is jtcp's {@link javax.net.SocketFactory},
 * so every connection it opens is a jtcp connection. Prints the status, the length and the SHA-256
 * of the body (compare with {@code sha256sum} of the served file).
 *
 * <p>Run: {@code src/examples.sh OkHttpOverJtcp [url]} (default {@code http://10.7.0.1:8000/}: the
 * script starts {@code python3 -m http.server} there).
 */
public final class OkHttpOverJtcp {
    private OkHttpOverJtcp() {}

    /** "HTTP status, N bytes, sha256 HEX" of a GET of {@code url} through OkHttp over {@code sockets}. */
    public static String get(JtcpSockets sockets, String url) throws Exception {
        OkHttpClient client = new OkHttpClient.Builder()
                .socketFactory(sockets.socketFactory())
                .connectTimeout(5, TimeUnit.SECONDS)
                .readTimeout(30, TimeUnit.SECONDS)
                .build();
        try (Response response =
                client.newCall(new Request.Builder().url(url).build()).execute()) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long length = 0;
            try (InputStream in = response.body().byteStream()) {
                byte[] buf = new byte[64 * 1024];
                for (int n; (n = in.read(buf)) >= 0; length += n) {
                    sha.update(buf, 0, n);
                }
            }
            return "HTTP " + response.code() + ", " + length + " bytes, sha256 "
                    + HexFormat.of().formatHex(sha.digest());
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : "http://" + Examples.KERNEL + ":8000/";
        try (JtcpHost host = Examples.startHost()) {
            System.out.println(get(JtcpSockets.of(host), url));
        }
    }
}
