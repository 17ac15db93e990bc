package io.jtcp.tun;

import io.jtcp.tun.TunTestSupport.Result;
import io.jtcp.tun.TunTestSupport.TestNetns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real servers the kernel runs inside a test's namespace, bound to the kernel's side of the TUN
 * link ({@code 10.7.0.1}): python's threaded http.server, PostgreSQL (Debian's {@code
 * postgresql}, run as the {@code postgres} user with trust auth for 10.7.0.0/16) and {@code
 * redis-server}. Every process started here is stopped by {@link #close()}, by its own PID; the
 * namespace's cleanup kills anything left over.
 */
final class KernelServers implements AutoCloseable {
    static final String KERNEL = "10.7.0.1";
    static final int HTTP_PORT = 8000;
    static final int PG_PORT = 5432;
    static final int REDIS_PORT = 6379;
    /** Debian's postgresql puts the server under its major version: the newest installed. */
    static final Path PG_BIN = postgresBin();

    private final TestNetns ns;
    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private Path pgData;

    /** {@code dir} is created here and deleted by {@link #close()}. */
    KernelServers(TestNetns ns, Path dir) throws IOException {
        this.ns = ns;
        this.dir = Files.createDirectories(dir);
        // The postgres user must reach its data directory below it (temp directories are 0700).
        Files.setPosixFilePermissions(this.dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The directory http.server serves. */
    Path www() throws IOException {
        return Files.createDirectories(dir.resolve("www"));
    }

    /**
     * A ThreadingHTTPServer with an accept backlog of 256 (http.server's default is 5: a hundred
     * clients at once would wait out SYN retransmissions) serving {@link #www()}.
     */
    void startHttp() throws Exception {
        String script = "import http.server, functools, sys\n"
                + "class S(http.server.ThreadingHTTPServer):\n"
                + "    request_queue_size = 256\n"
                + "    daemon_threads = True\n"
                + "h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])\n"
                + "S(('" + KERNEL + "', " + HTTP_PORT + "), h).serve_forever()\n";
        start("http.log", "python3", "-c", script, www().toString());
        TunTestSupport.awaitListening(ns, HTTP_PORT);
    }

    private static Path postgresBin() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("postgres")))
                    .max(Comparator.comparing(b -> b.getParent().getFileName().toString(), KernelServers::byVersion))
                    .orElse(Path.of("/usr/lib/postgresql/15/bin"));
        } catch (IOException e) {
            return Path.of("/usr/lib/postgresql/15/bin");
        }
    }

    private static int byVersion(String a, String b) {
        return a.matches("\\d+") && b.matches("\\d+")
                ? Integer.compare(Integer.parseInt(a), Integer.parseInt(b))
                : a.compareTo(b);
    }

    /** True when PostgreSQL's server binaries are installed. */
    static boolean havePostgres() {
        return Files.isExecutable(PG_BIN.resolve("postgres"));
    }

    /** True when redis-server is installed. */
    static boolean haveRedis() {
        return Files.isExecutable(Path.of("/usr/bin/redis-server"));
    }

    /**
     * initdb as the {@code postgres} user (it refuses root) into a directory it owns, then postgres
     * in the namespace on {@value #PG_PORT}, durability off (a test database), 150 connections.
     */
    void startPostgres() throws Exception {
        Path pg = Files.createDirectories(dir.resolve("pg"));
        pgData = pg.resolve("data");
        TunTestSupport.run(10, "chown", "postgres:postgres", pg.toString()).expectSuccess();
        TunTestSupport.run(
                        60,
                        "runuser",
                        "-u",
                        "postgres",
                        "--",
                        PG_BIN.resolve("initdb").toString(),
                        "-A",
                        "trust",
                        "-U",
                        "postgres",
                        "--no-sync",
                        "-E",
                        "UTF8",
                        "--locale=C",
                        "-D",
                        pgData.toString())
                .expectSuccess();
        Files.writeString(
                pgData.resolve("pg_hba.conf"),
                "local all all trust\nhost all all 10.7.0.0/16 trust\n",
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
        start(
                "postgres.log",
                "runuser",
                "-u",
                "postgres",
                "--",
                PG_BIN.resolve("postgres").toString(),
                "-D",
                pgData.toString(),
                "-k",
                pg.toString(),
                "-h",
                KERNEL,
                "-p",
                Integer.toString(PG_PORT),
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=150",
                "-c",
                "shared_buffers=16MB");
        TunTestSupport.awaitListening(ns, PG_PORT);
    }

    /** redis-server in the namespace on {@value #REDIS_PORT}, no persistence. */
    void startRedis() throws Exception {
        start(
                "redis.log",
                "redis-server",
                "--bind",
                KERNEL,
                "--port",
                Integer.toString(REDIS_PORT),
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "no",
                "--dir",
                Files.createDirectories(dir.resolve("redis")).toString());
        TunTestSupport.awaitListening(ns, REDIS_PORT);
    }

    private void start(String log, String... command) throws IOException {
        processes.add(new ProcessBuilder(ns.command(command))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(log).toFile())
                .start());
    }

    /** A server's log, for assertion messages. */
    String log(String name) {
        try {
            return Files.readString(dir.resolve(name));
        } catch (IOException e) {
            return "(no " + name + ")";
        }
    }

    @Override
    public void close() {
        if (pgData != null && Files.exists(pgData.resolve("postmaster.pid"))) {
            // SIGINT: postgres's fast shutdown, so its children go too; the postmaster is ours.
            try {
                String pid = Files.readAllLines(pgData.resolve("postmaster.pid"))
                        .get(0)
                        .strip();
                if (pid.matches("\\d+")) {
                    Result r = TunTestSupport.run(5, "kill", "-INT", pid);
                    for (int i = 0;
                            i < 50 && r.exitCode() == 0 && Files.exists(pgData.resolve("postmaster.pid"));
                            i++) {
                        Thread.sleep(100);
                    }
                }
            } catch (IOException e) {
                // Gone already.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(3, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Left in /tmp.
        }
    }
}
