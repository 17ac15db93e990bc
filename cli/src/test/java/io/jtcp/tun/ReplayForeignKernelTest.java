package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.tun.TunTestSupport.TestNetns;
import io.jtcp.tun.cli.MainAccess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue #11: {@code jtcp replay} of another stack's capture, Linux against Linux (curl and
 * python's http.server in two namespaces joined by a veth pair, tcpdump on the client's end, one
 * segment per skb so the capture holds wire segments): jtcp takes the server's place and the
 * report names where it would have answered differently, starting with its SYN-ACK (jtcp's window
 * scale follows its own buffers), and draws the two-column ladder.
 */
@Tag("tun")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ReplayForeignKernelTest {
    @TempDir
    Path dir;

    @Test
    void shouldReportWhereJtcpWouldHaveAnsweredALinuxClientDifferently() throws Exception {
        TunTestSupport.requireTun();
        org.junit.jupiter.api.Assumptions.assumeTrue(
                TunTestSupport.run(5, "tcpdump", "--version").exitCode() == 0, "tcpdump is not installed");
        Path pcap = dir.resolve("linux.pcap");
        String sha = KernelPeerTest.randomFile(dir.resolve("f.bin"), 150_000, 5);
        try (TestNetns client = new TestNetns("rpcl");
                TestNetns server = new TestNetns("rpsv")) {
            String a = "rpa" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 16));
            String b = "rpb" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 16));
            TunTestSupport.run(
                            10,
                            "ip",
                            "link",
                            "add",
                            a,
                            "netns",
                            client.name(),
                            "type",
                            "veth",
                            "peer",
                            "name",
                            b,
                            "netns",
                            server.name())
                    .expectSuccess();
            client.exec(5, "ip", "addr", "add", "10.7.51.1/24", "dev", a).expectSuccess();
            server.exec(5, "ip", "addr", "add", "10.7.51.2/24", "dev", b).expectSuccess();
            // One segment per skb: tcpdump then sees what a wire would carry, not GSO super-segments.
            client.exec(5, "ip", "link", "set", a, "gso_max_segs", "1", "up").expectSuccess();
            server.exec(5, "ip", "link", "set", b, "gso_max_segs", "1", "up").expectSuccess();
            Process http = new ProcessBuilder(server.command(
                            "python3",
                            "-m",
                            "http.server",
                            "8000",
                            "--bind",
                            "10.7.51.2",
                            "--directory",
                            dir.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("http.log").toFile())
                    .start();
            Process dump = new ProcessBuilder(client.command(
                            // Immediate mode: no ring-buffer block left unwritten at the interrupt;
                            // -Z root: tcpdump keeps the rights to the test's directory; -B: a
                            // 16 MiB buffer, so that a loaded machine drops nothing.
                            "tcpdump",
                            "--immediate-mode",
                            "-B",
                            "16384",
                            "-Z",
                            "root",
                            "-i",
                            a,
                            "-U",
                            "-w",
                            pcap.toString(),
                            "tcp",
                            "port",
                            "8000"))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("tcpdump.log").toFile())
                    .start();
            try {
                TunTestSupport.awaitListening(server, 8000);
                // tcpdump says so on stderr once its socket is open (slow on a loaded machine).
                Path log = dir.resolve("tcpdump.log");
                for (int i = 0; i < 200 && !Files.readString(log).contains("listening on"); i++) {
                    Thread.sleep(50);
                }
                assertTrue(Files.readString(log).contains("listening on"), "tcpdump started: " + Files.readString(log));
                String got = client.exec(
                                30,
                                "sh",
                                "-c",
                                "curl -sS --fail -m 20 --limit-rate 1M http://10.7.51.2:8000/f.bin | sha256sum")
                        .expectSuccess()
                        .output();
                assertTrue(got.startsWith(sha), got);
                Thread.sleep(500); // the FINs, through tcpdump's buffer
            } finally {
                TunTestSupport.run(5, "kill", "-INT", String.valueOf(dump.pid()));
                dump.waitFor(10, TimeUnit.SECONDS);
                http.destroy();
                http.waitFor(5, TimeUnit.SECONDS);
                dump.destroyForcibly();
                http.destroyForcibly();
            }
        }
        assertTrue(
                Files.size(pcap) > 100_000,
                "the capture holds the download: " + Files.size(pcap) + " bytes, "
                        + Files.readString(dir.resolve("tcpdump.log")));

        CommandLine cl = MainAccess.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        Path ladder = dir.resolve("diff.txt");
        int code = cl.execute("replay", pcap.toString(), "--ladder", ladder.toString());
        String o = out.toString();
        assertEquals(3, code, o + err);
        assertTrue(o.contains("has no journal: another stack's capture"), o);
        assertTrue(o.contains("first divergence:\n  DIFFERENT at packet 1 "), o);
        assertTrue(o.contains("wscale"), "the SYN-ACK's options differ: " + o);
        assertTrue(o.contains("[S.] seq"), o);
        String l = Files.readString(ladder);
        assertTrue(l.startsWith("RECORDED"), l);
        assertTrue(l.contains("JTCP'S ANSWER") && l.contains("SYN-ACK"), l);
    }
}
