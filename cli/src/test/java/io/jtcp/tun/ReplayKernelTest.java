package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.tun.TunTestSupport.TestNetns;
import io.jtcp.tun.cli.MainAccess;
import io.jtcp.tun.service.BytesPattern;
import io.jtcp.tun.trace.EngineJournal;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue #11, record and replay: {@code jtcp serve --pcap} records a lossy session against the
 * kernel (3 % loss each way by {@code --fault}, a curl download of 3 MiB checked by SHA-256, plus
 * the echo, discard and chargen services), and {@code jtcp replay} reproduces every outbound packet
 * bit for bit from the capture and its journal. A capture with one inbound byte flipped, or one
 * inbound segment dropped, must replay as a divergence: the comparison can fail.
 */
@Tag("tun")
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ReplayKernelTest {
    private static final int DOWNLOAD = 3 << 20;
    private static final int KERNEL = 0x0A070001; // 10.7.0.1, the kernel side

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {}

    private static Run replay(String... args) {
        CommandLine cl = MainAccess.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of("replay"));
        all.addAll(List.of(args));
        int code = cl.execute(all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void shouldReplayALossyKernelSessionBitExactAndSeeMutations() throws Exception {
        TunTestSupport.requireTun();
        Path pcap = dir.resolve("session.pcap");
        String stopped = record(pcap);
        Matcher rtx = Pattern.compile("tcp\\.retransmits=(\\d+)").matcher(stopped);
        assertTrue(rtx.find() && Long.parseLong(rtx.group(1)) > 0, "retransmissions in the capture: " + stopped);
        assertTrue(Files.size(EngineJournal.sidecarOf(pcap)) > 1000, "the journal beside the pcap");

        Run same = replay(pcap.toString(), "--ladder", dir.resolve("l.txt").toString());
        assertEquals(0, same.exitCode(), same.out() + same.err());
        assertTrue(same.out().contains("identical: every packet bit for bit"), same.out());
        assertEquals("", same.err().replaceAll("jtcp replay: wrote .*\n", ""), same.err());
        assertTrue(Files.readString(dir.resolve("l.txt")).contains("JTCP'S ANSWER"));

        // One flipped byte in curl's request: its checksum fails, the replayed engine drops it,
        // and the response it answered in the recording does not come.
        byte[] original = Files.readAllBytes(pcap);
        int[] request = inboundRecords(original, 80, r -> r[1] > 60).get(0);
        Path flipped = dir.resolve("flipped.pcap");
        byte[] f = original.clone();
        f[request[0] + request[1] - 1] ^= 0x01; // the last byte of the request head
        Files.write(flipped, f);
        Files.copy(EngineJournal.sidecarOf(pcap), EngineJournal.sidecarOf(flipped));
        Run flip = replay(flipped.toString());
        assertEquals(3, flip.exitCode(), flip.out() + flip.err());
        assertTrue(flip.out().contains("DIVERGED") && flip.out().contains("first divergence:"), flip.out());

        // curl's FIN dropped from the capture: the replayed HTTP connection never closes.
        int[] fin = inboundRecords(original, 80, r -> (original[r[0] + 33] & 0x01) != 0)
                .get(0);
        Path dropped = dir.resolve("dropped.pcap");
        byte[] d = new byte[original.length - 16 - fin[1]];
        System.arraycopy(original, 0, d, 0, fin[0] - 16);
        System.arraycopy(original, fin[0] + fin[1], d, fin[0] - 16, original.length - fin[0] - fin[1]);
        Files.write(dropped, d);
        Files.copy(EngineJournal.sidecarOf(pcap), EngineJournal.sidecarOf(dropped));
        Run drop = replay(dropped.toString());
        assertEquals(3, drop.exitCode(), drop.out() + drop.err());
        assertTrue(drop.out().contains("DIVERGED"), drop.out());
    }

    /** Runs serve with --pcap and loss, drives all four services from the kernel, stops it; its last output. */
    private String record(Path pcap) throws Exception {
        try (TestNetns ns = new TestNetns("replay")) {
            Process serve = new ProcessBuilder(CliKernelTest.jtcp(
                            "serve", "--netns", ns.name(), "--pcap", pcap.toString(), "--fault", "loss=3%,seed=23"))
                    .redirectErrorStream(true)
                    .start();
            List<String> lines = new ArrayList<>();
            try {
                ServeOutput reader = ServeOutput.awaitReady(serve, lines);
                String got = ns.exec(
                                60,
                                "sh",
                                "-c",
                                "curl -sS --fail -m 50 http://10.7.0.2/bytes/" + DOWNLOAD + " | sha256sum")
                        .expectSuccess()
                        .output();
                assertTrue(got.startsWith(BytesPattern.sha256(DOWNLOAD)), got);
                String echo = ns.exec(20, "sh", "-c", "echo replay-me | timeout 15 nc -N 10.7.0.2 7")
                        .expectSuccess()
                        .output();
                assertEquals("replay-me", echo.strip());
                ns.exec(20, "sh", "-c", "head -c 200000 /dev/zero | timeout 15 nc -N 10.7.0.2 9")
                        .expectSuccess();
                String chargen = ns.exec(20, "sh", "-c", "timeout 15 nc 10.7.0.2 19 | head -c 5000 | wc -c")
                        .output();
                assertTrue(chargen.strip().endsWith("5000"), chargen);
                TunTestSupport.run(5, "kill", "-TERM", String.valueOf(serve.pid()));
                assertTrue(serve.waitFor(15, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
                reader.join(5000);
            } finally {
                serve.destroyForcibly();
            }
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }
    }

    /**
     * The records of a little-endian microsecond pcap (jtcp's own) that carry a TCP segment from
     * the kernel to jtcp's {@code port}: {offset of the packet, captured length}, those {@code
     * which} accepts.
     */
    private static List<int[]> inboundRecords(byte[] pcap, int port, Predicate<int[]> which) {
        ByteBuffer b = ByteBuffer.wrap(pcap);
        List<int[]> out = new ArrayList<>();
        int at = 24;
        while (at + 16 <= pcap.length) {
            int len = Integer.reverseBytes(b.getInt(at + 8));
            int packet = at + 16;
            int[] record = {packet, len};
            if (b.getInt(packet + 12) == KERNEL
                    && (pcap[packet + 9] & 0xFF) == 6
                    && (b.getShort(packet + 22) & 0xFFFF) == port
                    && which.test(record)) {
                out.add(record);
            }
            at = packet + len;
        }
        return out;
    }
}
