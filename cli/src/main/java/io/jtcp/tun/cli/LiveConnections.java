package io.jtcp.tun.cli;

import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.tun.StackLoop;
import io.jtcp.tun.service.HttpRoutes;
import io.jtcp.tun.service.StatusPage;
import io.jtcp.viz.live.LivePictures;
import io.jtcp.viz.live.LiveRecorder;
import io.jtcp.viz.live.Recording;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code serve}'s live pictures: the bounded {@link LiveRecorder} on the stack's tracer, the last
 * closed connections, {@code --ladder DIR}'s writer, and the status page's links to each
 * connection's ladder, state diagram and time-sequence graph ({@code /conn/ID/ladder.svg},
 * {@code states.svg}, {@code tsg.svg}). The loop keeps the record, lists it and copies a
 * connection's part out on request; drawing (tens of milliseconds for a full record) happens on a
 * painter thread behind a queue of {@value #PAINT_QUEUE} requests (more get a 503), and the files
 * on {@link LadderFiles}' writer thread.
 */
final class LiveConnections implements HttpRoutes, AutoCloseable {
    /** Between sweeps, which hand closed connections on (a closed one waits one to two periods). */
    static final long SWEEP_MS = 250;
    /** Live connections the status page lists at most. */
    static final int MAX_LISTED = 100;
    /** Picture requests waiting to be drawn at most; more get a 503. */
    static final int PAINT_QUEUE = 16;

    private static final Pattern PICTURE = Pattern.compile("/conn/(\\d{1,18})/(ladder|states|tsg)\\.svg");
    private static final String SVG = "image/svg+xml";

    final LiveRecorder recorder;
    private final ArrayDeque<Recording> recent = new ArrayDeque<>();
    private final int maxRecent;
    private final LadderFiles files;
    private ScheduledExecutorService sweeper;
    private StackLoop loop;
    /** Draws the pictures the status page links to, PAINT_QUEUE requests behind at most. */
    private final ThreadPoolExecutor painter =
            new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(PAINT_QUEUE), r -> {
                Thread t = new Thread(r, "jtcp-pictures-painter");
                t.setDaemon(true);
                return t;
            });
    /** Picture requests answered 503 because PAINT_QUEUE were waiting (loop thread). */
    long paintRefused;

    LiveConnections(PictureOptions o, PrintStream warn) {
        this.maxRecent = o.recent;
        this.files = o.ladderDir == null ? null : new LadderFiles(o.ladderDir, o.maxFiles, o.maxMiB << 20, warn);
        this.recorder = new LiveRecorder(
                o.maxSegments,
                o.maxConnections,
                System.nanoTime(),
                System.currentTimeMillis() * 1_000_000L,
                this::finished);
    }

    /** Starts the sweeps on {@code loop}. */
    void start(StackLoop loop) {
        this.loop = loop;
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jtcp-pictures-sweep");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleAtFixedRate(
                () -> {
                    try {
                        loop.execute(recorder::sweep);
                    } catch (IllegalStateException stopped) {
                        // the loop has stopped: close() hands the rest on
                    }
                },
                SWEEP_MS,
                SWEEP_MS,
                TimeUnit.MILLISECONDS);
    }

    /** Loop thread. */
    private void finished(Recording r) {
        if (maxRecent > 0) {
            if (recent.size() == maxRecent) {
                recent.removeFirst();
            }
            recent.addLast(r);
        }
        if (files != null) {
            files.offer(r);
        }
    }

    @Override
    public void get(String path, Consumer<Page> reply) {
        Matcher m = PICTURE.matcher(path);
        if (!m.matches()) {
            reply.accept(null);
            return;
        }
        Recording r = find(Long.parseLong(m.group(1)));
        if (r == null) {
            reply.accept(null);
            return;
        }
        Function<Recording, String> draw =
                switch (m.group(2)) {
                    case "ladder" -> LivePictures::ladder;
                    case "states" -> LivePictures::states;
                    default -> LivePictures::tsg;
                };
        // Drawing a full record takes tens of milliseconds: on the painter thread, never the loop's.
        try {
            painter.execute(() -> {
                Page page;
                try {
                    page = Page.ok(SVG, draw.apply(r).getBytes(StandardCharsets.UTF_8));
                } catch (RuntimeException e) {
                    page = new Page(500, "text/plain", ("cannot draw " + path + "\n").getBytes(StandardCharsets.UTF_8));
                }
                Page answer = page;
                try {
                    loop.execute(() -> reply.accept(answer));
                } catch (IllegalStateException stopped) {
                    // the loop has stopped: nobody waits for the page
                }
            });
        } catch (RejectedExecutionException busy) {
            paintRefused++;
            reply.accept(new Page(
                    503, "text/plain", "busy drawing other pictures, try again\n".getBytes(StandardCharsets.UTF_8)));
        }
    }

    private Recording find(long id) {
        for (Iterator<Recording> it = recent.descendingIterator(); it.hasNext(); ) {
            Recording r = it.next();
            if (r.id() == id) {
                return r;
            }
        }
        return recorder.find(id);
    }

    @Override
    public void statusSection(StringBuilder sb) {
        List<LiveRecorder.Entry> live = recorder.live(MAX_LISTED);
        sb.append("<h2>Pictures of connections</h2>\n<p>Live: ")
                .append(recorder.liveCount())
                .append(" recorded now; recent: the last ")
                .append(maxRecent)
                .append(" closed. recorded=")
                .append(recorder.recordedConnections)
                .append(" skipped=")
                .append(recorder.skippedConnections)
                .append(" segmentsElided=")
                .append(recorder.elidedSegments)
                .append(" synsForgotten=")
                .append(recorder.forgottenSyns)
                .append(" picturesRefused=")
                .append(paintRefused);
        if (files != null) {
            sb.append("<br>").append(StatusPage.escape(files.describe()));
        }
        sb.append("</p>\n<table border=\"1\">\n<tr><th>id</th><th>jtcp</th><th>peer</th><th>jtcp's state</th>"
                + "<th>segments</th><th>pictures</th></tr>\n");
        for (LiveRecorder.Entry e : live) {
            row(sb, e, "live");
        }
        for (Iterator<Recording> it = recent.descendingIterator(); it.hasNext(); ) {
            row(sb, it.next().entry(), "closed");
        }
        sb.append("</table>\n");
    }

    private static void row(StringBuilder sb, LiveRecorder.Entry r, String kind) {
        String base = "/conn/" + r.id() + "/";
        sb.append("<tr class=\"").append(kind).append("\"><td>").append(r.id());
        sb.append("</td><td>").append(endpoint(r.local().addr(), r.local().port()));
        sb.append("</td><td>").append(endpoint(r.remote().addr(), r.remote().port()));
        sb.append("</td><td>").append(r.state() == null ? "-" : r.state().name());
        sb.append(kind.equals("live") ? "" : " (closed)");
        sb.append("</td><td>").append(r.segments());
        sb.append("</td><td><a href=\"")
                .append(base)
                .append("ladder.svg\">ladder</a> <a href=\"")
                .append(base)
                .append("states.svg\">states</a> <a href=\"")
                .append(base)
                .append("tsg.svg\">tsg</a></td></tr>\n");
    }

    private static String endpoint(int addr, int port) {
        return Ipv4Header.addressToString(addr) + ":" + port;
    }

    /** One line for the stop report. */
    String describe() {
        return "pictures: recorded=" + recorder.recordedConnections + " skipped=" + recorder.skippedConnections
                + " segmentsElided=" + recorder.elidedSegments + " synsForgotten=" + recorder.forgottenSyns
                + (files == null ? "" : " " + files.describe());
    }

    /** After the loop has stopped: hands on what is still open, writes the queued files (at most 10 s). */
    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        painter.shutdownNow();
        recorder.finishAll();
        if (files != null) {
            files.close();
        }
    }
}
