package io.jtcp.tun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.tun.trace.Packets;
import io.jtcp.tun.trace.PcapWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** jtcp ladder on jtcp's own pcap and on bad input: one error line, exit 1 or 2, never a stack trace. */
class LadderCommandTest {
    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** A SYN in and a data segment out, written by jtcp's own PcapWriter. */
    private Path ownPcap() {
        Path file = dir.resolve("own.pcap");
        try (PcapWriter pcap = new PcapWriter(file, 0)) {
            UnsafeBuffer syn = Packets.syn();
            UnsafeBuffer data = Packets.data(100);
            UnsafeBuffer ping = Packets.echoRequest();
            pcap.onPacket(1_000, true, syn, 0, syn.capacity());
            pcap.onPacket(2_000_000, true, ping, 0, ping.capacity());
            pcap.onPacket(3_000_000, false, data, 0, data.capacity());
        }
        return file;
    }

    @Test
    void shouldDrawOwnPcapAsTextOnStdout() {
        Run r = run("ladder", ownPcap().toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("TCP connection #1 of 1: 10.7.0.1:40312 -> 10.7.0.2:80, 2 segments"), r.out());
        assertTrue(r.out().contains("SYN seq=0 (ISN 2711) win=64240 <mss 1460,sackOK,TS,wscale 7>"), r.out());
        assertTrue(r.out().contains("SYN_SENT"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void shouldWriteSvgAndMermaidFiles() throws Exception {
        Path svg = dir.resolve("l.svg");
        Run r = run("ladder", ownPcap().toString(), "-o", svg.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Files.readString(svg).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assertTrue(r.err().startsWith("jtcp ladder: wrote " + svg), r.err());
        Run m = run("ladder", ownPcap().toString(), "--format", "mermaid", "--absolute");
        assertEquals(0, m.exitCode(), m.err());
        assertTrue(m.out().startsWith("sequenceDiagram\n"), m.out());
        assertTrue(m.out().contains("SYN seq=2711 (ISN)"), m.out());
        Run list = run("ladder", ownPcap().toString(), "--list");
        assertEquals("#1 10.7.0.1:40312 -> 10.7.0.2:80, 2 segments, 0.003 s\n", list.out());
    }

    private void assertOneLineError(int code, String prefix, String... args) {
        Run r = run(args);
        assertEquals(code, r.exitCode(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].startsWith(prefix), lines[0]);
    }

    @Test
    void shouldFailInOneLineOnBadInput() throws Exception {
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "not a capture\n");
        assertOneLineError(1, "jtcp: error: not a capture file libpcap can read: " + text, "ladder", text.toString());
        assertOneLineError(
                1,
                "jtcp: error: no such capture file: ",
                "ladder",
                dir.resolve("nope.pcap").toString());
        Path ping = dir.resolve("ping.pcap");
        try (PcapWriter pcap = new PcapWriter(ping, 0)) {
            UnsafeBuffer b = Packets.echoRequest();
            pcap.onPacket(1_000, true, b, 0, b.capacity());
        }
        assertOneLineError(1, "jtcp: error: no TCP segment in " + ping + " (1 frames)", "ladder", ping.toString());
        String own = ownPcap().toString();
        assertOneLineError(1, "jtcp: error: no connection #2 in ", "ladder", own, "--conn", "2");
        assertOneLineError(1, "jtcp: error: no TCP connection with port 81 in ", "ladder", own, "--port", "81");
        assertOneLineError(2, "jtcp ladder: --port must be 1..65535, not 0", "ladder", own, "--port", "0");
        assertOneLineError(
                2,
                "jtcp ladder: Error: --conn=N, --port=P are mutually exclusive",
                "ladder",
                own,
                "--conn",
                "1",
                "--port",
                "80");
        assertOneLineError(2, "jtcp ladder: Invalid value for option '--format'", "ladder", own, "--format", "png");
        assertOneLineError(2, "jtcp ladder: Missing required parameter: 'FILE'", "ladder");
    }

    @Test
    void shouldWarnAndDrawWhatPrecedesATruncation() throws Exception {
        byte[] whole = Files.readAllBytes(ownPcap());
        Path cut = dir.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(whole, whole.length - 10));
        Run r = run("ladder", cut.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("jtcp ladder: warning: capture ends early after frame 2"), r.err());
        assertTrue(r.out().contains(", 1 segments in"), r.out());
    }

    /** Mutated and cut copies of a capture: the command exits 0 or 1, it never throws. */
    @Test
    void shouldNeverThrowOnHostileFiles() throws Exception {
        byte[] good = Files.readAllBytes(ownPcap());
        Random rnd = new Random(5);
        for (int i = 0; i < 150; i++) {
            byte[] b = Arrays.copyOf(good, 1 + rnd.nextInt(good.length));
            for (int k = rnd.nextInt(8); k > 0; k--) {
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            }
            Path f = dir.resolve("h" + i + ".pcap");
            Files.write(f, b);
            Run r = run("ladder", f.toString(), "--format", i % 3 == 0 ? "svg" : i % 3 == 1 ? "mermaid" : "text");
            assertTrue(r.exitCode() == 0 || r.exitCode() == 1, r.exitCode() + ": " + r.err());
            assertTrue(!r.err().contains("\tat "), r.err());
        }
    }
}
