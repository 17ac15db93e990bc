package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.tun.TunTestSupport.TestNetns;
import io.jtcp.tun.service.BytesPattern;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #11's live pictures: real curl sessions against {@code jtcp serve --ladder DIR}; one SVG
 * ladder per connection appears once it closed, with the handshake, the request and response, the
 * FINs and jtcp's own states; the status page links every live and recent connection to its
 * ladder, state diagram and time-sequence graph, served by jtcp; odd paths get 404; and the file
 * cap holds, with the rest counted.
 */
@Tag("tun")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LivePicturesKernelTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void requireTun() {
        TunTestSupport.requireTun();
    }

    /** Starts serve in {@code ns} and waits for its ready line. */
    private static Process serve(TestNetns ns, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("serve", "--netns", ns.name(), "--http", "8080"));
        args.addAll(List.of(extra));
        Process serve = new ProcessBuilder(CliKernelTest.jtcp(args.toArray(new String[0])))
                .redirectErrorStream(true)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("jtcp: ready")) {
            // startup lines
        }
        assertTrue(line != null, "serve did not start");
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // keep the pipe from filling
                }
            } catch (java.io.IOException ignored) {
                // serve ended
            }
        });
        drain.setDaemon(true);
        drain.start();
        return serve;
    }

    private static void stop(Process serve) throws InterruptedException {
        TunTestSupport.run(5, "kill", "-TERM", String.valueOf(serve.pid()));
        if (!serve.waitFor(15, TimeUnit.SECONDS)) {
            serve.destroyForcibly();
        }
    }

    /** {@code curl} in the namespace: the body, then a line with the status and the content type. */
    static String curl(TestNetns ns, String path) {
        return ns.exec(
                        30,
                        "curl",
                        "-sS",
                        "-m",
                        "20",
                        "--path-as-is",
                        "-w",
                        "\n%{http_code} %{content_type}",
                        "http://10.7.0.2:8080" + path)
                .expectSuccess()
                .output();
    }

    static String body(String curled) {
        return curled.substring(0, curled.lastIndexOf('\n'));
    }

    static String status(String curled) {
        return curled.substring(curled.lastIndexOf('\n') + 1);
    }

    static void wellFormed(String svg) throws Exception {
        DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertTrue(svg.contains("<svg"), svg);
    }

    static List<Path> svgs(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".svg"))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void shouldWriteLadderPerClosedConnectionAndServeAllThreePictures() throws Exception {
        try (TestNetns ns = new TestNetns("live")) {
            Path dir = tmp.resolve("ladders");
            Process serve = serve(ns, "--ladder", dir.toString());
            try {
                for (int i = 0; i < 3; i++) {
                    String got = ns.exec(
                                    30, "sh", "-c", "curl -sS --fail -m 20 http://10.7.0.2:8080/bytes/5000 | sha256sum")
                            .expectSuccess()
                            .output();
                    assertTrue(got.startsWith(BytesPattern.sha256(5000)), got);
                }
                List<Path> files = List.of();
                for (int i = 0; i < 100 && files.size() < 3; i++) {
                    Thread.sleep(100);
                    files = svgs(dir);
                }
                assertEquals(3, files.size(), files.toString());
                for (Path f : files) {
                    assertTrue(
                            f.getFileName().toString().matches("\\d{6}_10\\.7\\.0\\.1-\\d+_10\\.7\\.0\\.2-8080\\.svg"),
                            f.toString());
                    String svg = Files.readString(f);
                    wellFormed(svg);
                    for (String label : List.of(
                            ">SYN seq=0 (ISN ",
                            "SYN-ACK seq=0 (ISN ",
                            " ack=1 ",
                            "GET /bytes/5000 HTTP/1.1",
                            "HTTP/1.1 200 OK",
                            "FIN-ACK",
                            // jtcp's own states on its lifeline, the kernel's inferred on curl's.
                            "states from its own state trace",
                            "SYN_RECEIVED",
                            "CLOSE_WAIT",
                            "LAST_ACK",
                            "SYN_SENT",
                            "FIN_WAIT_1",
                            "TIME_WAIT")) {
                        assertTrue(svg.contains(label), f + " lacks " + label);
                    }
                }

                // The status page lists the connections (itself live), each with three pictures.
                String page = curl(ns, "/");
                assertTrue(status(page).startsWith("200 text/html"), status(page));
                assertTrue(body(page).contains("<tr class=\"live\">"), body(page));
                Matcher m = Pattern.compile("href=\"(/conn/(\\d+)/(ladder|states|tsg)\\.svg)\"")
                        .matcher(body(page));
                Set<String> ids = new LinkedHashSet<>();
                List<String> links = new ArrayList<>();
                while (m.find()) {
                    ids.add(m.group(2));
                    links.add(m.group(1));
                }
                assertTrue(ids.size() >= 4, "3 closed and the page's own: " + ids);
                assertEquals(3 * ids.size(), links.size(), links.toString());
                for (String link : links) {
                    String got = curl(ns, link);
                    assertEquals("200 image/svg+xml", status(got), link);
                    wellFormed(body(got));
                }
                String tsg = body(curl(ns, "/conn/1/tsg.svg"));
                assertTrue(tsg.contains("10.7.0.2:8080"), tsg);
                String states = body(curl(ns, "/conn/1/states.svg"));
                assertTrue(states.contains("the states jtcp went through (connection #1)"), states);
                for (String odd : List.of(
                        "/conn/999999/ladder.svg",
                        "/conn/999999999999999999/ladder.svg",
                        "/conn/99999999999999999999999/ladder.svg",
                        "/conn/-1/ladder.svg",
                        "/conn/1/../ladder.svg",
                        "/conn/1/ladder.svg/",
                        "/conn/1/ladder.png",
                        "/conn//ladder.svg",
                        "/conn/1%2f/tsg.svg",
                        "/conn/")) {
                    assertTrue(status(curl(ns, odd)).startsWith("404 "), odd);
                }
                // Still serving after all that.
                assertTrue(status(curl(ns, "/conn/1/ladder.svg")).startsWith("200 "));
            } finally {
                stop(serve);
            }
        }
    }

    @Test
    void shouldStopWritingAtFileCapAndCountTheRest() throws Exception {
        try (TestNetns ns = new TestNetns("livecap")) {
            Path dir = tmp.resolve("capped");
            Process serve = serve(ns, "--ladder", dir.toString(), "--ladder-max-files", "50");
            try {
                ns.exec(
                                90,
                                "sh",
                                "-c",
                                "for i in $(seq 200); do curl -sS --fail -o /dev/null -m 10 "
                                        + "http://10.7.0.2:8080/bytes/100 || exit 1; done")
                        .expectSuccess();
                String page = "";
                Pattern counts = Pattern.compile("written=(\\d+) bytes=\\d+ skipped.cap=(\\d+) skipped.queue=(\\d+)");
                long written = 0;
                long skipped = 0;
                for (int i = 0; i < 50 && written + skipped < 200; i++) {
                    Thread.sleep(200);
                    page = body(curl(ns, "/"));
                    Matcher m = counts.matcher(page);
                    assertTrue(m.find(), page);
                    written = Long.parseLong(m.group(1));
                    skipped = Long.parseLong(m.group(2)) + Long.parseLong(m.group(3));
                }
                assertEquals(50, written, page);
                assertTrue(skipped >= 150, page);
                assertEquals(50, svgs(dir).size());
            } finally {
                stop(serve);
            }
        }
    }
}
