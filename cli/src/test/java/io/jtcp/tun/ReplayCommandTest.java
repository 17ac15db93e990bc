package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.tun.cli.MainAccess;
import io.jtcp.tun.replay.BuiltinServices;
import io.jtcp.tun.service.ServiceTimers;
import io.jtcp.tun.trace.EngineJournal;
import io.jtcp.tun.trace.PcapWriter;
import io.jtcp.tun.trace.StackConfigSnapshot;
import io.jtcp.viz.Chromium;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code jtcp replay} without a device: a session recorded in memory the way {@code serve --pcap}
 * records one (the pcap as the stack's tracer, the journal around {@link Engine}, the echo service
 * noted) replays identically; mutated, cut and random journals end in one line and an exit code,
 * never a stack trace.
 */
class ReplayCommandTest {
    private static final int JTCP = Ipv4Header.parseAddress("10.7.0.2");
    private static final int PEER = Ipv4Header.parseAddress("10.7.0.1");

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = MainAccess.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** An echo client: writes {@code data}, reads the echo, closes when all came back. */
    private static final class Client implements TcpHandler {
        final byte[] data;
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        int sent;

        Client(byte[] data) {
            this.data = data;
        }

        @Override
        public void onConnected(TcpConnection c) {
            onWritable(c);
        }

        @Override
        public void onWritable(TcpConnection c) {
            while (sent < data.length) {
                int n = c.write(data, sent, data.length - sent);
                if (n <= 0) {
                    return;
                }
                sent += n;
            }
        }

        @Override
        public void onReadable(TcpConnection c) {
            byte[] b = new byte[8192];
            int n;
            while ((n = c.read(b, 0, b.length)) > 0) {
                got.write(b, 0, n);
            }
            if (got.size() == data.length) {
                c.close();
            }
        }
    }

    /** Records an echo session through a lossy in-memory link; returns the pcap. */
    private Path record() {
        Path pcapFile = dir.resolve("mem.pcap");
        byte[] data = new byte[60_000];
        new Random(3).nextBytes(data);
        Client client = new Client(data);
        try (PcapWriter pcap = new PcapWriter(pcapFile, 0);
                EngineJournal journal = new EngineJournal(EngineJournal.sidecarOf(pcapFile))) {
            ArrayDeque<byte[]> toServer = new ArrayDeque<>();
            ArrayDeque<byte[]> toClient = new ArrayDeque<>();
            int[] count = {0};
            byte[] secret = new byte[16];
            Arrays.fill(secret, (byte) 7);
            StackConfig sc = new StackConfig().localAddr(JTCP).isnSecret(secret).tracer(pcap);
            journal.header("version=1\n" + StackConfigSnapshot.write(sc));
            NetworkStack server = new NetworkStack(sc, (b, o, l) -> {
                byte[] p = new byte[l];
                b.getBytes(o, p);
                if (++count[0] % 13 != 0) { // every 13th packet lost
                    toClient.add(p);
                }
            });
            ServiceTimers timers = new ServiceTimers();
            Engine engine = new JournalingEngine(Engine.of(server, timers), journal);
            String note = BuiltinServices.notes(7, null, null, null, 300_000_000_000L, 0, 0)
                    .get(0);
            BuiltinServices.listen(server, timers, note);
            journal.note(0, note);
            NetworkStack peer =
                    new NetworkStack(new StackConfig().localAddr(PEER).isnSecret(new byte[16]), (b, o, l) -> {
                        byte[] p = new byte[l];
                        b.getBytes(o, p);
                        if (++count[0] % 17 != 0) {
                            toServer.add(p);
                        }
                    });
            long now = 1_000_000_000L;
            peer.connect(now, JTCP, 7, client);
            for (int step = 0; step < 200_000 && client.got.size() < data.length; step++) {
                now += 1_000_000L;
                while (!toServer.isEmpty()) {
                    byte[] p = toServer.poll();
                    engine.onPacket(now, new UnsafeBuffer(p), 0, p.length);
                }
                engine.onTimeout(now);
                engine.flush(now);
                while (!toClient.isEmpty()) {
                    byte[] p = toClient.poll();
                    peer.onPacket(now, new UnsafeBuffer(p), 0, p.length);
                }
                peer.onTimeout(now);
                peer.flush(now);
            }
            assertTrue(Arrays.equals(data, client.got.toByteArray()), "echoed intact");
            assertTrue(server.counters().tcpRetransmits > 0, "the losses caused retransmissions");
        }
        return pcapFile;
    }

    @Test
    void shouldReplayAnInMemorySessionIdentically() throws Exception {
        Path pcap = record();
        Run r = run("replay", pcap.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("identical: every packet bit for bit"), r.out());
        Run conn = run(
                "replay",
                pcap.toString(),
                "--conn",
                "1",
                "--ladder",
                dir.resolve("l.svg").toString());
        assertEquals(0, conn.exitCode(), conn.out() + conn.err());
        assertTrue(conn.out().contains("connection #1 10.7.0.1:"), conn.out());
        String svg = Files.readString(dir.resolve("l.svg"));
        assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""), svg);
        assertTrue(svg.contains(">recorded</text>") && svg.contains("jtcp's answer (replayed)"), svg);
        assertEquals(3, svg.split("<svg ", -1).length - 1, "the outer drawing and the two ladders");
        // What a person sees: Chromium draws both nested ladders, the recorded one at x = 0 and
        // jtcp's answer to its right (ink in each of their columns), in a window as wide as both.
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<svg [^>]*?width=\"([0-9.]+)\"")
                .matcher(svg);
        double[] widths = new double[3];
        for (int i = 0; i < 3 && m.find(); i++) {
            widths[i] = Double.parseDouble(m.group(1));
        }
        java.awt.image.BufferedImage img = Chromium.screenshot(dir.resolve("l.svg"), dir, (int) widths[0] + 40, 2000);
        int half = (int) widths[1] + 10; // where the second ladder starts (the first one's width + 20)
        assertTrue(Chromium.ink(img, 0, half) > 2000, "the recorded ladder is drawn");
        assertTrue(Chromium.ink(img, half, (int) widths[0]) > 2000, "jtcp's answer is drawn");
    }

    @Test
    void shouldNeverThrowOnHostileJournals() throws Exception {
        Path pcap = record();
        byte[] good = Files.readAllBytes(EngineJournal.sidecarOf(pcap));
        Random rnd = new Random(9);
        for (int i = 0; i < 20; i++) {
            byte[] b = Arrays.copyOf(good, 1 + rnd.nextInt(good.length));
            for (int k = rnd.nextInt(6); k > 0; k--) {
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            }
            Path j = dir.resolve("h" + i + ".jtcp");
            Files.write(j, b);
            Run r = run("replay", pcap.toString(), "--journal", j.toString());
            assertTrue(r.exitCode() == 0 || r.exitCode() == 1 || r.exitCode() == 3, r.exitCode() + ": " + r.err());
            assertTrue(!r.err().contains("\tat "), r.err());
        }
        Path text = dir.resolve("notes.jtcp");
        Files.writeString(text, "not a journal\n");
        Run r = run("replay", pcap.toString(), "--journal", text.toString());
        assertEquals(1, r.exitCode());
        assertEquals("jtcp: error: " + text + " is not a jtcp replay journal\n", r.err());
    }
}
