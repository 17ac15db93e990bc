package com.example.consumer;

import io.jtcp.stack.StackConfig;
import io.jtcp.tun.socket.JtcpLoopback;
import io.jtcp.tun.socket.JtcpSockets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A blocking echo over two jtcp stacks in memory (no device, no privileges): a java.net
 * ServerSocket on one side, a Socket from the other's SocketFactory, 1 MiB each way, checked by
 * SHA-256. Prints one line; exits 1 on a mismatch.
 */
public final class BlockingEcho {
    private static final int PORT = 7;
    private static final int BYTES = 1 << 20;

    public static void main(String[] args) throws Exception {
        byte[] data = new byte[BYTES];
        new Random(12).nextBytes(data);
        // A builder: the stacks take validated snapshots of it.
        StackConfig settings = new StackConfig().sendBufferBytes(256 << 10).receiveBufferBytes(256 << 10);
        ExecutorService threads = Executors.newCachedThreadPool();
        try (JtcpLoopback loopback = new JtcpLoopback(settings::copy)) {
            JtcpSockets server = loopback.b();
            JtcpSockets client = loopback.a();
            Future<?> echo;
            try (ServerSocket listener = server.serverSocket(PORT, 8)) {
                echo = threads.submit(() -> {
                    try (Socket s = listener.accept()) {
                        s.getInputStream().transferTo(s.getOutputStream());
                        s.shutdownOutput();
                    }
                    return null;
                });
                try (Socket s = client.socketFactory().createSocket(InetAddress.getByName(JtcpLoopback.B_ADDR), PORT)) {
                    s.setSoTimeout(30_000);
                    Future<byte[]> reply = threads.submit(() -> readAll(s.getInputStream()));
                    OutputStream out = s.getOutputStream();
                    out.write(data);
                    s.shutdownOutput();
                    byte[] back = reply.get(60, TimeUnit.SECONDS);
                    echo.get(60, TimeUnit.SECONDS);
                    String sent = sha256(data);
                    String received = sha256(back);
                    if (!sent.equals(received)) {
                        System.out.println("consumer: MISMATCH: sent " + sent + ", received " + received + " ("
                                + back.length + " bytes)");
                        System.exit(1);
                    }
                    System.out.println("consumer: echoed " + back.length + " bytes, sha256 " + received);
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toByteArray();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
